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

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .._parallel import check_jobs, fork_map
from ..catalog import Catalog, ResourceSpec, role_identity
from ..evaluate import Evaluator, Request, compile_policy
from ..model import Policy, policy_from_obj
from ..render import Renderer
from ..tenancy import TenantIdLanguage
from ._checker import _Checker
from ._confirm import _ALLOW_ALL, AttachedEvaluator, scope_resource_policy
from ._report import Counterexample, Status, TierResult, Unknown
from ._strings import TAG_KEY, TIER_TAG_KEY
from ._trust import foreign_trust

# -- entry points --------------------------------------------------------------------------


def check_catalog(
    catalog: Catalog,
    *,
    tiers: Sequence[str] | None = None,
    renderer: Renderer | None = None,
    jobs: int = 1,
) -> dict[str, TierResult]:
    """Check every tier (or the named ones) of a catalogue. The tiers share one
    alphabet (every character of every tier's policies), so the automata and searches
    of the templates they share are built once. ``jobs`` > 1 checks the tiers in that
    many forked worker processes; the results (and their order) are those of the
    serial run. ValueError when ``jobs`` is not a whole number >= 1."""
    jobs = check_jobs(jobs)
    renderer = renderer or Renderer(catalog)
    names = list(tiers) if tiers is not None else list(catalog.tiers)
    hint = _catalogue_chars(catalog, renderer, names)

    def one(name: str) -> TierResult:
        return check_tier(catalog, name, renderer=renderer, sigma_hint=hint)

    if jobs > 1 and len(names) > 1:
        return dict(zip(names, fork_map(one, names, jobs), strict=True))
    return {name: one(name) for name in names}


def _catalogue_chars(catalog: Catalog, renderer: Renderer, tiers: Sequence[str]) -> frozenset[str]:
    chars: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            chars.update(value)
        elif isinstance(value, Mapping):
            for k, v in value.items():
                chars.update(str(k))
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for name in tiers:
        chars.update(name)
        walk(renderer.symbolic_tier(name).document)
        walk(list(role_documents(catalog, name, renderer=renderer).values()))
        if catalog.tier(name).api_templates:
            walk(renderer.symbolic_api(name).document)
    walk(list(resource_documents(catalog, renderer=renderer).values()))
    return frozenset(chars)


def check_tier(
    catalog: Catalog,
    tier: str,
    *,
    renderer: Renderer | None = None,
    sigma_hint: frozenset[str] = frozenset(),
) -> TierResult:
    """Check one tier against the catalogue's whole resource model: the credentials
    (role and session policies) and, when the tier has API templates, the routes its
    authorizer policy opens on the ``execute-api`` resources."""
    renderer = renderer or Renderer(catalog)
    tier_obj = catalog.tier(tier)
    session = renderer.symbolic_tier(tier).document
    roles = (
        {} if role_undeclared(catalog, tier) else role_documents(catalog, tier, renderer=renderer)
    )
    role_name = tier_obj.role_arn.rsplit("/", 1)[-1]
    # the sessions' account is their role's (aws:PrincipalAccount, the session ARN),
    # not the catalogue's `account_id` constant, which may name another account
    account = tier_obj.account
    result = check_isolation(
        session,
        roles,
        # every resource, the API's routes too: a tier's IAM credentials call the
        # routes of methods with IAM authorization, where the API's resource policy may
        # grant the tier role what the session policy then narrows (attack review
        # 10b-02); the authorizer's policy is checked against them by check_api
        list(catalog.resources.values()),
        catalog.language,
        tier=tier,
        account=account,
        role_name=role_name,
        examples=catalog.examples,
        resource_policies=resource_documents(catalog, renderer=renderer),
        role_arn=tier_obj.role_arn,
        sigma_hint=sigma_hint,
        trust_policies=trust_documents(catalog, renderer=renderer),
        vendors=catalog.vendor_roles,
    )
    if tier_obj.api_templates:
        api = check_api(catalog, tier, renderer=renderer, sigma_hint=sigma_hint)
        result = _merge(result, api)
    return result


def check_api(
    catalog: Catalog,
    tier: str,
    *,
    renderer: Renderer | None = None,
    sigma_hint: frozenset[str] = frozenset(),
) -> TierResult:
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
    # The API's own resource policy joins the authorizer's: with a Lambda authorizer,
    # a route the authorizer's policy is silent on is allowed when the resource policy
    # allows it (API Gateway developer guide, "How API Gateway resource policies affect
    # authorization workflow", Table A), so its grants to `*` reach every tenant.
    names = {r.name for r in apis}
    policies = {
        name: doc
        for name, doc in resource_documents(catalog, renderer=renderer).items()
        if name in names
    }
    result = check_isolation(
        document,
        [],
        apis,
        catalog.language,
        tier=tier,
        examples=catalog.examples,
        session_tags=False,
        sigma_hint=sigma_hint,
        resource_policies=policies,
    )
    label = f"api({tier})"
    violations = tuple(
        replace(
            v,
            statements=tuple(
                replace(ref, policy=label, kind="identity") if ref.policy == "session" else ref
                for ref in v.statements
                if ref.policy == "session" or ref.kind == "resource"
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
    resource_policies: Mapping[str, Mapping[str, Any]] | None = None,
    role_arn: str | None = None,
    sigma_hint: frozenset[str] = frozenset(),
    trust_policies: Mapping[str, Mapping[str, Any]] | None = None,
    vendors: Sequence[str] = (),
) -> TierResult:
    """Check one session policy (with :data:`TENANT_MARKER` where the tenant ID goes)
    and the role's policies (which may use ``${aws:PrincipalTag/TenantId}``) against a
    resource model (a list, or a mapping from names used in counterexamples). With no
    role policies the role is taken to allow everything.
    ``session_tags`` says whether the requests carry the session tags ``TenantId`` and
    ``Tier`` (vended credentials do; an API Gateway authorizer policy does not).
    ``resource_policies`` maps a resource of the model (by name) to the resource-based
    policy attached to it; its grants to the role's sessions count too, those to the
    session itself (``*``, the session ARN) without the session policy's limits.
    ``trust_policies`` maps role ARNs to their trust policies; ``vendors`` are the ARNs
    of the roles that run the credential vendor. Every other principal the trust
    policy of the tier's role admits mints sessions without the session policy (and
    with tags it may choose): the role's own policies must then isolate tenants for
    those sessions too, else the result is unknown, naming the trust statement."""
    started = time.perf_counter()
    args = (resources, language, tier, account, role_name, examples)
    checker = _Checker(
        session,
        roles,
        *args,
        session_tags,
        resource_policies,
        role_arn,
        sigma_hint,
        trust_policies,
    )
    violations, unknown, checks = checker.run()
    if session_tags and trust_policies:
        extra, more = _foreign_sessions(
            checker.role_arn,
            trust_policies,
            vendors,
            roles,
            args,
            resource_policies,
            sigma_hint,
            {u.statement for u in unknown if u.statement is not None},
        )
        unknown += extra
        checks += more
    return TierResult(tier, violations, unknown, checks, time.perf_counter() - started)


def _foreign_sessions(
    role_arn: str,
    trust_policies: Mapping[str, Mapping[str, Any]],
    vendors: Sequence[str],
    roles: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    args: tuple[Any, ...],
    resource_policies: Mapping[str, Mapping[str, Any]] | None,
    sigma_hint: frozenset[str],
    reported: set[Any],
) -> tuple[tuple[Unknown, ...], int]:
    """The trust statements of the tier's role that admit principals other than the
    vendor, each ``unknown`` unless the role's own policies, with no session policy
    and no session tags the proof can rely on, are proved isolated; and the checks
    that took."""
    document = trust_policies.get(role_arn)
    if document is None:
        return (), 0
    name = role_arn.rsplit("/", 1)[-1]
    foreign = [
        f
        for f in foreign_trust(document, f"trust({name})", vendors)
        if f.ref not in reported  # already unknown (a service principal)
    ]
    if not foreign:
        return (), 0
    docs = list(roles.values()) if isinstance(roles, Mapping) else list(roles)
    resources, language, tier, account, role_name, examples = args
    wide = _Checker(
        _own_grants(docs),
        roles,
        resources,
        language,
        tier,
        account,
        role_name,
        examples,
        False,  # tags: chosen by the principal, or none; the proof relies on neither
        resource_policies,
        role_arn,
        sigma_hint,
        trust_policies,
    )
    wide.vended = True  # escalation, star-only actions, deputies: as for vended sessions
    violations, unknown, checks = wide.run()
    if not violations and not unknown:
        return (), checks
    if violations:
        cx = violations[0]
        refs = ", ".join(str(r) for r in cx.statements if r.policy != "session")
        reason = f"`{cx.action}` on `{cx.resource}` is allowed (by {refs or 'the role'})"
    else:
        reason = unknown[0].describe()
    more = len(violations) + len(unknown) - 1
    if more:
        reason += f" (and {more} more)"
    declared = (
        ""
        if vendors
        else "; the catalogue declares no `vendor_roles`, so no principal is taken for "
        "the credential vendor"
    )
    out = tuple(
        Unknown(
            f"trust({name})",
            f"the trust policy of role `{name}` lets {f.who} mint sessions of it "
            f"({', '.join(f.actions)}) without the credential vendor{declared}: such "
            "sessions carry no session policy"
            + (" and tags of the caller's choosing" if f.tags else "")
            + f", and the role's own policies do not isolate tenants for them: {reason}",
            f"{f.ref}",
            f.ref,
        )
        for f in foreign
    )
    return out, checks


def _own_grants(docs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A session policy that limits nothing the role allows: the role's own Allow
    statements (so the checks of what a session grants see the role's actions), or
    everything when the role is not modelled or its documents mix policy versions."""
    everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    versions = {d.get("Version") for d in docs}
    if not docs or versions != {"2012-10-17"}:
        return {"Version": "2012-10-17", "Statement": [everything]}
    allows = []
    for d in docs:
        raw = d.get("Statement", [])
        allows += [
            st for st in (raw if isinstance(raw, list) else [raw]) if st.get("Effect") == "Allow"
        ]
    return {"Version": "2012-10-17", "Statement": allows or [everything]}


def effective_evaluator(
    catalog: Catalog, tier: str, tenant: str, *, renderer: Renderer | None = None
) -> Evaluator:
    """An evaluator for tenant ``tenant``'s effective policy in ``tier``: the tier
    role's policies (and those of tiers sharing the role) as identity policies, the
    tier's session policy for the tenant, and the model's resource policies (each
    ``Resource: "*"`` read as its own resource, and consulted only for requests on
    the resource it is attached to). Use it with :func:`as_tenant` so the
    request carries the session tags."""
    renderer = renderer or Renderer(catalog)
    session = renderer.render_tier(tenant, tier)
    roles: dict[str, Policy] = {}
    for sharer in [] if role_undeclared(catalog, tier) else role_sharers(catalog, tier):
        for name, policy in renderer.render_role_policies(sharer).items():
            if policy not in roles.values():
                roles[name if sharer == tier else f"{name} (tier {sharer})"] = policy
    identity = [compile_policy(p, name=n, kind="identity") for n, p in roles.items()]
    attached = tuple(
        (
            compile_policy(
                policy_from_obj(scope_resource_policy(doc, catalog.resources[name])),
                name=f"resource({name})",
                kind="resource",
            ),
            catalog.resources[name],
        )
        for name, doc in resource_documents(catalog, renderer=renderer).items()
    )
    return AttachedEvaluator(
        tuple(identity) or (_ALLOW_ALL,),
        (compile_policy(session, name=f"session({tier})", kind="session"),),
        attached,
    )


def resource_documents(
    catalog: Catalog, *, renderer: Renderer | None = None
) -> dict[str, Mapping[str, Any]]:
    """The resource-based policies of the model's resources, by resource name."""
    renderer = renderer or Renderer(catalog)
    out: dict[str, Mapping[str, Any]] = {}
    for name in catalog.resources:
        policy = renderer.resource_policy(name)
        if policy is not None:
            out[name] = policy.document
    return out


def trust_documents(
    catalog: Catalog, *, renderer: Renderer | None = None
) -> dict[str, Mapping[str, Any]]:
    """The trust policies of the catalogue's tier roles, by role ARN: each is a
    resource policy on its role, and one that lets a tenant's session assume a tier
    role again (with other tags) is an escalation. Tiers that share a role (one
    :func:`~policy_engine.catalog.role_identity`: the ARNs may differ in case or path) and render
    different trust policies for it (one of them is deployed) give the role every
    Allow of them and none of their Denies: who may take it on is read widest, and no
    Deny of one policy fences another's grants."""
    renderer = renderer or Renderer(catalog)
    found: dict[str, list[Mapping[str, Any]]] = {}
    arns: dict[str, list[str]] = {}  # the role ARNs of each role, as the tiers write them
    for name, tier in catalog.tiers.items():
        if tier.trust_template is not None:
            role = role_identity(tier.role_arn)
            document = renderer.symbolic(tier.trust_template, name).document
            docs = found.setdefault(role, [])
            if document not in docs:
                docs.append(document)
            if tier.role_arn not in arns.setdefault(role, []):
                arns[role].append(tier.role_arn)
    out: dict[str, Mapping[str, Any]] = {}
    for role, docs in found.items():
        if len(docs) == 1:
            out.update(dict.fromkeys(arns[role], docs[0]))
            continue
        out.update(dict.fromkeys(arns[role], allows_of(docs)))
    return out


def allows_of(docs: Sequence[Mapping[str, Any]], *, services: bool = True) -> dict[str, Any]:
    """One policy of the Allow statements of ``docs`` (none of their Denies: no Deny
    of one policy fences another's grants); with ``services`` false, each statement
    without its AWS service principals (and left out when it names no other
    principal)."""
    allows: list[Mapping[str, Any]] = []
    for document in docs:
        raw = document.get("Statement")
        for st in raw if isinstance(raw, list) else [raw]:
            if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
                continue
            principal = st.get("Principal")
            if not services and isinstance(principal, Mapping):
                others = {k: v for k, v in principal.items() if k != "Service"}
                if not others:
                    continue
                st = {**st, "Principal": others}
            allows.append(st)
    version = docs[0].get("Version", "2012-10-17") if docs else "2012-10-17"
    return {"Version": version, "Statement": allows}


def role_sharers(catalog: Catalog, tier: str) -> list[str]:
    """The tiers whose sessions assume the same role as ``tier`` (itself first): role
    ARNs of one :func:`~policy_engine.catalog.role_identity`, in any case or path. The
    deployed role carries every one of their role policies, so each of them is
    checked against all of those policies."""
    role = role_identity(catalog.tier(tier).role_arn)
    return [tier] + [
        t for t, obj in catalog.tiers.items() if t != tier and role_identity(obj.role_arn) == role
    ]


def role_undeclared(catalog: Catalog, tier: str) -> bool:
    """Whether the role ``tier`` assumes has policies the catalogue does not declare: a
    tier sharing the role (:func:`role_sharers`, itself included) lists no role
    templates. Such a tier is checked as if its role allowed everything, and so is
    every tier on the same role: one role carries one set of policies, and what the
    catalogue leaves open for one of its tiers it leaves open for all."""
    return any(not catalog.tier(t).role_templates for t in role_sharers(catalog, tier))


def role_documents(
    catalog: Catalog, tier: str, *, renderer: Renderer | None = None
) -> dict[str, Mapping[str, Any]]:
    """The identity policies of the role ``tier`` assumes (symbolic documents), by
    template name, including those that tiers sharing the role put on it. A role
    template that names the tenant is refused (:class:`TemplateError`): the deployed
    role has no tenant to put there."""
    renderer = renderer or Renderer(catalog)
    out: dict[str, Mapping[str, Any]] = {}
    for sharer in role_sharers(catalog, tier):
        for name in catalog.tier(sharer).role_templates:
            document = renderer.symbolic_role(name, sharer).document
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


__all__ = [
    "Counterexample",
    "Status",
    "TierResult",
    "Unknown",
    "as_tenant",
    "check_api",
    "check_catalog",
    "check_isolation",
    "check_tier",
    "effective_evaluator",
]
