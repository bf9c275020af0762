"""Round 10b: a role of the tier's name deployed in another partition.

Template: the clean deployment of ``catalogs/abac`` (roles ``saas-web`` and
``saas-ops``), linted with ``--parameter AWS::Partition=aws-cn`` (the stack is deployed
in the China partition), or a plan updating those roles whose known ``arn`` is
``arn:aws-cn:iam::111122223333:role/...``; the catalogue's tier roles are
``arn:aws:iam::111122223333:...``.

Deployed effect: a partition is a separate IAM with its own accounts (an account ID in
``aws-cn`` is not the ``aws`` account of the same digits): the stack creates roles in
``aws-cn``; the tiers' sessions assume the roles of the ``aws`` partition, which these
templates do not hold (their policies may be anything).

Why the lint must not pass it: round 10 told a role in another account from the tier's
role by the account of its ARN only; the partition was not compared, so the roles of
``aws-cn`` were checked in the tiers' place and every tier was `proved`. Now a role
whose ARN names another partition is not the tier's either: `not checked` (PE122).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import ABAC, TRUST, clean, lint, statuses


@pytest.mark.parametrize(
    ("partition", "expected"),
    [("aws-cn", "not checked"), ("aws-us-gov", "not checked"), ("aws", "proved")],
)
def test_a_stack_in_another_partition_holds_no_tier_role(
    tmp_path: Path, partition: str, expected: str
) -> None:
    doc = lint(tmp_path, clean(), "t.json", "--parameter", f"AWS::Partition={partition}")
    assert set(statuses(doc).values()) == {expected}, doc["findings"]


def _plan(arn: str | None) -> dict[str, Any]:
    changes = []
    for name in ("saas-web", "saas-ops"):
        inline = [{"name": "abac", "policy": json.dumps(ABAC)}]
        after: dict[str, Any] = {"name": name, "path": "/", "inline_policy": inline,
                                 "assume_role_policy": json.dumps(TRUST)}  # fmt: skip
        unknown: dict[str, Any] = {}
        if arn is None:
            unknown["arn"] = True
        else:
            after["arn"] = arn + name
        address = "aws_iam_role." + name.replace("-", "_")
        changes.append({"address": address, "mode": "managed", "type": "aws_iam_role",
                        "name": name.replace("-", "_"),
                        "change": {"actions": ["update"], "before": after, "after": after,
                                   "after_unknown": unknown}})  # fmt: skip
    return {"format_version": "1.2", "resource_changes": changes}


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws-cn:iam::111122223333:role/", "not checked"),
        ("arn:aws:iam::111122223333:role/", "proved"),
        (None, "proved"),  # known after apply: the plan's partition is not said
    ],
)
def test_a_plan_role_in_another_partition(tmp_path: Path, arn: str | None, expected: str) -> None:
    doc = lint(tmp_path, _plan(arn), "plan.json")
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
