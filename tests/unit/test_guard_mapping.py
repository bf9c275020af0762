"""Every supported operation maps to the IAM request(s) AWS evaluates."""

from __future__ import annotations

from typing import Any

import pytest

from policy_engine.guard import Scope, UnmappedOperation, iam_requests

S = Scope("eu-west-1", "111122223333")
B = "arn:aws:s3:::docs"
T = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
Q = "arn:aws:sqs:eu-west-1:111122223333:jobs-acme"
URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs-acme"
LK = "dynamodb:LeadingKeys"

CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, str, dict[str, Any]]]]] = [
    ("s3", "GetObject", {"Bucket": "docs", "Key": "acme/a"}, [("s3:GetObject", f"{B}/acme/a", {})]),
    ("s3", "HeadObject", {"Bucket": "docs", "Key": "k"}, [("s3:GetObject", f"{B}/k", {})]),
    ("s3", "PutObject", {"Bucket": "docs", "Key": "k"}, [("s3:PutObject", f"{B}/k", {})]),
    ("s3", "DeleteObject", {"Bucket": "docs", "Key": "k"}, [("s3:DeleteObject", f"{B}/k", {})]),
    (
        "s3",
        "ListObjectsV2",
        {"Bucket": "docs", "Prefix": "acme/"},
        [("s3:ListBucket", B, {"s3:prefix": "acme/"})],
    ),
    ("s3", "ListObjects", {"Bucket": "docs"}, [("s3:ListBucket", B, {})]),
    (
        "s3",
        "DeleteObjects",
        {"Bucket": "docs", "Delete": {"Objects": [{"Key": "a"}, {"Key": "b"}]}},
        [("s3:DeleteObject", f"{B}/a", {}), ("s3:DeleteObject", f"{B}/b", {})],
    ),
    (
        "s3",
        "CopyObject",
        {"Bucket": "docs", "Key": "acme/b", "CopySource": "docs/globex/a"},
        [("s3:GetObject", f"{B}/globex/a", {}), ("s3:PutObject", f"{B}/acme/b", {})],
    ),
    (
        "dynamodb",
        "GetItem",
        {"TableName": "orders", "Key": {"tenant_id": {"S": "acme"}}},
        [("dynamodb:GetItem", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "PutItem",
        {"TableName": "orders", "Item": {"tenant_id": "acme", "x": 1}},
        [("dynamodb:PutItem", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "UpdateItem",
        {"TableName": "orders", "Key": {"tenant_id": {"S": "a1"}}},
        [("dynamodb:UpdateItem", T, {LK: ["a1"]})],
    ),
    (
        "dynamodb",
        "DeleteItem",
        {"TableName": "orders", "Key": {"tenant_id": {"S": "a1"}}},
        [("dynamodb:DeleteItem", T, {LK: ["a1"]})],
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "#t = :t AND sk > :s",
            "ExpressionAttributeNames": {"#t": "tenant_id"},
            "ExpressionAttributeValues": {":t": {"S": "acme"}, ":s": {"S": "1"}},
        },
        [("dynamodb:Query", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "other = :x",
            "ExpressionAttributeValues": {":x": {"S": "acme"}},
        },
        [("dynamodb:Query", T, {})],
    ),
    ("dynamodb", "Scan", {"TableName": "orders"}, [("dynamodb:Scan", T, {})]),
    (
        "dynamodb",
        "BatchGetItem",
        {
            "RequestItems": {
                "orders": {"Keys": [{"tenant_id": {"S": "acme"}}, {"tenant_id": {"S": "globex"}}]}
            }
        },
        [("dynamodb:BatchGetItem", T, {LK: ["acme", "globex"]})],
    ),
    (
        "dynamodb",
        "BatchWriteItem",
        {
            "RequestItems": {
                "orders": [
                    {"PutRequest": {"Item": {"tenant_id": {"S": "acme"}}}},
                    {"DeleteRequest": {"Key": {"tenant_id": {"S": "acme"}}}},
                ]
            }
        },
        [("dynamodb:BatchWriteItem", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "TransactGetItems",
        {"TransactItems": [{"Get": {"TableName": "orders", "Key": {"tenant_id": {"S": "acme"}}}}]},
        [("dynamodb:GetItem", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "orders", "Item": {"tenant_id": {"S": "acme"}}}},
                {"ConditionCheck": {"TableName": "orders", "Key": {"tenant_id": {"S": "b"}}}},
            ]
        },
        [("dynamodb:PutItem", T, {LK: ["acme"]}), ("dynamodb:ConditionCheckItem", T, {LK: ["b"]})],
    ),
    ("sqs", "SendMessage", {"QueueUrl": URL, "MessageBody": "x"}, [("sqs:SendMessage", Q, {})]),
    ("sqs", "ReceiveMessage", {"QueueUrl": URL}, [("sqs:ReceiveMessage", Q, {})]),
    (
        "sqs",
        "DeleteMessage",
        {"QueueUrl": URL, "ReceiptHandle": "r"},
        [("sqs:DeleteMessage", Q, {})],
    ),
    ("sqs", "GetQueueUrl", {"QueueName": "jobs-acme"}, [("sqs:GetQueueUrl", Q, {})]),
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": "saas/tenants/acme/db"},
        [
            (
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenants/acme/db-??????",
                {},
            )
        ],
    ),
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf"},
        [
            (
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf",
                {},
            )
        ],
    ),
    (
        "kms",
        "Encrypt",
        {"KeyId": "k-1", "Plaintext": b"x", "EncryptionContext": {"tenant_id": "acme"}},
        [
            (
                "kms:Encrypt",
                "arn:aws:kms:eu-west-1:111122223333:key/k-1",
                {"kms:EncryptionContext:tenant_id": "acme"},
            )
        ],
    ),
    (
        "kms",
        "Decrypt",
        {"CiphertextBlob": b"x", "KeyId": "alias/app"},
        [("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:alias/app", {})],
    ),
]


@pytest.mark.parametrize(
    ("service", "op", "params", "expected"),
    CASES,
    ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(CASES)],
)
def test_mapping(service: str, op: str, params: dict[str, Any], expected: Any) -> None:
    assert iam_requests(service, op, params, S) == expected


@pytest.mark.parametrize(
    ("service", "op"),
    [
        ("s3", "PutBucketPolicy"),
        ("ec2", "RunInstances"),
        ("dynamodb", "DeleteTable"),
        ("kms", "CreateKey"),
    ],
)
def test_unmapped(service: str, op: str) -> None:
    with pytest.raises(UnmappedOperation):
        iam_requests(service, op, {}, S)


def test_per_table_partition_key() -> None:
    scope = Scope("eu-west-1", "111122223333", dynamodb_partition_key={"orders": "pk"})
    (req,) = iam_requests(
        "dynamodb", "GetItem", {"TableName": "orders", "Key": {"pk": {"S": "acme"}}}, scope
    )
    assert req[2] == {LK: ["acme"]}
