"""Round 10b: values CloudFormation reads at deploy time from Systems Manager or
Secrets Manager.

Template (CloudFormation, against ``catalogs/abac``: both tier roles as the catalogue
has them, plus a policy reading every tenant's reports)::

    Parameters:
      Target: {Type: "AWS::SSM::Parameter::Value<String>", Default: /saas/role}
    Resources:
      ReadAll:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: all
          Roles: [!Ref Target]          # or ["{{resolve:ssm:/saas/role}}"]
          PolicyDocument: {...s3:GetObject on arn:aws:s3:::saas-reports/*}

(or a bucket policy on ``{{resolve:ssm:/saas/bucket}}`` letting ``*`` read it.)

Deployed effect: an ``AWS::SSM::Parameter::Value<...>`` parameter's value (default or
given) is the name of a Systems Manager parameter, and the template gets that
parameter's value at each deploy; a dynamic reference ``{{resolve:ssm:...}}`` (or
``secretsmanager``) is replaced by the stored value at deploy. Either may be
``saas-web``: every web session reads every tenant's reports.

Why the lint must not pass it: round 10 read a role name with unresolved parts as
maybe a tier role's, but the resolver read the SSM parameter's name (``/saas/role``)
and the dynamic reference's text as the values themselves: names of no tier role, of
no model bucket: every tier `proved`. Now both are unknown (opaque) wherever they
stand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import READ_ALL, REPORTS, clean, lint, statuses

SSM = {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/saas/role"}


def _policy(kind: str, target: Any, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    template = clean()
    if parameters:
        template["Parameters"] = parameters
    if kind == "AWS::IAM::RolePolicy":
        props = {"PolicyName": "all", "PolicyDocument": READ_ALL, "RoleName": target}
    else:
        props = {"PolicyDocument": READ_ALL, "Roles": [target]}
        if kind == "AWS::IAM::Policy":
            props["PolicyName"] = "all"
    template["Resources"]["ReadAll"] = {"Type": kind, "Properties": props}
    return template


@pytest.mark.parametrize(
    "kind", ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"]
)
@pytest.mark.parametrize(
    ("target", "parameters", "expected"),
    [
        ({"Ref": "Target"}, {"Target": SSM}, "violation"),
        ({"Ref": "Target"}, {"Target": {**SSM, "Type": "String", "Default": "ci"}}, "proved"),
        ("{{resolve:ssm:/saas/role}}", None, "violation"),
        ({"Fn::Sub": "{{resolve:secretsmanager:${AWS::Region}-role}}"}, None, "violation"),
        ("ci-role", None, "proved"),
    ],
)  # fmt: skip
def test_a_role_named_at_deploy_time_may_be_a_tier_role(
    tmp_path: Path, kind: str, target: Any, parameters: dict[str, Any] | None, expected: str
) -> None:
    doc = lint(tmp_path, _policy(kind, target, parameters))
    assert set(statuses(doc).values()) == {expected}, doc["findings"]


def test_a_given_value_of_an_ssm_parameter_is_its_name_still(tmp_path: Path) -> None:
    """``--parameter Target=/saas/role`` names the SSM parameter, not the role."""
    doc = lint(tmp_path, _policy("AWS::IAM::Policy", {"Ref": "Target"}, {"Target": SSM}),
               "t.json", "--parameter", "Target=/saas/role")  # fmt: skip
    assert set(statuses(doc).values()) == {"violation"}, doc["findings"]


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [("{{resolve:ssm:/saas/bucket}}", "violation"), ("other-bucket", "proved")],
)
def test_a_bucket_named_at_deploy_time_may_be_the_model_bucket(
    tmp_path: Path, bucket: str, expected: str
) -> None:
    template = clean()
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": {"Fn::Sub": f"arn:aws:s3:::{bucket}/*"}}  # fmt: skip
    template["Resources"]["Open"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": bucket,
                       "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}},
    }  # fmt: skip
    assert REPORTS.endswith("saas-reports")
    doc = lint(tmp_path, template)
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
