"""A partition declared on a condition key whose value is not the data a request
touches (a request tag, the caller's own attributes...) was taken at its word: a pooled
queue "partitioned" by `aws:RequestTag/tenant`, with the session's receive conditioned
on the tenant's own request tag, proved, though the tag chooses nothing of which
messages are received (SQS ReceiveMessage returns the queue's messages, whoever sent
them). Such a partition is now ``unknown`` naming the key, wherever a session grant may
act on the resource; partitions on keys that carry the data touched still prove."""

from __future__ import annotations

import pytest
from _attack_helpers import ACCT, REGION, TABLE, allowed, check, doc, said, stmt

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.isolation._shapes import binds_data
from policy_engine.render import TENANT_MARKER as T

QUEUE = f"arn:aws:sqs:{REGION}:{ACCT}:notes"


def _queue(key: str) -> ResourceSpec:
    return ResourceSpec("notes", "sqs", QUEUE, (Partition(condition_key=key, value="{tenant}"),))


SESSION = doc(
    stmt(
        "sqs:ReceiveMessage",
        QUEUE,
        {"StringEquals": {"aws:RequestTag/tenant": T}},
    )
)


def test_a_request_tag_partition_is_unknown() -> None:
    # the leak: acme receives from the pooled queue (globex's messages among them) with
    # its own tag; nothing in the request says whose message comes back
    assert allowed(SESSION, "acme", "sqs:ReceiveMessage", QUEUE, {"aws:RequestTag/tenant": "acme"})
    result = check(SESSION, [_queue("aws:RequestTag/tenant")])
    assert result.status == "unknown"
    assert "`aws:RequestTag/tenant`" in said(result)


@pytest.mark.parametrize("key", ["aws:PrincipalTag/Team", "aws:userid", "sqs:Custom"])
def test_other_keys_that_carry_no_data_are_unknown(key: str) -> None:
    session = doc(stmt("sqs:ReceiveMessage", QUEUE, {"StringEquals": {key: T}}))
    result = check(session, [_queue(key)])
    assert result.status == "unknown"
    assert f"`{key}`" in said(result)


def test_a_resource_no_grant_names_is_not_reported() -> None:
    other = doc(stmt("sqs:ReceiveMessage", f"arn:aws:sqs:{REGION}:{ACCT}:other"))
    result = check(other, [_queue("aws:RequestTag/tenant")])
    assert "`aws:RequestTag/tenant`" not in said(result)


def test_data_keys_still_prove() -> None:
    # the sound twin: a pooled table by leading key, the session fenced to the tenant's
    table = ResourceSpec(
        "orders",
        "dynamodb",
        TABLE,
        (Partition(condition_key="dynamodb:LeadingKeys", value="{tenant}"),),
    )
    session = doc(
        stmt(
            "dynamodb:GetItem",
            TABLE,
            {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
                "Null": {"dynamodb:LeadingKeys": "false"},
            },
        )
    )
    assert check(session, [table]).status == "proved"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("dynamodb:LeadingKeys", True),
        ("S3:Prefix", True),
        ("kms:EncryptionContext:tenant_id", True),
        ("aws:ResourceTag/TenantId", True),
        ("secretsmanager:ResourceTag/TenantId", True),
        ("s3:ExistingObjectTag/tenant", True),
        ("events:source", True),
        ("aws:RequestTag/tenant", False),
        ("aws:PrincipalTag/TenantId", False),
        ("kms:EncryptionContext:", False),
        ("aws:SourceVpc", False),
    ],
)
def test_binds_data(key: str, expected: bool) -> None:
    assert binds_data(key) is expected
