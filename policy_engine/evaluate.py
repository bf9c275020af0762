"""IAM policy evaluation: pure, explained, compiled once per policy.

The order follows the IAM User Guide ("Policy evaluation logic", "Cross-account policy
evaluation logic", "Principal"; AWS-FACTS.md):

1. A matching explicit ``Deny`` in any policy decides: ``explicit_deny``. A resource
   policy's ``Deny`` with ``NotPrincipal`` applies unless every identity of the caller
   (its account, role and session, or its account and user) is listed, and always
   applies to a caller that has a permissions boundary.
2. Same account: a resource-based policy statement that grants the caller itself (its
   session ARN, IAM user ARN, federated-user ARN, service, or ``"*"``) allows, whatever
   the identity policies, the boundary and the session policies say. One that names
   the role grants every session of the role, but the boundary and the session
   policies still limit it. Otherwise the identity policies must allow, and so must
   the boundary and the session policies when present (intersection). An account
   principal in a same-account resource policy only delegates to the identity side.
3. Cross account (the resource's account differs from the caller's): the identity
   side (identity policies, boundary, session policies) must allow *and* a resource
   policy statement must grant the caller, its role, or its account.
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple, TypeAlias, get_args

from . import _glob
from ._conditions import CompiledCondition, compile_condition
from .errors import PolicyEngineError, PolicyParseError, SchemaIssue
from .model import Policy, Principal, Statement

DecisionKind: TypeAlias = Literal["allow", "explicit_deny", "implicit_deny"]
PolicyKindName: TypeAlias = Literal["identity", "session", "boundary", "resource"]
ContextValue: TypeAlias = str | bool | int | float | Sequence[str]

DEFAULT_PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/tenant-role/session"

PrincipalKind: TypeAlias = Literal["session", "federated", "user", "root", "service"]


class InvalidRequest(PolicyEngineError, ValueError):
    """A request (or its pairing with policies) that IAM could never see."""


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal that makes a request, parsed from its ARN (or service name).

    ``kind`` is ``session`` (an assumed-role session), ``federated`` (an STS
    federated-user session), ``user`` (an IAM user), ``root`` (an account's root
    user) or ``service`` (an AWS service principal). ``role`` is the role of a session
    as (partition, account, role name); ``account`` is ``None`` for a service.
    """

    arn: str
    kind: PrincipalKind
    account: str | None
    role: tuple[str, str, str] | None = None

    @property
    def is_session(self) -> bool:
        return self.kind in ("session", "federated")

    def identities(self) -> tuple[str, ...]:
        """What a NotPrincipal must list to exempt this caller (IAM User Guide,
        "NotPrincipal": AWS may check the account, then the role, then the session)."""
        if self.kind == "service":
            return (self.arn,)
        out = [f"account:{self.account}"]
        if self.role is not None:
            out.append("role:" + ":".join(self.role))
        if self.kind != "root":
            out.append(self.arn)
        return tuple(out)


_NAME = r"[\w+=,.@-]+"
_CALLER_FORMS: tuple[tuple[re.Pattern[str], PrincipalKind], ...] = (
    (re.compile(rf"arn:([a-z-]+):sts::(\d{{12}}):assumed-role/({_NAME})/{_NAME}"), "session"),
    (re.compile(rf"arn:([a-z-]+):sts::(\d{{12}}):federated-user/{_NAME}"), "federated"),
    (re.compile(rf"arn:([a-z-]+):iam::(\d{{12}}):user/(?:[!-~]*/)?{_NAME}"), "user"),
    (re.compile(r"arn:([a-z-]+):iam::(\d{12}):root"), "root"),
)
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?")
_ACCOUNT = re.compile(r"\d{12}")

_CALLER_HELP = (
    "a caller is an assumed-role session `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, "
    "a federated user `arn:aws:sts::ACCOUNT:federated-user/NAME`, an IAM user "
    "`arn:aws:iam::ACCOUNT:user/NAME`, an account root `arn:aws:iam::ACCOUNT:root`, or a "
    "service principal such as `s3.amazonaws.com`"
)


#: Bound of the per-principal caches of parsed callers (:func:`parse_caller`, and the
#: context keys a caller carries).
CALLER_CACHE_SIZE = 1024


@lru_cache(maxsize=CALLER_CACHE_SIZE)
def parse_caller(principal: str) -> Caller:
    """Parse the caller of a request; :class:`InvalidRequest` names the accepted forms."""
    if "*" not in principal and "?" not in principal:
        for pattern, kind in _CALLER_FORMS:
            m = pattern.fullmatch(principal)
            if m is not None:
                role = (m[1], m[2], m[3]) if kind == "session" else None
                return Caller(principal, kind, m[2], role)
        if _SERVICE.fullmatch(principal):
            return Caller(principal, "service", None)
    hint = ""
    if re.fullmatch(r"arn:[a-z-]+:iam::\d{12}:role/.+", principal):
        hint = " (a role makes no request itself: give the ARN of its session)"
    raise InvalidRequest(f"principal `{principal}` is not a caller{hint}: {_CALLER_HELP}")


def account_of_arn(arn: str) -> str | None:
    """The account of an ARN that carries one (S3 bucket ARNs do not)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and _ACCOUNT.fullmatch(parts[4]):
        return parts[4]
    return None


_Normalised: TypeAlias = Mapping[str, tuple[tuple[str, ...], bool]]


@dataclass(frozen=True, slots=True, init=False)
class Request:
    """One request as IAM sees it.

    ``context`` maps condition keys (case-insensitive) to a value: a string for a
    single-valued key, a list of strings for a multivalued one. An empty list is
    treated as an absent key everywhere (``ForAllValues`` true, ``ForAnyValue``
    false, ``Null: true`` holds): the IAM User Guide gives empty and missing keys the
    same meaning for set operators, and treating them alike for ``Null`` too keeps a
    ``Null: false`` guard from being passed with an empty key set.

    ``principal`` is the caller (see :func:`parse_caller`); for an assumed role it is
    the session ARN ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME``.
    ``resource_account`` is the account that owns the resource; ``None`` (the default)
    means the caller's own account. When it differs from the caller's account the
    request is cross-account: the identity side and a resource-based policy must both
    allow. (:func:`account_of_arn` reads it from ARNs that carry one.)

    ``normalised`` is the context with lower-case keys, every value a tuple of
    strings and a multivalued flag, plus the keys the caller carries (read-only:
    requests of one principal without a context share it).
    """

    action: str
    resource: str
    context: Mapping[str, ContextValue]
    principal: str
    resource_account: str | None
    normalised: _Normalised = field(repr=False, compare=False)
    caller: Caller = field(repr=False, compare=False)

    def __new__(
        cls,
        action: str,
        resource: str,
        context: Mapping[str, ContextValue] | None = None,
        principal: str = DEFAULT_PRINCIPAL,
        resource_account: str | None = None,
    ) -> Request:
        # No more work than needed: the caller and the keys it carries are parsed once
        # per principal, and a context is normalised without a call per value.
        if resource_account is None:  # the common case, inline (as Evaluator.decide)
            caller, carried = _CALLERS.get(principal) or _caller_info(principal)
        else:
            caller, carried = _caller_of(principal, resource_account)
        normalised: _Normalised
        if context is None:
            context = {}
            normalised = carried
        elif not context:
            normalised = carried
        else:
            normalised = _normalise(context, carried)
        # A frozen dataclass sets each field through object.__setattr__, which costs
        # more than the rest of this method. So the fields are set on a mutable twin
        # with the same slots, which then becomes a Request: the same frozen object,
        # built at plain attribute speed.
        self: Any
        if cls is Request:
            self = _RequestSlots()
            self.action = action
            self.resource = resource
            self.context = context
            self.principal = principal
            self.resource_account = resource_account
            self.normalised = normalised
            self.caller = caller
            self.__class__ = Request
            return self  # type: ignore[no-any-return]
        self = object.__new__(cls)  # a subclass may add slots: set each field
        for name, item in zip(
            Request.__slots__,
            (action, resource, context, principal, resource_account, normalised, caller),
            strict=True,
        ):
            object.__setattr__(self, name, item)
        return self  # type: ignore[no-any-return]

    def __getnewargs__(self) -> tuple[object, ...]:
        """What :meth:`__new__` takes (copy and pickle rebuild a request with it)."""
        return (self.action, self.resource, self.context, self.principal, self.resource_account)

    @property
    def service(self) -> str:
        """The service prefix of the action, lower-case (``s3`` for ``S3:GetObject``)."""
        return self.action.partition(":")[0].lower()

    @property
    def same_account(self) -> bool:
        """Whether the resource is in the caller's account (services: always)."""
        account = self.caller.account
        return self.resource_account is None or account is None or self.resource_account == account


class _RequestSlots:
    """The mutable twin :meth:`Request.__new__` fills (same slots, same layout)."""

    __slots__ = Request.__slots__


def _normalise(
    context: Mapping[str, ContextValue], carried: dict[str, tuple[tuple[str, ...], bool]]
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """A non-empty context normalised (see :class:`Request`), without a call per value,
    over the keys every request of the principal carries (IAM User Guide, "AWS global
    condition context keys"); keys given in ``context`` win."""
    norm = carried.copy()
    for key, value in context.items():
        lower = _LOWER.get(key)
        if lower is None:
            lower = _lower(key)
        if type(value) is str:
            norm[lower] = ((value,), False)
        elif type(value) is list or type(value) is tuple:
            if value:  # an empty list is an absent key
                values = tuple(value)
                for v in values:
                    if type(v) is not str:
                        values = tuple([_scalar_text(v) for v in values])
                        break
                norm[lower] = (values, True)
        elif isinstance(value, str | bool | int | float):
            norm[lower] = ((_scalar_text(value),), False)
        elif value:
            norm[lower] = (tuple([_scalar_text(v) for v in value]), True)
    return norm


#: :func:`_caller_info` by principal, at most :data:`CALLER_CACHE_SIZE` (a plain dict
#: read inline by :class:`Request`; emptied when full).
_CALLERS: dict[str, tuple[Caller, dict[str, tuple[tuple[str, ...], bool]]]] = {}


def _caller_of(
    principal: str, resource_account: str | None
) -> tuple[Caller, dict[str, tuple[tuple[str, ...], bool]]]:
    """The caller of a request and the keys it carries, once the resource account is
    checked (:class:`Request` and :meth:`Evaluator.decide` alike)."""
    if resource_account is not None and not _ACCOUNT.fullmatch(resource_account):
        raise InvalidRequest(f"resource account `{resource_account}` is not a 12-digit account ID")
    info = _CALLERS.get(principal)
    return info if info is not None else _caller_info(principal)


def _caller_info(principal: str) -> tuple[Caller, dict[str, tuple[tuple[str, ...], bool]]]:
    """The caller of ``principal`` and the context keys it carries (normalised;
    callers copy it before adding keys), remembered in :data:`_CALLERS`."""
    caller = parse_caller(principal)
    carried: dict[str, tuple[tuple[str, ...], bool]] = {
        key: ((value,), False) for key, value in _principal_keys(caller).items()
    }
    if len(_CALLERS) >= CALLER_CACHE_SIZE:
        _CALLERS.clear()
    info = _CALLERS[principal] = (caller, carried)
    return info


#: Bound of :data:`_LOWER`, the lower-case form of context keys seen (emptied when full).
CONTEXT_KEY_CACHE_SIZE = 1024
_LOWER: dict[str, str] = {}


def _lower(key: str) -> str:
    """``key.lower()``, remembered in :data:`_LOWER` (requests repeat their keys)."""
    lower = key.lower()
    if len(_LOWER) >= CONTEXT_KEY_CACHE_SIZE:
        _LOWER.clear()
    _LOWER[key] = lower
    return lower


def _principal_keys(caller: Caller) -> dict[str, str]:
    """``aws:PrincipalAccount`` and ``aws:PrincipalArn`` of a caller (lower-case keys):
    for a role session the role's ARN, for a user or root its own ARN."""
    if caller.account is None:
        return {}
    out = {"aws:principalaccount": caller.account}
    if caller.role is not None:
        partition, account, name = caller.role
        out["aws:principalarn"] = f"arn:{partition}:iam::{account}:role/{name}"
    elif caller.kind in ("user", "root"):
        out["aws:principalarn"] = caller.arn
    return out


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
    # For evaluation plans: the regexes that are a literal prefix and a final `*`, as
    # prefixes (``str.startswith``), and the others as one alternation.
    prefixes: tuple[str, ...]
    combined: re.Pattern[str] | None

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
    prefixes: list[str] = []
    rest: list[re.Pattern[str]] = []
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
            continue
        regex = _glob.to_regex(tokens, star, ignore_case=ignore_case)
        regexes.append(regex)
        prefix = _glob.literal_prefix(tokens, star, ignore_case=ignore_case)
        if prefix is not None:
            prefixes.append(prefix)
        else:
            rest.append(regex)
    return _Patterns(
        frozenset(exact),
        tuple(regexes),
        tuple(dynamic),
        ignore_case,
        star,
        match_all,
        tuple(dict.fromkeys(prefixes)),
        _glob.union(rest),
    )


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
    probe: _Probe = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "probe", _probe(self))

    def applies(self, request: Request) -> bool:
        """Whether the statement applies to ``request`` (all elements match; a
        NotPrincipal statement applies to the callers it does not exempt)."""
        static = self.static_match(request.action, request.resource)
        if static is False:
            return False
        if self.principal is not None:
            if self.not_principal:
                if self.principal.exempts(request.caller):
                    return False
            elif self.principal.grant(request.caller) is None:
                return False
        if static is None and not self.dynamic_match(request):
            return False
        return self.conditions_hold(request)

    def static_match(self, action: str, resource: str) -> bool | None:
        """Match what does not depend on the request context or the caller: the
        action, literal and wildcard resources. ``None``: the resource element holds a
        policy variable, so the answer waits for :meth:`dynamic_match`."""
        if self.actions.matches(action, _EMPTY) == self.not_action:
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

#: ``(resource, context)``: whether a statement applies, its action and principal
#: matched (true: it applies; false or ``None``: it does not).
_CheckFn: TypeAlias = Callable[[str, _Normalised], bool | None]

# How a statement's Resource (or NotResource) element is checked per request.
_ALWAYS, _STATIC, _DYNAMIC, _NEVER = 0, 1, 2, 3


class _Probe(NamedTuple):
    """What is left to check of a statement per request once its action and
    principal matched: its resource element and its conditions, as one ``check``."""

    mode: int  # _ALWAYS, _STATIC, _DYNAMIC (a variable), _NEVER
    conditions: tuple[Callable[[_Normalised], bool], ...]
    check: _CheckFn
    prefixes: tuple[str, ...] | None = None  # set when `check` is resource.startswith(them)
    # Set when `check` is this one template's matcher (`_glob.matcher`), a template
    # with literal text (`Template.literals`): plans inline it or test its head first.
    template: _glob.Template | None = None


def _probe(cs: CompiledStatement) -> _Probe:
    resources = cs.resources
    tests = tuple(c.test for c in cs.conditions)
    if resources is None:
        return _Probe(_ALWAYS, tests, _conditions_check(tests))
    if resources.match_all:  # "*": every resource, or none under NotResource
        if cs.not_resource:
            return _Probe(_NEVER, tests, _never)
        return _Probe(_ALWAYS, tests, _conditions_check(tests))
    filled = tuple(
        _glob.template(tokens, resources.star, ignore_case=resources.ignore_case)
        for tokens in resources.dynamic
    )
    templates = tuple(_glob.matcher(tp) for tp in filled)
    mode = _DYNAMIC if templates else _STATIC
    if (
        mode == _STATIC
        and not cs.not_resource
        and not tests
        and not resources.exact
        and resources.combined is None
    ):
        only = resources.prefixes
    else:
        only = None
    check = _resource_check(
        resources.exact,
        resources.prefixes,
        resources.combined,
        cs.not_resource,
        tests,
        templates,
    )
    single = None
    if (
        len(filled) == 1
        and filled[0].literals is not None
        and check is templates[0]  # the template alone decides (see _resource_check)
    ):
        single = filled[0]
    return _Probe(mode, tests, check, only, single)


def _never(resource: str, context: _Normalised) -> bool:
    return False


def _conditions_check(tests: tuple[Callable[[_Normalised], bool], ...]) -> _CheckFn:
    """A statement that applies to any resource: its conditions decide."""
    if len(tests) == 1:
        (test,) = tests
        return lambda resource, context: test(context)

    def check(resource: str, context: _Normalised) -> bool:
        for test in tests:  # noqa: SIM110 - a plain loop is faster on this hot path
            if not test(context):
                return False
        return True

    return check


def _resource_check(
    exact: frozenset[str],
    prefixes: tuple[str, ...],
    regex: re.Pattern[str] | None,
    negate: bool,
    tests: tuple[Callable[[_Normalised], bool], ...],
    templates: tuple[_glob.TemplateMatch, ...],
) -> _CheckFn:
    """Whether a statement applies, by its Resource (or NotResource) element and its
    conditions: literal resources in a set, ``L*`` ones as prefixes, other wildcard
    ones as one regex, ones with variables filled per request (as
    :meth:`_Patterns.state`: a variable without a value, where no pattern matches,
    makes the statement apply to nothing, NotResource included)."""
    if not negate and not tests and regex is None:  # the common shapes, inline
        if not exact and not templates:
            if len(prefixes) == 1:
                (prefix,) = prefixes
                return lambda resource, context: resource.startswith(prefix)
            return lambda resource, context: resource.startswith(prefixes)
        if not prefixes and not templates:
            return lambda resource, context: resource in exact
        if not prefixes and not exact and len(templates) == 1:
            return templates[0]  # one pattern with variables (ABAC)
    if not negate and not templates and regex is None and not prefixes and len(tests) == 1:
        (test,) = tests  # a literal resource and a condition
        return lambda resource, context: resource in exact and test(context)
    if not negate and not templates and regex is None and not prefixes and len(tests) == 2:
        first, second = tests
        return lambda resource, context: resource in exact and first(context) and second(context)

    def check(resource: str, context: _Normalised) -> bool:
        if (
            resource in exact
            or resource.startswith(prefixes)
            or (regex is not None and regex.fullmatch(resource) is not None)
        ):
            if negate:
                return False
        elif templates:
            unresolved = False
            for match in templates:
                hit = match(resource, context)
                if hit:
                    if negate:
                        return False
                    break
                if hit is None:
                    unresolved = True
            else:
                if unresolved or not negate:
                    return False
        elif not negate:
            return False
        for test in tests:  # noqa: SIM110 - a plain loop is faster on this hot path
            if not test(context):
                return False
        return True

    return check


GrantKind: TypeAlias = Literal["direct", "role", "account"]


@dataclass(frozen=True, slots=True)
class _PrincipalMatcher:
    """Principal (or NotPrincipal) element of a resource-based policy.

    IAM User Guide, "Principal": ``"*"`` and ``{"AWS": "*"}`` are everyone; otherwise
    principals are named exactly: "You cannot use a wildcard to match part of a
    principal name or ARN", so a value such as ``role/tenant-*`` or
    ``assumed-role/R/*`` names no principal at all. An account (ID or root ARN)
    delegates to the account; a role ARN covers every session of the role.
    """

    anyone: bool
    arns: frozenset[str]  # session, federated-user and IAM user ARNs, exact
    roles: frozenset[tuple[str, str, str]]  # (partition, account, role name)
    accounts: frozenset[str]
    services: frozenset[str]

    def grant(self, caller: Caller) -> GrantKind | None:
        """How the element names ``caller``: itself (``direct``), through its role
        (``role``), through its account (``account``), or not at all (``None``)."""
        if self.anyone:
            return "direct"
        if caller.kind == "service":
            return "direct" if caller.arn in self.services else None
        if caller.arn in self.arns:
            return "direct"
        if caller.role is not None and caller.role in self.roles:
            return "role"
        if caller.account in self.accounts:
            return "direct" if caller.kind == "root" else "account"
        return None

    def exempts(self, caller: Caller) -> bool:
        """As a NotPrincipal: whether every identity of the caller is listed (its
        account, role and session; its account and user; ...)."""
        if self.anyone:
            return True
        return all(self._lists(identity) for identity in caller.identities())

    def _lists(self, identity: str) -> bool:
        if identity.startswith("account:"):
            return identity[len("account:") :] in self.accounts
        if identity.startswith("role:"):
            partition, account, name = identity[len("role:") :].split(":")
            return (partition, account, name) in self.roles
        return identity in self.arns or identity in self.services


_ROLE_ARN = re.compile(r"arn:([a-z-]+):iam::(\d{12}):role/(?:[!-~]*/)?([\w+=,.@-]+)")
_ROOT_ARN = re.compile(r"arn:[a-z-]+:iam::(\d{12}):root")


def _principal_matcher(p: Principal) -> _PrincipalMatcher:
    if p.wildcard:
        return _PrincipalMatcher(True, frozenset(), frozenset(), frozenset(), frozenset())
    aws = p.values("AWS")
    accounts: set[str] = set()
    arns: set[str] = set()
    roles: set[tuple[str, str, str]] = set()
    for v in aws:
        if "*" in v or "?" in v:
            continue  # "*" alone is handled below; a partial wildcard names nobody
        root = _ROOT_ARN.fullmatch(v)
        role = _ROLE_ARN.fullmatch(v)
        if _ACCOUNT.fullmatch(v):
            accounts.add(v)
        elif root is not None:
            accounts.add(root[1])
        elif role is not None:
            roles.add((role[1], role[2], role[3]))
        else:
            arns.add(v)
    services = frozenset(v for v in p.values("Service") if "*" not in v and "?" not in v)
    return _PrincipalMatcher(
        "*" in aws, frozenset(arns), frozenset(roles), frozenset(accounts), services
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


#: Bounds of an :class:`Evaluator`'s caches (README "Performance"); a full cache is
#: emptied and refilled. Plans per (action, caller, same account) seen; service plans
#: per (service, caller, same account); decisions per service plan, by which of its
#: statements applied (and a plan with one check keeps its two decisions besides).
PLAN_CACHE_SIZE = 4096
SERVICE_PLAN_CACHE_SIZE = 256
OUTCOME_CACHE_SIZE = 64


class _ServicePlan:
    """The statements of one service that can count for one caller (principal and
    service index matched), numbered by bit, with the decisions reached so far."""

    __slots__ = ("boundary", "entries", "hits", "kind", "outcomes", "same", "session")

    def __init__(
        self,
        entries: tuple[tuple[CompiledStatement, int, bool], ...],
        hits: tuple[tuple[int, StatementRef], ...],
        kind: PrincipalKind,
        same: bool,
        boundary: bool,
        session: bool,
    ) -> None:
        self.entries = entries  # (statement, bit, applies whenever its action matches)
        self.hits = hits  # (role, ref) by bit position
        self.kind = kind
        self.same = same
        self.boundary = boundary  # whether the evaluator has boundary, session policies
        self.session = session
        self.outcomes: dict[int, Decision] = {}

    def outcome(self, which: int) -> Decision:
        """The decision when the statements of the bits ``which`` apply (memoised)."""
        outcomes = self.outcomes
        decision = outcomes.get(which)
        if decision is None:
            decision = _conclude(
                self.hits, which, self.kind, self.same, self.boundary, self.session
            )
            if len(outcomes) >= OUTCOME_CACHE_SIZE:
                outcomes.clear()
            outcomes[which] = decision
        return decision


_Decide: TypeAlias = Callable[[str, _Normalised], Decision]  # (resource, context)


#: What :attr:`Evaluator._last` keeps per action: the principal, its plan's fixed
#: decision or decision procedure, and the keys the principal carries.
_Last: TypeAlias = tuple[str, Decision | None, _Decide, dict[str, tuple[tuple[str, ...], bool]]]


class _Plan(NamedTuple):
    """One (action, caller, same account): the statements left to check per request
    (action, principal and service index matched), so a request of that shape costs
    its resource match and conditions only, whatever its resource."""

    decision: Decision | None  # set when nothing is left to check
    decide: _Decide  # the decision from the request's resource and context
    service: _ServicePlan


def _decide(service: _ServicePlan, base: int, probes: tuple[tuple[int, _Probe], ...]) -> _Decide:
    """A plan's decision procedure: run its checks, read the outcome of the bits that
    applied (``base``: the statements that apply whenever the action matches). A plan
    with one or two checks reaches its two or four possible decisions when built, and
    tests a resource prefix, or a pattern's literal head, inline."""
    outcomes = service.outcomes
    if len(probes) == 1:
        # Its two possible decisions, reached once here (`service.outcome` is pure).
        ((bit, probe),) = probes
        check = probe.check
        hit = service.outcome(base | bit)
        miss = service.outcome(base)
        prefixes = probe.prefixes
        if prefixes is not None:
            return lambda resource, context: hit if resource.startswith(prefixes) else miss
        tp = probe.template
        if tp is not None and tp.literals is not None and len(tp.variables) == 1:
            # One pattern with one variable (ABAC: `bucket/${aws:PrincipalTag/T}/*`),
            # its matcher (`_glob.matcher`, whose reading of the value it repeats)
            # inlined: a call less per request.
            ((key, default),) = tp.variables
            head, tail = tp.literals
            starts = tp.prefix

            def one_variable(resource: str, context: _Normalised) -> Decision:
                entry = context.get(key)
                if entry is not None and not entry[1] and len(entry[0]) == 1:
                    filled = head + entry[0][0] + tail
                elif default is not None:
                    filled = head + default + tail
                else:
                    return miss
                if resource.startswith(filled) if starts else resource == filled:
                    return hit
                return miss

            return one_variable
        return lambda resource, context: hit if check(resource, context) else miss

    checks = tuple((bit, probe.check) for bit, probe in probes)
    if len(checks) == 2:
        # Its four possible decisions, reached once here: neither, the first, the
        # second, both statements applying.
        (bit1, check1), (bit2, check2) = checks
        neither, first = service.outcome(base), service.outcome(base | bit1)
        second, both = service.outcome(base | bit2), service.outcome(base | bit1 | bit2)
        prefixes1 = probes[0][1].prefixes
        template2 = probes[1][1].template
        # A pattern with variables second: its literal head is tested first, so a
        # resource outside it costs no call ("" when it has none: every resource).
        head2 = template2.literals[0] if template2 is not None and template2.literals else ""
        if prefixes1 is not None:

            def two_prefix(resource: str, context: _Normalised) -> Decision:
                if resource.startswith(prefixes1):
                    if resource.startswith(head2) and check2(resource, context):
                        return both
                    return first
                if resource.startswith(head2) and check2(resource, context):
                    return second
                return neither

            return two_prefix

        def two(resource: str, context: _Normalised) -> Decision:
            if check1(resource, context):
                return both if check2(resource, context) else first
            return second if check2(resource, context) else neither

        return two

    def many(resource: str, context: _Normalised) -> Decision:
        which = base
        for bit, check in checks:
            if check(resource, context):
                which |= bit
        decision = outcomes.get(which)
        return decision if decision is not None else service.outcome(which)

    return many


class Evaluator:
    """Policies compiled once; :meth:`evaluate` decides requests against them.

    Thread-safe. Per (action, caller, same account) it keeps a plan of the statements
    that can apply, with their resource patterns compiled, so a request costs its
    resource match and condition checks, first seen or not. Every cache is bounded
    (:data:`PLAN_CACHE_SIZE`, :data:`SERVICE_PLAN_CACHE_SIZE`,
    :data:`OUTCOME_CACHE_SIZE`); :meth:`cache_sizes` reports them.
    """

    __slots__ = (
        "_callers_ok",
        "_groups",
        "_last",
        "_plans",
        "_service_plans",
        "boundary",
        "identity",
        "resource",
        "session",
    )

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
        self._groups = (identity, session, boundary, resource)  # roles _IDENTITY.._BOUNDARY
        self._plans: dict[tuple[str, str, bool], _Plan] = {}
        # Per action, the plan of the principal that last asked it in its own account,
        # with the keys that principal carries: the common request (one session asking
        # again) found by one lookup, without building and hashing the plan's key.
        self._last: dict[str, _Last] = {}
        self._service_plans: dict[tuple[str, str, bool], _ServicePlan] = {}
        self._callers_ok = _callers_ok(bool(identity), bool(boundary), bool(session))

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

    def evaluate(self, request: Request) -> Decision:
        last = self._last.get(request.action)
        if last is not None and last[0] == request.principal and request.resource_account is None:
            if last[1] is not None:
                return last[1]
            return last[2](request.resource, request.normalised)
        caller = request.caller
        wanted = request.resource_account
        same = wanted is None or caller.account is None or wanted == caller.account
        # Only resource policies look at who the caller is beyond its kind.
        key = (request.action, request.principal if self.resource else caller.kind, same)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._new_plan(key, caller)
        if wanted is None:
            carried = _CALLERS.get(request.principal) or _caller_info(request.principal)
            self._remember(request.action, request.principal, plan, carried[1])
        decision = plan[0]
        if decision is not None:
            return decision
        return plan[1](request.resource, request.normalised)

    def decide(
        self,
        action: str,
        resource: str,
        context: Mapping[str, ContextValue] | None = None,
        principal: str = DEFAULT_PRINCIPAL,
        resource_account: str | None = None,
    ) -> Decision:
        """``evaluate(Request(action, resource, context, principal, resource_account))``
        without building the :class:`Request`: the same decision, the same errors, for
        callers that hold a request's parts (the guard, a loop over many requests)."""
        if resource_account is None:  # the common case, inline
            last = self._last.get(action)
            if last is not None and last[0] == principal:
                if last[1] is not None:
                    return last[1]
                return last[2](resource, _normalise(context, last[3]) if context else last[3])
            info = _CALLERS.get(principal) or _caller_info(principal)
            caller = info[0]
            same = True
        else:
            info = _caller_of(principal, resource_account)
            caller = info[0]
            same = caller.account is None or resource_account == caller.account
        key = (action, principal if self.resource else caller.kind, same)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._new_plan(key, caller)
        if resource_account is None:
            self._remember(action, principal, plan, info[1])
        decision = plan[0]
        if decision is not None:
            return decision
        return plan[1](resource, _normalise(context, info[1]) if context else info[1])

    def evaluate_uncached(self, request: Request) -> Decision:
        """The same decision by the plain route: every statement of every policy
        matched in full, without the service index, plans or caches. Slower; the
        property tests hold :meth:`evaluate` to it."""
        caller = request.caller
        self._check_caller(caller)
        has_boundary = bool(self.boundary)
        hits: list[tuple[int, StatementRef]] = []
        which = 0
        for group_index, group in enumerate(self._groups):
            for policy in group:
                for cs in policy.statements:
                    static = cs.static_match(request.action, request.resource)
                    if static is False:
                        continue
                    role = _role(group_index, cs, caller, has_boundary)
                    if role is None:
                        continue
                    hits.append((role, cs.ref))
                    if static is None and not cs.dynamic_match(request):
                        continue
                    if cs.conditions_hold(request):
                        which |= 1 << (len(hits) - 1)
        return _conclude(
            tuple(hits),
            which,
            caller.kind,
            request.same_account,
            has_boundary,
            bool(self.session),
        )

    def cache_sizes(self) -> dict[str, tuple[int, int]]:
        """Each cache of this evaluator as (entries, bound): ``plans``, ``last`` (the
        last plan per action), ``service_plans`` and the fullest ``outcomes`` of a
        service plan."""
        services = list(self._service_plans.values())
        services += [p.service for p in list(self._plans.values())]
        outcomes = max((len(s.outcomes) for s in services), default=0)
        return {
            "plans": (len(self._plans), PLAN_CACHE_SIZE),
            "last": (len(self._last), PLAN_CACHE_SIZE),
            "service_plans": (len(self._service_plans), SERVICE_PLAN_CACHE_SIZE),
            "outcomes": (outcomes, OUTCOME_CACHE_SIZE),
        }

    def clear_caches(self) -> None:
        """Forget every plan and decision (the next requests rebuild them): the cold
        start of a benchmark, or memory back after a burst of distinct shapes."""
        self._last.clear()
        self._plans.clear()
        self._service_plans.clear()

    def _remember(
        self,
        action: str,
        principal: str,
        plan: _Plan,
        carried: dict[str, tuple[tuple[str, ...], bool]],
    ) -> None:
        """Keep ``plan`` as the last of ``action`` (asked by ``principal`` in its own
        account), with the keys the principal carries; at most one per action and
        :data:`PLAN_CACHE_SIZE` actions."""
        last = self._last
        if len(last) >= PLAN_CACHE_SIZE:
            last.clear()
        last[action] = (principal, plan[0], plan[1], carried)

    def _new_plan(self, key: tuple[str, str, bool], caller: Caller) -> _Plan:
        """The plan of ``key`` (action, principal or caller kind, same account), built
        and remembered; a plan exists only for a caller kind that passed the check."""
        if caller.kind not in self._callers_ok:
            self._check_caller(caller)
        plan = self._plan(key[0], key[1], caller, key[2])
        if len(self._plans) >= PLAN_CACHE_SIZE:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _plan(self, action: str, who: str, caller: Caller, same: bool) -> _Plan:
        """The plan of one action, from its service's plan (built on first use)."""
        service = action.partition(":")[0].lower()
        key = (service, who, same)
        sp = self._service_plans.get(key)
        if sp is None:
            sp = self._service_plan(service, caller, same)
            if len(self._service_plans) >= SERVICE_PLAN_CACHE_SIZE:
                self._service_plans.clear()
            self._service_plans[key] = sp
        probes: list[tuple[int, _Probe]] = []
        base = 0
        for cs, bit, fixed in sp.entries:
            if cs.actions.static_hit(action) == cs.not_action:
                continue
            if fixed:
                base |= bit
            else:
                probes.append((bit, cs.probe))
        if not probes:
            decision = sp.outcome(base)
            return _Plan(decision, lambda resource, context: decision, sp)
        return _Plan(None, _decide(sp, base, tuple(probes)), sp)

    def _service_plan(self, service: str, caller: Caller, same: bool) -> _ServicePlan:
        has_boundary = bool(self.boundary)
        entries: list[tuple[CompiledStatement, int, bool]] = []
        hits: list[tuple[int, StatementRef]] = []
        for group_index, group in enumerate(self._groups):
            resources = group_index == _GROUP_RESOURCE
            for policy in group:
                for cs in policy.candidates(service):
                    probe = cs.probe
                    if probe.mode == _NEVER:
                        continue
                    role: int | None
                    if resources:
                        role = _role(group_index, cs, caller, has_boundary)
                        if role is None:
                            continue
                    else:  # as _role: identity, session and boundary keep their group
                        role = group_index if cs.allow else _DENY
                    fixed = probe.mode == _ALWAYS and not probe.conditions
                    entries.append((cs, 1 << len(hits), fixed))
                    hits.append((role, cs.ref))
        return _ServicePlan(
            tuple(entries), tuple(hits), caller.kind, same, has_boundary, bool(self.session)
        )

    def _check_caller(self, caller: Caller) -> None:
        """Policies a caller of this kind cannot have are an input error, not ignored."""
        problem = _caller_problem(
            caller.kind, bool(self.identity), bool(self.boundary), bool(self.session)
        )
        if problem is not None:
            raise InvalidRequest(f"principal `{caller.arn}` {problem}")


def _conclude(
    candidates: tuple[tuple[int, StatementRef], ...],
    which: int,
    kind: PrincipalKind,
    same: bool,
    has_boundary: bool,
    has_session: bool,
) -> Decision:
    """The decision when the candidates of the bits ``which`` apply (the evaluation
    order of the module docstring)."""
    hits = [hit for i, hit in enumerate(candidates) if which >> i & 1]
    mask = 0
    for role, _ in hits:
        mask |= 1 << role
    if mask & _BIT_DENY:
        return Decision("explicit_deny", _refs(hits, _BIT_DENY), _REASON_DENY)
    limits = _BIT_BOUNDARY | _BIT_SESSION
    boundary_ok = not has_boundary or bool(mask & _BIT_BOUNDARY)
    session_ok = not has_session or bool(mask & _BIT_SESSION)
    identity_refs: tuple[StatementRef, ...] = ()
    if kind == "root":
        identity_ok = True
    else:
        identity_ok = bool(mask & _BIT_IDENTITY) and boundary_ok and session_ok
        identity_refs = _refs(hits, _BIT_IDENTITY | limits)
    if same:
        if mask & _BIT_DIRECT:
            return Decision("allow", _refs(hits, _BIT_DIRECT), _REASON_DIRECT)
        if mask & _BIT_ROLE and boundary_ok and session_ok:
            return Decision("allow", _refs(hits, _BIT_ROLE | limits), _REASON_ROLE)
        if identity_ok:
            if kind == "root":
                return Decision("allow", (), _REASON_ROOT)
            return Decision("allow", identity_refs, _REASON_ALLOW)
        if kind == "service" or not mask & (_BIT_IDENTITY | _BIT_ROLE):
            return Decision("implicit_deny", (), _REASON_NO_ALLOW)
    else:
        grants = mask & (_BIT_DIRECT | _BIT_ROLE | _BIT_ACCOUNT)
        if not grants:
            return Decision(
                "implicit_deny", _refs(hits, _BIT_IDENTITY | limits), _REASON_CROSS_RESOURCE
            )
        grant_refs = _refs(hits, _BIT_DIRECT | _BIT_ROLE | _BIT_ACCOUNT)
        if identity_ok:
            return Decision("allow", (*grant_refs, *identity_refs), _REASON_CROSS_ALLOW)
        if not mask & _BIT_IDENTITY:
            return Decision("implicit_deny", grant_refs, _REASON_CROSS_IDENTITY)
    principal_refs = _refs(hits, _BIT_IDENTITY | _BIT_ROLE)
    if not boundary_ok:
        return Decision("implicit_deny", principal_refs, _REASON_BOUNDARY)
    return Decision(
        "implicit_deny", _refs(hits, _BIT_IDENTITY | _BIT_ROLE | _BIT_BOUNDARY), _REASON_SESSION
    )


def _caller_problem(
    kind: PrincipalKind, identity: bool, boundary: bool, session: bool
) -> str | None:
    """Why a caller of this kind cannot have the policy kinds present (``None``: it
    can)."""
    if kind in ("root", "service"):
        present = [
            name
            for name, given in (
                ("identity", identity),
                ("boundary", boundary),
                ("session", session),
            )
            if given
        ]
        if present:
            what = "an account root user" if kind == "root" else "a service principal"
            return (
                f"is {what}, which has no {present[0]} policies: only a resource-based "
                "policy applies to it"
            )
    elif session and kind not in ("session", "federated"):
        return (
            "is an IAM user, not a session: session policies apply only to assumed-role "
            "and federated-user sessions"
        )
    return None


@lru_cache(maxsize=8)  # one per combination of the three flags
def _callers_ok(identity: bool, boundary: bool, session: bool) -> frozenset[str]:
    """The caller kinds that may have the policy kinds present."""
    return frozenset(
        kind
        for kind in get_args(PrincipalKind)
        if _caller_problem(kind, identity, boundary, session) is None
    )


# Roles of a matching statement in the decision.
_IDENTITY, _SESSION, _BOUNDARY, _ROLE_GRANT, _DIRECT_GRANT, _ACCOUNT_GRANT, _DENY = range(7)
_BIT_IDENTITY = 1 << _IDENTITY
_BIT_SESSION = 1 << _SESSION
_BIT_BOUNDARY = 1 << _BOUNDARY
_BIT_ROLE = 1 << _ROLE_GRANT
_BIT_DIRECT = 1 << _DIRECT_GRANT
_BIT_ACCOUNT = 1 << _ACCOUNT_GRANT
_BIT_DENY = 1 << _DENY
_GROUP_RESOURCE = 3  # position of the resource policies in Evaluator._plan
_GRANT_ROLES: dict[GrantKind, int] = {
    "direct": _DIRECT_GRANT,
    "role": _ROLE_GRANT,
    "account": _ACCOUNT_GRANT,
}


def _refs(hits: list[tuple[int, StatementRef]], bits: int) -> tuple[StatementRef, ...]:
    return tuple(ref for role, ref in hits if (1 << role) & bits)


def _role(group: int, cs: CompiledStatement, caller: Caller, has_boundary: bool) -> int | None:
    """What a matching statement does for ``caller``; ``None`` if it can never count."""
    if group != _GROUP_RESOURCE:
        return group if cs.allow else _DENY
    grantor = cs.principal
    if grantor is None:
        return None if cs.allow else _DENY  # no Principal: grants nobody; a Deny fences all
    if cs.not_principal:
        if cs.allow:
            return None  # NotPrincipal with Allow is invalid; it grants nothing
        # IAM User Guide, "Permissions boundaries": a NotPrincipal Deny always denies a
        # principal that has a permissions boundary, whatever NotPrincipal lists.
        if has_boundary or not grantor.exempts(caller):
            return _DENY
        return None
    kind = grantor.grant(caller)
    if kind is None:
        return None
    return _GRANT_ROLES[kind] if cs.allow else _DENY


_REASON_DENY = "an explicit Deny matched"
_REASON_DIRECT = (
    "a resource-based policy grants the principal itself (its session, user, service or "
    '"*"): not limited by identity policies, session policies or the boundary'
)
_REASON_ROLE = "a resource-based policy grants the role, and the boundary and session allow"
_REASON_ROOT = "the account root user has full access in its own account"
_REASON_NO_ALLOW = "no identity or resource-based policy statement allows the request"
_REASON_BOUNDARY = "the boundary policy does not allow the request"
_REASON_SESSION = "the session policy does not allow the request"
_REASON_ALLOW = "allowed by every applicable policy kind"
_REASON_CROSS_RESOURCE = (
    "cross-account request: no resource-based policy statement grants the principal, "
    "its role or its account"
)
_REASON_CROSS_IDENTITY = (
    "cross-account request: the resource-based policy grants it, but no identity policy "
    "statement allows it"
)
_REASON_CROSS_ALLOW = (
    "cross-account request allowed by the resource-based policy and by every policy "
    "kind of the principal"
)


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
