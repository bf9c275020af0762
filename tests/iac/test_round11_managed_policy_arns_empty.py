"""Round 11: a plan's role with ``managed_policy_arns = []`` (or a list known only after
apply), configured: exclusive management of the role's managed policies.

Plan (against ``catalogs/abac``, as in round 10's exclusive-policies test): the web
role with managed policies ``all`` (s3:GetObject on every report) and ``fence`` (Deny
s3:GetObject outside ``saas-reports/${aws:PrincipalTag/TenantId}/*``), each attached by
an ``aws_iam_role_policy_attachment``, and on the role itself::

    resource "aws_iam_role" "web" {
      name                = "saas-web"
      managed_policy_arns = []          # or [aws_iam_policy.x.arn], known after apply
    }

Deployed effect: ``managed_policy_arns`` configured takes exclusive management of the
role's managed policy attachments; "Configuring an empty set (i.e.
``managed_policy_arns = []``) will cause Terraform to remove all managed policy
attachments" (Terraform AWS provider documentation of ``aws_iam_role``, argument
``managed_policy_arns``; the same text in the Pulumi AWS provider generated from it,
``Role.managedPolicyArns``): at apply the fence leaves ``saas-web`` (and ``all`` too,
until the attachment adds it back), and every web session reads every tenant's reports.

Why the lint must not pass it: round 10 took only a non-empty list as exclusive; the
plan's ``after`` cannot tell a configured ``[]`` from the state of a role that does not
configure it, and a list known only after apply was not read at all: web `proved`.
Now the plan's ``configuration`` (``expressions.managed_policy_arns``) says whether the
role configures it; configured (or, in a plan without a configuration, an empty or
unknown list), every managed policy of the plan on the role it does not list may be
removed: its Denies fence nothing (PE111 warning).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round10_exclusive_policies import ALL_ARN, FENCE_ARN, _managed


def _plan(
    after: Any = None, *, unknown: bool = False, expression: Any = None, config: bool = True
) -> dict[str, Any]:
    """The web role (``aws_iam_role.web``) with its managed policies attached by
    ``aws_iam_role_policy_attachment``; ``after``: its ``managed_policy_arns`` in the
    plan (None: absent); ``expression``: its configuration's expression (None: not
    configured); ``config``: whether the plan has a ``configuration`` at all."""
    plan = _managed([ALL_ARN, FENCE_ARN])
    plan["resource_changes"] = [
        c for c in plan["resource_changes"]
        if c["type"] != "aws_iam_role_policy_attachments_exclusive"
    ]  # fmt: skip
    web = plan["resource_changes"][0]
    assert web["address"] == "aws_iam_role.web"
    if after is not None:
        web["change"]["after"]["managed_policy_arns"] = copy.deepcopy(after)
    if unknown:
        web["change"]["after_unknown"] = {"managed_policy_arns": True}
    if config:
        expressions: dict[str, Any] = {"name": {"constant_value": "saas-web"}}
        if expression is not None:
            expressions["managed_policy_arns"] = expression
        plan["configuration"] = {"root_module": {"resources": [
            {"address": "aws_iam_role.web", "mode": "managed", "type": "aws_iam_role",
             "name": "web", "expressions": expressions}]}}  # fmt: skip
    return plan


@pytest.mark.parametrize(
    ("plan", "web"),
    [
        # configured empty: every managed attachment removed
        (_plan([], expression={"constant_value": []}), "violation"),
        # configured from a variable that is empty
        (_plan([], expression={"references": ["var.arns"]}), "violation"),
        # configured, known only after apply
        (_plan(unknown=True, expression={"references": ["aws_iam_policy.all.arn",
                                                        "aws_iam_policy.all"]}),
         "violation"),
        # no configuration in the plan: an empty or unknown list may be configured
        (_plan([], config=False), "violation"),
        (_plan(unknown=True, config=False), "violation"),
        # twins: not configured (the state's list, computed), or listing the fence
        (_plan([]), "proved"),
        (_plan(unknown=True), "proved"),
        (_plan(None, config=False), "proved"),
    ],
)  # fmt: skip
def test_a_configured_managed_policy_arns_removes_the_fence(
    tmp_path: Path, plan: dict[str, Any], web: str
) -> None:
    doc = lint(tmp_path, plan)
    assert statuses(doc)["web"] == web, doc["findings"]
    if web == "violation":
        assert any(f["rule"] == "PE111" and "may be removed" in f["message"]
                   for f in doc["findings"])  # fmt: skip
