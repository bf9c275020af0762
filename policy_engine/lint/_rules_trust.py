"""Rules for trust policies (a tier's ``trust_template``): who may take on the role."""

from __future__ import annotations

from collections.abc import Iterator

from ._model import Target, rule
from ._rules import _label

#: What the credential vendor's AssumeRole call needs the trust policy to allow.
VENDING_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")


@rule("PE100", "error", "trust policy lets any principal assume the role")
def open_trust(t: Target) -> Iterator[tuple[str, str]]:
    if t.kind != "trust":
        return
    for i, s, path in t.statements:
        if not s.is_allow or s.principal is None:
            continue
        anyone = s.principal.wildcard or "*" in s.principal.values("AWS")
        if anyone and not s.conditions:
            yield (
                f"statement {_label(i, s)} allows principal `*` with no condition: any AWS account "
                "can assume the tier role and reach every tenant it serves",
                path,
            )


@rule("PE101", "warning", "trust policy does not allow what credential vending sends")
def vending_actions(t: Target) -> Iterator[tuple[str, str]]:
    if t.kind != "trust" or not t.extra.get("tier_trust"):
        return
    allowed = {a.lower() for _, s, _ in t.statements if s.is_allow for a in s.action or ()}
    missing = [a for a in VENDING_ACTIONS if a.lower() not in allowed]
    if missing:
        yield (
            "the tier's trust policy does not allow "
            + ", ".join(f"`{a}`" for a in missing)
            + ": the vendor's AssumeRole call (session tags, SourceIdentity) will be "
            "refused with AccessDenied",
            "$",
        )
