"""Attacks on the client-side guard (`policy_engine.guard`) through real boto3
clients whose calls go to a dead endpoint: ``denied`` is the guard refusing before
anything is sent, ``sent`` is the request leaving the process (so the guard let it
through), ``returned`` a client method that produced something without sending
(a presigned URL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import Catalog, default_catalog
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, REPORTS, OkSts, dead_client, outcome

Edit = Callable[[str, str, str], Path]


def guarded(catalog: Catalog, tenant: str = "acme", tier: str = "basic") -> Any:
    vendor = CredentialVendor(catalog, sts_client=OkSts(), role_chaining=False, region="eu-west-1")
    return vendor.session_for(tenant, tier, guard=True)


# -- defence in depth against a misconfigured session policy ----------------------------


def test_guard_refuses_cross_tenant_call_despite_a_misconfigured_session_policy(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    folder = edit(
        "session/documents.json.j2",
        '{{ documents_bucket }}/{{ tenant }}/*"',
        '{{ documents_bucket }}/{{ tenant }}*"',
    )
    s3 = dead_client(guarded(load(folder)), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme-corp/a.txt")) == "denied"


_JOBS = "http://127.0.0.1:9/111122223333/saas-jobs-"
_KMS_CONDITION = (
    ',\n      "Condition": {\n        "StringEquals": '
    '{"kms:EncryptionContext:tenant_id": "{{ tenant }}"},'
    '\n        "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant_id"]}\n      }'
)
_ORDERS_EXACT = '"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["{{ tenant }}"]}'


@pytest.mark.parametrize(
    ("template", "old", "new", "service", "call", "expect"),
    [
        # the documents listing: the prefix condition widened to the prefix trap
        ("session/documents.json.j2", '"{{ tenant }}/", "{{ tenant }}/*"', '"{{ tenant }}*"',
         "s3", lambda c: c.list_objects_v2(Bucket=DOCS, Prefix="acme-corp/"), "denied"),
        ("session/documents.json.j2", '"{{ tenant }}/", "{{ tenant }}/*"', '"{{ tenant }}*"',
         "s3", lambda c: c.list_objects_v2(Bucket=DOCS, Prefix="acme"), "denied"),
        ("session/documents.json.j2", '"{{ tenant }}/", "{{ tenant }}/*"', '"{{ tenant }}*"',
         "s3", lambda c: c.list_objects_v2(Bucket=DOCS, Prefix="acme/"), "sent"),
        # the listing condition dropped: a key-less listing of every tenant's objects
        ("session/documents.json.j2",
         ',\n      "Condition": {"StringLike": {"s3:prefix": ["{{ tenant }}/", "{{ tenant }}/*"]}}',
         "", "s3", lambda c: c.list_objects_v2(Bucket=DOCS), "denied"),
        ("session/documents.json.j2", '{{ documents_bucket }}/{{ tenant }}/*"',
         '{{ documents_bucket }}/*"', "s3",
         lambda c: c.put_object(Bucket=DOCS, Key="readme.txt", Body=b"x"), "denied"),
        # the queue: a name prefix instead of the tenant's queue
        ("session/jobs.json.j2", '{{ jobs_queue_prefix }}-{{ tenant }}"',
         '{{ jobs_queue_prefix }}-{{ tenant }}*"', "sqs",
         lambda c: c.send_message(QueueUrl=_JOBS + "acme-corp", MessageBody="x"), "denied"),
        ("session/jobs.json.j2", '{{ jobs_queue_prefix }}-{{ tenant }}"',
         '{{ jobs_queue_prefix }}-{{ tenant }}*"', "sqs",
         lambda c: c.send_message(QueueUrl=_JOBS + "acme", MessageBody="x"), "sent"),
        # the pooled table: leading keys by prefix
        ("session/orders.json.j2", _ORDERS_EXACT,
         '"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["{{ tenant }}*"]}', "dynamodb",
         lambda c: c.get_item(TableName="saas-orders", Key={"tenant_id": {"S": "acme-corp"}}),
         "denied"),
        ("session/orders.json.j2", _ORDERS_EXACT,
         '"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["{{ tenant }}*"]}', "dynamodb",
         lambda c: c.batch_get_item(RequestItems={"saas-orders": {"Keys": [
             {"tenant_id": {"S": "acme"}}, {"tenant_id": {"S": "acme-corp"}}]}}), "denied"),
        ("session/orders.json.j2", _ORDERS_EXACT,
         '"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["{{ tenant }}*"]}', "dynamodb",
         lambda c: c.get_item(TableName="saas-orders", Key={"tenant_id": {"S": "acme"}}),
         "sent"),
        # secrets by name prefix
        ("session/secrets.json.j2", '{{ secrets_prefix }}/{{ tenant }}/*"',
         '{{ secrets_prefix }}/{{ tenant }}*"', "secretsmanager",
         lambda c: c.get_secret_value(SecretId="saas/tenants/acme-corp/db"), "denied"),
        ("session/secrets.json.j2", '{{ secrets_prefix }}/{{ tenant }}/*"',
         '{{ secrets_prefix }}/{{ tenant }}*"', "secretsmanager",
         lambda c: c.get_secret_value(SecretId="saas/tenants/acme/db"), "sent"),
        # the KMS key: the encryption-context condition dropped
        ("session/kms.json.j2", _KMS_CONDITION, "", "kms",
         lambda c: c.encrypt(KeyId="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Plaintext=b"x",
                             EncryptionContext={"tenant_id": "globex"}), "denied"),
        ("session/kms.json.j2", _KMS_CONDITION, "", "kms",
         lambda c: c.encrypt(KeyId="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Plaintext=b"x"),
         "denied"),
    ],
    ids=["list-other-prefix", "list-trap-prefix", "list-own-prefix", "list-key-less",
         "object-in-no-partition", "queue-other", "queue-own", "leading-key-other",
         "batch-one-other", "leading-key-own", "secret-other", "secret-own",
         "kms-other-context", "kms-no-context"],
)  # fmt: skip
def test_guard_keeps_the_partitions_whatever_the_session_template_says(
    edit: Edit,
    load: Callable[[Path], Catalog],
    template: str,
    old: str,
    new: str,
    service: str,
    call: Callable[[Any], Any],
    expect: str,
) -> None:
    """Variant: each service's session template widened (prefix traps, dropped
    conditions); the guard still refuses what lands in another tenant's partition or
    in no partition, and still sends the tenant's own calls."""
    client = dead_client(guarded(load(edit(template, old, new))), service)
    assert outcome(lambda: call(client)) == expect


def test_twin_misconfigured_role_policy_is_narrowed_by_the_session_policy(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """The other half of the README's promise holds: a role template that grants every
    object of the bucket is narrowed to acme's prefix by the session policy."""
    folder = edit("role/tier.json.j2", '"arn:{{ partition }}:s3:::{{ documents_bucket }}/*"', '"*"')
    s3 = dead_client(guarded(load(folder)), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme-corp/a.txt")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


# -- presigned URLs: the action the URL performs ------------------------------------------


def test_presigned_url_is_decided_for_the_http_method_it_signs() -> None:
    s3 = dead_client(guarded(default_catalog(), tier="standard"), "s3")
    params = {"Bucket": REPORTS, "Key": "acme/r.csv"}
    assert (
        outcome(lambda: s3.generate_presigned_url("get_object", Params=params, HttpMethod="DELETE"))
        == "denied"
    )


@pytest.mark.parametrize(
    ("method", "params", "http"),
    [
        ("put_object", {"Bucket": DOCS, "Key": "acme/a.txt"}, "DELETE"),
        ("get_object", {"Bucket": DOCS, "Key": "acme/a.txt"}, "PUT"),
        ("head_object", {"Bucket": DOCS, "Key": "acme/a.txt"}, "POST"),
        ("get_object", {"Bucket": DOCS, "Key": "acme/a.txt"}, "get"),
    ],
    ids=["put-as-delete", "get-as-put", "head-as-post", "lower-case"],
)
def test_presigned_url_signed_for_another_method_is_refused(
    method: str, params: dict[str, str], http: str
) -> None:
    """Variant: whatever the tier may do with its own object, a URL signed for
    another HTTP method than the operation's is refused (the guard decided the
    operation, the URL would perform something else)."""
    s3 = dead_client(guarded(default_catalog()), "s3")
    assert outcome(lambda: s3.generate_presigned_url(method, Params=params)) == "returned"
    assert (
        outcome(lambda: s3.generate_presigned_url(method, Params=params, HttpMethod=http))
        == "denied"
    )


def test_twin_presigned_url_with_the_operations_own_method_is_signed() -> None:
    s3 = dead_client(guarded(default_catalog()), "s3")
    own = {"Bucket": DOCS, "Key": "acme/a.txt"}
    for method, http in (("get_object", "GET"), ("put_object", "PUT"), ("head_object", "HEAD")):
        url = s3.generate_presigned_url(method, Params=own, HttpMethod=http)
        assert "Signature=" in url


def test_twin_presigned_urls_the_tier_allows_and_refuses() -> None:
    s3 = dead_client(guarded(default_catalog(), tier="standard"), "s3")
    own = {"Bucket": REPORTS, "Key": "acme/r.csv"}
    other = {"Bucket": REPORTS, "Key": "globex/r.csv"}
    assert outcome(lambda: s3.generate_presigned_url("get_object", Params=own)) == "returned"
    assert outcome(lambda: s3.generate_presigned_url("get_object", Params=other)) == "denied"
    assert outcome(lambda: s3.delete_object(**own)) == "denied"  # the action itself


# -- what the refusal says ---------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        'acme/../x\n{"level":"INFO","tenant_id":"globex","message":"export done"}',
        'globex/x\n{"level":"INFO","tenant_id":"globex","message":"export done"}',
    ],
    ids=["refused-parameter", "denied-resource"],
)
def test_refusal_message_escapes_the_identifiers_it_quotes(key: str) -> None:
    from botocore.exceptions import ClientError

    s3 = dead_client(guarded(default_catalog()), "s3")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=DOCS, Key=key)
    message = info.value.response["Error"]["Message"]
    assert "tenant `acme`" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("sqs", lambda c: c.send_message(
            QueueUrl="http://127.0.0.1:9/111122223333/saas-jobs-globex\u2028forged",
            MessageBody="x")),
        ("dynamodb", lambda c: c.get_item(
            TableName="saas-orders", Key={"tenant_id": {"S": "globex\r\n\x1b[2Kforged"}})),
        ("secretsmanager", lambda c: c.get_secret_value(
            SecretId="saas/tenants/globex/db\nforged")),
    ],
    ids=["sqs-queue-url", "dynamodb-key", "secret-id"],
)  # fmt: skip
def test_refusal_messages_of_other_services_escape_what_they_quote(
    service: str, call: Callable[[Any], Any]
) -> None:
    """Variant: the same class through other services' identifiers (line and
    paragraph separators, terminal escapes)."""
    from botocore.exceptions import ClientError

    client = dead_client(guarded(default_catalog()), service)
    with pytest.raises(ClientError) as info:
        call(client)
    message = info.value.response["Error"]["Message"]
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    assert message.isprintable(), message


# -- DynamoDB: a key condition the guard and the service read differently ---------------


def _moto_orders(mock: Any) -> Any:
    """Inside ``mock``: the pooled orders table in the catalogue's account, with one
    item of acme and one of globex; returns a guarded vendor session of acme."""
    import boto3

    sts = boto3.client("sts", region_name="eu-west-1")
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::111122223333:role/setup", RoleSessionName="setup"
    )["Credentials"]
    admin = boto3.client(
        "dynamodb",
        region_name="eu-west-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    admin.create_table(
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
    for tenant in ("acme", "globex"):
        admin.put_item(
            TableName="saas-orders",
            Item={"tenant_id": {"S": tenant}, "order_id": {"S": "o-1"}, "note": {"S": tenant}},
        )
    vendor = CredentialVendor(
        default_catalog(), sts_client=sts, region="eu-west-1", role_chaining=False
    )
    return vendor.session_for("acme", "basic", guard=True).client(
        "dynamodb", region_name="eu-west-1"
    )


def test_query_with_two_partition_key_conditions_is_refused_or_decided_on_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from botocore.exceptions import ClientError
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        ddb = _moto_orders(mock_aws)
        try:
            found = ddb.query(
                TableName="saas-orders",
                KeyConditionExpression="tenant_id = :mine AND tenant_id = :theirs",
                ExpressionAttributeValues={":mine": {"S": "acme"}, ":theirs": {"S": "globex"}},
            )
        except ClientError as exc:  # refusing the call is a correct answer
            codes, notes = {exc.response["Error"]["Code"]}, set()
        else:  # so is answering with acme's items only
            codes, notes = set(), {item["note"]["S"] for item in found["Items"]}
        assert codes <= {"AccessDenied", "ValidationException"}
        assert notes <= {"acme"}


def test_twin_single_partition_key_conditions_are_decided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from botocore.exceptions import ClientError
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        ddb = _moto_orders(mock_aws)
        own = ddb.query(
            TableName="saas-orders",
            KeyConditionExpression="tenant_id = :t",
            ExpressionAttributeValues={":t": {"S": "acme"}},
        )
        assert [item["note"]["S"] for item in own["Items"]] == ["acme"]
        with pytest.raises(ClientError) as info:
            ddb.query(
                TableName="saas-orders",
                KeyConditionExpression="tenant_id = :t",
                ExpressionAttributeValues={":t": {"S": "globex"}},
            )
        assert info.value.response["Error"]["Code"] == "AccessDenied"


_MINE_THEIRS = {":mine": {"S": "acme"}, ":theirs": {"S": "globex"}}


@pytest.mark.parametrize(
    "query",
    [
        {  # two placeholders for one attribute
            "KeyConditionExpression": "#a = :mine AND #b = :theirs",
            "ExpressionAttributeNames": {"#a": "tenant_id", "#b": "tenant_id"},
            "ExpressionAttributeValues": _MINE_THEIRS,
        },
        {  # a placeholder and the plain name, in parentheses
            "KeyConditionExpression": "(#t = :mine) and (tenant_id = :theirs)",
            "ExpressionAttributeNames": {"#t": "tenant_id"},
            "ExpressionAttributeValues": _MINE_THEIRS,
        },
        {  # the second condition is a range condition on the partition key
            "KeyConditionExpression": "tenant_id = :mine AND tenant_id BETWEEN :theirs AND :mine",
            "ExpressionAttributeValues": _MINE_THEIRS,
        },
        {  # the legacy form: EQ with two values
            "KeyConditions": {
                "tenant_id": {
                    "ComparisonOperator": "EQ",
                    "AttributeValueList": [{"S": "acme"}, {"S": "globex"}],
                }
            }
        },
        {  # both forms at once: which one the service reads is not the guard's guess
            "KeyConditionExpression": "tenant_id = :mine",
            "ExpressionAttributeValues": {":mine": {"S": "acme"}},
            "KeyConditions": {
                "tenant_id": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "globex"}]}
            },
        },
        {  # an operator DynamoDB does not take in key conditions
            "KeyConditionExpression": "tenant_id = :mine OR tenant_id = :theirs",
            "ExpressionAttributeValues": _MINE_THEIRS,
        },
    ],
    ids=["two-placeholders", "placeholder-and-name", "eq-and-between", "legacy-two-values",
         "both-forms", "or"],
)  # fmt: skip
def test_ambiguous_key_conditions_are_refused_before_sending(query: dict[str, Any]) -> None:
    """Variant: every way of naming the partition key twice (or reading it in a form
    the guard cannot parse) is refused by the guard itself, before anything is sent."""
    ddb = dead_client(guarded(default_catalog()), "dynamodb")
    assert outcome(lambda: ddb.query(TableName="saas-orders", **query)) == "denied"


def test_twin_unambiguous_key_conditions_are_sent() -> None:
    ddb = dead_client(guarded(default_catalog()), "dynamodb")
    for query in (
        {
            "KeyConditionExpression": "(#t = :t) AND begins_with(order_id, :o)",
            "ExpressionAttributeNames": {"#t": "tenant_id"},
            "ExpressionAttributeValues": {":t": {"S": "acme"}, ":o": {"S": "2026"}},
        },
        {
            "KeyConditionExpression": "order_id BETWEEN :a AND :b AND tenant_id = :t",
            "ExpressionAttributeValues": {
                ":t": {"S": "acme"},
                ":a": {"S": "1"},
                ":b": {"S": "2"},
            },
        },
    ):
        assert outcome(lambda q=query: ddb.query(TableName="saas-orders", **q)) == "sent"
