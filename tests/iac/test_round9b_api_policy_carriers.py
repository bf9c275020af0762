"""Round 9b: an API Gateway resource policy the lint did not see.

A REST API's resource policy is not only ``Policy`` / SAM ``Auth.ResourcePolicy``:
API Gateway also takes it from the OpenAPI definition's ``x-amazon-apigateway-policy``
(API Gateway Developer Guide, "x-amazon-apigateway-policy"): a RestApi's ``Body`` or
``BodyS3Location``, SAM's ``DefinitionBody`` / ``DefinitionUri``, a Terraform
``aws_api_gateway_rest_api.body``. SAM writes an implicit API's resource policy (from
``Globals.Api.Auth.ResourcePolicy`` or a function's ``Api`` event ``Auth.ResourcePolicy``)
into that API's ``Body`` (aws-sam-translator). A policy given as JSON text with a key
twice was read by ``json.loads`` (the last value kept). Each allowed ``*`` on every route
with "every tier proved"; now each is PE091 (a Deny-only policy still passes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._lint_helpers import deployed_status, lint_json, one_resource_plan
from .test_api_resource_policy import ALLOW_ALL, DENY_OFFICE, _api_findings, _with


def _openapi(*statements: dict[str, Any]) -> dict[str, Any]:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return {
        "openapi": "3.0.1",
        "info": {"title": "x", "version": "1"},
        "paths": {},
        "x-amazon-apigateway-policy": policy,
    }


_FUNCTION = {
    "Type": "AWS::Serverless::Function",
    "Properties": {
        "Handler": "a.b",
        "Runtime": "python3.12",
        "InlineCode": "x",
        "Events": {"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}},
    },
}


@pytest.mark.parametrize(
    ("resource", "sam"),
    [
        ({"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": _openapi(ALLOW_ALL)}}, False),
        (
            {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"Body": _openapi(DENY_OFFICE, ALLOW_ALL)},
            },
            False,
        ),
        (
            {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"BodyS3Location": {"Bucket": "b", "Key": "api.yaml"}},
            },
            False,
        ),
        (
            {
                "Type": "AWS::Serverless::Api",
                "Properties": {"StageName": "p", "DefinitionBody": _openapi(ALLOW_ALL)},
            },
            True,
        ),
        (
            {
                "Type": "AWS::Serverless::Api",
                "Properties": {"StageName": "p", "DefinitionUri": "s3://b/api.yaml"},
            },
            True,
        ),
    ],
)
def test_openapi_policy_is_pe091(tmp_path: Path, resource: dict[str, Any], sam: bool) -> None:
    doc = lint_json(tmp_path, _with(resource, sam=sam))
    found = _api_findings(doc)
    assert found
    assert found[0]["severity"] == "error"
    assert deployed_status(doc) == "unknown"


def test_openapi_deny_only_or_no_policy_is_proved(tmp_path: Path) -> None:
    for body in (_openapi(DENY_OFFICE), {"openapi": "3.0.1", "paths": {}}):
        rest = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}}
        doc = lint_json(tmp_path, _with(rest))
        assert _api_findings(doc) == []
        assert deployed_status(doc) == "proved"


def test_implicit_api_globals_resource_policy(tmp_path: Path) -> None:
    template = _with(json.loads(json.dumps(_FUNCTION)), sam=True)
    template["Globals"] = {"Api": {"Auth": {"ResourcePolicy": {"CustomStatements": [ALLOW_ALL]}}}}
    doc = lint_json(tmp_path, template)
    found = _api_findings(doc)
    assert found
    assert "ServerlessRestApi" in found[0]["message"]
    assert deployed_status(doc) == "unknown"


def test_function_event_resource_policy(tmp_path: Path) -> None:
    function = json.loads(json.dumps(_FUNCTION))
    event = function["Properties"]["Events"]["Get"]["Properties"]
    event["Auth"] = {"ResourcePolicy": {"CustomStatements": [ALLOW_ALL]}}
    doc = lint_json(tmp_path, _with(function, sam=True))
    assert _api_findings(doc)
    assert deployed_status(doc) == "unknown"
    event["Auth"] = {"ResourcePolicy": {"CustomStatements": [DENY_OFFICE]}}
    doc = lint_json(tmp_path, _with(function, sam=True))
    assert _api_findings(doc) == []
    assert deployed_status(doc) == "proved"


def test_duplicate_effect_in_policy_text(tmp_path: Path) -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", '
        '"Action": "execute-api:Invoke", "Resource": "execute-api:/*", "Effect": "Deny"}]}'
    )
    rest = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "x", "Policy": text}}
    doc = lint_json(tmp_path, _with(rest))
    assert _api_findings(doc)
    assert deployed_status(doc) == "unknown"


@pytest.mark.parametrize(
    ("after", "unknown", "expected"),
    [
        ({"name": "x", "body": json.dumps(_openapi(ALLOW_ALL))}, {}, True),
        ({"name": "x", "body": json.dumps(_openapi(ALLOW_ALL)), "policy": ""}, {}, True),
        ({"name": "x", "body": "openapi: 3.0.1\nx-amazon-apigateway-policy: {}\n"}, {}, True),
        ({"name": "x"}, {"body": True}, True),
        ({"name": "x", "body": json.dumps(_openapi(DENY_OFFICE))}, {}, False),
        ({"name": "x", "body": json.dumps({"openapi": "3.0.1", "paths": {}})}, {}, False),
    ],
)
def test_terraform_body_policy(
    tmp_path: Path, after: dict[str, Any], unknown: dict[str, Any], expected: bool
) -> None:
    doc = lint_json(
        tmp_path, one_resource_plan("aws_api_gateway_rest_api", after, unknown), "plan.json"
    )
    assert bool(_api_findings(doc)) is expected
