"""Round 12: an API whose open methods are defined by an OpenAPI body, or by an HTTP
API's quick create, integrating a function whose own role reads pooled data.

Catalogue ``catalogs/abac``. Template: the clean deployment and ``_cfn``'s function
(``AWS::Lambda::Function`` ``Fn`` running as ``FnRole``, which reads every report),
with API Gateway's permission (a service: alone it proves, round 11), behind:

- an ``AWS::ApiGateway::RestApi`` ``Body`` (SAM ``AWS::Serverless::Api``
  ``DefinitionBody``, ``AWS::ApiGatewayV2::Api`` ``Body``, Terraform
  ``aws_api_gateway_rest_api`` ``body``) whose operation integrates the function
  (``x-amazon-apigateway-integration`` ``uri``) with no ``security`` (its own, or the
  definition's top-level one): API Gateway imports such a method with no authorizer
  ("Specify NONE for open access", API Gateway Developer Guide,
  ``x-amazon-apigateway-auth``);
- an ``AWS::ApiGatewayV2::Api`` with ``Target`` (quick create: "Quick create produces an
  API with an integration, a default catch-all route, and a default stage ... For Lambda
  integrations, specify a function ARN", API Gateway V2 API reference, ``CreateApi``
  ``target``), whose ``$default`` route has no authorizer.

Anyone, another tenant included, sends the function any request; it reads with its own
role whatever tenant the caller claims. Round 11 read ``AWS::ApiGateway::Method`` /
``AWS::ApiGatewayV2::Route`` and SAM events only (it left OpenAPI bodies open): every
tier `proved`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import OTHER, READ_ALL, _cfn

URI = {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                  "${Fn.Arn}/invocations"}  # fmt: skip
COGNITO = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
    "x-amazon-apigateway-authorizer": {
        "type": "cognito_user_pools",
        "providerARNs": ["arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_x"],
    },
}
YAML = (
    "swagger: '2.0'\npaths:\n  /r:\n    get:\n      x-amazon-apigateway-integration:\n"
    "        type: aws_proxy\n        uri: ${Fn.Arn}\n"
)
API_KEY = {"type": "apiKey", "name": "x-api-key", "in": "header"}


def _body(
    security: Any = None,
    top: Any = None,
    schemes: dict[str, Any] | None = None,
    uri: Any = URI,
    credentials: Any = None,
) -> dict[str, Any]:
    """A Swagger 2.0 definition: ``GET /r`` integrating ``uri``."""
    integration: dict[str, Any] = {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
    if credentials is not None:
        integration["credentials"] = credentials
    operation: dict[str, Any] = {"x-amazon-apigateway-integration": integration}
    if security is not None:
        operation["security"] = security
    body: dict[str, Any] = {"swagger": "2.0", "info": {"title": "r", "version": "1"},
                            "paths": {"/r": {"get": operation}}}  # fmt: skip
    if top is not None:
        body["security"] = top
    if schemes is not None:
        body["securityDefinitions"] = schemes
    return body


def _rest(
    body: Any,
    kind: str = "AWS::ApiGateway::RestApi",
    key: str = "Body",
    policy: dict[str, Any] = READ_ALL,
) -> dict[str, Any]:
    template = _cfn("apigateway.amazonaws.com", policy)
    props: dict[str, Any] = {key: body}
    if kind == "AWS::Serverless::Api":
        template["Transform"] = "AWS::Serverless-2016-10-31"
        props["StageName"] = "prod"
    if kind == "AWS::ApiGatewayV2::Api":
        props["ProtocolType"] = "HTTP"
    template["Resources"]["Rest"] = {"Type": kind, "Properties": props}
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_rest(_body()), "unknown"),
        (_rest(_body(security=[])), "unknown"),
        # an API key authorizes no one; an empty requirement makes security optional
        (_rest(_body(security=[{"key": []}], schemes={"key": API_KEY})), "unknown"),
        (_rest(_body(security=[{"pool": []}, {}], schemes={"pool": COGNITO})), "unknown"),
        # the top-level requirement, overridden by the operation's empty one
        (_rest(_body(security=[], top=[{"pool": []}], schemes={"pool": COGNITO})), "unknown"),
        # YAML text (not read: it may open any function it names)
        (_rest({"Fn::Sub": YAML}), "unknown"),
        (_rest({"Fn::Sub": json.dumps(_body(uri="${Fn.Arn}"))}), "unknown"),
        (_rest(_body(), "AWS::Serverless::Api", "DefinitionBody"), "unknown"),
        (_rest(_body(), "AWS::ApiGatewayV2::Api"), "unknown"),
        # twins: a Cognito authorizer on the operation or the whole definition, IAM
        # (x-amazon-apigateway-auth), a function reading another bucket
        (_rest(_body(security=[{"pool": []}], schemes={"pool": COGNITO})), "proved"),
        (_rest(_body(top=[{"pool": []}], schemes={"pool": COGNITO})), "proved"),
        (_rest(_body(), policy=OTHER), "proved"),
    ],
)  # fmt: skip
def test_an_open_operation_of_an_openapi_body(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def test_an_iam_operation_of_an_openapi_body(tmp_path: Path) -> None:
    body = _body()
    body["paths"]["/r"]["get"]["x-amazon-apigateway-auth"] = {"type": "AWS_IAM"}
    doc = lint(tmp_path, _rest(body))
    assert statuses(doc) == {"web": "proved", "ops": "proved"}, doc["findings"]


def _quick(target: Any) -> dict[str, Any]:
    template = _cfn("apigateway.amazonaws.com")
    props: dict[str, Any] = {"Name": "h", "ProtocolType": "HTTP"}
    if target is not None:
        props["Target"] = target
    template["Resources"]["Http"] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": props}
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_quick({"Fn::GetAtt": ["Fn", "Arn"]}), "unknown"),
        (_quick({"Fn::Sub": "arn:aws:lambda:us-east-1:111122223333:function:${Fn}"}), "unknown"),
        (_quick(None), "proved"),
        (_quick("https://example.com"), "proved"),
    ],
)  # fmt: skip
def test_an_http_api_quick_create(tmp_path: Path, template: dict[str, Any], expected: str) -> None:
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


SAM_AUTH = {
    "DefaultAuthorizer": "Pool",
    "Authorizers": {
        "Pool": {"UserPoolArn": "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_x"}
    },
}


@pytest.mark.parametrize("where", ["api", "globals", "none"])
def test_a_sam_definition_body_behind_a_default_authorizer(tmp_path: Path, where: str) -> None:
    """SAM adds an API's ``DefaultAuthorizer`` (its own or from ``Globals.Api``) to every
    method of its ``DefinitionBody`` (aws-sam-translator ``set_path_default_authorizer``):
    guarded, `proved`; ``DefaultAuthorizer: NONE`` leaves the definition's open method
    open."""
    template = _rest(_body(), "AWS::Serverless::Api", "DefinitionBody")
    if where == "api":
        template["Resources"]["Rest"]["Properties"]["Auth"] = SAM_AUTH
    elif where == "globals":
        template["Globals"] = {"Api": {"Auth": SAM_AUTH}}
    else:
        template["Resources"]["Rest"]["Properties"]["Auth"] = {
            **SAM_AUTH,
            "DefaultAuthorizer": "NONE",
        }
    expected = "unknown" if where == "none" else "proved"
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


@pytest.mark.parametrize(("security", "expected"), [(None, "unknown"), ("pool", "proved")])
def test_an_open_operation_calling_s3_with_credentials(
    tmp_path: Path, security: str | None, expected: str
) -> None:
    """An operation's AWS integration to S3 with ``credentials`` (the role API Gateway
    calls S3 as): open, anyone reads any tenant's key through it."""
    template = _rest({})
    template["Resources"]["FnRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0][
        "Principal"]["Service"] = "apigateway.amazonaws.com"  # fmt: skip
    del template["Resources"]["Fn"], template["Resources"]["Public"]
    body = _body(uri={"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:s3:path/saas-reports/{key}"},
                 credentials={"Fn::GetAtt": ["FnRole", "Arn"]},
                 security=None if security is None else [{"pool": []}],
                 schemes={"pool": COGNITO})  # fmt: skip
    template["Resources"]["Rest"]["Properties"]["Body"] = body
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


FN_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:reports-api"
TF_URI = f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{FN_ARN}/invocations"


def _tf(
    kind: str,
    after: dict[str, Any],
    unknown: dict[str, Any] | None = None,
    expressions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``_plan``'s function (``reports-api`` reading every report, API Gateway's
    permission) and an API of ``kind``."""
    from .test_round11_public_deputy import _plan

    plan = _plan("apigateway.amazonaws.com")
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["type"] != "aws_lambda_function_url"]  # fmt: skip
    plan["resource_changes"].append({
        "address": f"{kind}.api", "mode": "managed", "type": kind, "name": "api",
        "change": {"actions": ["create"], "before": None, "after": after,
                   "after_unknown": unknown or {}}})  # fmt: skip
    if expressions is not None:
        plan["configuration"] = {"root_module": {"resources": [
            {"address": f"{kind}.api", "mode": "managed", "type": kind, "name": "api",
             "expressions": expressions}]}}  # fmt: skip
    return plan


REFS = {"references": ["aws_lambda_function.fn.invoke_arn", "aws_lambda_function.fn"]}


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (_tf("aws_api_gateway_rest_api", {"name": "r", "body": json.dumps(_body(uri=TF_URI))}),
         True),
        (_tf("aws_apigatewayv2_api", {"name": "h", "protocol_type": "HTTP",
                                      "body": json.dumps(_body(uri=TF_URI))}), True),
        # a body known only after apply (jsonencode of the function's invoke_arn)
        (_tf("aws_api_gateway_rest_api", {"name": "r"}, {"body": True}, {"body": REFS}), True),
        (_tf("aws_apigatewayv2_api", {"name": "h", "protocol_type": "HTTP",
                                      "target": FN_ARN}), True),
        (_tf("aws_apigatewayv2_api", {"name": "h", "protocol_type": "HTTP"}, {"target": True},
             {"target": REFS}), True),
        # twins: a Cognito authorizer on the operation, no body, no target
        (_tf("aws_api_gateway_rest_api", {"name": "r", "body": json.dumps(
            _body(uri=TF_URI, security=[{"pool": []}], schemes={"pool": COGNITO}))}), False),
        (_tf("aws_api_gateway_rest_api", {"name": "r"}), False),
        (_tf("aws_apigatewayv2_api", {"name": "h", "protocol_type": "HTTP"}), False),
    ],
)  # fmt: skip
def test_the_terraform_form(tmp_path: Path, plan: dict[str, Any], expected: bool) -> None:
    """``aws_api_gateway_rest_api`` / ``aws_apigatewayv2_api`` ``body`` and the HTTP
    API's quick-create ``target`` ("Part of quick create ... For Lambda integrations,
    specify a function ARN", provider documentation of ``aws_apigatewayv2_api``)."""
    doc = lint(tmp_path, plan)
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-" in f["message"]]
    assert bool(hit) == expected, doc["findings"]
