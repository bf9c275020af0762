"""The attacks the client-side guard refuses, in one table, and the own-tenant calls
it must still let through (so that no refusal below is vacuous).

Tenant `acme` of the bundled catalogue's `basic` tier: its effective policy allows
only acme's own resources (objects under `acme/` of the documents bucket, the
`saas-jobs-acme` queue, secrets under `saas/tenants/acme/`, the tenant key with
encryption context `tenant_id=acme`, items whose partition key is `acme`). Each attack
is refused by `Guard.check` in strict and in permissive mode: permissive mode lets
only *unmapped operations* through, never a call whose identifiers the guard refuses.

Columns: service, operation, params (as passed to the boto3 client), why it is an
attack, and a fragment of the refusal message (`may not` = decided and denied by the
policy; anything else = refused before evaluation because of how it names a resource).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from botocore.exceptions import ClientError

from policy_engine.catalog import default_catalog
from policy_engine.guard import Guard, Scope
from policy_engine.isolation import effective_evaluator

ACCOUNT = "111122223333"
OTHER = "444455556666"
DOCS = "saas-documents-111122223333"
TABLE = "saas-orders"
TABLE_ARN = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{TABLE}"
HOST = "https://sqs.eu-west-1.amazonaws.com"
OWN_QUEUE = f"{HOST}/{ACCOUNT}/saas-jobs-acme"
LOCAL = "http://127.0.0.1:4566"  # the endpoint the test scope says the client uses
KID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KID}"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:"
ACME = {"tenant_id": {"S": "acme"}, "order_id": {"S": "o-1"}}
GLOBEX = {"tenant_id": {"S": "globex"}, "order_id": {"S": "o-1"}}
CTX = {"tenant_id": "acme"}

Call = tuple[str, str, dict[str, Any], str]
Attack = tuple[str, str, dict[str, Any], str, str]

ATTACKS: list[Attack] = [
    # -- SQS: the service reads the queue from the URL's last path segment ---------------
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{OWN_QUEUE}/saas-jobs-globex"},
     "own URL + another queue as an extra segment (issue 17, critical 1)", "exactly"),
    ("sqs", "SendMessage", {"QueueUrl": f"{OWN_QUEUE}/", "MessageBody": "x"},
     "trailing slash: an empty last segment", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{OWN_QUEUE}?/saas-jobs-globex"},
     "query string", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{OWN_QUEUE}#/saas-jobs-globex"},
     "fragment", "exactly"),
    ("sqs", "ReceiveMessage",
     {"QueueUrl": f"https://x@sqs.eu-west-1.amazonaws.com/{ACCOUNT}/saas-jobs-acme"},
     "user info in the authority", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{OWN_QUEUE}%2Fsaas-jobs-globex"},
     "percent-encoded slash", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{OWN_QUEUE}/../saas-jobs-globex"},
     "dot segments", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{HOST}/{ACCOUNT}/./saas-jobs-acme"},
     "a `.` segment before the name", "exactly"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{HOST}/{ACCOUNT}/saas-jobs-globex"},
     "another tenant's queue", "may not"),
    ("sqs", "ReceiveMessage", {"QueueUrl": "saas-jobs-acme"},
     "a bare queue name (moto reads it as the name; no URL to check)", "exactly"),
    ("sqs", "ReceiveMessage",
     {"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/saas-jobs-acme"},
     "the same name in another region", "not an SQS endpoint"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"https://evil.example/{ACCOUNT}/saas-jobs-acme"},
     "a host that is no SQS endpoint", "not an SQS endpoint"),
    ("sqs", "ReceiveMessage",
     {"QueueUrl": f"http://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/saas-jobs-acme"},
     "plain http to AWS", "not an SQS endpoint"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{HOST}/{OTHER}/saas-jobs-acme"},
     "the same name in another account", "account"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{HOST}/{ACCOUNT}/saas.jobs-acme"},
     "not a queue name (dots only in `.fifo`)", "queue names"),
    ("sqs", "GetQueueUrl", {"QueueName": "saas-jobs-acme", "QueueOwnerAWSAccountId": OTHER},
     "GetQueueUrl of another account's queue", "QueueOwnerAWSAccountId"),
    ("sqs", "GetQueueUrl", {"QueueName": "saas-jobs-globex"},
     "GetQueueUrl of another tenant's queue", "may not"),
    # -- S3 ---------------------------------------------------------------------------------
    ("s3", "GetObject", {"Bucket": DOCS, "Key": "globex/a.txt"}, "another tenant's key",
     "may not"),
    ("s3", "GetObject", {"Bucket": DOCS, "Key": "acme/../globex/a.txt"},
     "dot segments a URL normaliser would resolve to globex/", "path segment"),
    ("s3", "PutObject", {"Bucket": DOCS, "Key": "acme/./x"}, "a `.` segment", "path segment"),
    ("s3", "GetObject", {"Bucket": DOCS, "Key": "acme/a.txt", "VersionId": "v1"},
     "an old version needs s3:GetObjectVersion, which the tenant lacks", "may not"),
    ("s3", "GetObject",
     {"Bucket": f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/docs", "Key": "acme/a.txt"},
     "an access point ARN: its bucket and policy are invisible", "ARNs"),
    ("s3", "GetObject", {"Bucket": "docs-ap-abc123xyz-s3alias", "Key": "acme/a.txt"},
     "an access point alias looks like a bucket name", "bucket name"),
    ("s3", "GetObject", {"Bucket": "Saas-Documents", "Key": "acme/a.txt"},
     "not a bucket name", "bucket name"),
    ("s3", "ListObjectsV2", {"Bucket": DOCS}, "listing every tenant's keys", "may not"),
    ("s3", "ListObjectsV2", {"Bucket": DOCS, "Prefix": "acme"}, "prefix also lists acme-corp/",
     "may not"),
    ("s3", "DeleteObjects",
     {"Bucket": DOCS, "Delete": {"Objects": [{"Key": "acme/a"}, {"Key": "globex/a"}]}},
     "one foreign key among own ones", "may not"),
    ("s3", "DeleteObjects", {"Bucket": DOCS, "Delete": {"Objects": []}},
     "a call naming no resource decides nothing", "no resource"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"{DOCS}/globex/a.txt"},
     "copy another tenant's object into one's own prefix", "may not"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"{DOCS}/globex/a.txt?versionId=v1"},
     "another tenant's object, string form with a version", "may not"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"{DOCS}/acme/a.txt?versionId=v1"},
     "an own old version: s3:GetObjectVersion", "GetObjectVersion"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b",
      "CopySource": {"Bucket": DOCS, "Key": "globex/a.txt", "VersionId": "v"}},
     "dict form with a version", "may not"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"//{DOCS}/acme/a.txt"},
     "`//bucket`: moto strips every slash, S3 one", "CopySource bucket"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b",
      "CopySource": f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/docs/object/acme/a.txt"},
     "access point ARN as copy source", "ARNs"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b",
      "CopySource": {"Bucket": f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/docs",
                     "Key": "acme/a.txt"}},
     "access point ARN in the dict form", "ARNs"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"{DOCS}/acme/../globex/a.txt"},
     "dot segments in the copy source", "path segment"),
    ("s3", "UploadPartCopy",
     {"Bucket": DOCS, "Key": "acme/b", "UploadId": "u", "PartNumber": 1,
      "CopySource": f"{DOCS}/globex/a.txt"},
     "part copy from another tenant", "may not"),
    ("s3", "GeneratePresignedPost", {"Bucket": DOCS, "Key": "globex/${filename}"},
     "a POST form that uploads into another tenant's prefix", "may not"),
    ("s3", "GeneratePresignedPost",
     {"Bucket": DOCS, "Key": "acme/a.txt", "Conditions": [["starts-with", "$key", ""]]},
     "a POST form whose own condition admits every key", "may not"),
    ("s3", "GeneratePresignedPost", {"Bucket": DOCS, "Key": "acme${filename}"},
     "a POST form for acme-corp/... too (prefix without slash)", "may not"),
    # -- DynamoDB ---------------------------------------------------------------------------
    ("dynamodb", "GetItem", {"TableName": TABLE, "Key": GLOBEX}, "another tenant's item",
     "may not"),
    ("dynamodb", "GetItem",
     {"TableName": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{TABLE}", "Key": ACME},
     "a table ARN of another region", "outside the session's scope"),
    ("dynamodb", "GetItem",
     {"TableName": f"arn:aws:dynamodb:eu-west-1:{OTHER}:table/{TABLE}", "Key": ACME},
     "a table ARN of another account", "outside the session's scope"),
    ("dynamodb", "Query",
     {"TableName": f"{TABLE_ARN}/index/by-date", "KeyConditionExpression": "tenant_id = :t",
      "ExpressionAttributeValues": {":t": {"S": "acme"}}},
     "an index ARN is no table name", "not a table name"),
    ("dynamodb", "Query",
     {"TableName": TABLE, "KeyConditionExpression": "tenant_id = :t",
      "ExpressionAttributeValues": {":t": {"S": "globex"}}},
     "another tenant's partition", "may not"),
    ("dynamodb", "Query",
     {"TableName": TABLE, "KeyConditionExpression": "order_id = :o",
      "ExpressionAttributeValues": {":o": {"S": "o-1"}}},
     "a key condition the guard cannot read counts as key-less", "may not"),
    ("dynamodb", "Scan", {"TableName": TABLE}, "a scan reads every partition", "may not"),
    ("dynamodb", "BatchGetItem", {"RequestItems": {TABLE: {"Keys": [ACME, GLOBEX]}}},
     "one foreign key in a batch", "may not"),
    ("dynamodb", "BatchWriteItem",
     {"RequestItems": {TABLE: [{"DeleteRequest": {"Key": GLOBEX}, "PutRequest": {"Item": ACME}}]}},
     "Delete of B first, Put of A second in one entry (issue 17, low 13)", "exactly one of"),
    ("dynamodb", "BatchWriteItem",
     {"RequestItems": {TABLE: [{"PutRequest": {"Item": ACME}},
                               {"DeleteRequest": {"Key": GLOBEX}}]}},
     "a foreign delete beside an own put", "may not"),
    ("dynamodb", "TransactWriteItems",
     {"TransactItems": [{"Put": {"TableName": TABLE, "Item": ACME},
                         "Delete": {"TableName": TABLE, "Key": GLOBEX}}]},
     "two requests in one transaction entry", "exactly one of"),
    ("dynamodb", "TransactWriteItems",
     {"TransactItems": [{"Put": {"TableName": TABLE, "Item": ACME}},
                        {"Delete": {"TableName": TABLE, "Key": GLOBEX}}]},
     "a foreign delete in a transaction", "may not"),
    # -- Secrets Manager ---------------------------------------------------------------------
    ("secretsmanager", "GetSecretValue", {"SecretId": "saas/tenants/globex/db"},
     "another tenant's secret", "may not"),
    ("secretsmanager", "GetSecretValue", {"SecretId": f"{SECRET}saas/tenants/globex/db"},
     "another tenant's secret, partial ARN", "may not"),
    ("secretsmanager", "GetSecretValue",
     {"SecretId": f"arn:aws:secretsmanager:eu-west-1:{OTHER}:secret:saas/tenants/acme/db"},
     "the same path in another account", "outside the session's scope"),
    ("secretsmanager", "GetSecretValue",
     {"SecretId": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:saas/tenants/acme/db"},
     "the same path in another region", "outside the session's scope"),
    ("secretsmanager", "GetSecretValue", {"SecretId": "saas/tenants/acme/db:x"},
     "a name cannot hold `:`: neither name nor ARN", "neither"),
    ("secretsmanager", "GetSecretValue", {"SecretId": "arn:aws:secretsmanager:saas/tenants/acme"},
     "looks like an ARN, is none", "neither"),
    # -- KMS ---------------------------------------------------------------------------------
    ("kms", "Encrypt",
     {"KeyId": KID, "Plaintext": b"x", "EncryptionContext": {"tenant_id": "globex"}},
     "another tenant's encryption context", "may not"),
    ("kms", "Encrypt",
     {"KeyId": KID, "Plaintext": b"x",
      "EncryptionContext": {"TENANT_ID": "globex", "tenant_id": "acme"}},
     "context keys differing only in case (issue 17, low 7)", "differ only in case"),
    ("kms", "Encrypt", {"KeyId": KID, "Plaintext": b"x"}, "no encryption context", "may not"),
    ("kms", "Encrypt",
     {"KeyId": f"arn:aws:kms:eu-west-1:{OTHER}:key/{KID}", "Plaintext": b"x",
      "EncryptionContext": CTX},
     "another account's key", "outside the session's scope"),
    ("kms", "Encrypt", {"KeyId": "alias/tenant-acme", "Plaintext": b"x", "EncryptionContext": CTX},
     "an alias: AWS authorises the key behind it", "aliases"),
    ("kms", "Encrypt",
     {"KeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/tenant-acme", "Plaintext": b"x",
      "EncryptionContext": CTX},
     "an alias ARN", "aliases"),
    ("kms", "GenerateDataKey", {"KeyId": "alias/aws/s3", "EncryptionContext": CTX},
     "an AWS managed key's alias", "aliases"),
    ("kms", "Decrypt", {"CiphertextBlob": b"x", "EncryptionContext": CTX},
     "Decrypt without KeyId: the key is inside the ciphertext", "KeyId"),
    ("kms", "Encrypt", {"KeyId": KID.upper(), "Plaintext": b"x", "EncryptionContext": CTX},
     "not a key ID as KMS writes them", "not a key ID"),
    ("kms", "ReEncrypt",
     {"CiphertextBlob": b"x", "SourceKeyId": KID, "DestinationKeyId": KID,
      "SourceEncryptionContext": CTX, "DestinationEncryptionContext": CTX},
     "ReEncryptFrom/To are not granted", "may not"),
]  # fmt: skip

LEGIT: list[Call] = [
    ("sqs", "SendMessage", {"QueueUrl": OWN_QUEUE, "MessageBody": "x"}, "own queue"),
    ("sqs", "ReceiveMessage", {"QueueUrl": f"{LOCAL}/{ACCOUNT}/saas-jobs-acme"},
     "own queue on the client's endpoint"),
    ("sqs", "ReceiveMessage",
     {"QueueUrl": f"https://eu-west-1.queue.amazonaws.com/{ACCOUNT}/saas-jobs-acme"},
     "own queue, legacy host"),
    ("sqs", "GetQueueUrl", {"QueueName": "saas-jobs-acme", "QueueOwnerAWSAccountId": ACCOUNT},
     "own queue URL"),
    ("s3", "GetObject", {"Bucket": DOCS, "Key": "acme/a.txt"}, "own object"),
    ("s3", "PutObject", {"Bucket": DOCS, "Key": "acme/..x/a.b"}, "dots inside a segment"),
    ("s3", "ListObjectsV2", {"Bucket": DOCS, "Prefix": "acme/"}, "own prefix"),
    ("s3", "DeleteObjects", {"Bucket": DOCS, "Delete": {"Objects": [{"Key": "acme/a"}]}},
     "own keys"),
    ("s3", "CopyObject", {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"{DOCS}/acme/a.txt"},
     "own copy"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": f"/{DOCS}/acme/a%2F..%2F..%2Fglobex"},
     "S3 reads `%2F` literally (botocore encodes the `%`)"),
    ("s3", "CopyObject",
     {"Bucket": DOCS, "Key": "acme/b", "CopySource": {"Bucket": DOCS, "Key": "acme/a?b"}},
     "own copy, dict form"),
    ("s3", "GeneratePresignedPost", {"Bucket": DOCS, "Key": "acme/${filename}"},
     "upload form for the own prefix"),
    ("dynamodb", "GetItem", {"TableName": TABLE, "Key": ACME}, "own item"),
    ("dynamodb", "GetItem", {"TableName": TABLE_ARN, "Key": ACME}, "own item, table ARN"),
    ("dynamodb", "Query",
     {"TableName": TABLE, "KeyConditionExpression": "#t = :t AND order_id > :o",
      "ExpressionAttributeNames": {"#t": "tenant_id"},
      "ExpressionAttributeValues": {":t": {"S": "acme"}, ":o": {"S": "0"}}},
     "own partition"),
    ("dynamodb", "BatchWriteItem",
     {"RequestItems": {TABLE: [{"PutRequest": {"Item": ACME}}, {"DeleteRequest": {"Key": ACME}}]}},
     "own puts and deletes"),
    ("dynamodb", "TransactWriteItems",
     {"TransactItems": [{"Put": {"TableName": TABLE, "Item": ACME}},
                        {"ConditionCheck": {"TableName": TABLE, "Key": ACME}}]},
     "own transaction"),
    ("secretsmanager", "GetSecretValue", {"SecretId": "saas/tenants/acme/db"}, "own secret"),
    ("secretsmanager", "GetSecretValue", {"SecretId": f"{SECRET}saas/tenants/acme/db-AbCdEf"},
     "own secret, complete ARN"),
    ("kms", "Encrypt", {"KeyId": KID, "Plaintext": b"x", "EncryptionContext": CTX},
     "own context"),
    ("kms", "Decrypt", {"CiphertextBlob": b"x", "KeyId": KEY_ARN, "EncryptionContext": CTX},
     "own context, key ARN"),
]  # fmt: skip


@functools.cache
def _guard(strict: bool) -> Guard:
    evaluator = effective_evaluator(default_catalog(), "basic", "acme")
    scope = Scope("eu-west-1", ACCOUNT, endpoint_url=LOCAL)
    principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/saas-tenant-basic/tenant-acme"
    return Guard(evaluator, scope, "acme", "basic", principal, strict=strict)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "permissive"])
@pytest.mark.parametrize(
    ("service", "operation", "params", "why", "message"),
    ATTACKS,
    ids=[f"{a[0]}:{a[1]}:{a[3]}" for a in ATTACKS],
)
def test_attack_is_refused(
    service: str, operation: str, params: dict[str, Any], why: str, message: str, strict: bool
) -> None:
    with pytest.raises(ClientError) as info:
        _guard(strict).check(service, operation, params)
    error = info.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert "tenant `acme`" in error["Message"]
    assert message in error["Message"], why


@pytest.mark.parametrize(
    ("service", "operation", "params", "why"), LEGIT, ids=[f"{c[0]}:{c[1]}:{c[3]}" for c in LEGIT]
)
def test_own_tenant_call_passes(
    service: str, operation: str, params: dict[str, Any], why: str
) -> None:
    _guard(True).check(service, operation, params)


def test_every_mapped_service_has_attacks_and_legit_calls() -> None:
    services = {"s3", "dynamodb", "sqs", "secretsmanager", "kms"}
    assert {a[0] for a in ATTACKS} == services
    assert {c[0] for c in LEGIT} == services
