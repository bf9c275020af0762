"""An API Gateway resource policy in the deployed templates: API Gateway allows a route
the Lambda authorizer's policy is silent on when the API's resource policy allows it
(API Gateway Developer Guide, "How API Gateway resource policies affect authorization
workflow", table A). The deployed check did not read such a policy, and the summary
said every tier proved beside a policy allowing `*` on every route; now a policy that
may allow is PE091 on the catalogue's `execute-api` resources, and one that only
denies passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._lint_helpers import deployed_status, lint_json, one_resource_plan
from .test_deployment import _template

ALLOW_ALL = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
}
DENY_OFFICE = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
}


def _api_findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        f for f in doc["findings"] if f["rule"] == "PE091" and "API resource policy" in f["message"]
    ]


def _with(resource: dict[str, Any], *, sam: bool = False) -> dict[str, Any]:
    template = _template("basic")
    template["Resources"]["Api"] = resource
    if sam:
        template["Transform"] = "AWS::Serverless-2016-10-31"
    return template


@pytest.mark.parametrize(
    ("statements", "unknown"),
    [([ALLOW_ALL], True), ([DENY_OFFICE, ALLOW_ALL], True), ([DENY_OFFICE], False)],
)
def test_rest_api_policy(tmp_path: Path, statements: list[Any], unknown: bool) -> None:
    policy = {"Version": "2012-10-17", "Statement": statements}
    for value in (policy, json.dumps(policy)):  # a mapping or JSON text
        rest = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "x", "Policy": value}}
        doc = lint_json(tmp_path, _with(rest))
        found = _api_findings(doc)
        assert bool(found) is unknown
        assert deployed_status(doc) == ("unknown" if unknown else "proved")
        if unknown:
            assert found[0]["severity"] == "error"
            assert "`Api`" in found[0]["message"]
            assert "`api`" in found[0]["message"]


def test_rest_api_without_policy_is_proved(tmp_path: Path) -> None:
    rest = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "x"}}
    doc = lint_json(tmp_path, _with(rest))
    assert _api_findings(doc) == []
    assert deployed_status(doc) == "proved"


@pytest.mark.parametrize(
    ("policy", "unknown"),
    [
        ({"CustomStatements": [ALLOW_ALL]}, True),
        ({"IpRangeWhitelist": ["192.0.2.0/24"]}, True),
        ({"IpRangeBlacklist": ["198.51.100.0/24"]}, True),  # SAM writes its statements
        ({"CustomStatements": [DENY_OFFICE]}, False),
    ],
)
def test_sam_api_resource_policy(tmp_path: Path, policy: dict[str, Any], unknown: bool) -> None:
    api = {
        "Type": "AWS::Serverless::Api",
        "Properties": {"StageName": "prod", "Auth": {"ResourcePolicy": policy}},
    }
    doc = lint_json(tmp_path, _with(api, sam=True))
    assert bool(_api_findings(doc)) is unknown
    assert deployed_status(doc) == ("unknown" if unknown else "proved")


def test_sam_globals_api_resource_policy(tmp_path: Path) -> None:
    template = _with({"Type": "AWS::Serverless::Api", "Properties": {"StageName": "p"}}, sam=True)
    template["Globals"] = {"Api": {"Auth": {"ResourcePolicy": {"CustomStatements": [ALLOW_ALL]}}}}
    found = _api_findings(lint_json(tmp_path, template))
    assert found
    assert "Globals.Api.Auth.ResourcePolicy" in found[0]["message"]


@pytest.mark.parametrize(
    ("kind", "after", "unknown", "expected"),
    [
        (
            "aws_api_gateway_rest_api_policy",
            {"policy": json.dumps({"Version": "2012-10-17", "Statement": [ALLOW_ALL]})},
            {},
            True,
        ),
        ("aws_api_gateway_rest_api_policy", {}, {"policy": True}, True),  # after apply
        (
            "aws_api_gateway_rest_api",
            {"name": "x", "policy": json.dumps({"Statement": [DENY_OFFICE]})},
            {},
            False,
        ),
        ("aws_api_gateway_rest_api", {"name": "x"}, {}, False),
    ],
)
def test_terraform_api_policies(
    tmp_path: Path, kind: str, after: dict[str, Any], unknown: dict[str, Any], expected: bool
) -> None:
    doc = lint_json(tmp_path, one_resource_plan(kind, after, unknown), "plan.json")
    assert bool(_api_findings(doc)) is expected
