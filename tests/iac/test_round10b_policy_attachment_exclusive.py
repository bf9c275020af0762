"""Round 10b: ``aws_iam_policy_attachment``, the exclusive attachment of a policy.

Plan (against ``catalogs/abac``, as in round 10's exclusive-policies test): the web
role with managed policies ``all`` (s3:GetObject on every report) and ``fence`` (Deny
s3:GetObject outside ``saas-reports/${aws:PrincipalTag/TenantId}/*``), each attached
by an ``aws_iam_role_policy_attachment``, and::

    resource "aws_iam_policy_attachment" "fence_ops" {
      name       = "fence"
      policy_arn = aws_iam_policy.fence.arn
      roles      = ["saas-ops"]
    }

Deployed effect: ``aws_iam_policy_attachment`` manages every attachment of its policy
across the account, and detaches it from each role, user or group it does not list
(Terraform AWS provider documentation of ``aws_iam_policy_attachment``, its warning):
at apply the fence leaves ``saas-web``, and every web session reads every tenant's
reports.

Why the lint must not pass it: round 10 read ``aws_iam_role_policies_exclusive``,
``..._attachments_exclusive`` and a role's own lists as exclusive, but this resource
only as adding its roles: the fence was read as on the web role, `proved`. Now a
policy of the plan on a role the resource does not list may be removed: its Denies
fence nothing in the deployed proof (PE111 warning).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round10_exclusive_policies import ALL_ARN, FENCE_ARN, _change, _managed


def _plan(roles: list[str] | None, users: list[str] | None = None) -> dict[str, Any]:
    plan = _managed([ALL_ARN, FENCE_ARN])
    plan["resource_changes"] = [
        c for c in plan["resource_changes"]
        if c["type"] != "aws_iam_role_policy_attachments_exclusive"
    ]  # fmt: skip
    if roles is not None or users is not None:
        after = {"name": "fence", "policy_arn": FENCE_ARN, "roles": roles or [],
                 "users": users or [], "groups": []}  # fmt: skip
        plan["resource_changes"].append(_change("aws_iam_policy_attachment", "fence", after))
    return plan


@pytest.mark.parametrize(
    ("plan", "web"),
    [
        (_plan(None), "proved"),
        (_plan(["saas-ops", "saas-web"]), "proved"),
        (_plan(["saas-ops", "SAAS-WEB"]), "proved"),
        (_plan(["saas-ops"]), "violation"),
        (_plan(None, users=["alice"]), "violation"),
    ],
)
def test_a_policy_attachment_that_does_not_list_the_role_removes_the_fence(
    tmp_path: Path, plan: dict[str, Any], web: str
) -> None:
    doc = lint(tmp_path, plan)
    assert statuses(doc)["web"] == web, doc["findings"]
    if web == "violation":
        assert any(f["rule"] == "PE111" and "may be removed" in f["message"]
                   for f in doc["findings"])  # fmt: skip


def _by_reference(role: str) -> dict[str, Any]:
    """The attachment's roles known only after apply, referring to ``aws_iam_role.<role>``
    in the configuration."""
    plan = _plan(["saas-ops"])
    change = plan["resource_changes"][-1]["change"]
    del change["after"]["roles"]
    change["after_unknown"] = {"roles": True}
    expressions = {"roles": {"references": [f"aws_iam_role.{role}.name", f"aws_iam_role.{role}"]}}
    plan["configuration"] = {"root_module": {"resources": [
        {"address": "aws_iam_policy_attachment.fence", "expressions": expressions}]}}  # fmt: skip
    return plan


@pytest.mark.parametrize(("role", "web"), [("web", "proved"), ("ops", "violation")])
def test_roles_known_after_apply_are_read_through_the_configuration(
    tmp_path: Path, role: str, web: str
) -> None:
    doc = lint(tmp_path, json.loads(json.dumps(_by_reference(role))))
    assert statuses(doc)["web"] == web, doc["findings"]
