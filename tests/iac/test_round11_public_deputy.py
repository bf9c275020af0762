"""Round 11: a function anyone may invoke, whose own role reads pooled data.

Catalogue ``catalogs/abac``. Template: the clean deployment and a function
``reports-api`` running as a role of its own (a SAM function's generated role, or an
``AWS::IAM::Role`` / ``aws_iam_role``) that reads every report (``saas-reports/*``),
with a permission that lets ``*`` invoke it::

    FunctionUrlConfig:
      AuthType: NONE

(SAM writes ``Principal: "*"`` ``lambda:InvokeFunctionUrl``, aws-sam-translator
``_construct_url_permission``), or an ``AWS::Lambda::Permission`` /
``aws_lambda_permission`` with ``Principal: "*"``.

Deployed effect: with ``AuthType: NONE`` "Lambda doesn't perform any authentication
before invoking your function" and the resource-based policy grants public access
(Lambda Developer Guide, "Control access to Lambda function URLs"): anyone, acme's users
included, sends the function any event; the function reads with its own role, which
reads every tenant's reports, whatever tenant the caller claims (a confused deputy: the
ambient-permission trap of AWS-FACTS, made public).

Why the lint must not pass it: the deployed proof reads what a vended session may do;
invoke permissions were read only on the credential vendor's function and on functions
of the model (round 10 left this open): every tier `proved`. Now a permission to ``*``
(or to a principal not known) on a function whose role (no tier's, not the vendor's)
may reach the model is PE091 for every tier. API Gateway's permission (a service, with
the request context it writes) and a URL with ``AuthType: AWS_IAM`` still prove.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import READ_ALL, clean, lint, statuses

OTHER = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::app-assets/*"}],
}  # fmt: skip


def _sam(function: dict[str, Any], policy: dict[str, Any] = READ_ALL) -> dict[str, Any]:
    template = clean()
    template["Transform"] = "AWS::Serverless-2016-10-31"
    template["Resources"]["Api"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"FunctionName": "reports-api", "Runtime": "python3.12",
                       "Handler": "a.h", "InlineCode": "x", "Policies": [policy], **function},
    }  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("function", "policy", "expected"),
    [
        ({"FunctionUrlConfig": {"AuthType": "NONE"}}, READ_ALL, "unknown"),
        # twins: an IAM-authorised URL, no URL, a public URL on a function reading
        # nothing of the model, API Gateway's permission (a service)
        ({"FunctionUrlConfig": {"AuthType": "AWS_IAM"}}, READ_ALL, "proved"),
        ({}, READ_ALL, "proved"),
        ({"FunctionUrlConfig": {"AuthType": "NONE"}}, OTHER, "proved"),
    ],
)  # fmt: skip
def test_a_public_function_url_on_a_function_reading_pooled_data(
    tmp_path: Path, function: dict[str, Any], policy: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, _sam(function, policy))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
    if expected == "unknown":
        assert any(f["rule"] == "PE091" and "invoke" in f["message"] and "reports-api"
                   in f["message"] for f in doc["findings"])  # fmt: skip


def _cfn(principal: str, policy: dict[str, Any] = READ_ALL) -> dict[str, Any]:
    template = clean()
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}  # fmt: skip
    template["Resources"]["FnRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": trust,
                       "Policies": [{"PolicyName": "p", "PolicyDocument": policy}]},
    }  # fmt: skip
    template["Resources"]["Fn"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "a.h",
                       "Code": {"ZipFile": "x"}, "Role": {"Fn::GetAtt": ["FnRole", "Arn"]}},
    }  # fmt: skip
    template["Resources"]["Public"] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"},
                       "Principal": principal},
    }  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("principal", "policy", "expected"),
    [
        ("*", READ_ALL, "unknown"),
        ("*", OTHER, "proved"),
        ("s3.amazonaws.com", READ_ALL, "proved"),
    ],
)
def test_a_lambda_permission_to_anyone(
    tmp_path: Path, principal: str, policy: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, _cfn(principal, policy))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _plan(principal: str) -> dict[str, Any]:
    def change(kind: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                "change": body}  # fmt: skip

    trust = _cfn("*")["Resources"]["FnRole"]["Properties"]["AssumeRolePolicyDocument"]
    changes = [
        change("aws_iam_role", "fn", {"name": "reports-fn", "path": "/",
                                      "assume_role_policy": json.dumps(trust),
                                      "arn": "arn:aws:iam::111122223333:role/reports-fn"}),
        change("aws_iam_role_policy", "read", {"name": "read", "role": "reports-fn",
                                               "policy": json.dumps(READ_ALL)}),
        change("aws_lambda_function", "fn", {
            "function_name": "reports-api",
            "role": "arn:aws:iam::111122223333:role/reports-fn"}),
        change("aws_lambda_function_url", "fn", {"function_name": "reports-api",
                                                 "authorization_type": "NONE"}),
        change("aws_lambda_permission", "url", {
            "function_name": "reports-api", "action": "lambda:InvokeFunctionUrl",
            "principal": principal, "function_url_auth_type": "NONE",
            "statement_id": "public"}),
    ]  # fmt: skip
    return {"format_version": "1.2", "resource_changes": changes}


@pytest.mark.parametrize(
    ("principal", "expected"), [("*", "unknown"), ("apigateway.amazonaws.com", "proved")]
)
def test_the_terraform_form(tmp_path: Path, principal: str, expected: str) -> None:
    """The tier roles are not in the plan: their proof is not run (``not checked``), so
    the finding is looked at."""
    doc = lint(tmp_path, _plan(principal))
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-api" in f["message"]]
    assert bool(hit) == (expected == "unknown"), doc["findings"]


APPSYNC_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}  # fmt: skip


def _appsync(
    auth: str, policy: dict[str, Any] = READ_ALL, extra: str | None = None
) -> dict[str, Any]:
    """An ``AWS::AppSync::GraphQLApi`` (``AuthenticationType`` ``auth``, an additional
    provider ``extra``) and an HTTP data source running as ``SrcRole``, which holds
    ``policy``."""
    template = clean()
    api: dict[str, Any] = {"Name": "g", "AuthenticationType": auth}
    if extra is not None:
        api["AdditionalAuthenticationProviders"] = [{"AuthenticationType": extra}]
    template["Resources"]["SrcRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"RoleName": "appsync-src", "AssumeRolePolicyDocument": APPSYNC_TRUST,
                       "Policies": [{"PolicyName": "p", "PolicyDocument": policy}]},
    }  # fmt: skip
    template["Resources"]["Gql"] = {"Type": "AWS::AppSync::GraphQLApi", "Properties": api}
    template["Resources"]["Src"] = {
        "Type": "AWS::AppSync::DataSource",
        "Properties": {"ApiId": {"Fn::GetAtt": ["Gql", "ApiId"]}, "Name": "src", "Type": "HTTP",
                       "HttpConfig": {"Endpoint": "https://s3.eu-west-1.amazonaws.com"},
                       "ServiceRoleArn": {"Fn::GetAtt": ["SrcRole", "Arn"]}},
    }  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_appsync("API_KEY"), "unknown"),
        (_appsync("AMAZON_COGNITO_USER_POOLS", extra="API_KEY"), "unknown"),
        # twins: no API key; an API key on a data source reading nothing of the model
        (_appsync("AWS_IAM"), "proved"),
        (_appsync("AMAZON_COGNITO_USER_POOLS"), "proved"),
        (_appsync("API_KEY", OTHER), "proved"),
    ],
)  # fmt: skip
def test_an_appsync_data_source_behind_an_api_key(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    """A data source's ``ServiceRoleArn`` is "the IAM service role to be assumed by
    AppSync to interact with the data source" (AWS CDK ``aws_appsync``
    ``BackedDataSourceProps.serviceRole``; Terraform ``aws_appsync_datasource``
    ``service_role_arn``), for every request the API authorizes; with ``API_KEY`` among
    its authorization types (``AuthenticationType``, ``AdditionalAuthenticationProviders``)
    a request carrying the key is authorized, and a client-side key is every tenant's."""
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def test_a_sam_graphql_data_source_with_its_own_role(tmp_path: Path) -> None:
    template = _appsync("API_KEY")
    del template["Resources"]["Gql"], template["Resources"]["Src"]
    template["Transform"] = "AWS::Serverless-2016-10-31"
    for auth, expected in (("API_KEY", "unknown"), ("AWS_IAM", "proved")):
        template["Resources"]["Gql"] = {"Type": "AWS::Serverless::GraphQLApi", "Properties": {
            "SchemaInline": "type Query { a: String }", "Auth": {"Type": auth},
            "DataSources": {"Lambda": {"Src": {
                "FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:x",
                "ServiceRoleArn": {"Fn::GetAtt": ["SrcRole", "Arn"]}}}}}}  # fmt: skip
        assert statuses(lint(tmp_path, template)) == {"web": expected, "ops": expected}


@pytest.mark.parametrize(("auth", "expected"), [("API_KEY", True), ("AWS_IAM", False)])
def test_the_terraform_form_of_appsync(tmp_path: Path, auth: str, expected: bool) -> None:
    def change(kind: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                "change": body}  # fmt: skip

    role_arn = "arn:aws:iam::111122223333:role/appsync-src"
    plan = {"format_version": "1.2", "resource_changes": [
        change("aws_iam_role", "src", {"name": "appsync-src", "path": "/", "arn": role_arn,
                                       "assume_role_policy": json.dumps(APPSYNC_TRUST)}),
        change("aws_iam_role_policy", "read", {"name": "read", "role": "appsync-src",
                                               "policy": json.dumps(READ_ALL)}),
        change("aws_appsync_graphql_api", "g", {"name": "g", "authentication_type": auth}),
        change("aws_appsync_datasource", "src", {"name": "src", "type": "HTTP",
                                                 "service_role_arn": role_arn}),
    ], "configuration": {"root_module": {"resources": [
        {"address": "aws_appsync_datasource.src", "mode": "managed",
         "type": "aws_appsync_datasource", "name": "src",
         "expressions": {"api_id": {"references": ["aws_appsync_graphql_api.g.id",
                                                   "aws_appsync_graphql_api.g"]}}}]}}}  # fmt: skip
    doc = lint(tmp_path, plan)
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "calls AWS as" in f["message"]]
    assert bool(hit) == expected, doc["findings"]


def _api_event(kind: str, event_auth: Any = None, api_auth: Any = None,
               globals_auth: Any = None, explicit: bool = True) -> dict[str, Any]:  # fmt: skip
    """``reports-api`` reading every report, with an ``Api`` / ``HttpApi`` event on an API
    of the template (``explicit``) or SAM's implicit one; ``event_auth`` the event's
    ``Auth``, ``api_auth`` the API's, ``globals_auth`` ``Globals.Api``'s /
    ``Globals.HttpApi``'s."""
    props: dict[str, Any] = {"Path": "/r", "Method": "get"}
    if event_auth is not None:
        props["Auth"] = event_auth
    api_type = "AWS::Serverless::Api" if kind == "Api" else "AWS::Serverless::HttpApi"
    if explicit:
        props["RestApiId" if kind == "Api" else "ApiId"] = {"Ref": "TheApi"}
    template = _sam({"Events": {"Get": {"Type": kind, "Properties": props}}})
    if explicit:
        api_props: dict[str, Any] = {"StageName": "p"} if kind == "Api" else {}
        if api_auth is not None:
            api_props["Auth"] = api_auth
        template["Resources"]["TheApi"] = {"Type": api_type, "Properties": api_props}
    if globals_auth is not None:
        template["Globals"] = {kind: {"Auth": globals_auth}}
    return template


POOL = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/p"
COGNITO = {"Authorizers": {"C": {"UserPoolArn": POOL}}, "DefaultAuthorizer": "C"}
JWT = {"Authorizers": {"J": {"JwtConfiguration": {"issuer": "https://x", "audience": ["a"]},
                             "IdentitySource": "$request.header.Authorization"}},
       "DefaultAuthorizer": "J"}  # fmt: skip


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # no authorizer anywhere: anyone calls the API, the function reads every report
        (_api_event("Api"), "unknown"),
        (_api_event("Api", explicit=False), "unknown"),
        (_api_event("HttpApi"), "unknown"),
        (_api_event("HttpApi", explicit=False), "unknown"),
        (_api_event("Api", {"Authorizer": "NONE"}, COGNITO), "unknown"),
        (_api_event("HttpApi", {"Authorizer": "NONE"}, JWT), "unknown"),
        (_api_event("Api", {"ApiKeyRequired": True}), "unknown"),
        # twins: an authorizer on the API, from Globals, on the event, IAM
        (_api_event("Api", api_auth=COGNITO), "proved"),
        (_api_event("Api", explicit=False, globals_auth=COGNITO), "proved"),
        (_api_event("Api", {"Authorizer": "AWS_IAM"}), "proved"),
        (_api_event("HttpApi", api_auth=JWT), "proved"),
        (_api_event("HttpApi", explicit=False, globals_auth=JWT), "proved"),
        (_api_event("HttpApi", {"Authorizer": "AWS_IAM"}), "proved"),
    ],
)  # fmt: skip
def test_an_api_event_without_an_authorizer(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    """SAM's ``Api`` / ``HttpApi`` event on a method no authorizer guards (no
    ``DefaultAuthorizer``, or the event's ``Auth.Authorizer: NONE``; an API key alone
    authorizes no one) is as public as a function URL with ``AuthType: NONE`` (SAM
    Developer Guide, "Control API access with your AWS SAM template")."""
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


URI = {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                  "${Fn.Arn}/invocations"}  # fmt: skip


def _rest(auth: str | None, api_key: bool = False) -> dict[str, Any]:
    """``_cfn``'s function behind an ``AWS::ApiGateway::Method`` (``AuthorizationType``
    ``auth``; absent: API Gateway's default, ``NONE``), with API Gateway's permission."""
    template = _cfn("apigateway.amazonaws.com")
    method: dict[str, Any] = {
        "RestApiId": {"Ref": "Rest"}, "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
        "HttpMethod": "GET",
        "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": URI},
    }  # fmt: skip
    if auth is not None:
        method["AuthorizationType"] = auth
    if auth == "COGNITO_USER_POOLS":
        method["AuthorizerId"] = "abc123"
    if api_key:
        method["ApiKeyRequired"] = True
    template["Resources"]["Rest"] = {"Type": "AWS::ApiGateway::RestApi",
                                     "Properties": {"Name": "r"}}  # fmt: skip
    template["Resources"]["Get"] = {"Type": "AWS::ApiGateway::Method", "Properties": method}
    return template


def _http(auth: str | None) -> dict[str, Any]:
    """``_cfn``'s function behind an ``AWS::ApiGatewayV2::Route`` to an integration."""
    template = _cfn("apigateway.amazonaws.com")
    template["Resources"]["Http"] = {
        "Type": "AWS::ApiGatewayV2::Api",
        "Properties": {"Name": "h", "ProtocolType": "HTTP"},
    }
    template["Resources"]["Integ"] = {
        "Type": "AWS::ApiGatewayV2::Integration",
        "Properties": {"ApiId": {"Ref": "Http"}, "IntegrationType": "AWS_PROXY",
                       "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]},
                       "PayloadFormatVersion": "2.0"},
    }  # fmt: skip
    route: dict[str, Any] = {"ApiId": {"Ref": "Http"}, "RouteKey": "GET /r",
                             "Target": {"Fn::Sub": "integrations/${Integ}"}}  # fmt: skip
    if auth is not None:
        route["AuthorizationType"] = auth
    if auth == "JWT":
        route["AuthorizerId"] = "abc123"
    template["Resources"]["Route"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": route}
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_rest(None), "unknown"),
        (_rest("NONE"), "unknown"),
        (_rest("NONE", api_key=True), "unknown"),
        (_http(None), "unknown"),
        (_http("NONE"), "unknown"),
        # twins: an authorizer or IAM on the method / route
        (_rest("COGNITO_USER_POOLS"), "proved"),
        (_rest("AWS_IAM"), "proved"),
        (_http("JWT"), "proved"),
        (_http("AWS_IAM"), "proved"),
    ],
)  # fmt: skip
def test_a_cloudformation_api_method_without_an_authorizer(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    """A REST method's or an HTTP API route's ``AuthorizationType`` ``NONE`` ("NONE for
    open access": CloudFormation reference, ``AWS::ApiGatewayV2::Route``; API Gateway's
    ``x-amazon-apigateway-auth``; a type not set is read as ``NONE``) leaves the method
    open to anyone; the function it integrates runs for every caller."""
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _service_integration(auth: str | None, policy: dict[str, Any] = READ_ALL) -> dict[str, Any]:
    """A REST method integrating S3 directly (``Type: AWS``) with ``Credentials``, a
    role of the template holding ``policy``: no function at all."""
    template = _appsync("AWS_IAM", policy)  # for its role, SrcRole
    del template["Resources"]["Gql"], template["Resources"]["Src"]
    trust = template["Resources"]["SrcRole"]["Properties"]["AssumeRolePolicyDocument"]
    trust["Statement"][0]["Principal"]["Service"] = "apigateway.amazonaws.com"
    method: dict[str, Any] = {
        "RestApiId": {"Ref": "Rest"}, "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
        "HttpMethod": "GET",
        "Integration": {"Type": "AWS", "IntegrationHttpMethod": "GET",
                        "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:s3:path/"
                                           "saas-reports/{key}"},
                        "Credentials": {"Fn::GetAtt": ["SrcRole", "Arn"]}},
    }  # fmt: skip
    if auth is not None:
        method["AuthorizationType"] = auth
    if auth == "CUSTOM":
        method["AuthorizerId"] = "abc123"
    template["Resources"]["Rest"] = {"Type": "AWS::ApiGateway::RestApi",
                                     "Properties": {"Name": "r"}}  # fmt: skip
    template["Resources"]["Get"] = {"Type": "AWS::ApiGateway::Method", "Properties": method}
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_service_integration(None), "unknown"),
        (_service_integration("NONE"), "unknown"),
        (_service_integration("CUSTOM"), "proved"),
        (_service_integration("NONE", OTHER), "proved"),
    ],
)  # fmt: skip
def test_an_open_method_calling_s3_with_a_role(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    """An API Gateway AWS integration calls the service with its ``Credentials``: "To
    specify an IAM Role for API Gateway to assume, use the role's ARN" (API Gateway API
    reference, ``Integration.credentials``; ``CredentialsArn`` of an HTTP API's): on an
    open method anyone reads any tenant's key through it (``{key}`` is the caller's
    path)."""
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _tf_gateway(authorization: str, *, v2: bool = False, proxy: bool = False) -> dict[str, Any]:
    """``_plan``'s function (or, ``proxy``, an S3 integration with the role as its
    credentials) behind an ``aws_api_gateway_method`` (``v2``: an
    ``aws_apigatewayv2_route``) with ``authorization`` (``""``: not set), linked through
    the configuration as Terraform writes it; the integration's URI known only after
    apply."""

    def change(kind: str, name: str, after: dict[str, Any], unknown: Any = None) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after,
                "after_unknown": unknown or {}}  # fmt: skip
        return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                "change": body}  # fmt: skip

    plan = _plan("apigateway.amazonaws.com")
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["type"] != "aws_lambda_function_url"]  # fmt: skip
    method_kind = "aws_apigatewayv2_route" if v2 else "aws_api_gateway_method"
    integ_kind = "aws_apigatewayv2_integration" if v2 else "aws_api_gateway_integration"
    method: dict[str, Any] = {"route_key": "GET /r"} if v2 else {"http_method": "GET"}
    if authorization:
        method["authorization_type" if v2 else "authorization"] = authorization
    uri_key = "integration_uri" if v2 else "uri"
    integ: dict[str, Any] = {"type": "AWS" if proxy else "AWS_PROXY"}
    expressions: dict[str, Any] = {}
    if proxy:
        integ[uri_key] = "arn:aws:apigateway:eu-west-1:s3:path/saas-reports/{key}"
        integ["credentials_arn" if v2 else "credentials"] = (
            "arn:aws:iam::111122223333:role/reports-fn"
        )
    else:
        expressions[uri_key] = {"references": ["aws_lambda_function.fn.invoke_arn",
                                               "aws_lambda_function.fn"]}  # fmt: skip
    if not v2:
        expressions["http_method"] = {"references": ["aws_api_gateway_method.get.http_method",
                                                     "aws_api_gateway_method.get"]}  # fmt: skip
    plan["resource_changes"] += [
        change(method_kind, "get", method),
        change(integ_kind, "it", integ, None if proxy else {uri_key: True}),
    ]
    resources = [{"address": f"{integ_kind}.it", "mode": "managed", "type": integ_kind,
                  "name": "it", "expressions": expressions}]  # fmt: skip
    if v2:
        resources.append({"address": f"{method_kind}.get", "mode": "managed",
                          "type": method_kind, "name": "get", "expressions": {
                              "target": {"references": [f"{integ_kind}.it.id",
                                                        f"{integ_kind}.it"]}}})  # fmt: skip
    plan["configuration"] = {"root_module": {"resources": resources}}
    return plan


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (_tf_gateway("NONE"), True),
        (_tf_gateway("NONE", proxy=True), True),
        (_tf_gateway("", v2=True), True),
        (_tf_gateway("NONE", v2=True, proxy=True), True),
        (_tf_gateway("COGNITO_USER_POOLS"), False),
        (_tf_gateway("AWS_IAM", proxy=True), False),
        (_tf_gateway("JWT", v2=True), False),
    ],
)  # fmt: skip
def test_the_terraform_form_of_an_open_method(
    tmp_path: Path, plan: dict[str, Any], expected: bool
) -> None:
    """``aws_api_gateway_method.authorization`` and
    ``aws_apigatewayv2_route.authorization_type``: "NONE for open access" (CloudFormation
    reference, ``AWS::ApiGatewayV2::Route`` ``AuthorizationType``; API Gateway's
    ``x-amazon-apigateway-auth``); a route's type not set is read as ``NONE``."""
    doc = lint(tmp_path, plan)
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-" in f["message"]]
    assert bool(hit) == expected, doc["findings"]


ANYONE_SENDS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                   "Resource": "*"}],
}  # fmt: skip
ANYONE_PUBLISHES = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish",
                   "Resource": "*"}],
}  # fmt: skip
OWNER_SENDS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ingest"},
     "Action": "sqs:SendMessage", "Resource": "*"}]}  # fmt: skip


def _triggered(kind: str, policy: dict[str, Any] | None, sam: bool = True) -> dict[str, Any]:
    """``reports-api`` (reading every report) fed by a queue (``SQS``) or a topic
    (``SNS``) of the template with ``policy`` on it; ``sam``: a SAM event, else an
    ``AWS::Lambda::EventSourceMapping`` / ``AWS::SNS::Subscription``."""
    arn = {"Fn::GetAtt": ["Q", "Arn"]} if kind == "SQS" else {"Ref": "T"}
    if sam:
        key = "Queue" if kind == "SQS" else "Topic"
        template = _sam({"Events": {"In": {"Type": kind, "Properties": {key: arn}}}})
    else:
        template = _sam({})
        if kind == "SQS":
            template["Resources"]["Map"] = {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"EventSourceArn": arn, "FunctionName": {"Ref": "Api"}},
            }
        else:
            template["Resources"]["Sub"] = {
                "Type": "AWS::SNS::Subscription",
                "Properties": {"Protocol": "lambda", "TopicArn": arn,
                               "Endpoint": {"Fn::GetAtt": ["Api", "Arn"]}}}  # fmt: skip
    if kind == "SQS":
        template["Resources"]["Q"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
        if policy is not None:
            template["Resources"]["QP"] = {"Type": "AWS::SQS::QueuePolicy", "Properties": {
                "Queues": [{"Ref": "Q"}], "PolicyDocument": policy}}  # fmt: skip
    else:
        template["Resources"]["T"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
        if policy is not None:
            template["Resources"]["TP"] = {"Type": "AWS::SNS::TopicPolicy", "Properties": {
                "Topics": [{"Ref": "T"}], "PolicyDocument": policy}}  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_triggered("SQS", ANYONE_SENDS), "unknown"),
        (_triggered("SQS", ANYONE_SENDS, sam=False), "unknown"),
        (_triggered("SNS", ANYONE_PUBLISHES), "unknown"),
        (_triggered("SNS", ANYONE_PUBLISHES, sam=False), "unknown"),
        # twins: no policy (the account's principals, by their identity policies), a
        # policy for one role
        (_triggered("SQS", None), "proved"),
        (_triggered("SQS", OWNER_SENDS), "proved"),
        (_triggered("SNS", None), "proved"),
    ],
)  # fmt: skip
def test_a_function_fed_by_a_queue_or_topic_anyone_may_write(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    """A queue whose policy lets ``*`` ``sqs:SendMessage`` (a topic ``*``
    ``sns:Publish``) feeding the function (SAM ``SQS`` / ``SNS`` event, an event source
    mapping, a Lambda subscription): anyone writes the message the function reads with
    its own role, as with a public function URL."""
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


@pytest.mark.parametrize(
    ("kind", "policy", "expected"),
    [
        ("sqs", ANYONE_SENDS, True),
        ("sns", ANYONE_PUBLISHES, True),
        ("sqs", OWNER_SENDS, False),
        ("sns", None, False),
    ],
)  # fmt: skip
def test_the_terraform_form_of_a_public_trigger(
    tmp_path: Path, kind: str, policy: dict[str, Any] | None, expected: bool
) -> None:
    """``aws_lambda_event_source_mapping`` from a queue, a Lambda
    ``aws_sns_topic_subscription`` of a topic, with ``aws_sqs_queue_policy`` /
    ``aws_sns_topic_policy``."""

    def change(kind_: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        return {"address": f"{kind_}.{name}", "mode": "managed", "type": kind_, "name": name,
                "change": body}  # fmt: skip

    plan = _plan("apigateway.amazonaws.com")
    plan["resource_changes"] = [c for c in plan["resource_changes"] if c["type"] not in
                                ("aws_lambda_function_url", "aws_lambda_permission")]  # fmt: skip
    fn = "arn:aws:lambda:eu-west-1:111122223333:function:reports-api"
    if kind == "sqs":
        arn = "arn:aws:sqs:eu-west-1:111122223333:jobs"
        url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
        plan["resource_changes"] += [
            change("aws_sqs_queue", "jobs", {"name": "jobs", "arn": arn, "url": url}),
            change("aws_lambda_event_source_mapping", "m",
                   {"event_source_arn": arn, "function_name": "reports-api"}),
        ]  # fmt: skip
        if policy is not None:
            plan["resource_changes"].append(change("aws_sqs_queue_policy", "p", {
                "queue_url": url, "policy": json.dumps(policy)}))  # fmt: skip
    else:
        arn = "arn:aws:sns:eu-west-1:111122223333:events"
        plan["resource_changes"] += [
            change("aws_sns_topic", "events", {"name": "events", "arn": arn}),
            change("aws_sns_topic_subscription", "s",
                   {"topic_arn": arn, "protocol": "lambda", "endpoint": fn}),
        ]  # fmt: skip
        if policy is not None:
            plan["resource_changes"].append(change("aws_sns_topic_policy", "p", {
                "arn": arn, "policy": json.dumps(policy)}))  # fmt: skip
    doc = lint(tmp_path, plan)
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-api" in f["message"]]
    assert bool(hit) == expected, doc["findings"]
