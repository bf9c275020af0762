"""Who may take on a tier role: the credential vendor, and everyone else its trust
policy admits.

Vending passes a session policy rendered for the tenant and sets the session tags; the
proof of the tier assumes every session of the role was vended. Any other principal a
trust policy admits (an identity provider through ``AssumeRoleWithWebIdentity`` or
``AssumeRoleWithSAML``, another account, this account's root, another role or user, a
service, a wildcard, ``NotPrincipal``) mints sessions of the role without a session
policy, and with ``sts:TagSession`` with tags of its choosing. This module reads a trust
policy and names the statements that admit such a principal to a session-minting
action; :func:`policy_engine.isolation.check_isolation` then requires the role's own
policies to isolate tenants for those sessions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..evaluate import StatementRef
from ._shapes import _case_twins
from ._strings import _listify

#: The STS actions that mint a session of the role (IAM User Guide, "Comparing the AWS
#: STS API operations"); sts:TagSession, sts:SetSourceIdentity and sts:SetContext only
#: add to a session one of these mints.
MINTING_ACTIONS = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity")

#: Condition operators whose values, on ``aws:PrincipalArn``, limit the statement to
#: the callers they list (a caller that is not listed fails the condition).
_LIMITING = frozenset({"stringequals", "arnequals", "stringlike", "arnlike"})

_ROLE = re.compile(r"arn:([a-z-]+):iam::(\d{12}):role/(?:[!-~]*/)?([\w+=,.@-]+)")
_SESSION = re.compile(r"arn:([a-z-]+):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/.+")


@dataclass(frozen=True, slots=True)
class ForeignTrust:
    """A trust statement that admits a principal other than the vendor to a
    session-minting action: the statement and who it admits (for the report)."""

    ref: StatementRef
    who: str
    actions: tuple[str, ...]
    tags: bool  # the statement (or another one for the same admission) allows TagSession


def foreign_trust(
    document: Mapping[str, Any], label: str, vendors: Sequence[str]
) -> list[ForeignTrust]:
    """The Allow statements of a trust policy that let a principal other than one of
    ``vendors`` (role ARNs) mint a session of the role. Every principal form counts
    as another principal unless it names a vendor role (or one of its sessions)
    exactly: ``*``, accounts, roots, other roles and users, ``Federated``,
    ``CanonicalUser``, ``Service``, values the proof cannot read, and ``NotPrincipal``
    (everyone but the listed). A condition that limits ``aws:PrincipalArn`` to vendor
    roles makes a statement the vendor's; any other condition is read as true."""
    vendor_keys = {_role_key(v) for v in vendors} - {None}
    raw = document.get("Statement", [])
    statements = raw if isinstance(raw, list) else [raw]
    tag_anyone = any(
        isinstance(st, Mapping)
        and st.get("Effect") == "Allow"
        and _covers(st, "sts:tagsession")
        and (_principal_others(st, vendor_keys) or "NotPrincipal" in st)
        for st in statements
    )
    out: list[ForeignTrust] = []
    for i, st in enumerate(statements):
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue  # a Deny only takes sessions away
        actions = tuple(a for a in MINTING_ACTIONS if _covers(st, a))
        if not actions or _limited_to_vendors(st, vendors):
            continue
        if "NotPrincipal" in st:
            who = "every principal but those its `NotPrincipal` lists"
        else:
            others = _principal_others(st, vendor_keys)
            if not others:
                continue
            who = ", ".join(others[:3]) + (
                f" (and {len(others) - 3} more)" if len(others) > 3 else ""
            )
        ref = StatementRef(f"resource({label})", "resource", i, st.get("Sid"), "Allow")
        tags = tag_anyone or _covers(st, "sts:tagsession")
        out.append(ForeignTrust(ref, who, actions, tags))
    return out


def _role_key(arn: str) -> tuple[str, str, str] | None:
    """A role ARN (or a session of the role) as (partition, account, role name)."""
    m = _ROLE.fullmatch(arn) or _SESSION.fullmatch(arn)
    return (m[1], m[2], m[3]) if m else None


def _principal_others(st: Mapping[str, Any], vendor_keys: set[Any]) -> list[str]:
    """The values of the statement's Principal that do not name a vendor role or one
    of its sessions, each as `form` `value`."""
    principal = st.get("Principal")
    if principal is None:
        return []
    if not isinstance(principal, Mapping):
        return [f"`{principal}`"]  # "*" (or a form the proof cannot read)
    out: list[str] = []
    for form, values in principal.items():
        for value in _listify(values):
            text = str(value)
            if form == "AWS" and "*" not in text and "?" not in text:
                key = _role_key(text)
                if key is not None and key in vendor_keys:
                    continue
            out.append(f"`{form}` `{text}`")
    return out


def _covers(st: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers ``action``; an element the
    proof cannot read covers every action."""
    if "Action" in st:
        patterns, negated = st["Action"], False
    elif "NotAction" in st:
        patterns, negated = st["NotAction"], True
    else:
        return True
    hit = any(isinstance(p, str) and _action_regex(p).fullmatch(action) for p in _listify(patterns))
    return hit != negated


def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.I)


def _limited_to_vendors(st: Mapping[str, Any], vendors: Sequence[str]) -> bool:
    """Whether a condition of the statement holds only for callers whose
    ``aws:PrincipalArn`` is one of ``vendors``: a positive string or ARN operator (no
    ``IfExists``, no set operator, so a request without the key fails it) on that key
    whose every value is a vendor role ARN, written out without wildcards."""
    condition = st.get("Condition")
    if not isinstance(condition, Mapping) or not vendors:
        return False
    if _case_twins(st) is not None:
        return False  # a key named twice in different case: which value AWS tests is unknown
    for operator, block in condition.items():
        if not isinstance(block, Mapping) or str(operator).lower() not in _LIMITING:
            continue
        for key, values in block.items():
            if str(key).lower() != "aws:principalarn":
                continue
            listed = [str(v) for v in _listify(values)]
            if listed and all(v in vendors and "*" not in v and "?" not in v for v in listed):
                return True
    return False
