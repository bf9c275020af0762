"""Round 8: the credential vendor's role, assumable by another principal.

Template (CloudFormation, beside the tier roles)::

    OrdersServiceRole:                     # the catalogue's vendor_roles names it
      Type: AWS::IAM::Role
      Properties:
        RoleName: saas-orders-service
        AssumeRolePolicyDocument:
          Statement:
            - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
            - {Effect: Allow, Principal: {AWS: arn:aws:iam::111122223333:role/intern-sandbox},
               Action: sts:AssumeRole}
        Policies: [{PolicyName: vend, PolicyDocument: {Statement: [{Effect: Allow,
                    Action: [sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity],
                    Resource: arn:aws:iam::111122223333:role/saas-tenant-*}]}}]

Deployed effect: ``intern-sandbox`` assumes the vendor role (in the same account,
adding the principal to the role's trust policy is enough: STS API Reference,
"AssumeRole"), then assumes a tier role as the vendor does but
without the tenant-scoped session policy (``Policy`` is optional in AssumeRole): its
session carries the tier role's own policies, every tenant of the tier.

Why the lint must not pass it: the deployed proof takes the catalogue's vendor roles
as the only principals that vend, and checked the tier roles' trust, never who may
become the vendor: 0 errors. Now the deployed trust policy of each vendor role found
in the templates may admit only AWS services; any other principal is PE091.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template

LAMBDA = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
          "Action": "sts:AssumeRole"}  # fmt: skip


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, statements: list[dict[str, Any]]) -> Path:
    template = _template("basic")
    vend = {
        "Effect": "Allow",
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        "Resource": "arn:aws:iam::111122223333:role/saas-tenant-*",
    }
    template["Resources"]["OrdersServiceRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": "saas-orders-service",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            "Policies": [
                {"PolicyName": "vend",
                 "PolicyDocument": {"Version": "2012-10-17", "Statement": [vend]}}
            ],
        },
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "who"),
    [
        ({"Effect": "Allow", "Action": "sts:AssumeRole",
          "Principal": {"AWS": "arn:aws:iam::111122223333:role/intern-sandbox"}}, "intern-sandbox"),
        ({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "111122223333"}},
         "111122223333"),
        ({"Effect": "Allow", "Action": "sts:*", "Principal": "*",
          "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}, "`*`"),
        ({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated": "cognito-identity.amazonaws.com"}}, "cognito-identity"),
    ],
    ids=["role", "account", "star", "federated"],
)  # fmt: skip
def test_a_vendor_role_others_may_assume_is_not_passed(
    tmp_path: Path, extra: dict[str, Any], who: str
) -> None:
    code, findings = _lint(_write(tmp_path, [LAMBDA, extra]))
    assert code == 1, findings
    found = [f for f in findings if f["rule"] == "PE091" and "credential vendor" in f["message"]]
    assert found, findings
    assert who in found[0]["message"]


def test_twin_a_vendor_role_only_its_service_assumes_stays_clean(tmp_path: Path) -> None:
    code, findings = _lint(_write(tmp_path, [LAMBDA]))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
