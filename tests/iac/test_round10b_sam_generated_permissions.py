"""Round 10b: the Lambda permissions SAM writes for a function URL and for an API's
Lambda authorizer, on a function of the resource model.

Catalogue ``catalogs/functions`` (one function per tenant, ``saas-fn-{tenant}``). SAM
template: the tier role as the catalogue has it, and ``saas-fn-globex`` as an
``AWS::Serverless::Function`` with::

    FunctionUrlConfig:
      AuthType: NONE

(its own or from ``Globals.Function``), or named as the ``FunctionArn`` of an
``AWS::Serverless::Api`` / ``AWS::Serverless::HttpApi`` Lambda authorizer.

Deployed effect: SAM writes an ``AWS::Lambda::Permission`` giving ``*``
``lambda:InvokeFunctionUrl`` (aws-sam-translator ``_construct_url_permission``): acme's
session (anyone) invokes globex's function through its URL; for an authorizer, one
giving API Gateway ``lambda:InvokeFunction`` on behalf of every caller of the API.

Why the lint must not pass it: round 10 read the permissions SAM writes for event
sources (``Events``) only; these two were not read and every tier was `proved`. Now
they are invoke permissions as any other: PE091 on a model function. A URL with
``AuthType: AWS_IAM`` (no permission written) still proves.
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


def _sam(function: dict[str, Any], **extra: Any) -> dict[str, Any]:
    props = {"RoleName": "saas-web", "AssumeRolePolicyDocument": TRUST,
             "Policies": [{"PolicyName": "r", "PolicyDocument": ROLE}]}  # fmt: skip
    fn = {"FunctionName": "saas-fn-globex", "Runtime": "python3.12", "Handler": "a.h",
          "InlineCode": "x", **function}  # fmt: skip
    resources: dict[str, Any] = {
        "Web": {"Type": "AWS::IAM::Role", "Properties": props},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": fn},
        **extra.pop("resources", {}),
    }
    return {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources, **extra}


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ({}, "proved"),
        ({"FunctionUrlConfig": {"AuthType": "AWS_IAM"}}, "proved"),
        ({"FunctionUrlConfig": {"AuthType": "NONE"}}, "unknown"),
        ({"FunctionUrlConfig": {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"}},
         "unknown"),
    ],
)  # fmt: skip
def test_a_public_function_url_on_a_model_function(
    tmp_path: Path, function: dict[str, Any], expected: str
) -> None:
    assert _status(tmp_path, _sam(function)) == expected


def test_a_function_url_from_globals(tmp_path: Path) -> None:
    public = {"Function": {"FunctionUrlConfig": {"AuthType": "NONE"}}}
    private = {"Function": {"FunctionUrlConfig": {"AuthType": "AWS_IAM"}}}
    assert _status(tmp_path, _sam({}, Globals=public)) == "unknown"
    assert _status(tmp_path, _sam({}, Globals=private)) == "proved"


def test_an_auth_type_from_a_parameter_is_read_as_it_deploys(tmp_path: Path) -> None:
    url = {"FunctionUrlConfig": {"AuthType": {"Ref": "Auth"}}}
    for default, expected in (("NONE", "unknown"), ("AWS_IAM", "proved")):
        template = _sam(url, Parameters={"Auth": {"Type": "String", "Default": default}})
        assert _status(tmp_path, template) == expected


@pytest.mark.parametrize("api", ["AWS::Serverless::Api", "AWS::Serverless::HttpApi"])
@pytest.mark.parametrize(
    ("authorizer", "expected"),
    [
        ({"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}}, "unknown"),
        ({"FunctionArn": FN + "globex"}, "unknown"),
        ({"FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:auth"}, "proved"),
        ({"UserPoolArn": "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/p"}, "proved"),
    ],
)  # fmt: skip
def test_an_api_authorizer_on_a_model_function(
    tmp_path: Path, api: str, authorizer: dict[str, Any], expected: str
) -> None:
    if api.endswith("HttpApi") and "UserPoolArn" in authorizer:
        authorizer = {"JwtConfiguration": {"issuer": "https://x", "audience": ["a"]},
                      "IdentitySource": "$request.header.Authorization"}  # fmt: skip
    elif api.endswith("HttpApi"):  # SAM writes an HTTP API's only when asked
        authorizer = {**authorizer, "EnableFunctionDefaultPermissions": True}
    props: dict[str, Any] = {"Auth": {"DefaultAuthorizer": "A", "Authorizers": {"A": authorizer}}}
    if api.endswith("::Api"):
        props["StageName"] = "p"
    template = _sam({}, resources={"Api": {"Type": api, "Properties": props}})
    assert _status(tmp_path, template) == expected


@pytest.mark.parametrize(
    ("api", "section"), [("AWS::Serverless::Api", "Api"), ("AWS::Serverless::HttpApi", "HttpApi")]
)
def test_an_authorizer_from_globals(tmp_path: Path, api: str, section: str) -> None:
    auth = {"DefaultAuthorizer": "A",
            "Authorizers": {"A": {"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]},
                                  "EnableFunctionDefaultPermissions": True}}}  # fmt: skip
    props = {"StageName": "p"} if api.endswith("::Api") else {}
    template = _sam({}, resources={"Api": {"Type": api, "Properties": props}},
                    Globals={section: {"Auth": auth}})  # fmt: skip
    assert _status(tmp_path, template) == "unknown"


@pytest.mark.parametrize(
    ("api", "flags", "expected"),
    [
        ("AWS::Serverless::Api", {"DisableFunctionDefaultPermissions": True}, "proved"),
        ("AWS::Serverless::Api", {"DisableFunctionDefaultPermissions": False}, "unknown"),
        ("AWS::Serverless::HttpApi", {}, "proved"),
        ("AWS::Serverless::HttpApi", {"EnableFunctionDefaultPermissions": False}, "proved"),
        ("AWS::Serverless::HttpApi", {"EnableFunctionDefaultPermissions": {"Ref": "P"}},
         "unknown"),
    ],
)  # fmt: skip
def test_when_sam_writes_no_authorizer_permission(
    tmp_path: Path, api: str, flags: dict[str, Any], expected: str
) -> None:
    """A REST API's ``DisableFunctionDefaultPermissions``; an HTTP API writes one only
    with ``EnableFunctionDefaultPermissions`` (aws-sam-translator); a flag not known
    here may write one."""
    authorizer = {"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}, **flags}
    props: dict[str, Any] = {"Auth": {"DefaultAuthorizer": "A", "Authorizers": {"A": authorizer}}}
    if api.endswith("::Api"):
        props["StageName"] = "p"
    template = _sam({}, resources={"Api": {"Type": api, "Properties": props}},
                    Parameters={"P": {"Type": "String"}})  # fmt: skip
    assert _status(tmp_path, template) == expected


OTHER = "arn:aws:lambda:eu-west-1:111122223333:function:other"


@pytest.mark.parametrize(
    ("route", "auth", "expected"),
    [
        ({"Fn::GetAtt": ["Fn", "Arn"]}, None, "unknown"),
        (OTHER, None, "proved"),
        (OTHER, {"AuthType": "CUSTOM", "AuthArn": {"Fn::GetAtt": ["Fn", "Arn"]}}, "unknown"),
        (OTHER, {"AuthType": "CUSTOM", "AuthArn": {"Fn::GetAtt": ["Fn", "Arn"]},
                 "InvokeRole": "arn:aws:iam::111122223333:role/invoker"}, "proved"),
    ],
)  # fmt: skip
def test_a_websocket_api_route_or_authorizer_on_a_model_function(
    tmp_path: Path, route: Any, auth: dict[str, Any] | None, expected: str
) -> None:
    """SAM writes a permission for API Gateway per route of an
    ``AWS::Serverless::WebSocketApi`` and for its ``CUSTOM`` authorizer (none with an
    ``InvokeRole``)."""
    props: dict[str, Any] = {"RouteSelectionExpression": "$request.body.action",
                             "Routes": {"$connect": {"FunctionArn": route}}}  # fmt: skip
    if auth is not None:
        props["Auth"] = auth
    template = _sam({}, resources={"Ws": {"Type": "AWS::Serverless::WebSocketApi",
                                          "Properties": props}})  # fmt: skip
    assert _status(tmp_path, template) == expected
