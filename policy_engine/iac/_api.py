"""API Gateway resource policies in templates and plans.

A REST API's resource policy decides routes beside the Lambda authorizer: API Gateway
allows a route the authorizer's policy is silent on when the API's resource policy
allows it (API Gateway Developer Guide, "How API Gateway resource policies affect
authorization workflow", table A). The readers do not compare such a policy with the
catalogue, so the lint says where one may allow (:func:`may_allow`) and the deployed
check makes route isolation unknown on the catalogue's ``execute-api`` resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._nodes import loads_policy_text

#: CloudFormation / SAM types with an API resource policy, and the property holding it.
CFN_API_POLICY = {
    "AWS::ApiGateway::RestApi": "Policy",
    "AWS::Serverless::Api": "Auth",  # Auth.ResourcePolicy
}
#: A Cognito user pool app client (its ``WriteAttributes``: what its users may write
#: of their own attributes, the claims of their ID tokens), CloudFormation / Terraform.
COGNITO_CLIENT = "AWS::Cognito::UserPoolClient"
TF_COGNITO_CLIENT = "aws_cognito_user_pool_client"
#: The OpenAPI extension holding a REST API's resource policy (API Gateway Developer
#: Guide, "x-amazon-apigateway-policy"): API Gateway takes it from an imported
#: definition (a RestApi's ``Body``/``BodyS3Location``, SAM's ``DefinitionBody``/
#: ``DefinitionUri``, Terraform's ``body``); SAM writes an implicit API's there.
OPENAPI_POLICY = "x-amazon-apigateway-policy"
#: Properties holding an OpenAPI definition: inline, and one the lint cannot read (a
#: file in S3 or on disk may carry a policy: read as one that may allow).
CFN_API_BODY = {
    "AWS::ApiGateway::RestApi": ("Body", "BodyS3Location"),
    "AWS::Serverless::Api": ("DefinitionBody", "DefinitionUri"),
}
#: Terraform types with an API resource policy, and the attribute holding it.
TF_API_POLICY = {
    "aws_api_gateway_rest_api": "policy",
    "aws_api_gateway_rest_api_policy": "policy",
}


def may_allow(value: Any, *, sam: bool = False) -> bool:
    """Whether an API resource policy as written may allow anything: ``False`` only
    for a document (mapping or JSON text) every statement of which is a literal Deny,
    or a SAM ``ResourcePolicy`` of such ``CustomStatements`` only (the allow- and
    blocklists write statements of SAM's choosing, which may allow); anything not
    read (an intrinsic, a value known only after apply) may allow."""
    if value is None:
        return False
    if sam:
        if not isinstance(value, Mapping):
            return True
        if set(value) != {"CustomStatements"}:
            return True
        return may_allow({"Statement": value["CustomStatements"]})
    if isinstance(value, str):
        try:  # a key twice: which value API Gateway keeps is not documented
            value = loads_policy_text(value)
        except ValueError:
            return True
    if not isinstance(value, Mapping):
        return True
    raw = value.get("Statement")
    statements = raw if isinstance(raw, list) else [raw]
    return not all(isinstance(s, Mapping) and s.get("Effect") == "Deny" for s in statements)


def definition_may_allow(body: Any) -> bool | None:
    """Whether an inline OpenAPI definition (a mapping, or JSON text) carries a resource
    policy that may allow: ``None`` when it has none; ``True`` when it is not read (an
    intrinsic, YAML or other text, a key twice) and so may carry one."""
    if body is None or body == "":
        return None
    if isinstance(body, str):
        try:
            body = loads_policy_text(body)
        except ValueError:
            return True
    if not isinstance(body, Mapping):
        return True
    if any(str(k) == "Ref" or str(k).startswith("Fn::") for k in body):
        return True  # an intrinsic (Fn::Transform AWS::Include, Fn::If...) yields it
    if OPENAPI_POLICY not in body:
        return None
    return may_allow(body[OPENAPI_POLICY])


#: OpenAPI operations (and API Gateway's catch-all ``ANY``) of a path item.
_OPERATIONS = (
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
    "x-amazon-apigateway-any-method",
)  # fmt: skip


def _authorizer(scheme: Any) -> bool:
    """Whether a security scheme is one of API Gateway's authorizers (a Lambda, Cognito
    or JWT authorizer, ``awsSigv4`` for IAM: "x-amazon-apigateway-authtype",
    "x-amazon-apigateway-authorizer", API Gateway Developer Guide); a plain ``apiKey``
    scheme is an API key, which authorizes no one."""
    return isinstance(scheme, Mapping) and (
        "x-amazon-apigateway-authtype" in scheme or "x-amazon-apigateway-authorizer" in scheme
    )


def _guarded(
    body: Mapping[str, Any], operation: Mapping[str, Any], authorizers: frozenset[str]
) -> bool:
    """Whether an authorizer guards ``operation``: its ``x-amazon-apigateway-auth`` type
    is known and not ``NONE``, or its ``security`` (else the definition's) is a non-empty
    list each requirement of which names an authorizer scheme (an empty requirement
    makes security optional; a scheme not defined here is not known to authorize)."""
    auth = operation.get("x-amazon-apigateway-auth")
    kind = auth.get("type") if isinstance(auth, Mapping) else None
    if isinstance(kind, str) and kind.strip() and kind.upper() != "NONE":
        from ._resolve import has_opaque

        if not has_opaque(kind):
            return True
    security = operation.get("security", body.get("security"))
    if not isinstance(security, list) or not security:
        return False
    components = body.get("components")
    schemes: dict[str, Any] = {}
    for found in (
        body.get("securityDefinitions"),
        components.get("securitySchemes") if isinstance(components, Mapping) else None,
    ):
        schemes.update(found if isinstance(found, Mapping) else {})
    for requirement in security:
        if not isinstance(requirement, Mapping) or not requirement:
            return False
        if not any(_authorizer(schemes.get(str(n))) or str(n) in authorizers for n in requirement):
            return False
    return True


def open_operations(
    body: Mapping[str, Any], authorizers: frozenset[str] = frozenset()
) -> list[tuple[str, Any, Any]]:
    """(``PATH METHOD``, integration ``uri``, integration ``credentials``) of each
    operation of an OpenAPI definition that no authorizer guards (:func:`_guarded`;
    ``authorizers``: scheme names SAM defines from ``Auth.Authorizers``). API Gateway
    imports such an operation as a method anyone may call ("Specify NONE for open
    access", ``x-amazon-apigateway-auth``)."""
    out: list[tuple[str, Any, Any]] = []
    paths = body.get("paths")
    for path, item in paths.items() if isinstance(paths, Mapping) else ():
        for method, operation in item.items() if isinstance(item, Mapping) else ():
            if str(method).lower() not in _OPERATIONS or not isinstance(operation, Mapping):
                continue
            integration = operation.get("x-amazon-apigateway-integration")
            if not isinstance(integration, Mapping):
                continue
            if _guarded(body, operation, authorizers):
                continue
            out.append((f"{path} {method}", integration.get("uri"), integration.get("credentials")))
    return out


def read_definition(body: Any) -> Mapping[str, Any] | None:
    """An inline OpenAPI definition as a mapping (JSON text decoded), or None when it
    is not read (YAML or other text, a key twice, an intrinsic left)."""
    if isinstance(body, str):
        try:
            body = loads_policy_text(body)
        except ValueError:
            return None
    if not isinstance(body, Mapping):
        return None
    if any(str(k) == "Ref" or str(k).startswith("Fn::") for k in body):
        return None
    return body
