"""The rule catalogue: one small function per rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

from ..model import Statement
from ._model import Target, rule

_VAR = re.compile(r"\$\{[^}]*\}")
ESCALATION = (
    "iam:putuserpolicy", "iam:putrolepolicy", "iam:putgrouppolicy", "iam:attachuserpolicy",
    "iam:attachrolepolicy", "iam:attachgrouppolicy", "iam:createpolicyversion",
    "iam:setdefaultpolicyversion", "iam:createaccesskey", "iam:updateassumerolepolicy",
    "iam:createloginprofile", "iam:updateloginprofile", "iam:addusertogroup",
)  # fmt: skip


_ESCALATION = frozenset(ESCALATION)


def _stmts(t: Target) -> tuple[tuple[int, Statement, str], ...]:
    return t.statements


def _actions(s: Statement) -> tuple[str, ...]:
    return s.action or ()


@lru_cache(maxsize=8192)
def _lowered(actions: tuple[str, ...]) -> frozenset[str]:
    """An Action list in lower case (memoised: tenant-independent)."""
    return frozenset(a.lower() for a in actions)


def _label(i: int, s: Statement) -> str:
    """How a finding names statement ``i``: by its Sid, or by its index."""
    return f"`{s.sid}`" if s.sid else f"#{i}"


@rule("PE002", "error", "duplicate Sid within one policy")
def duplicate_sid(t: Target) -> Iterator[tuple[str, str]]:
    seen: dict[str, str] = {}
    for _, s, path in _stmts(t):
        if s.sid:
            if s.sid in seen:
                yield f"Sid `{s.sid}` is also used at {seen[s.sid]}", f"{path}.Sid"
            seen.setdefault(s.sid, path)


@rule("PE003", "error", "policy variables need Version 2012-10-17")
def old_version_with_variables(t: Target) -> Iterator[tuple[str, str]]:
    if t.policy.version == "2012-10-17":
        return
    for _, s, path in _stmts(t):
        texts = list(s.resource or ()) + list(s.not_resource or ())
        texts += [str(v) for c in s.conditions for v in c.values]
        if any(_VAR.search(x) for x in texts):
            shown = t.policy.version or "missing"
            yield (
                (f"policy variables are literal text under Version `{shown}`; use `2012-10-17`"),
                path,
            )


@rule("PE010", "error", "Allow with Action `*`")
def action_star(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if s.is_allow and "*" in _actions(s):
            yield 'Allow with `"Action": "*"` grants every action of every service', path


@rule("PE011", "warning", "service-wide action wildcard (such as `s3:*`)")
def service_wildcard(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.is_allow:
            continue
        for a in _actions(s):
            if a.endswith(":*"):
                yield f"`{a}` allows every action of the service; list the actions needed", path


@rule("PE012", "error", "Allow with NotAction, NotResource or NotPrincipal")
def allow_with_not(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.is_allow:
            continue
        for name, value in (
            ("NotAction", s.not_action),
            ("NotResource", s.not_resource),
            ("NotPrincipal", s.not_principal),
        ):
            if value is not None:
                yield f"Allow with `{name}` grants everything it does not list", path


@rule("PE020", "error", "`iam:PassRole` on a wildcard resource")
def pass_role_star(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.is_allow:
            continue
        passes = not _lowered(_actions(s)).isdisjoint(("iam:passrole", "iam:*", "iam:pass*"))
        if passes and any(r == "*" or r.endswith(":role/*") for r in s.resource or ("*",)):
            yield "`iam:PassRole` on `*` lets the holder hand any role to a service", path


@rule("PE021", "error", "privilege escalation actions")
def escalation(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.is_allow:
            continue
        acts = _lowered(_actions(s))
        bad = sorted(acts & _ESCALATION)
        if "sts:assumerole" in acts and "*" in (s.resource or ()):
            bad.append("sts:assumerole on *")
        if bad:
            yield "privilege escalation: " + ", ".join(f"`{b}`" for b in bad), path


@rule("PE030", "warning", "set operator on a single-valued condition key")
def set_operator_single_valued(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        for c in s.conditions:
            if c.set_operator and not _multivalued(c.key):
                yield (
                    (
                        f"`{c.operator}` on `{c.key}`, a single-valued key: use the operator "
                        "without the set prefix"
                    ),
                    f"{path}.Condition",
                )


def _multivalued(key: str) -> bool:
    """A key whose request value is a set: typed ``ArrayOf...`` in the service
    authorization data (``aws:TagKeys``, ``dynamodb:LeadingKeys``...). Keys the data
    does not know count as multivalued (no finding without evidence)."""
    from .._iamdata import iam_data

    kind = iam_data().key_type(key)
    return kind is None or kind.startswith("ArrayOf")


def _partitions_data(key: str) -> bool:
    """Keys whose absence can let a request reach every tenant's data (leading keys,
    prefixes, encryption context, resource and principal tags); a missing request-tag
    list (``aws:TagKeys`` on TagSession) opens nothing."""
    from ._rules_tenancy import _PARTITION_KEYS

    return bool(_PARTITION_KEYS.match(key.lower())) or key.lower() == "dynamodb:attributes"


def _always_carried(s: Statement, key: str) -> bool:
    """Whether every action of the statement always sends ``key`` (DynamoDB item
    actions and Query send their leading keys), so none of its requests lacks it."""
    from .._iamdata import ALWAYS_CARRIED_KEYS, iam_data

    carried = ALWAYS_CARRIED_KEYS.get(key.lower())
    if not carried or s.action is None:
        return False
    data = iam_data()
    for pattern in s.action:
        infos = data.expand(pattern)
        if not infos or any(i.full_name.lower() not in carried for i in infos):
            return False
    return True


@rule("PE031", "warning", "ForAllValues with Allow on a key a request can omit")
def for_all_values_fail_open(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.is_allow:
            continue
        guarded = {
            c.key.lower()
            for c in s.conditions
            if c.base_operator == "Null" and all(str(v).lower() == "false" for v in c.values)
        }
        for c in s.conditions:
            if c.set_operator == "ForAllValues" and c.key.lower() not in guarded:
                if _always_carried(s, c.key) or not _partitions_data(c.key):
                    continue  # no request lacks it, or its absence opens nothing
                yield (
                    (
                        f"`ForAllValues:` is true when `{c.key}` is absent (a Scan has no leading "
                        f'keys); add `"Null": {{"{c.key}": "false"}}`'
                    ),
                    f"{path}.Condition",
                )


@rule("PE040", "warning", "session policy near the 2,048-character limit")
def session_size(t: Target) -> Iterator[tuple[str, str]]:
    from ..model import dumps

    if t.kind != "session":
        return
    size = len(dumps(t.policy, minify=True)) + int(t.extra.get("tenant_slack", 0))
    if size > 0.9 * 2048:
        yield f"session policy is {size} characters minified (limit 2,048); the tags count too", "$"


@rule("PE050", "error", "policy variable in the wrong place")
def misplaced_variable(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        for r in chain(s.resource or (), s.not_resource or ()):
            if "${" not in r:
                continue
            head = r.split(":", 5)
            if len(head) == 6 and any("${" in part for part in head[:5]):
                yield f"variable before the fifth colon of `{r}` is not allowed", f"{path}.Resource"
        for c in s.conditions:
            if not any("${" in str(v) for v in c.values):
                continue
            if c.base_operator.startswith(("Numeric", "Date", "Ip", "NotIp", "Binary")):
                yield (
                    (
                        f"`{c.operator}` does not take policy variables (only String, Arn and "
                        "Bool operators do)"
                    ),
                    f"{path}.Condition",
                )


@rule("PE060", "error", "unknown service prefix or action")
def unknown_action(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        for a, service in chain(_unknown(s.action or ()), _unknown(s.not_action or ())):
            if service is not None:
                from ._suggest import service_hint

                hint = service_hint(a)
                yield (
                    (
                        f"unknown service prefix `{service}`"
                        + (f"; did you mean `{hint}`?" if hint else "")
                    ),
                    path,
                )
            else:
                from ._suggest import action_hint

                hint = action_hint(a)
                yield (
                    (f"unknown action `{a}`" + (f"; did you mean `{hint}`?" if hint else "")),
                    path,
                )


@lru_cache(maxsize=8192)
def _unknown(actions: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """The actions PE060 reports, in order, each with its unknown service prefix
    (``None``: the service is known, the action is not). A pattern with a wildcard in
    the action name is left alone (tenant-independent, so memoised per Action list)."""
    from .._iamdata import known_actions, known_services

    known = known_actions()
    services = known_services()
    out: list[tuple[str, str | None]] = []
    for a in actions:
        lower = a.lower()
        if lower in known or a == "*":
            continue
        service, _, name = lower.partition(":")
        if service not in services:
            out.append((a, service))
        elif "*" not in name and "?" not in name:
            out.append((a, None))
    return tuple(out)


@rule("PE070", "warning", "redundant statement: another statement of the policy implies it")
def redundant_statement(t: Target) -> Iterator[tuple[str, str]]:
    from ._cover import implied

    for i, a, path in implied(_stmts(t)):
        label = a.sid or f"#{i}"
        yield f"everything this statement grants, statement `{label}` grants too", path
