"""Round 10: a Lambda invoke permission on a function of the resource model.

Catalogue ``catalogs/functions``: one function per tenant (``function:saas-fn-{tenant}``,
a pooled resource partitioned by name). Template: the tier role as the catalogue has
it, and::

    Perm:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: arn:aws:lambda:eu-west-1:111122223333:function:saas-fn-globex
        Action: lambda:InvokeFunction
        Principal: "*"

(or a plan's ``aws_lambda_permission``.)

Deployed effect: a Lambda permission is a statement of the function's resource policy;
a grant to ``*`` lets acme's session invoke globex's function, whatever acme's session
policy says.

Why the lint must not pass it: invoke permissions were read only for who may invoke
the credential vendor's function (a PE115 warning: "if it is the credential vendor"),
and the tier was `proved`. Now a permission on a function of the model is PE091
(the deployed proof does not read Lambda permissions), for every tier.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

from ._abac import TRUST

CATALOG = Path(__file__).resolve().parent / "catalogs" / "functions"
FN = "arn:aws:lambda:eu-west-1:111122223333:function:saas-fn-"
READ = {"Effect": "Allow", "Action": "lambda:GetFunctionConfiguration", "Resource": FN + "*"}
ROLE = {"Version": "2012-10-17", "Statement": [READ]}


def _status(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    run(["lint", "--format", "json", "--catalog", str(CATALOG), str(path)], out, io.StringIO())
    (tier,) = json.loads(out.getvalue())["summary"]["deployed"][0]["tiers"]
    status: str = tier["status"]
    return status


def _cfn(function: str | None) -> dict[str, Any]:
    props = {"RoleName": "saas-web", "AssumeRolePolicyDocument": TRUST,
             "Policies": [{"PolicyName": "r", "PolicyDocument": ROLE}]}  # fmt: skip
    resources: dict[str, Any] = {"Web": {"Type": "AWS::IAM::Role", "Properties": props}}
    if function is not None:
        resources["Perm"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {"FunctionName": function, "Action": "lambda:InvokeFunction",
                           "Principal": "*"},
        }  # fmt: skip
    return {"Resources": resources}


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (None, "proved"),
        (FN + "globex", "unknown"),
        ("saas-fn-globex:live", "unknown"),
        ("other-function", "proved"),
    ],
)
def test_a_permission_on_a_model_function_is_not_proved(
    tmp_path: Path, function: str | None, expected: str
) -> None:
    assert _status(tmp_path, _cfn(function)) == expected


def test_a_plan_permission_on_a_model_function(tmp_path: Path) -> None:
    template = _cfn(None)
    role = template["Resources"]["Web"]["Properties"]
    after_role = {"name": "saas-web", "path": "/",
                  "assume_role_policy": json.dumps(role["AssumeRolePolicyDocument"]),
                  "inline_policy": [{"name": "r", "policy": json.dumps(ROLE)}]}  # fmt: skip
    permission = {"function_name": "saas-fn-globex", "action": "lambda:InvokeFunction",
                  "principal": "*"}  # fmt: skip
    changes = [
        {"address": "aws_iam_role.web", "mode": "managed", "type": "aws_iam_role", "name": "web",
         "change": {"actions": ["create"], "before": None, "after": after_role,
                    "after_unknown": {}}},
        {"address": "aws_lambda_permission.p", "mode": "managed", "type": "aws_lambda_permission",
         "name": "p", "change": {"actions": ["create"], "before": None, "after": permission,
                                 "after_unknown": {}}},
    ]  # fmt: skip
    assert _status(tmp_path, {"format_version": "1.2", "resource_changes": changes}) == "unknown"


def _sam(event: dict[str, Any]) -> dict[str, Any]:
    template = _cfn(None)
    template["Transform"] = "AWS::Serverless-2016-10-31"
    function = {"FunctionName": "saas-fn-globex", "Runtime": "python3.12", "Handler": "a.h",
                "InlineCode": "x", "Events": {"E": event}}  # fmt: skip
    template["Resources"]["Fn"] = {"Type": "AWS::Serverless::Function", "Properties": function}
    return template


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}, "unknown"),
        ({"Type": "SNS", "Properties": {"Topic": "arn:aws:sns:eu-west-1:111122223333:t"}},
         "unknown"),
        ({"Type": "SQS", "Properties": {"Queue": "arn:aws:sqs:eu-west-1:111122223333:q"}},
         "proved"),
    ],
)  # fmt: skip
def test_the_permission_sam_writes_for_an_event_source(
    tmp_path: Path, event: dict[str, Any], expected: str
) -> None:
    """SAM writes an AWS::Lambda::Permission for the service of an `Api`, `SNS`, `S3`...
    event (an SQS event is an event source mapping run by the function's role)."""
    assert _status(tmp_path, _sam(event)) == expected
