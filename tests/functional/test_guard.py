"""The guard against a moto server: tenant A's guarded session reaches its own data
and gets AccessDenied for tenant B's, before anything is sent. moto itself enforces
no session policy: the unguarded session below is not stopped."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine.catalog import default_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator
from policy_engine.testing import tenant_pairs
from policy_engine.vend import CredentialVendor

pytestmark = pytest.mark.slow
CATALOG = default_catalog()
BUCKET = "saas-documents-111122223333"


@pytest.fixture(scope="module")
def world(catalogue_account: dict[str, Any], orders_table: Any) -> dict[str, Any]:
    """Data of tenants acme and globex in the catalogue's account."""
    import boto3

    kw = catalogue_account
    s3 = boto3.client("s3", **kw)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    sqs = boto3.client("sqs", **kw)
    secrets = boto3.client("secretsmanager", **kw)
    for tenant in ("acme", "globex"):
        s3.put_object(Bucket=BUCKET, Key=f"{tenant}/a.txt", Body=tenant.encode())
        orders_table.put_item(Item={"tenant_id": tenant, "order_id": "o-1"})
        sqs.create_queue(QueueName=f"saas-jobs-{tenant}")
        secrets.create_secret(Name=f"saas/tenants/{tenant}/db", SecretString=tenant)
    return kw


@pytest.fixture
def acme(world: dict[str, Any], sts: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ENDPOINT_URL", world["endpoint_url"])
    vendor = CredentialVendor(CATALOG, sts_client=sts, region="eu-west-1", role_chaining=False)
    return vendor.session_for("acme", "basic", guard=True), vendor


def denied(call: Any) -> str:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    message = info.value.response["Error"]["Message"]
    assert "tenant `acme`" in message
    return str(message)


def test_s3(acme: Any) -> None:
    session, _ = acme
    s3 = session.client("s3")
    assert s3.get_object(Bucket=BUCKET, Key="acme/a.txt")["Body"].read() == b"acme"
    s3.put_object(Bucket=BUCKET, Key="acme/b.txt", Body=b"new")
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="acme/")
    assert {o["Key"] for o in listed["Contents"]} == {"acme/a.txt", "acme/b.txt"}
    message = denied(lambda: s3.get_object(Bucket=BUCKET, Key="globex/a.txt"))
    assert "`s3:GetObject` on `arn:aws:s3:::saas-documents-111122223333/globex/a.txt`" in message
    denied(lambda: s3.put_object(Bucket=BUCKET, Key="globex/x", Body=b"x"))
    denied(lambda: s3.list_objects_v2(Bucket=BUCKET))  # no prefix: every tenant's keys
    denied(lambda: s3.list_objects_v2(Bucket=BUCKET, Prefix="acme"))  # also lists acme-corp/
    denied(
        lambda: s3.delete_objects(
            Bucket=BUCKET, Delete={"Objects": [{"Key": "acme/b.txt"}, {"Key": "globex/a.txt"}]}
        )
    )


def test_dynamodb(acme: Any) -> None:
    session, _ = acme
    table = session.resource("dynamodb").Table("saas-orders")
    assert table.get_item(Key={"tenant_id": "acme", "order_id": "o-1"})["Item"]["order_id"] == "o-1"
    client = session.client("dynamodb")
    found = client.query(
        TableName="saas-orders",
        KeyConditionExpression="tenant_id = :t",
        ExpressionAttributeValues={":t": {"S": "acme"}},
    )
    assert found["Count"] == 1
    denied(lambda: table.get_item(Key={"tenant_id": "globex", "order_id": "o-1"}))
    denied(
        lambda: client.query(
            TableName="saas-orders",
            KeyConditionExpression="tenant_id = :t",
            ExpressionAttributeValues={":t": {"S": "globex"}},
        )
    )
    denied(lambda: client.scan(TableName="saas-orders"))
    denied(
        lambda: client.batch_get_item(
            RequestItems={
                "saas-orders": {
                    "Keys": [
                        {"tenant_id": {"S": "acme"}, "order_id": {"S": "o-1"}},
                        {"tenant_id": {"S": "globex"}, "order_id": {"S": "o-1"}},
                    ]
                }
            }
        )
    )


def test_sqs_and_secrets(acme: Any, world: dict[str, Any]) -> None:
    session, _ = acme
    sqs = session.client("sqs")
    own = f"{world['endpoint_url']}/111122223333/saas-jobs-acme"
    other = f"{world['endpoint_url']}/111122223333/saas-jobs-globex"
    sqs.send_message(QueueUrl=own, MessageBody="hi")
    denied(lambda: sqs.send_message(QueueUrl=other, MessageBody="hi"))
    secrets = session.client("secretsmanager")
    assert secrets.get_secret_value(SecretId="saas/tenants/acme/db")["SecretString"] == "acme"
    denied(lambda: secrets.get_secret_value(SecretId="saas/tenants/globex/db"))


def test_unmapped_operations_strict_and_permissive(acme: Any, sts: Any) -> None:
    session, _ = acme
    message = denied(lambda: session.client("s3").get_bucket_policy(Bucket=BUCKET))
    assert "not mapped" in message
    import boto3

    plain = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    evaluator = effective_evaluator(CATALOG, "basic", "acme")
    guard_session(
        plain,
        evaluator,
        tenant="acme",
        tier="basic",
        account="111122223333",
        region="eu-west-1",
        strict=False,
    )
    with pytest.raises(ClientError) as info:  # the call is let through: moto answers it
        plain.client("s3").get_bucket_policy(Bucket=BUCKET)
    assert info.value.response["Error"]["Code"] == "NoSuchBucketPolicy"


def test_unguarded_session_is_not_stopped_by_moto(acme: Any) -> None:
    """Why the guard matters in tests: moto does not enforce session policies."""
    _, vendor = acme
    unguarded = vendor.session_for("acme", "basic")
    body = unguarded.client("s3").get_object(Bucket=BUCKET, Key="globex/a.txt")["Body"].read()
    assert body == b"globex"


@settings(max_examples=60, deadline=None)
@given(pair=tenant_pairs(CATALOG), key=st.text(alphabet="abc/._-0123", max_size=20))
def test_guard_property_random_keys(pair: tuple[str, str], key: str) -> None:
    import boto3

    a, b = pair
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    guard = guard_session(
        session,
        effective_evaluator(CATALOG, "basic", a),
        tenant=a,
        tier="basic",
        account="111122223333",
        region="eu-west-1",
    )
    if any(segment in (".", "..") for segment in key.split("/")):
        with pytest.raises(ClientError, match="path segment"):  # refused even for A's keys
            guard.check("s3", "GetObject", {"Bucket": BUCKET, "Key": f"{a}/{key}"})
    else:
        guard.check("s3", "GetObject", {"Bucket": BUCKET, "Key": f"{a}/{key}"})
    with pytest.raises(ClientError):
        guard.check("s3", "GetObject", {"Bucket": BUCKET, "Key": f"{b}/{key}"})
    with pytest.raises(ClientError):
        guard.check("s3", "ListObjectsV2", {"Bucket": BUCKET, "Prefix": f"{b}/{key}"})
    guard.check("dynamodb", "GetItem", {"TableName": "saas-orders", "Key": {"tenant_id": a}})
    with pytest.raises(ClientError):
        guard.check("dynamodb", "GetItem", {"TableName": "saas-orders", "Key": {"tenant_id": b}})


def test_sqs_queue_url_with_an_extra_segment_is_refused_before_sending(
    acme: Any, world: dict[str, Any]
) -> None:
    """Issue 17, critical 1: moto (like AWS) reads the queue from the URL's *last*
    segment, so acme's own queue URL + `/saas-jobs-globex` reaches globex's queue. The
    guard read the first segment and let it through; now it refuses the URL."""
    import boto3

    session, vendor = acme
    own = f"{world['endpoint_url']}/111122223333/saas-jobs-acme"
    globex = f"{world['endpoint_url']}/111122223333/saas-jobs-globex"
    attack = f"{own}/saas-jobs-globex"
    admin = boto3.client("sqs", **world)
    admin.purge_queue(QueueUrl=globex)
    admin.send_message(QueueUrl=globex, MessageBody="for globex only")

    # The attack is real against the service: an unguarded acme session reads it.
    unguarded = vendor.session_for("acme", "basic").client("sqs")
    leaked = unguarded.receive_message(QueueUrl=attack, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in leaked] == ["for globex only"]

    sqs = session.client("sqs")
    message = denied(lambda: sqs.receive_message(QueueUrl=attack, VisibilityTimeout=0))
    assert "exactly" in message
    denied(lambda: sqs.send_message(QueueUrl=attack, MessageBody="injected"))
    bodies = [
        m["Body"]
        for m in admin.receive_message(
            QueueUrl=globex, MaxNumberOfMessages=10, VisibilityTimeout=0
        ).get("Messages", [])
    ]
    assert bodies == ["for globex only"]  # nothing was sent by the guarded session
    sqs.send_message(QueueUrl=own, MessageBody="still works")


def test_batch_write_entry_with_two_requests_is_refused(
    acme: Any, world: dict[str, Any], orders_table: Any
) -> None:
    """Issue 17, low 13: a write request holding a Delete of globex's key and a Put of
    acme's item. The guard read only the Put item (`Item or Key`); which member the
    service honours is not the guard's to guess (moto honours the Put), so such
    entries are refused, before anything is sent."""
    session, _ = acme
    key = {"tenant_id": "globex", "order_id": "o-bwi"}
    entry = {
        "DeleteRequest": {"Key": {"tenant_id": {"S": "globex"}, "order_id": {"S": "o-bwi"}}},
        "PutRequest": {"Item": {"tenant_id": {"S": "acme"}, "order_id": {"S": "o-bwi"}}},
    }
    orders_table.put_item(Item=key)
    client = session.client("dynamodb")
    message = denied(lambda: client.batch_write_item(RequestItems={"saas-orders": [entry]}))
    assert "exactly one of DeleteRequest, PutRequest" in message
    assert "Item" in orders_table.get_item(Key=key)
    acme_key = {"tenant_id": "acme", "order_id": "o-bwi"}
    assert "Item" not in orders_table.get_item(Key=acme_key)  # the Put was not sent either
