"""Round 11: botocore handlers rewrite a guarded request after the guard decided it.

The attack: the guard decides a call on its parameters (``before-parameter-build``)
and, at ``before-sign``, compared only those parameters (and an S3 URL's bucket and
key) with its snapshot. botocore hands the *serialised* request to handlers on three
more events before it signs it: ``before-call`` (the request dict: URL, headers,
body), ``request-created`` and ``before-sign`` (the request itself). A handler there,
on a client of acme's guarded session (``client.meta.events.register(...)``, a helper
library that "adds a header", a key-rewriting hook), changed what was signed and sent
while the guard's decision stood:

- a DynamoDB ``GetItem`` decided for acme's key, sent with globex's key in the body;
- a ``PutObject`` of ``acme/stolen`` sent with ``x-amz-copy-source:
  <bucket>/globex/secret.pdf``: S3 runs a ``CopyObject`` (the header alone makes a PUT
  a copy, S3 API reference, "CopyObject": "the x-amz-copy-source header ... specifies
  the source"), reading globex's object into acme's prefix;
- a listing decided for ``prefix=acme/`` sent with ``prefix=globex/``;
- a ``DeleteObjects`` decided for ``acme/a`` sent with ``globex/a`` in its XML body
  (botocore computes its checksum after ``before-call``, so the body is consistent);
- ``X-Amz-Target`` changed from ``GetItem`` to ``DeleteItem`` (another action);
- a handler registered on ``before-sign`` after the guard's (it runs later: botocore
  calls a node's handlers in registration order) changing the body, a presigned URL's
  key, or widening a presigned POST's ``$key`` condition to any key;
- a ``before-call`` handler moving a DynamoDB call to another region's endpoint and
  setting the request's signing region (``context["signing"]``), which the signer
  prefers over the client's region the guard checked.

Why: the guard decided the parameters, not the request. Fixed at the root
(:mod:`policy_engine._wire`): at ``before-sign`` the request is compared with a fresh
serialisation of the decided parameters (method, query, every header the service
reads and every ``x-amz-*`` header but botocore's own checksum and chunking ones,
JSON bodies and S3's XML payloads, the JSON operation target); then the signer of
every guarded client signs only the request exactly as the guard checked it (its
``add_auth`` compares a fingerprint: method, URL, headers, body, signing and
presigned POST context) and for the region the guard checks.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config

from policy_engine.catalog import default_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator

from ._fakes import ACCOUNT, DOCS, outcome

CATALOG = default_catalog()
ACME_KEY = {"tenant_id": {"S": "acme"}, "order_id": {"S": "1"}}


def guarded() -> Any:
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="AKIAX", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        catalog=CATALOG,
    )
    return session


class Sent:
    """Records what a client would send (``before-send``, after signing) and answers
    with an empty 200 instead of the network."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def __call__(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        self.requests.append(request)
        response = AWSResponse(request.url, 200, {}, None)
        json_service = "amazonaws.com/" in request.url and "s3" not in request.url
        response._content = b"{}" if json_service else b""
        return response


def client(service: str) -> tuple[Any, Sent]:
    sent = Sent()
    c = guarded().client(
        service, region_name="eu-west-1", config=Config(retries={"max_attempts": 0})
    )
    c.meta.events.register_last("before-send", sent)
    return c, sent


def get_acme_order(ddb: Any) -> Any:
    return lambda: ddb.get_item(TableName="saas-orders", Key=ACME_KEY)


def test_a_dynamodb_body_rewritten_on_before_call_is_refused() -> None:
    ddb, sent = client("dynamodb")

    def to_globex(params: dict[str, Any], **_: Any) -> None:
        body = json.loads(params["body"])
        body["Key"]["tenant_id"]["S"] = "globex"
        params["body"] = json.dumps(body).encode()

    ddb.meta.events.register("before-call.dynamodb.GetItem", to_globex)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_copy_source_header_added_to_a_put_is_refused() -> None:
    s3, sent = client("s3")

    def copy_globex(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["x-amz-copy-source"] = f"{DOCS}/globex/secret.pdf"

    s3.meta.events.register("before-call.s3.PutObject", copy_globex)
    assert outcome(lambda: s3.put_object(Bucket=DOCS, Key="acme/stolen", Body=b"")) == "denied"
    assert sent.requests == []


def test_a_listing_prefix_rewritten_in_the_url_is_refused() -> None:
    s3, sent = client("s3")

    def list_globex(params: dict[str, Any], **_: Any) -> None:
        params["url"] = params["url"].replace("prefix=acme", "prefix=globex")

    s3.meta.events.register("before-call.s3.ListObjectsV2", list_globex)
    assert outcome(lambda: s3.list_objects_v2(Bucket=DOCS, Prefix="acme/")) == "denied"
    assert sent.requests == []


def test_a_delete_objects_body_rewritten_is_refused() -> None:
    s3, sent = client("s3")

    def delete_globex(params: dict[str, Any], **_: Any) -> None:
        params["body"] = params["body"].replace(b"acme/a", b"globex/a")

    s3.meta.events.register("before-call.s3.DeleteObjects", delete_globex)
    delete = {"Objects": [{"Key": "acme/a"}]}
    assert outcome(lambda: s3.delete_objects(Bucket=DOCS, Delete=delete)) == "denied"
    assert sent.requests == []


def test_another_operation_target_is_refused() -> None:
    ddb, sent = client("dynamodb")

    def to_delete(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["X-Amz-Target"] = "DynamoDB_20120810.DeleteItem"

    ddb.meta.events.register("before-call.dynamodb.GetItem", to_delete)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def _body_to_globex(request: Any, **_: Any) -> None:
    request.data = request.data.replace(b'"acme"', b'"globex"')


def test_a_request_rewritten_on_request_created_is_refused() -> None:
    ddb, sent = client("dynamodb")
    ddb.meta.events.register_first("request-created.dynamodb", _body_to_globex)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_request_rewritten_on_before_sign_after_the_guard_is_refused() -> None:
    ddb, sent = client("dynamodb")
    ddb.meta.events.register("before-sign", _body_to_globex)  # runs after the guard's
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_presigned_url_rewritten_after_the_guard_is_refused() -> None:
    s3, _ = client("s3")

    def to_globex(request: Any, **_: Any) -> None:
        request.url = request.url.replace("/acme/", "/globex/")

    s3.meta.events.register("before-sign", to_globex)
    params = {"Bucket": DOCS, "Key": "acme/x"}
    assert outcome(lambda: s3.generate_presigned_url("get_object", Params=params)) == "denied"


def test_a_presigned_post_policy_widened_after_the_guard_is_refused() -> None:
    s3, _ = client("s3")

    def any_key(request: Any, **_: Any) -> None:
        policy = request.context.get("s3-presign-post-policy")
        if policy is not None:
            policy["conditions"] = [
                c for c in policy["conditions"] if not (isinstance(c, list) and c[1] == "$key")
            ] + [["starts-with", "$key", ""]]

    s3.meta.events.register("before-sign", any_key)
    assert outcome(lambda: s3.generate_presigned_post(DOCS, "acme/${filename}")) == "denied"


def test_a_request_moved_to_another_region_and_signed_for_it_is_refused() -> None:
    ddb, sent = client("dynamodb")

    def to_us_east_1(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        params["url"] = "https://dynamodb.us-east-1.amazonaws.com/"
        context.setdefault("signing", {})["region"] = "us-east-1"

    ddb.meta.events.register("before-call.dynamodb.GetItem", to_us_east_1)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


# -- twins: legitimate handlers and requests are signed and sent as before ------------


def test_twin_handlers_that_do_not_change_what_the_service_reads_are_sent() -> None:
    """A header the service does not read as a parameter (tracing, a request ID) added
    on ``before-call``, a handler that only reads on ``before-sign``: sent."""
    ddb, sent = client("dynamodb")
    seen: list[str] = []

    def trace(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["X-Request-Id"] = "r-1"
        params["headers"]["X-Amzn-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793"

    ddb.meta.events.register("before-call.dynamodb", trace)
    ddb.meta.events.register("before-sign", lambda request, **_: seen.append(request.url))
    assert outcome(get_acme_order(ddb)) == "returned"
    assert len(sent.requests) == 1
    assert seen == ["https://dynamodb.eu-west-1.amazonaws.com/"]
    assert b'"acme"' in sent.requests[0].body


def test_twin_own_s3_requests_with_botocore_checksums_are_sent() -> None:
    s3, sent = client("s3")
    calls = [
        lambda: s3.put_object(Bucket=DOCS, Key="acme/a", Body=b"x", ChecksumAlgorithm="SHA256"),
        lambda: s3.put_object(
            Bucket=DOCS, Key="acme/b", Body=b"x", Metadata={"k": "v"}, ServerSideEncryption="AES256"
        ),
        lambda: s3.get_object(Bucket=DOCS, Key="acme/a", Range="bytes=0-1"),
        lambda: s3.copy_object(Bucket=DOCS, Key="acme/c", CopySource=f"{DOCS}/acme/a"),
        lambda: s3.list_objects_v2(Bucket=DOCS, Prefix="acme/"),
        lambda: s3.delete_objects(Bucket=DOCS, Delete={"Objects": [{"Key": "acme/a\r\n"}]}),
    ]
    assert [outcome(call) for call in calls] == ["returned"] * len(calls)
    assert len(sent.requests) == len(calls)


@pytest.mark.parametrize("method", ["get_object", "put_object"])
def test_twin_own_presigned_urls_and_posts_are_signed(method: str) -> None:
    s3, _ = client("s3")
    params = {"Bucket": DOCS, "Key": "acme/x"}
    url = s3.generate_presigned_url(method, Params=params)
    assert "/acme/x?" in url
    assert "X-Amz-Signature=" in url
    post = s3.generate_presigned_post(DOCS, "acme/${filename}")
    assert post["fields"]["key"] == "acme/${filename}"


def test_twin_own_calls_of_every_guarded_service_work_end_to_end(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Against moto (in process, after signing): S3 objects, checksums, multipart
    transfers, downloads, copies, tagging-free resource objects; DynamoDB items,
    queries, batch writer, transactions; SQS; Secrets Manager. Every request is
    checked again at ``before-sign`` and at its signature, and every one goes out."""
    import io

    from boto3.s3.transfer import TransferConfig
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
    with mock_aws():
        admin = boto3.Session(region_name="eu-west-1")
        admin.client("s3").create_bucket(
            Bucket=DOCS, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        admin.client("dynamodb").create_table(
            TableName="saas-orders",
            KeySchema=[
                {"AttributeName": "tenant_id", "KeyType": "HASH"},
                {"AttributeName": "order_id", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "tenant_id", "AttributeType": "S"},
                {"AttributeName": "order_id", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        queue = admin.client("sqs").create_queue(QueueName="saas-jobs-acme")["QueueUrl"]
        admin.client("secretsmanager").create_secret(Name="saas/tenants/acme/db", SecretString="s")

        session = guarded()
        s3 = session.client("s3", region_name="eu-west-1")
        s3.put_object(Bucket=DOCS, Key="acme/a", Body=b"a", ChecksumAlgorithm="CRC32")
        small = TransferConfig(multipart_threshold=5 * 2**20, multipart_chunksize=5 * 2**20)
        big = b"x" * (11 * 2**20)
        s3.upload_fileobj(io.BytesIO(big), DOCS, "acme/big", Config=small)
        out = io.BytesIO()
        s3.download_fileobj(DOCS, "acme/big", out, Config=small)
        assert out.getvalue() == big
        s3.copy({"Bucket": DOCS, "Key": "acme/a"}, DOCS, "acme/copy")
        s3.delete_objects(Bucket=DOCS, Delete={"Objects": [{"Key": "acme/copy"}]})
        listed = s3.list_objects_v2(Bucket=DOCS, Prefix="acme/")
        assert {o["Key"] for o in listed["Contents"]} == {"acme/a", "acme/big"}
        bucket = session.resource("s3", region_name="eu-west-1").Bucket(DOCS)
        assert bucket.Object("acme/a").get()["Body"].read() == b"a"
        target = tmp_path / "a"
        bucket.download_file("acme/a", str(target))
        assert target.read_bytes() == b"a"

        table = session.resource("dynamodb", region_name="eu-west-1").Table("saas-orders")
        with table.batch_writer() as batch:
            for n in range(3):
                batch.put_item(Item={"tenant_id": "acme", "order_id": f"o-{n}"})
        table.update_item(
            Key={"tenant_id": "acme", "order_id": "o-1"},
            UpdateExpression="SET amount = :t",
            ExpressionAttributeValues={":t": 5},
        )
        ddb = session.client("dynamodb", region_name="eu-west-1")
        found = ddb.query(
            TableName="saas-orders",
            KeyConditionExpression="tenant_id = :t",
            ExpressionAttributeValues={":t": {"S": "acme"}},
        )
        assert found["Count"] == 3
        own = {"tenant_id": {"S": "acme"}, "order_id": {"S": "o-0"}}
        ddb.delete_item(TableName="saas-orders", Key=own)

        sqs = session.client("sqs", region_name="eu-west-1")
        sqs.send_message(QueueUrl=queue, MessageBody="job")
        received = sqs.receive_message(QueueUrl=queue)["Messages"]
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[0]["ReceiptHandle"])
        secrets = session.client("secretsmanager", region_name="eu-west-1")
        assert secrets.get_secret_value(SecretId="saas/tenants/acme/db")["SecretString"] == "s"


def test_twin_kms_with_the_tenants_encryption_context_is_sent() -> None:
    kms, sent = client("kms")
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    call = lambda: kms.encrypt(  # noqa: E731
        KeyId=key, Plaintext=b"x", EncryptionContext={"tenant_id": "acme"}
    )
    assert outcome(call) == "returned"
    assert len(sent.requests) == 1


def test_twin_botocores_own_rewrites_of_unmapped_calls_are_sent_in_permissive_mode() -> None:
    """botocore itself adds a presigned URL of the source region to an RDS or EC2
    cross-region copy (``before-call``; the nested presign is a GET of the same
    operation): the guard decided nothing of these unmapped calls' parameters, and
    permissive mode sends them with a warning as before."""
    from ._fakes import dead_client

    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="AKIAX", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        catalog=CATALOG,
        strict=False,
    )
    rds, ec2 = dead_client(session, "rds"), dead_client(session, "ec2")
    source = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster-snapshot:x"
    copy_rds = lambda: rds.copy_db_cluster_snapshot(  # noqa: E731
        SourceDBClusterSnapshotIdentifier=source,
        TargetDBClusterSnapshotIdentifier="y",
        SourceRegion="us-east-1",
        KmsKeyId="k",
    )
    copy_ec2 = lambda: ec2.copy_snapshot(SourceSnapshotId="snap-1", SourceRegion="us-east-1")  # noqa: E731
    assert outcome(copy_rds) == "sent"
    assert outcome(copy_ec2) == "sent"


def test_twin_copies_of_a_request_context_share_the_decided_model() -> None:
    """botocore deep-copies a request's context for the nested presign of an RDS or EC2
    cross-region copy: the operation model the guard keeps there (for the request
    check) is shared, not copied with its whole service model (about 90 ms a call)."""
    import copy

    from policy_engine.guard import _MODEL

    ddb, _ = client("dynamodb")
    contexts: list[dict[str, Any]] = []
    ddb.meta.events.register("before-sign", lambda request, **_: contexts.append(request.context))
    assert outcome(get_acme_order(ddb)) == "returned"
    copied = copy.deepcopy(contexts[0])
    assert copied[_MODEL] is contexts[0][_MODEL]
