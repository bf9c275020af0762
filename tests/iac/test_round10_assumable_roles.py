"""Round 10: roles of the templates that a tenant's session may assume.

Template (CloudFormation, against ``catalogs/abac``: both tier roles as the catalogue
has them, plus)::

    Admin:
      Type: AWS::IAM::Role
      Properties:
        RoleName: admin
        AssumeRolePolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {AWS: "*"}
              Action: sts:AssumeRole
              Condition: {StringEquals: {aws:PrincipalAccount: "111122223333"}}
        Policies:
          - PolicyName: all
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::saas-reports/*}

(or the same trust statement on the other tier's role, ``saas-ops``, whose sessions
the caller then tags with any tenant.)

Deployed effect: a trust policy is a resource policy on its role; a grant to ``*``
(here narrowed to the account) grants acme's ``web`` session itself, which its session
policy does not limit (IAM User Guide, "Session policies"; AWS-FACTS): acme assumes
``admin`` and reads every tenant's reports (or assumes ``saas-ops`` tagged as globex).

Why the lint must not pass it: each tier's deployed proof read its own role's trust
as deployed, every other tier role's from the catalogue, and no other role's trust at
all: every tier `proved` beside ``admin``, and `web` `proved` beside ``saas-ops``'s
(only `ops` was not). Now every role of the templates is read with its deployed trust
policy (another tier's as deployed; a role that is no tier's by its statements that
may grant other principals than AWS services, Allows only), and a role whose trust the
lint cannot read is PE091.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import ACCOUNT, LAMBDA_TRUST, READ_ALL, clean, lint, role, statuses

IN_ACCOUNT = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
}


def _trust(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _with_admin(trust: dict[str, Any]) -> dict[str, Any]:
    template = clean()
    template["Resources"]["Admin"] = role("admin", trust, READ_ALL)
    return template


def test_a_role_every_session_of_the_account_may_assume_is_no_proof(tmp_path: Path) -> None:
    doc = lint(tmp_path, _with_admin(_trust(IN_ACCOUNT)))
    assert statuses(doc) == {"web": "violation", "ops": "violation"}, doc["findings"]
    assert any("trust(admin)" in f["message"] for f in doc["findings"] if f["rule"] == "PE090")


@pytest.mark.parametrize(
    "trust",
    [
        _trust({**IN_ACCOUNT, "Principal": "*"}),
        _trust({**IN_ACCOUNT, "Principal": {"AWS": "*", "Service": "lambda.amazonaws.com"}}),
        _trust(
            {
                **IN_ACCOUNT,
                "Principal": {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/saas-web/acme"},
            }
        ),
    ],
)
def test_other_grants_to_the_session_itself(tmp_path: Path, trust: dict[str, Any]) -> None:
    doc = lint(tmp_path, _with_admin(trust))
    assert statuses(doc)["web"] in ("violation", "unknown"), doc["findings"]


@pytest.mark.parametrize(
    "condition",
    [
        {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/saas-*"}},
        {"StringEquals": {"aws:PrincipalTag/TenantId": "acme"}},
    ],
)
def test_a_condition_a_tenant_session_meets(tmp_path: Path, condition: dict[str, Any]) -> None:
    doc = lint(tmp_path, _with_admin(_trust({**IN_ACCOUNT, "Condition": condition})))
    assert statuses(doc) == {"web": "violation", "ops": "violation"}, doc["findings"]


@pytest.mark.parametrize(
    "trust",
    [
        _trust(
            {
                **IN_ACCOUNT,
                "Condition": {
                    "StringEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ci"}
                },
            }
        ),
        LAMBDA_TRUST,  # a service: no tenant's session
        _trust({**IN_ACCOUNT, "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci"}}),
        _trust({**IN_ACCOUNT, "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}),
        _trust({**IN_ACCOUNT, "Effect": "Deny"}),
    ],
)
def test_roles_no_session_may_assume_leave_the_proof(tmp_path: Path, trust: dict[str, Any]) -> None:
    doc = lint(tmp_path, _with_admin(trust))
    assert statuses(doc) == {"web": "proved", "ops": "proved"}, doc["findings"]


def test_another_tier_role_whose_deployed_trust_admits_the_account(tmp_path: Path) -> None:
    template = clean()
    trust = template["Resources"]["OpsRole"]["Properties"]["AssumeRolePolicyDocument"]
    trust["Statement"].append(IN_ACCOUNT)
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": "violation", "ops": "violation"}, doc["findings"]
    web = [f for f in doc["findings"] if f["rule"] == "PE090" and f["tiers"] == ["web"]]
    assert any("role/saas-ops" in f["message"] for f in web)


def test_the_clean_deployment_proves(tmp_path: Path) -> None:
    assert statuses(lint(tmp_path, clean())) == {"web": "proved", "ops": "proved"}


def _plan_role(name: str, trust: dict[str, Any] | None) -> dict[str, Any]:
    after: dict[str, Any] = {"name": name, "path": "/"}
    unknown: dict[str, Any] = {"arn": True}
    if trust is None:
        unknown["assume_role_policy"] = True
    else:
        after["assume_role_policy"] = json.dumps(trust)
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    return {"address": f"aws_iam_role.{name}", "mode": "managed", "type": "aws_iam_role",
            "name": name, "change": change}  # fmt: skip


@pytest.mark.parametrize(("trust", "expected"), [(None, "unknown"), (LAMBDA_TRUST, "not checked")])
def test_a_plan_role_whose_trust_is_known_only_after_apply(
    tmp_path: Path, trust: dict[str, Any] | None, expected: str
) -> None:
    plan = {"format_version": "1.2", "resource_changes": [_plan_role("worker", trust)]}
    doc = lint(tmp_path, plan)
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
    if trust is None:
        assert any(
            f["rule"] == "PE091" and "aws_iam_role.worker" in f["message"] for f in doc["findings"]
        )
