"""Round 10: a plan's exclusive management of a role's policies.

Plan (against ``catalogs/abac``): the web role with an ``aws_iam_role_policy`` ``all``
(s3:GetObject on every report), an ``aws_iam_role_policy`` ``fence`` (Deny
s3:GetObject outside ``saas-reports/${aws:PrincipalTag/TenantId}/*``), and::

    resource "aws_iam_role_policies_exclusive" "web" {
      role_name    = "saas-web"
      policy_names = ["all"]
    }

(or ``aws_iam_role_policy_attachments_exclusive`` with ``policy_arns`` that leave out
the managed policy holding the fence.)

(or the role's own ``inline_policy`` blocks, which take the same exclusive management.)

Deployed effect: the exclusive resource takes ownership of the role's inline (managed)
policies and removes those it does not list (Terraform AWS provider documentation of
``aws_iam_role_policies_exclusive``, ``aws_iam_role_policy_attachments_exclusive`` and
``aws_iam_role``'s ``inline_policy``): the fence goes, and every web session reads
every tenant's reports.

Why the lint must not pass it: the resource was not read, the fence was read as on the
role, and web was `proved`. Now a policy the exclusive resource does not list (or
whose list is known only after apply) may be removed: its Denies fence nothing in the
deployed proof (PE111 warning), its Allows are still read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import ABAC, READ_ALL, TRUST, lint, statuses

FENCE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Deny", "Action": "s3:GetObject",
         "NotResource": "arn:aws:s3:::saas-reports/${aws:PrincipalTag/TenantId}/*"},
    ],
}  # fmt: skip
FENCE_ARN = "arn:aws:iam::111122223333:policy/fence"
ALL_ARN = "arn:aws:iam::111122223333:policy/all"


def _change(kind: str, name: str, after: dict[str, Any], unknown: Any = None) -> dict[str, Any]:
    body = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown or {}}
    return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
            "change": body}  # fmt: skip


def _roles() -> list[dict[str, Any]]:
    ops = {"name": "saas-ops", "path": "/", "assume_role_policy": json.dumps(TRUST),
           "inline_policy": [{"name": "abac", "policy": json.dumps(ABAC)}]}  # fmt: skip
    web = {"name": "saas-web", "path": "/", "assume_role_policy": json.dumps(TRUST)}
    return [_change("aws_iam_role", "web", web), _change("aws_iam_role", "ops", ops)]


def _inline(exclusive: dict[str, Any] | None, unknown: Any = None) -> dict[str, Any]:
    changes = [
        *_roles(),
        _change("aws_iam_role_policy", "all",
                {"name": "all", "role": "saas-web", "policy": json.dumps(READ_ALL)}),
        _change("aws_iam_role_policy", "fence",
                {"name": "fence", "role": "saas-web", "policy": json.dumps(FENCE)}),
    ]  # fmt: skip
    if exclusive is not None:
        changes.append(_change("aws_iam_role_policies_exclusive", "web", exclusive, unknown))
    return {"format_version": "1.2", "resource_changes": changes}


def _managed(kept: list[str]) -> dict[str, Any]:
    changes = [*_roles()]
    for name, doc, arn in (("all", READ_ALL, ALL_ARN), ("fence", FENCE, FENCE_ARN)):
        changes.append(
            _change(
                "aws_iam_policy",
                name,
                {"name": name, "path": "/", "policy": json.dumps(doc), "arn": arn},
            )
        )
        changes.append(_change("aws_iam_role_policy_attachment", name,
                               {"role": "saas-web", "policy_arn": arn}))  # fmt: skip
    changes.append(_change("aws_iam_role_policy_attachments_exclusive", "web",
                           {"role_name": "saas-web", "policy_arns": kept}))  # fmt: skip
    return {"format_version": "1.2", "resource_changes": changes}


def _own_inline() -> dict[str, Any]:
    """The web role's own inline_policy (one block, `all`) beside the fence resource."""
    plan = _inline(None)
    web = plan["resource_changes"][0]["change"]["after"]
    web["inline_policy"] = [{"name": "all", "policy": json.dumps(READ_ALL)}]
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["address"] != "aws_iam_role_policy.all"]  # fmt: skip
    return plan


@pytest.mark.parametrize(
    ("plan", "web"),
    [
        (_inline(None), "proved"),
        (_inline({"role_name": "saas-web", "policy_names": ["all", "fence"]}), "proved"),
        (_inline({"role_name": "saas-web", "policy_names": ["all"]}), "violation"),
        (_inline({"role_name": "saas-web"}, {"policy_names": True}), "violation"),
        (_inline({"role_name": "saas-ops", "policy_names": ["abac"]}), "proved"),
        (_managed([ALL_ARN, FENCE_ARN]), "proved"),
        (_managed([ALL_ARN]), "violation"),
        (_own_inline(), "violation"),
    ],
)
def test_a_policy_an_exclusive_resource_removes_fences_nothing(
    tmp_path: Path, plan: dict[str, Any], web: str
) -> None:
    doc = lint(tmp_path, plan)
    assert statuses(doc)["web"] == web, doc["findings"]
    if web == "violation":
        assert any(f["rule"] == "PE111" and "may be removed" in f["message"]
                   for f in doc["findings"])  # fmt: skip
