"""Round 9: who may invoke the credential vendor's function.

Template (CloudFormation; the vendor's function runs as the catalogue's
``vendor_roles`` role, as in examples/sam-app)::

    Orders:
      Type: AWS::Lambda::Function
      Properties:
        Role: arn:aws:iam::111122223333:role/saas-orders-service
        ...
    AnyoneInvokes:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt Orders.Arn
        Action: lambda:InvokeFunction
        Principal: "*"

(in plans: ``aws_lambda_permission`` on the ``aws_lambda_function``).

Deployed effect: the permission lets any principal call ``Invoke`` on the function
(Lambda Developer Guide, "Working with resource-based IAM policies in Lambda"), and
an ``Invoke`` caller writes the whole event: ``requestContext.authorizer.tenantId``
included, which the vendor (``tenant_handler``) takes as the authenticated tenant. The
caller picks any tenant, and the vendor mints that tenant's session and returns its
data. Only API Gateway, for the catalogue's API (whose authorizer writes the tenant),
writes that context truthfully.

Why the lint must not pass it: ``AWS::Lambda::Permission`` holds no policy document,
so it was not read: every tier proved, 0 errors. Now an invoke permission on a
function that runs as a vendor role is PE091 unless it is API Gateway's for the
catalogue's API; on a function the templates do not hold (may be the vendor's) PE115.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import VENDOR, _template

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"  # the catalogue's api_id


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _cfn(tmp_path: Path, function_name: Any, permission: dict[str, Any],
         role: Any = VENDOR) -> Path:  # fmt: skip
    template = _template("basic")
    resources = template["Resources"]
    resources["Orders"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Role": role, "Runtime": "python3.12", "Handler": "app.handler",
                       "Code": {"ZipFile": "def handler(e, c): pass"}},
    }  # fmt: skip
    resources["Live"] = {
        "Type": "AWS::Lambda::Alias",
        "Properties": {"FunctionName": {"Ref": "Orders"}, "FunctionVersion": "1", "Name": "live"},
    }
    resources["Invoke"] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {"FunctionName": function_name, "Action": "lambda:InvokeFunction",
                       **permission},
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def _vendor_errors(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == "PE091" and "invoke" in f["message"]]


@pytest.mark.parametrize(
    ("function_name", "permission"),
    [
        ({"Fn::GetAtt": ["Orders", "Arn"]}, {"Principal": "*"}),
        ({"Ref": "Orders"}, {"Principal": "444455556666"}),
        ({"Ref": "Live"}, {"Principal": "arn:aws:iam::111122223333:role/other"}),
        ({"Ref": "Orders"}, {"Principal": "apigateway.amazonaws.com"}),  # any API, any account
        ({"Ref": "Orders"}, {"Principal": "apigateway.amazonaws.com",
                             "SourceArn": "arn:aws:execute-api:eu-west-1:111122223333:other/*"}),
        ({"Ref": "Orders"}, {"Principal": "events.amazonaws.com",
                             "SourceArn": "arn:aws:events:eu-west-1:111122223333:rule/r"}),
    ],
    ids=["anyone", "account", "alias-role", "any-api", "other-api", "eventbridge"],
)  # fmt: skip
def test_an_invoke_permission_on_the_vendor_is_not_passed(
    tmp_path: Path, function_name: Any, permission: dict[str, Any]
) -> None:
    code, findings = _lint(_cfn(tmp_path, function_name, permission))
    assert code == 1, findings
    assert _vendor_errors(findings), findings


def test_twin_the_catalogue_api_may_invoke_the_vendor(tmp_path: Path) -> None:
    permission = {"Principal": "apigateway.amazonaws.com", "SourceArn": f"{API}/*/GET/*"}
    code, findings = _lint(_cfn(tmp_path, {"Ref": "Orders"}, permission))
    assert code == 0, findings
    assert not [f for f in findings if f["severity"] != "info"], findings


def test_twin_another_function_may_be_invoked(tmp_path: Path) -> None:
    path = _cfn(tmp_path, {"Ref": "Orders"}, {"Principal": "*"},
                role="arn:aws:iam::111122223333:role/app-worker")  # fmt: skip
    # the function's role in the templates (round 12: a public function whose role the
    # templates do not hold is PE091, its policies unknown), with no policy
    template = json.loads(path.read_text(encoding="utf-8"))
    template["Resources"]["Worker"] = {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "app-worker", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}}}  # fmt: skip
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings


def test_a_permission_on_a_function_the_templates_lack_is_said(tmp_path: Path) -> None:
    code, findings = _lint(_cfn(tmp_path, "orders-elsewhere", {"Principal": "*"}))
    assert code == 0, findings
    assert any(f["rule"] == "PE115" and "orders-elsewhere" in f["message"] for f in findings)


def _plan(function: dict[str, Any], permission: dict[str, Any],
          unknown: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    def change(after: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
        return {"actions": ["create"], "after": after, "after_unknown": flags}

    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_lambda_function.orders", "mode": "managed",
             "type": "aws_lambda_function", "name": "orders", "change": change(function, {})},
            {"address": "aws_lambda_permission.any", "mode": "managed",
             "type": "aws_lambda_permission", "name": "any",
             "change": change(permission, unknown or {})},
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_lambda_permission.any", "expressions": {
                "function_name": {"references": ["aws_lambda_function.orders.function_name",
                                                 "aws_lambda_function.orders"]}}},
        ]}},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("permission", "unknown"),
    [
        ({"function_name": "orders", "principal": "*"}, {}),
        ({"principal": "444455556666"}, {"function_name": True}),
        ({"function_name": "arn:aws:lambda:eu-west-1:111122223333:function:orders:live",
          "principal": "*"}, {}),
    ],
    ids=["name", "after-apply", "qualified-arn"],
)  # fmt: skip
def test_a_terraform_invoke_permission_on_the_vendor_is_not_passed(
    tmp_path: Path, permission: dict[str, Any], unknown: dict[str, Any]
) -> None:
    function = {"function_name": "orders", "role": VENDOR}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(function, permission, unknown)), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert _vendor_errors(findings), findings


@pytest.mark.parametrize(
    ("event", "vendor"),
    [
        ({"Type": "IoTRule", "Properties": {"Sql": "SELECT * FROM 'orders'"}}, True),
        ({"Type": "EventBridgeRule",
          "Properties": {"Pattern": {"source": ["app"]}, "InputPath": "$.detail"}}, True),
        ({"Type": "EventBridgeRule", "Properties": {"Pattern": {"source": ["app"]}}}, False),
        ({"Type": "SQS", "Properties": {"Queue": "arn:aws:sqs:eu-west-1:111122223333:q"}}, False),
    ],
    ids=["iot", "eventbridge-input-path", "eventbridge-whole-event", "sqs-records"],
)  # fmt: skip
def test_a_sam_event_whose_sender_writes_the_vendor_event_is_not_passed(
    tmp_path: Path, event: dict[str, Any], vendor: bool
) -> None:
    """SAM makes the permission itself: an IoT rule (the MQTT message is the event) or an
    EventBridge rule with InputPath (the PutEvents caller's detail is the event) lets
    the sender write ``requestContext``; a whole EventBridge event or SQS records do
    not (the vendor finds no authorizer context and refuses)."""
    template = _template("basic")
    template["Transform"] = "AWS::Serverless-2016-10-31"
    template["Resources"]["Orders"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Role": VENDOR, "Runtime": "python3.12", "Handler": "app.handler",
                       "InlineCode": "def handler(e, c): pass", "Events": {"E": event}},
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert bool(_vendor_errors(findings)) is vendor, findings
    assert code == (1 if vendor else 0), findings


def test_an_api_the_template_creates_is_said_not_passed_or_failed(tmp_path: Path) -> None:
    """An API the template creates has an ID known only once deployed: it may be the
    catalogue's API (PE115), or not; another account's API is not (PE091)."""
    mine = {"Fn::Sub": "arn:aws:execute-api:eu-west-1:111122223333:${Api}/*/GET/*"}
    permission = {"Principal": "apigateway.amazonaws.com", "SourceArn": mine}
    path = _cfn(tmp_path, {"Ref": "Orders"}, permission)
    template = json.loads(path.read_text(encoding="utf-8"))
    template["Resources"]["Api"] = {"Type": "AWS::ApiGateway::RestApi",
                                    "Properties": {"Name": "orders"}}  # fmt: skip
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert any(f["rule"] == "PE115" and "api_id" in f["message"] for f in findings), findings
    other = {"Fn::Sub": mine["Fn::Sub"].replace("111122223333", "${Account}")}
    template["Resources"]["Invoke"]["Properties"]["SourceArn"] = other
    template["Parameters"] = {"Account": {"Type": "String"}}
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1
    assert _vendor_errors(findings), findings
