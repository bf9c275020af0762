"""Every supported operation maps to the IAM request(s) AWS evaluates."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from policy_engine.evaluate import Decision, Evaluator, Request
from policy_engine.guard import (
    Guard,
    RefusedParameter,
    Scope,
    UnmappedOperation,
    _copy_source_wire,
    guard_session,
    iam_requests,
)
from policy_engine.parse import parse_policy

S = Scope("eu-west-1", "111122223333")
B = "arn:aws:s3:::docs"
T = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
Q = "arn:aws:sqs:eu-west-1:111122223333:jobs-acme"
URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs-acme"
LK = "dynamodb:LeadingKeys"
SM = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:"
KID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
KEY = f"arn:aws:kms:eu-west-1:111122223333:key/{KID}"

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
        [  # a complete ARN, or a partial one of a secret named `x-AbCdEf`: both decided
            ("secretsmanager:GetSecretValue", f"{SM}x-AbCdEf", {}),
            ("secretsmanager:GetSecretValue", f"{SM}x-AbCdEf-??????", {}),
        ],
    ),
    (
        "secretsmanager",
        "DescribeSecret",
        {"SecretId": f"{SM}saas/tenants/acme/db"},
        [("secretsmanager:DescribeSecret", f"{SM}saas/tenants/acme/db-??????", {})],
    ),
    (
        "kms",
        "Encrypt",
        {"KeyId": KID, "Plaintext": b"x", "EncryptionContext": {"tenant_id": "acme"}},
        [
            (
                "kms:Encrypt",
                KEY,
                {
                    "kms:EncryptionContext:tenant_id": "acme",
                    "kms:EncryptionContextKeys": ["tenant_id"],
                },
            )
        ],
    ),
    ("kms", "Decrypt", {"CiphertextBlob": b"x", "KeyId": KEY}, [("kms:Decrypt", KEY, {})]),
    (
        "kms",
        "GenerateDataKey",
        {"KeyId": "mrk-0123456789abcdef0123456789abcdef"},
        [
            (
                "kms:GenerateDataKey",
                "arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef",
                {},
            )
        ],
    ),
    (
        "kms",
        "ReEncrypt",
        {
            "CiphertextBlob": b"x",
            "SourceKeyId": KID,
            "DestinationKeyId": KEY,
            "SourceEncryptionContext": {"t": "a"},
        },
        [
            (
                "kms:ReEncryptFrom",
                KEY,
                {"kms:EncryptionContext:t": "a", "kms:EncryptionContextKeys": ["t"]},
            ),
            ("kms:ReEncryptFrom", KEY, {}),
            (
                "kms:ReEncryptTo",
                KEY,
                {"kms:EncryptionContext:t": "a", "kms:EncryptionContextKeys": ["t"]},
            ),
            ("kms:ReEncryptTo", KEY, {}),
        ],
    ),
    # -- identifier forms: the guard reads what the service reads -------------------------
    (
        "s3",
        "GetObject",
        {"Bucket": "docs", "Key": "acme/a", "VersionId": "v1"},
        [("s3:GetObjectVersion", f"{B}/acme/a", {})],
    ),
    (
        "s3",
        "DeleteObjects",
        {"Bucket": "docs", "Delete": {"Objects": [{"Key": "a", "VersionId": "v"}, {"Key": "b"}]}},
        [("s3:DeleteObjectVersion", f"{B}/a", {}), ("s3:DeleteObject", f"{B}/b", {})],
    ),
    (  # botocore encodes the string, S3 decodes it: `%2F` stays three characters of the key
        "s3",
        "CopyObject",
        {"Bucket": "docs", "Key": "acme/b", "CopySource": "docs/acme/x%2F..%2Fglobex"},
        [("s3:GetObject", f"{B}/acme/x%2F..%2Fglobex", {}), ("s3:PutObject", f"{B}/acme/b", {})],
    ),
    (  # a `?` that does not start a versionId suffix is part of the key
        "s3",
        "CopyObject",
        {"Bucket": "docs", "Key": "acme/b", "CopySource": "docs/globex/a?x=/acme/c"},
        [("s3:GetObject", f"{B}/globex/a?x=/acme/c", {}), ("s3:PutObject", f"{B}/acme/b", {})],
    ),
    (
        "s3",
        "CopyObject",
        {"Bucket": "docs", "Key": "acme/b", "CopySource": "/docs/acme/a?versionId=3.L4kq"},
        [("s3:GetObjectVersion", f"{B}/acme/a", {}), ("s3:PutObject", f"{B}/acme/b", {})],
    ),
    (  # whitespace in the "version": botocore encodes it all, S3 reads it as key
        "s3",
        "CopyObject",
        {"Bucket": "docs", "Key": "acme/b", "CopySource": "docs/acme/a?versionId=1 2"},
        [("s3:GetObject", f"{B}/acme/a?versionId=1 2", {}), ("s3:PutObject", f"{B}/acme/b", {})],
    ),
    (
        "s3",
        "UploadPartCopy",
        {
            "Bucket": "docs",
            "Key": "acme/b",
            "PartNumber": 1,
            "UploadId": "u",
            "CopySource": {"Bucket": "docs", "Key": "acme/a?versionId=x", "VersionId": "v"},
        },
        [
            ("s3:GetObjectVersion", f"{B}/acme/a?versionId=x", {}),
            ("s3:PutObject", f"{B}/acme/b", {}),
        ],
    ),
    (
        "s3",
        "GeneratePresignedPost",
        {"Bucket": "docs", "Key": "acme/${filename}"},
        [("s3:PutObject", f"{B}/acme/*", {}), ("s3:PutObject", f"{B}/acme/", {})],
    ),
    (
        "s3",
        "GeneratePresignedPost",
        {"Bucket": "docs", "Key": "acme/a.txt", "Conditions": [["content-length-range", 1, 9]]},
        [("s3:PutObject", f"{B}/acme/a.txt", {})],
    ),
    (
        "dynamodb",
        "GetItem",
        {"TableName": T, "Key": {"tenant_id": {"S": "acme"}}},
        [("dynamodb:GetItem", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "IndexName": "by-date",
            "KeyConditionExpression": "tenant_id = :t and d BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":t": {"S": "acme"}, ":a": {"S": "1"}, ":b": {"S": "2"}},
        },
        [("dynamodb:Query", f"{T}/index/by-date", {LK: ["acme"]})],
    ),
    (  # the page a query resumes from: its partition key is a leading key too
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": "acme"}},
            "ExclusiveStartKey": {"tenant_id": {"S": "globex"}, "sk": {"S": "9"}},
        },
        [("dynamodb:Query", T, {LK: ["acme", "globex"]})],
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": "acme"}},
            "ExclusiveStartKey": {"tenant_id": {"S": "acme"}, "sk": {"S": "9"}},
        },
        [("dynamodb:Query", T, {LK: ["acme"]})],
    ),
    (  # a start key without the partition key: asked without leading keys too
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeValues": {":t": {"S": "acme"}},
            "ExclusiveStartKey": {"sk": {"S": "9"}},
        },
        [("dynamodb:Query", T, {LK: ["acme"]}), ("dynamodb:Query", T, {})],
    ),
    (  # only `#` placeholders are substituted: `tenant_id` is read as written
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "tenant_id = :t",
            "ExpressionAttributeNames": {"tenant_id": "order_id"},
            "ExpressionAttributeValues": {":t": {"S": "acme"}},
        },
        [("dynamodb:Query", T, {LK: ["acme"]})],
    ),
    (
        "dynamodb",
        "BatchWriteItem",
        {
            "RequestItems": {
                T: [
                    {"DeleteRequest": {"Key": {"tenant_id": {"S": "globex"}}}},
                    {"PutRequest": {"Item": {"tenant_id": {"S": "acme"}}}},
                ]
            }
        },
        [("dynamodb:BatchWriteItem", T, {LK: ["acme", "globex"]})],
    ),
    (
        "sqs",
        "GetQueueUrl",
        {"QueueName": "jobs-acme", "QueueOwnerAWSAccountId": "111122223333"},
        [("sqs:GetQueueUrl", Q, {})],
    ),
    (
        "sqs",
        "SendMessage",
        {"QueueUrl": "https://eu-west-1.queue.amazonaws.com/111122223333/jobs-acme.fifo"},
        [("sqs:SendMessage", f"{Q}.fifo", {})],
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


# -- the guard reads identifiers exactly as the service does --------------------------------

DOCS = "saas-documents-111122223333"
OWN_QUEUE = "saas-jobs-acme"


class _Recorder:
    """An evaluator that allows everything and remembers what it was asked."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def evaluate(self, request: Request) -> Decision:
        self.seen.append((request.action, request.resource))
        return Decision("allow", (), "recorded")


class _Sent(Exception):
    """Raised at before-call: the guard let the call through (nothing is sent)."""


def _guarded(
    evaluator: Any, *, strict: bool = True, region: str = "eu-west-1"
) -> tuple[Any, Guard]:
    import boto3

    session = boto3.Session(region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    guard = guard_session(
        session,
        evaluator,
        tenant="acme",
        tier="basic",
        account="111122223333",
        region="eu-west-1",
        strict=strict,
    )

    def stop(**_: Any) -> None:
        raise _Sent

    session.events.register("before-call", stop)
    return session, guard


def _acme() -> Any:
    from policy_engine.catalog import default_catalog
    from policy_engine.isolation import effective_evaluator

    return effective_evaluator(default_catalog(), "basic", "acme")


COPY_SOURCES: list[Any] = [
    "docs/acme/a",
    "/docs/acme/a",
    "docs/acme/x%2F..%2Fglobex",
    "docs/acme/a b+c",
    "docs/acme/a?versionId=3.L4kq",
    "docs/acme/a?versionId=1 2",
    "docs/globex/a?x=/acme/c",
    "docs/acme/ü€",
    {"Bucket": "docs", "Key": "acme/a?versionId=x"},
    {"Bucket": "docs", "Key": "acme/%41", "VersionId": "v1"},
]


@pytest.mark.parametrize("source", COPY_SOURCES, ids=repr)
def test_copy_source_is_encoded_as_botocore_encodes_it(source: Any) -> None:
    from botocore.handlers import handle_copy_source_param

    params = {"CopySource": source}
    handle_copy_source_param(params)
    assert _copy_source_wire(source) == params["CopySource"]


@pytest.mark.parametrize("source", COPY_SOURCES, ids=repr)
def test_hook_reads_copy_source_as_the_pure_mapping_does(source: Any) -> None:
    """The hook sees CopySource after botocore encoded it; it must read the same
    source object as iam_requests does from the caller's value (and as S3 does)."""
    recorder = _Recorder()
    session, _ = _guarded(recorder)
    params = {"Bucket": "docs", "Key": "acme/b", "CopySource": source}
    with pytest.raises(_Sent):
        session.client("s3").copy_object(**params)
    expected = [(a, r) for a, r, _ in iam_requests("s3", "CopyObject", params, S)]
    assert recorder.seen == expected


def test_table_arn_is_read_with_the_tables_partition_key() -> None:
    """A table given by ARN is the same table as by name: its partition key attribute
    is `pk`, not the default, so `tenant_id` in the key decides nothing."""
    scope = Scope("eu-west-1", "111122223333", dynamodb_partition_key={"orders": "pk"})
    key = {"pk": {"S": "globex"}, "tenant_id": {"S": "acme"}}
    for table in ("orders", T):
        (req,) = iam_requests("dynamodb", "GetItem", {"TableName": table, "Key": key}, scope)
        assert req == ("dynamodb:GetItem", T, {LK: ["globex"]})
    (req,) = iam_requests(
        "dynamodb", "BatchWriteItem", {"RequestItems": {T: [{"PutRequest": {"Item": key}}]}}, scope
    )
    assert req[2] == {LK: ["globex"]}


@pytest.mark.parametrize(
    "entry",
    [
        {
            "DeleteRequest": {"Key": {"tenant_id": {"S": "globex"}}},
            "PutRequest": {"Item": {"tenant_id": {"S": "acme"}}},
        },
        {
            "PutRequest": {"Item": {}},
            "DeleteRequest": {"Key": {"tenant_id": {"S": "globex"}}},
        },
        {},
        {"UpdateRequest": {"Key": {"tenant_id": {"S": "acme"}}}},
    ],
)
def test_batch_write_entry_must_hold_exactly_one_request(entry: dict[str, Any]) -> None:
    """moto (and any service reading one member) reads the first member of a write
    request; the guard read the Put item (`Item or Key`): with a Delete of B's key first
    and a Put of A's item second, B's item was deleted on A's say-so."""
    with pytest.raises(RefusedParameter, match="exactly one of DeleteRequest, PutRequest"):
        iam_requests("dynamodb", "BatchWriteItem", {"RequestItems": {"orders": [entry]}}, S)


def test_transact_entry_must_hold_exactly_one_request() -> None:
    entry = {
        "Put": {"TableName": "orders", "Item": {"tenant_id": {"S": "acme"}}},
        "Delete": {"TableName": "orders", "Key": {"tenant_id": {"S": "globex"}}},
    }
    with pytest.raises(RefusedParameter, match="exactly one of"):
        iam_requests("dynamodb", "TransactWriteItems", {"TransactItems": [entry]}, S)


@pytest.mark.parametrize(
    "context",
    [{"TENANT_ID": "globex", "tenant_id": "acme"}, {"tenant_id": "acme", "TENANT_ID": "globex"}],
)
def test_encryption_context_keys_differing_in_case_are_refused(context: dict[str, str]) -> None:
    """Condition keys are case-insensitive: `kms:EncryptionContext:tenant_id` and
    `...:TENANT_ID` are one key, and which value IAM sees must not depend on order."""
    params = {"KeyId": KID, "Plaintext": b"x", "EncryptionContext": context}
    with pytest.raises(RefusedParameter, match="differ only in case"):
        iam_requests("kms", "Encrypt", params, S)
    guard = Guard(_acme(), S, "acme", "basic", "arn:aws:sts::111122223333:assumed-role/r/acme")
    with pytest.raises(ClientError, match="differ only in case"):
        guard.check("kms", "Encrypt", params)


@pytest.mark.parametrize("strict", [True, False])
def test_presigned_post_is_decided_as_put_object(strict: bool) -> None:
    """generate_presigned_post goes through CreateBucket's parameter build; the guard
    decides it at signing, on the keys its POST policy lets a browser upload."""
    session, _ = _guarded(_acme(), strict=strict)
    s3 = session.client("s3")
    post = s3.generate_presigned_post(DOCS, "acme/${filename}")
    assert post["fields"]["key"] == "acme/${filename}"
    s3.generate_presigned_post(DOCS, "acme/a.txt", Conditions=[["content-length-range", 1, 9]])
    for key, conditions in [
        ("globex/a.txt", None),
        ("globex/${filename}", None),
        ("acme/a.txt", [["starts-with", "$key", ""]]),  # any key of the bucket
        ("acme/a.txt", [{"key": "globex/a.txt"}]),
    ]:
        with pytest.raises(ClientError) as info:
            s3.generate_presigned_post(DOCS, key, Conditions=conditions)
        assert info.value.response["Error"]["Code"] == "AccessDenied"
        assert "s3:PutObject" in info.value.response["Error"]["Message"]


def test_presigned_create_bucket_url_is_still_create_bucket() -> None:
    session, _ = _guarded(_acme())
    with pytest.raises(ClientError, match="not mapped"):
        session.client("s3").generate_presigned_url("create_bucket", Params={"Bucket": DOCS})


def test_sqs_queue_url_is_checked_against_the_clients_endpoint() -> None:
    """The service reads the queue from the URL's last segment: the guard accepts only
    `<scheme>://<host>/<account>/<name>`, the host the client's endpoint or an SQS
    host of the region, and refuses the rest before anything is sent."""
    session, _ = _guarded(_acme())
    local = session.client("sqs", endpoint_url="http://127.0.0.1:9")
    own = f"http://127.0.0.1:9/111122223333/{OWN_QUEUE}"
    with pytest.raises(_Sent):
        local.send_message(QueueUrl=own, MessageBody="x")
    with pytest.raises(_Sent):
        local.get_queue_attributes(
            QueueUrl=f"https://sqs.eu-west-1.amazonaws.com/111122223333/{OWN_QUEUE}"
        )
    for url in (
        f"{own}/saas-jobs-globex",
        f"http://127.0.0.1:10/111122223333/{OWN_QUEUE}",
        f"https://sqs.eu-west-1.amazonaws.com/111122223333/{OWN_QUEUE}/saas-jobs-globex",
    ):
        with pytest.raises(ClientError, match="refused") as info:
            local.receive_message(QueueUrl=url)
        assert info.value.response["Error"]["Code"] == "AccessDenied"
    aws = session.client("sqs")
    with pytest.raises(_Sent):
        aws.send_message(
            QueueUrl=f"https://sqs.eu-west-1.amazonaws.com/111122223333/{OWN_QUEUE}",
            MessageBody="x",
        )
    with pytest.raises(ClientError, match="not an SQS endpoint"):
        aws.send_message(QueueUrl=own, MessageBody="x")


def test_client_in_another_region_is_refused() -> None:
    """The guard maps names to ARNs of the session's region; a client of another region
    reaches another region's resources."""
    session, _ = _guarded(_acme(), region="us-east-1")
    with pytest.raises(ClientError, match="region `us-east-1`"):
        session.client("dynamodb").get_item(
            TableName="saas-orders", Key={"tenant_id": {"S": "acme"}}
        )
    with pytest.raises(ClientError, match="region `us-east-1`"):
        session.client("sqs").send_message(
            QueueUrl=f"https://sqs.us-east-1.amazonaws.com/111122223333/{OWN_QUEUE}",
            MessageBody="x",
        )


def _no_null_guard() -> Evaluator:
    """The AWS documentation's LeadingKeys sample: ForAllValues without a Null guard,
    so a request without leading keys is allowed."""
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"],
        "Resource": T,
        "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]}},
    }
    return Evaluator.of(
        identity=[parse_policy({"Version": "2012-10-17", "Statement": [statement]})]
    )


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        (
            "BatchWriteItem",
            {
                "RequestItems": {
                    "orders": [
                        {"PutRequest": {"Item": {"order_id": {"S": "o-1"}}}},  # no partition key
                        {"DeleteRequest": {"Key": {"tenant_id": {"S": "globex"}}}},
                    ]
                }
            },
        ),
        (
            "BatchGetItem",
            {
                "RequestItems": {
                    "orders": {"Keys": [{"tenant_id": {"B": b"x"}}, {"tenant_id": {"S": "globex"}}]}
                }
            },
        ),
    ],
)
def test_an_unreadable_key_does_not_hide_the_other_keys(
    operation: str, params: dict[str, Any]
) -> None:
    """One entry whose partition key the guard cannot read made the whole table's
    request key-less, hiding globex's key beside it: under a policy without a Null
    guard the batch was allowed. Now globex's key is decided as well."""
    requests = iam_requests("dynamodb", operation, params, S)
    assert (f"dynamodb:{operation}", T, {LK: ["globex"]}) in requests
    assert (f"dynamodb:{operation}", T, {}) in requests
    guard = Guard(
        _no_null_guard(), S, "acme", "basic", "arn:aws:sts::111122223333:assumed-role/r/a"
    )
    own = {"tenant_id": {"S": "acme"}}
    if operation == "BatchWriteItem":
        guard.check(
            "dynamodb", operation, {"RequestItems": {"orders": [{"PutRequest": {"Item": own}}]}}
        )
    else:
        guard.check("dynamodb", operation, {"RequestItems": {"orders": {"Keys": [own]}}})
    with pytest.raises(ClientError, match="may not"):
        guard.check("dynamodb", operation, params)


def test_sqs_falls_back_to_signing_when_no_endpoint_event_came() -> None:
    """SQS calls are decided at endpoint resolution; should that event not come, they
    are decided at signing from the request's URL, and unseen SQS requests refused."""
    from types import SimpleNamespace

    guard = Guard(_acme(), S, "acme", "basic", "arn:aws:sts::111122223333:assumed-role/r/a")
    endpoint = "http://127.0.0.1:9"
    for url, allowed in [
        (f"{endpoint}/111122223333/{OWN_QUEUE}", True),
        (f"{endpoint}/111122223333/{OWN_QUEUE}/saas-jobs-globex", False),
    ]:
        context = {"policy_engine.guard.pending": ("sqs", "SendMessage", {"QueueUrl": url})}
        request = SimpleNamespace(url=f"{endpoint}/", context=context)
        event = "before-sign.sqs.SendMessage"
        if allowed:
            guard._before_sign(request, "SendMessage", "eu-west-1", event_name=event)
        else:
            with pytest.raises(ClientError, match="exactly"):
                guard._before_sign(request, "SendMessage", "eu-west-1", event_name=event)
    unseen = SimpleNamespace(url=f"{endpoint}/", context={})
    with pytest.raises(ClientError, match="not seen by the guard"):
        guard._before_sign(unseen, "SendMessage", "eu-west-1", event_name="before-sign.sqs.X")
    # round 10: any request signed unseen is refused (a service the guard maps: in
    # every mode; another: as an unmapped operation)
    with pytest.raises(ClientError, match="not seen by the guard"):
        guard._before_sign(unseen, "GetObject", "eu-west-1", event_name="before-sign.s3.GetObject")
    with pytest.raises(ClientError, match="not mapped"):
        guard._before_sign(unseen, "connect", "eu-west-1", event_name="before-sign.rds.connect")
