"""Rules for resource-based policies (a resource's ``policy`` in a catalogue, or a
bucket/key/queue/secret policy file): who else the resource lets in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Statement
from ._model import Target, rule
from ._rules import _label

#: Condition keys that narrow a `*` principal to known callers (IAM User Guide, "AWS
#: global condition context keys"): the caller's identity, account or organisation,
#: or the service resource acting for it.
NARROWING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:userid",
        "aws:username",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "kms:CallerAccount",
    )
)
_SESSION_ARN = re.compile(r"arn:[^:]+:sts::\d{12}:(assumed-role|federated-user)/.+")


def _anyone(s: Statement) -> bool:
    return s.principal is not None and (s.principal.wildcard or "*" in s.principal.values("AWS"))


def _applies(t: Target, s: Statement) -> bool:
    """A resource policy's Allow: in a catalogue by kind; in a plain file (kind `any`)
    by its shape (a Principal, and not only role-assumption actions: a trust policy)."""
    if not s.is_allow or s.principal is None:
        return False
    if t.kind == "resource":
        return True
    return t.kind == "any" and not all(a.lower().startswith("sts:") for a in s.action or ())


@rule("PE130", "error", "resource policy allows any principal without a narrowing condition")
def public_resource(t: Target) -> Iterator[tuple[str, str]]:
    for i, s, path in t.statements:
        if not _applies(t, s) or not _anyone(s):
            continue
        narrowed = [
            c
            for c in s.conditions
            if c.key.lower() in NARROWING_KEYS
            and not c.base_operator.startswith(("StringNot", "ArnNot", "NotIp"))
        ]
        if not narrowed:
            yield (
                f"statement {_label(i, s)} allows principal `*` with no condition on who "
                "calls (aws:PrincipalArn, aws:PrincipalAccount, aws:SourceArn, ...): anyone, "
                "in any account, reaches every tenant's data in it",
                path,
            )


@rule("PE131", "warning", "resource policy grants sessions directly (no session policy limits it)")
def direct_session_grant(t: Target) -> Iterator[tuple[str, str]]:
    for i, s, path in t.statements:
        if not _applies(t, s) or s.principal is None:
            continue
        sessions = [v for v in s.principal.values("AWS") if _SESSION_ARN.fullmatch(v)]
        by_arn = _anyone(s) and any(c.key.lower() == "aws:principalarn" for c in s.conditions)
        if sessions or by_arn:
            who = f"`{sessions[0]}`" if sessions else "`*` narrowed by aws:PrincipalArn"
            yield (
                f"statement {_label(i, s)} grants {who}: such a grant is not limited by the "
                "session policy, so every tenant's session of that role gets it; name the "
                "role ARN as the principal instead (session policies then apply)",
                path,
            )
