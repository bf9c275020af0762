"""IAM policy evaluation: pure, explained, compiled once per policy.

The order follows the IAM User Guide ("Policy evaluation logic"; AWS-FACTS.md):

1. A matching explicit ``Deny`` in any policy decides: ``explicit_deny``.
2. A same-account resource-based policy that grants the *session* ARN itself allows,
   whatever the session policy and boundary say (the documented trap).
3. Otherwise an allow must come from the identity policies, or from a resource-based
   policy that names the role (or is public); and, when present, the permissions
   boundary and the session policies must each allow too (intersection).
4. Anything else is ``implicit_deny``.

>>> from policy_engine.parse import parse_policy
>>> role = parse_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
...     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]})
>>> session = parse_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
...     "Action": "s3:*", "Resource": "arn:aws:s3:::docs/acme/*"}]})
>>> evaluate(Request("s3:GetObject", "arn:aws:s3:::docs/acme/a.txt"),
...          identity=[role], session=[session]).decision
'allow'
>>> evaluate(Request("s3:GetObject", "arn:aws:s3:::docs/globex/a.txt"),
...          identity=[role], session=[session]).decision
'implicit_deny'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple, TypeAlias

from . import _glob
from ._conditions import CompiledCondition, compile_condition
from .errors import PolicyParseError, SchemaIssue
from .model import Policy, Principal, Statement

DecisionKind: TypeAlias = Literal["allow", "explicit_deny", "implicit_deny"]
PolicyKindName: TypeAlias = Literal["identity", "session", "boundary", "resource"]
ContextValue: TypeAlias = str | bool | int | float | Sequence[str]

DEFAULT_PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/tenant-role/session"


@dataclass(frozen=True, slots=True)
class Request:
    """One request as IAM sees it.

    ``context`` maps condition keys (case-insensitive) to a value: a string for a
    single-valued key, a list of strings for a multivalued one. An empty list is
    treated as an absent key everywhere (``ForAllValues`` true, ``ForAnyValue``
    false, ``Null: true`` holds): the IAM User Guide gives empty and missing keys the
    same meaning for set operators, and treating them alike for ``Null`` too keeps a
    ``Null: false`` guard from being passed with an empty key set.

    ``principal`` is the caller's ARN; for an assumed role it is the session ARN
    ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME``.
    """

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    principal: str = DEFAULT_PRINCIPAL
    normalised: Mapping[str, tuple[tuple[str, ...], bool]] = field(
        init=False, repr=False, compare=False
    )
    service: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        norm: dict[str, tuple[tuple[str, ...], bool]] = {}
        for key, value in self.context.items():
            if isinstance(value, str | bool | int | float):
                norm[key.lower()] = ((_scalar_text(value),), False)
            elif value:
                norm[key.lower()] = (tuple(_scalar_text(v) for v in value), True)
        object.__setattr__(self, "normalised", norm)
        object.__setattr__(self, "service", self.action.partition(":")[0].lower())


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Which statement decided: its policy, kind, position and Sid."""

    policy: str
    kind: PolicyKindName
    index: int
    sid: str | None
    effect: str

    def __str__(self) -> str:
        label = self.sid if self.sid else f"#{self.index}"
        return f"{self.policy}:{label}"

    def to_json(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "kind": self.kind,
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
        }


class Decision(NamedTuple):
    """The answer, with the statements that decided it and a one-line reason."""

    decision: DecisionKind
    matched: tuple[StatementRef, ...]
    reason: str

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    def to_json(self) -> dict[str, object]:
        return {
            "decision": self.decision,
            "matched": [m.to_json() for m in self.matched],
            "reason": self.reason,
        }


# -- compiled statements ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Glob patterns of one element; literal ones in a set for speed."""

    exact: frozenset[str]
    regexes: tuple[re.Pattern[str], ...]
    dynamic: tuple[tuple[_glob.Token, ...], ...]  # hold variables, resolved per request
    ignore_case: bool
    star: _glob.StarMode
    match_all: bool

    def matches(self, value: str, ctx: Mapping[str, tuple[tuple[str, ...], bool]]) -> bool:
        return self.state(value, ctx) is True

    def static_hit(self, value: str) -> bool:
        """Whether a pattern without variables matches."""
        if self.match_all:
            return True
        if (value.lower() if self.ignore_case else value) in self.exact:
            return True
        return any(r.fullmatch(value) for r in self.regexes)

    def state(self, value: str, ctx: Mapping[str, tuple[tuple[str, ...], bool]]) -> bool | None:
        """True if a pattern matches; False if none does; ``None`` if none does and
        one holds a variable without a value. IAM: "if AWS cannot resolve a variable,
        this might cause the entire statement to be invalid", so a NotResource built
        on such a pattern makes its statement apply to nothing (fail closed)."""
        if self.match_all:
            return True
        probe = value.lower() if self.ignore_case else value
        if probe in self.exact:
            return True
        if any(r.fullmatch(value) for r in self.regexes):
            return True
        unresolved = False
        if self.dynamic:
            lookup = _glob.context_lookup(ctx)
            for tokens in self.dynamic:
                resolved = _glob.resolve(tokens, lookup)
                if resolved is None:
                    unresolved = True
                elif _glob.to_regex(resolved, self.star, ignore_case=self.ignore_case).fullmatch(
                    value
                ):
                    return True
        return None if unresolved else False


def _patterns(
    values: Iterable[str], *, ignore_case: bool, star: _glob.StarMode, variables: bool
) -> _Patterns:
    exact: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    dynamic: list[tuple[_glob.Token, ...]] = []
    match_all = False
    for value in values:
        if value == "*":
            match_all = True
        tokens = _glob.tokenize(value, variables=variables, wildcards=True)
        if _glob.has_variables(tokens):
            dynamic.append(tokens)
            continue
        text = _glob.literal_text(tokens)
        if text is not None:
            exact.add(text.lower() if ignore_case else text)
        else:
            regexes.append(_glob.to_regex(tokens, star, ignore_case=ignore_case))
    return _Patterns(frozenset(exact), tuple(regexes), tuple(dynamic), ignore_case, star, match_all)


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    ref: StatementRef
    allow: bool
    actions: _Patterns
    not_action: bool
    resources: _Patterns | None
    not_resource: bool
    principal: _PrincipalMatcher | None
    not_principal: bool
    conditions: tuple[CompiledCondition, ...]
    source: Statement

    def applies(self, request: Request) -> bool:
        """Whether the statement applies to ``request`` (all elements match)."""
        static = self.static_match(request.action, request.resource, request.principal)
        if static is False:
            return False
        if static is None and not self.dynamic_match(request):
            return False
        return self.conditions_hold(request)

    def static_match(self, action: str, resource: str, principal: str) -> bool | None:
        """Match what does not depend on the request context: the action, literal and
        wildcard resources, the principal. ``None``: the resource element holds a
        policy variable, so the answer waits for :meth:`dynamic_match`."""
        if self.actions.matches(action, _EMPTY) == self.not_action:
            return False
        if self.principal is not None and (self.principal.matches(principal) == self.not_principal):
            return False
        if self.resources is None:
            return True
        if self.resources.dynamic:
            if not self.not_resource and self.resources.static_hit(resource):
                return True
            return None
        return self.resources.static_hit(resource) != self.not_resource

    def dynamic_match(self, request: Request) -> bool:
        assert self.resources is not None
        hit = self.resources.state(request.resource, request.normalised)
        return hit is not None and hit != self.not_resource

    def conditions_hold(self, request: Request) -> bool:
        ctx = request.normalised
        for c in self.conditions:  # noqa: SIM110 - a plain loop is faster on this hot path
            if not c.test(ctx):
                return False
        return True


_EMPTY: Mapping[str, tuple[tuple[str, ...], bool]] = {}


@dataclass(frozen=True, slots=True)
class _PrincipalMatcher:
    """Principal element of a resource-based policy."""

    anyone: bool
    arns: _Patterns
    accounts: frozenset[str]
    services: frozenset[str]

    def matches(self, principal: str) -> bool:
        """Whether the element covers the caller (an account covers its principals)."""
        return self.grants(principal) or _account_of(principal) in self.accounts

    def grants(self, principal: str) -> bool:
        """Whether an Allow grants the caller by itself. Naming an account only
        delegates to that account's identity policies, so it grants nothing alone."""
        if self.anyone or principal in self.services or self.arns.matches(principal, {}):
            return True
        role_arn = _role_arn_of_session(principal)
        return role_arn is not None and self.arns.matches(role_arn, {})

    def names_session(self, principal: str) -> bool:
        """True when the grant names this exact session ARN (not its role)."""
        return (
            not self.anyone
            and self.arns.matches(principal, {})
            and (_role_arn_of_session(principal) is not None)
        )


_SESSION_ARN = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/(.+)$")


def _role_arn_of_session(principal: str) -> str | None:
    m = _SESSION_ARN.match(principal)
    if m is None:
        return None
    return f"arn:{m[1]}:iam::{m[2]}:role/{m[3]}"


def _account_of(principal: str) -> str:
    parts = principal.split(":")
    return parts[4] if len(parts) > 4 else ""


def _principal_matcher(p: Principal) -> _PrincipalMatcher:
    if p.wildcard:
        nothing = _patterns((), ignore_case=False, star="arn", variables=False)
        return _PrincipalMatcher(True, nothing, frozenset(), frozenset())
    aws = p.values("AWS")
    anyone = "*" in aws
    accounts: set[str] = set()
    arns: list[str] = []
    for v in aws:
        if re.fullmatch(r"\d{12}", v):
            accounts.add(v)
        elif re.fullmatch(r"arn:[^:]+:iam::\d{12}:root", v):
            accounts.add(v.split(":")[4])
        else:
            arns.append(v)
    return _PrincipalMatcher(
        anyone,
        _patterns(arns, ignore_case=False, star="arn", variables=False),
        frozenset(accounts),
        frozenset(p.values("Service")),
    )


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A policy compiled for evaluation; statements are indexed by service prefix."""

    name: str
    kind: PolicyKindName
    statements: tuple[CompiledStatement, ...]
    by_service: Mapping[str, tuple[CompiledStatement, ...]]
    wildcard_service: tuple[CompiledStatement, ...]

    def candidates(self, service: str) -> tuple[CompiledStatement, ...]:
        specific = self.by_service.get(service)
        if specific is None:
            return self.wildcard_service
        return specific


def compile_policy(
    policy: Policy, *, name: str = "policy", kind: PolicyKindName = "identity"
) -> CompiledPolicy:
    """Compile once, evaluate many times (cached per policy, name and kind)."""
    return _compile_policy(policy, name, kind)


@lru_cache(maxsize=2048)
def _compile_policy(policy: Policy, name: str, kind: PolicyKindName) -> CompiledPolicy:
    variables = policy.version == "2012-10-17"
    compiled: list[CompiledStatement] = []
    for index, s in enumerate(policy.statements):
        path = f"$.Statement[{index}]" if policy.statement_is_list else "$.Statement"
        actions = s.action if s.action is not None else s.not_action
        if actions is None:
            raise PolicyParseError([SchemaIssue(path, "needs `Action` or `NotAction`")])
        resources = s.resource if s.resource is not None else s.not_resource
        if resources is None and kind != "resource":
            raise PolicyParseError([SchemaIssue(path, "needs `Resource` or `NotResource`")])
        principal = s.principal if s.principal is not None else s.not_principal
        compiled.append(
            CompiledStatement(
                ref=StatementRef(name, kind, index, s.sid, s.effect),
                allow=s.is_allow,
                actions=_patterns(actions, ignore_case=True, star="any", variables=False),
                not_action=s.not_action is not None,
                resources=(
                    _patterns(resources, ignore_case=False, star="arn", variables=variables)
                    if resources is not None
                    else None
                ),
                not_resource=s.not_resource is not None,
                principal=_principal_matcher(principal) if principal is not None else None,
                not_principal=s.not_principal is not None,
                conditions=tuple(
                    compile_condition(
                        c,
                        variables=variables,
                        path=f"{path}.Condition.{c.operator}[{c.key!r}]",
                    )
                    for c in s.conditions
                ),
                source=s,
            )
        )
    # Index: a statement goes under every service its Action names without a wildcard
    # in the service part; NotAction and service wildcards go everywhere.
    services: dict[str, list[CompiledStatement]] = {}
    everywhere: list[CompiledStatement] = []
    for cs in compiled:
        prefixes = _service_prefixes(cs)
        if prefixes is None:
            everywhere.append(cs)
        else:
            for prefix in prefixes:
                services.setdefault(prefix, []).append(cs)
    by_service = {
        svc: tuple(sorted([*stmts, *everywhere], key=lambda c: c.ref.index))
        for svc, stmts in services.items()
    }
    return CompiledPolicy(name, kind, tuple(compiled), by_service, tuple(everywhere))


def _service_prefixes(cs: CompiledStatement) -> set[str] | None:
    if cs.not_action:
        return None
    actions = cs.source.action or ()
    prefixes: set[str] = set()
    for a in actions:
        service, sep, _ = a.partition(":")
        if not sep or "*" in service or "?" in service:
            return None
        prefixes.add(service.lower())
    return prefixes


# -- evaluation ---------------------------------------------------------------------------

PolicyInput: TypeAlias = Policy | CompiledPolicy | tuple[str, Policy]


def _prepare(items: Sequence[PolicyInput], kind: PolicyKindName) -> tuple[CompiledPolicy, ...]:
    out: list[CompiledPolicy] = []
    for i, item in enumerate(items):
        if isinstance(item, CompiledPolicy):
            out.append(item)
        elif isinstance(item, tuple):
            out.append(compile_policy(item[1], name=item[0], kind=kind))
        else:
            out.append(compile_policy(item, name=f"{kind}[{i}]", kind=kind))
    return tuple(out)


_MEMO_LIMIT = 4096


_Candidate: TypeAlias = tuple[int, "CompiledStatement", bool]  # (role, statement, dynamic)


class _Candidates(NamedTuple):
    statements: tuple[_Candidate, ...]
    decision: Decision | None  # set when no candidate depends on the request context
    seen: dict[int, Decision]  # decisions by the set of candidates that applied


class Evaluator:
    """Policies compiled once; :meth:`evaluate` decides requests against them.

    Thread-safe. It remembers, per (action, resource, principal), which statements
    match on everything but conditions and policy variables, so a repeated request
    shape costs only its condition checks (bounded memo, cleared when full).
    """

    __slots__ = ("_memo", "_plans", "boundary", "identity", "resource", "session")

    def __init__(
        self,
        identity: tuple[CompiledPolicy, ...] = (),
        session: tuple[CompiledPolicy, ...] = (),
        boundary: tuple[CompiledPolicy, ...] = (),
        resource: tuple[CompiledPolicy, ...] = (),
    ) -> None:
        self.identity = identity
        self.session = session
        self.boundary = boundary
        self.resource = resource
        self._plans: dict[str, tuple[tuple[int, CompiledStatement], ...]] = {}
        self._memo: dict[tuple[str, str, str], _Candidates] = {}

    @classmethod
    def of(
        cls,
        *,
        identity: Sequence[PolicyInput] = (),
        session: Sequence[PolicyInput] = (),
        boundary: Sequence[PolicyInput] = (),
        resource: Sequence[PolicyInput] = (),
    ) -> Evaluator:
        return cls(
            _prepare(identity, "identity"),
            _prepare(session, "session"),
            _prepare(boundary, "boundary"),
            _prepare(resource, "resource"),
        )

    def _plan(self, service: str) -> tuple[tuple[int, CompiledStatement], ...]:
        plan = self._plans.get(service)
        if plan is None:
            plan = tuple(
                (g, cs)
                for g, group in enumerate(
                    (self.identity, self.session, self.boundary, self.resource)
                )
                for policy in group
                for cs in policy.candidates(service)
            )
            self._plans[service] = plan
        return plan

    def evaluate(self, request: Request) -> Decision:
        key = (request.action, request.resource, request.principal)
        found = self._memo.get(key)
        if found is None:
            matched: list[_Candidate] = []
            for g, cs in self._plan(request.service):
                static = cs.static_match(request.action, request.resource, request.principal)
                role = _role(g, cs, request.principal) if static is not False else None
                if role is not None:
                    matched.append((role, cs, static is None))
            candidates = tuple(matched)
            # Without conditions or variables, the decision depends on the key alone.
            fixed = not any(dyn or cs.conditions for _, cs, dyn in candidates)
            found = _Candidates(
                candidates, self._decide(request, candidates) if fixed else None, {}
            )
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        if found.decision is not None:
            return found.decision
        return self._decide(request, found.statements, found.seen)

    def _decide(
        self,
        request: Request,
        candidates: tuple[_Candidate, ...],
        seen: dict[int, Decision] | None = None,
    ) -> Decision:
        which = 0  # bit i: candidate i applies
        for i, (_, cs, dynamic) in enumerate(candidates):
            if dynamic and not cs.dynamic_match(request):
                continue
            if cs.conditions and not cs.conditions_hold(request):
                continue
            which |= 1 << i
        if seen is not None:
            known = seen.get(which)
            if known is None:
                known = seen[which] = self._conclude(candidates, which)
            return known
        return self._conclude(candidates, which)

    def _conclude(self, candidates: tuple[_Candidate, ...], which: int) -> Decision:
        hits = [(role, cs.ref) for i, (role, cs, _) in enumerate(candidates) if which >> i & 1]
        mask = 0
        for role, _ in hits:
            mask |= 1 << role
        if mask & _BIT_DENY:
            return Decision("explicit_deny", _refs(hits, _BIT_DENY), _REASON_DENY)
        if mask & _BIT_SESSION_GRANT:
            return Decision("allow", _refs(hits, _BIT_SESSION_GRANT), _REASON_SESSION_GRANT)
        if not mask & _BIT_PRINCIPAL:
            return Decision("implicit_deny", (), _REASON_NO_ALLOW)
        if self.boundary and not mask & _BIT_BOUNDARY:
            return Decision("implicit_deny", _refs(hits, _BIT_PRINCIPAL), _REASON_BOUNDARY)
        if self.session and not mask & _BIT_SESSION:
            return Decision(
                "implicit_deny", _refs(hits, _BIT_PRINCIPAL | _BIT_BOUNDARY), _REASON_SESSION
            )
        return Decision("allow", _refs(hits, _BITS_ALLOW), _REASON_ALLOW)


# Roles of a matching statement in the decision.
_IDENTITY, _SESSION, _BOUNDARY, _RESOURCE, _SESSION_GRANT, _DENY = range(6)
_BIT_PRINCIPAL = 1 << _IDENTITY | 1 << _RESOURCE
_BIT_SESSION = 1 << _SESSION
_BIT_BOUNDARY = 1 << _BOUNDARY
_BIT_SESSION_GRANT = 1 << _SESSION_GRANT
_BIT_DENY = 1 << _DENY
_BITS_ALLOW = _BIT_PRINCIPAL | _BIT_SESSION | _BIT_BOUNDARY


def _refs(hits: list[tuple[int, StatementRef]], bits: int) -> tuple[StatementRef, ...]:
    return tuple(ref for role, ref in hits if (1 << role) & bits)


def _role(group: int, cs: CompiledStatement, principal: str) -> int | None:
    """What a matching statement does; ``None`` if it can never count."""
    if not cs.allow:
        return _DENY
    if group != _RESOURCE:
        return group
    grantor = cs.principal
    if grantor is None or cs.not_principal:
        return None  # NotPrincipal with Allow is invalid; it grants nothing
    if grantor.names_session(principal):
        return _SESSION_GRANT
    if grantor.grants(principal):
        return _RESOURCE
    return None  # e.g. an account principal: delegation to IAM, no grant by itself


_REASON_DENY = "an explicit Deny matched"
_REASON_SESSION_GRANT = (
    "a resource-based policy grants the session ARN itself "
    "(not limited by session policies or the boundary)"
)
_REASON_NO_ALLOW = "no identity or resource-based policy statement allows the request"
_REASON_BOUNDARY = "the boundary policy does not allow the request"
_REASON_SESSION = "the session policy does not allow the request"
_REASON_ALLOW = "allowed by every applicable policy kind"


def evaluate(
    request: Request,
    *,
    identity: Sequence[PolicyInput] = (),
    session: Sequence[PolicyInput] = (),
    boundary: Sequence[PolicyInput] = (),
    resource: Sequence[PolicyInput] = (),
) -> Decision:
    """Decide one request. Policies may be :class:`Policy` objects (compiled and
    cached on first use), ``(name, Policy)`` pairs, or :class:`CompiledPolicy`."""
    return Evaluator.of(
        identity=identity, session=session, boundary=boundary, resource=resource
    ).evaluate(request)
