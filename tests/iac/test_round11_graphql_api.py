"""Round 11: the connectors SAM writes for an ``AWS::Serverless::GraphQLApi``.

Catalogue ``catalogs/functions`` (one function per tenant, ``saas-fn-{tenant}``). SAM
template: the tier role as the catalogue has it, ``saas-fn-globex`` as an
``AWS::Serverless::Function``, and a GraphQL API with::

    Auth:
      Type: AWS_LAMBDA
      LambdaAuthorizer:
        AuthorizerUri: !GetAtt Fn.Arn      # (or in Auth.Additional)

or a Lambda data source ``DataSources: {Lambda: {Src: {FunctionArn: !GetAtt Fn.Arn}}}``
without a ``ServiceRoleArn``.

Deployed effect: aws-sam-translator (``SamGraphQLApi._construct_lambda_auth_connector``,
``_parse_lambda_datasource_role``, ``_parse_ddb_datasource_role``) writes an
``AWS::Serverless::Connector`` from the API to each Lambda authorizer (``Write``: a
Lambda permission for ``appsync.amazonaws.com``) and, for a data source without
``ServiceRoleArn``, a role for AppSync with a connector to the function (``Write``) or
table (``Read``/``Write`` by default): every caller of the API (an API key every
tenant's client holds) has globex's function run for it.

Why the lint must not pass it: round 10b read the permissions SAM writes for
``Api``/``HttpApi``/``WebSocketApi`` authorizers, and connectors written as resources,
but not these implicit ones (left open in ROUND10B): `proved`. Now the authorizer's is an
invoke permission of AppSync (PE091 on a model function) and each data source's
connector a grant on its destination (PE091 on a model resource, PE115 elsewhere). A
data source with its own ``ServiceRoleArn`` (whose policies are read as any role's),
and an authorizer on another function, still prove.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._lint_helpers import lint_json
from .test_round10b_sam_generated_permissions import FN, _sam, _status

SCHEMA = "type Query { a: String }"
GETATT = {"Fn::GetAtt": ["Fn", "Arn"]}
OTHER = "arn:aws:lambda:eu-west-1:111122223333:function:other"


#: the data source's own role in the twin (round 12: a role the templates do not hold
#: is unknown, its policies may read pooled data), reading nothing of the model
SRC_ROLE = {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": "appsync-src",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"},
         "Action": "sts:AssumeRole"}]},
    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::app-assets/*"}]}}]}}  # fmt: skip


def _gql(props: dict[str, Any]) -> dict[str, Any]:
    api = {"Type": "AWS::Serverless::GraphQLApi", "Properties": {"SchemaInline": SCHEMA, **props}}
    return _sam({}, resources={"Gql": api, "SrcRole": SRC_ROLE})


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"Auth": {"Type": "AWS_LAMBDA", "LambdaAuthorizer": {"AuthorizerUri": GETATT}}},
         "unknown"),
        ({"Auth": {"Type": "AWS_LAMBDA", "LambdaAuthorizer": {"AuthorizerUri": FN + "globex"}}},
         "unknown"),
        ({"Auth": {"Type": "API_KEY", "Additional": [
            {"Type": "AWS_LAMBDA", "LambdaAuthorizer": {"AuthorizerUri": GETATT}}]}},
         "unknown"),
        ({"Auth": {"Type": "API_KEY"},
          "DataSources": {"Lambda": {"Src": {"FunctionArn": GETATT}}}}, "unknown"),
        # twins: an authorizer on another function, a data source with its own role,
        # an API-key API with no Lambda at all
        ({"Auth": {"Type": "AWS_LAMBDA", "LambdaAuthorizer": {"AuthorizerUri": OTHER}}},
         "proved"),
        ({"Auth": {"Type": "API_KEY"},
          "DataSources": {"Lambda": {"Src": {
              "FunctionArn": GETATT,
              "ServiceRoleArn": "arn:aws:iam::111122223333:role/appsync-src"}}}}, "proved"),
        ({"Auth": {"Type": "API_KEY"}}, "proved"),
    ],
)  # fmt: skip
def test_the_connectors_of_a_graphql_api_on_a_model_function(
    tmp_path: Path, props: dict[str, Any], expected: str
) -> None:
    assert _status(tmp_path, _gql(props)) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"TableName": "saas-orders"}, True),
        ({"TableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders",
          "TableName": "saas-orders", "Permissions": ["Read"]}, True),
        ({"TableName": "app-settings"}, False),
        ({"TableName": "saas-orders",
          "ServiceRoleArn": "arn:aws:iam::111122223333:role/appsync-src"}, False),
    ],
)  # fmt: skip
def test_a_dynamodb_data_source_on_the_pooled_table(
    tmp_path: Path, source: dict[str, Any], expected: bool
) -> None:
    """The bundled catalogue's pooled orders table: the data source's generated role
    reads (and by default writes) every tenant's items for every caller of the API."""
    api = {"Type": "AWS::Serverless::GraphQLApi",
           "Properties": {"SchemaInline": SCHEMA, "Auth": {"Type": "API_KEY"},
                          "DataSources": {"DynamoDb": {"Orders": source}}}}  # fmt: skip
    template = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Gql": api}}
    doc = lint_json(tmp_path, template)
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "data source" in f["message"]]
    assert bool(hit) == expected, doc["findings"]
