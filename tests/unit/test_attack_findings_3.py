"""Attack review of the isolation proof, round 3: each test is one class of false
`proved`.

Every test first shows, with the project's own evaluator and independently of the
checker, that a concrete request by tenant A (principal: A's session ARN, with the
session tags and principal keys vending gives it) on an ARN outside the resource
model, or on a resource of the model without naming any partition, is allowed; then
it asserts the correct behaviour of the checker: the tier is never `proved`. On the
reviewed code these tests fail.
"""

from __future__ import annotations

from _attack_helpers import (
    ACCT,
    DOCS,
    DOCS_OBJECTS,
    JOBS,
    LANG,
    PER_TENANT,
    QUEUE,
    TABLE,
    TENANT_BUCKETS,
    allowed,
    check,
    doc,
    orders,
    shown,
    stmt,
)

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.render import TENANT_MARKER as T

# -- 1: coverage for `*`/NotAction reads every model string of every service, its `*`
#       as any text: the escalation resource `arn:*:iam::ACCOUNT:role/*` "covers" an
#       S3 object whose key holds `:iam::ACCOUNT:role/` -------------------------------

#: An object of a bucket outside the model; S3 keys may hold colons.
ESCAPED = f"arn:aws:s3:::other/:iam::{ACCT}:role/x"
ESCAPED_GRANT = f"arn:aws:s3:::other/:iam::{ACCT}:role/*"


def test_not_action_grant_covered_by_the_escalation_model_string() -> None:
    # NotAction (service "*"): coverage asks every model string of every service, the
    # escalation resource included, whose `arn:*` reads any text in model semantics.
    # The escalation shape only asks escalation actions, which NotAction excludes.
    session = doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": ESCAPED_GRANT},
        stmt("s3:GetObject", f"{DOCS}/{T}/*"),
    )
    assert allowed(session, "acme", "s3:GetObject", ESCAPED)
    result = check(session, [DOCS_OBJECTS])
    assert result.status != "proved", shown(result)


def test_star_action_grant_covered_by_the_escalation_model_string() -> None:
    # The same with `Action: "*"` in the session and a role that allows only S3 reads:
    # the escalation actions are never allowed, the S3 object outside the model is.
    session = doc(stmt("*", [ESCAPED_GRANT, f"{DOCS}/{T}/*"]))
    role = doc(stmt("s3:GetObject", "arn:aws:s3:::*"))
    assert allowed(session, "acme", "s3:GetObject", ESCAPED, roles=[role])
    result = check(session, [DOCS_OBJECTS], roles=[role])
    assert result.status != "proved", shown(result)


# -- 2: a resource whose own `arn` is a wildcard covers names that are no tenant's
#       partition; no shape asks about them -----------------------------------------

PREMIUM = f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/prem-"
SILO = ResourceSpec("silo", "dynamodb", PREMIUM + "*", (Partition(arn=PREMIUM + "{tenant}"),))


def test_queue_of_the_resource_that_is_no_tenants_partition() -> None:
    # `jobs-_all` (SQS names allow `_`) matches the resource's arn `jobs-*` but is no
    # tenant's queue (`_all` is no tenant ID): a pooled queue, named by no partition.
    session = doc(stmt("sqs:ReceiveMessage", [QUEUE + T, QUEUE + "_all"]))
    assert not LANG.is_valid("_all")
    assert allowed(session, "acme", "sqs:ReceiveMessage", QUEUE + "_all")
    result = check(session, [JOBS])
    assert result.status != "proved", shown(result)


def test_silo_table_of_the_resource_that_is_no_tenants_partition() -> None:
    # The same for a table per tenant: `table/prem-_all` (table names allow `_`).
    session = doc(stmt("dynamodb:Scan", [PREMIUM + T, PREMIUM + "_all"]))
    assert allowed(session, "acme", "dynamodb:Scan", PREMIUM + "_all")
    result = check(session, [SILO])
    assert result.status != "proved", shown(result)


# -- 3: a DynamoDB table's resource policy read as governing the table's streams (its
#       scope is `table/*`): its Deny fences stream reads that AWS never checks
#       against it ---------------------------------------------------------------------

ORDERS = orders()
STREAM_READS = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"]


def test_table_policy_deny_read_as_a_fence_on_the_tables_streams() -> None:
    # A policy attached to a table governs the table and its indexes; a stream has its
    # own resource-based policy (DynamoDB Developer Guide, "Using resource-based
    # policies for DynamoDB"; PutResourcePolicy takes a table or a stream ARN). The
    # checker scopes the table's policy to `table/orders` and `table/orders/*`, so the
    # table policy's Deny on stream reads removes the stream shape and the tier is
    # proved. In AWS that Deny is never evaluated for a request on the stream ARN: with
    # the policies AWS evaluates for it (no stream policy), the session reads every
    # tenant's items from the stream. (Without the table policy the checker reports
    # this very request.)
    session = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": TABLE,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]}},
            },
            stmt(STREAM_READS, TABLE + "/stream/*"),
        ],
    }
    table_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": STREAM_READS, "Resource": "*"}
        ],
    }
    stream = TABLE + "/stream/2026-01-01T00:00:00.000"
    assert allowed(session, "acme", "dynamodb:GetRecords", stream)
    assert check(session, [ORDERS]).status == "violation"
    result = check(session, [ORDERS], resource_policies={"orders": table_policy})
    assert result.status != "proved", shown(result)


# -- 4: a partition that names an S3 bucket (a bucket per tenant) does not hold the
#       bucket's objects: reads of another tenant's objects are in no shape ----------


def test_objects_of_another_tenants_bucket() -> None:
    # Tenant acme-corp's partition is its bucket `docs-acme-corp`; its objects are its
    # data as much as a silo table's indexes and streams are (which the checker does
    # add). The grant `docs-{{ tenant }}*/*` (objects of "my" buckets) reads, for
    # tenant acme, the objects of acme-corp's bucket: a prefix collision the ARN shape
    # never sees (its target `docs-{tenant}` holds no `/`), and coverage counts the
    # objects as the resource's `docs-*`.
    session = doc(
        stmt("s3:ListBucket", TENANT_BUCKETS + T),
        stmt("s3:GetObject", TENANT_BUCKETS + T + "*/*"),
    )
    assert LANG.is_valid("acme")
    assert LANG.is_valid("acme-corp")
    assert allowed(session, "acme", "s3:GetObject", TENANT_BUCKETS + "acme-corp/invoice.pdf")
    result = check(session, [PER_TENANT])
    assert result.status != "proved", shown(result)


def test_every_tenants_objects_through_the_bucket_partition() -> None:
    # The wider form: `docs-*/*` reads every tenant's objects and is proved.
    session = doc(stmt("s3:GetObject", TENANT_BUCKETS + "*/*"))
    assert allowed(session, "acme", "s3:GetObject", TENANT_BUCKETS + "globex/invoice.pdf")
    result = check(session, [PER_TENANT])
    assert result.status != "proved", shown(result)
