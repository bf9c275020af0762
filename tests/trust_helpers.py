"""Trust policies for the tests (imported by test modules and conftests)."""

from __future__ import annotations

from typing import Any

#: The actions credential vending needs of a tier role's trust policy.
VENDING_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]


def vending_trust(principal: str) -> dict[str, Any]:
    """A trust policy that lets ``principal`` (an AWS principal ARN, or a template of
    one) assume the role as vending does: with session tags and a source identity."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(VENDING_ACTIONS)}
        ],
    }
