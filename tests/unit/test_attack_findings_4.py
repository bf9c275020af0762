"""Attack review of the isolation proof, round 4: each test is one class of false
`proved`.

Every test first shows, with the project's own evaluator and independently of the
checker, that a concrete request by a valid tenant A (principal: A's session ARN,
with the session tags and principal keys vending gives it) is allowed on a resource
of the model without naming any tenant's partition; then it asserts the correct
behaviour of the checker: the tier is never `proved`. On the reviewed code these
tests fail.
"""

from __future__ import annotations

from _attack_helpers import LANG, PER_TENANT, TENANT_BUCKETS, allowed, check, doc, shown, stmt

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.render import TENANT_MARKER as T

# -- 1: an S3 bucket family (`docs-*`, a bucket per tenant) has no shape for the
#       names of the family that are no tenant's partition: the residual
#       ("a name of `jobs-*` that is no tenant's partition") is built for every
#       service except S3, and coverage counts the bucket as the resource's `docs-*` --

#: A valid S3 bucket name of the family `docs-*` that is no tenant's bucket: `ab` is
#: too short for the tenant language (3 to 32 characters).
ODD_BUCKET = TENANT_BUCKETS + "ab"


def test_bucket_of_the_family_that_is_no_tenants_partition() -> None:
    # The SQS twin (`jobs-*`, partitions `jobs-{tenant}`, a grant on `jobs-ab`) is
    # reported as key-less; the S3 bucket family is proved.
    assert not LANG.is_valid("ab")
    assert LANG.is_valid("acme")
    session = doc(
        stmt("s3:*", [ODD_BUCKET, ODD_BUCKET + "/*"]),
        stmt("s3:GetObject", TENANT_BUCKETS + T + "/*"),
    )
    assert allowed(session, "acme", "s3:GetObject", ODD_BUCKET + "/report.csv")
    assert allowed(session, "acme", "s3:ListBucket", ODD_BUCKET)
    result = check(session, [PER_TENANT])
    assert result.status != "proved", shown(result)


# -- 2: an object partition whose bucket name holds the tenant (`docs-{tenant}/*`)
#       gets no shape on the tenant's bucket itself: listing B's bucket (every key of
#       B's objects) is in no shape. `_S3_OBJECT` needs a bucket without the tenant
#       (no implied listing shapes), `_S3_BUCKET_ONLY` needs a partition without `/`
#       (no bucket-per-tenant shapes), and coverage counts the bucket as `docs-*` ----

TENANT_OBJECTS = ResourceSpec(
    "tenant-objects", "s3", TENANT_BUCKETS + "*", (Partition(arn=TENANT_BUCKETS + "{tenant}/*"),)
)


def test_listing_another_tenants_bucket_of_an_object_partition() -> None:
    # `docs-{{ tenant }}-?` is, for acme, the bucket of tenant acme-x (a prefix
    # collision); `?` cannot be `/` there without leaving the language (`acme-`).
    assert LANG.is_valid("acme-x")
    session = doc(
        stmt("s3:ListBucket", TENANT_BUCKETS + T + "-?"),
        stmt("s3:GetObject", TENANT_BUCKETS + T + "/*"),
    )
    assert allowed(session, "acme", "s3:ListBucket", TENANT_BUCKETS + "acme-x")
    result = check(session, [TENANT_OBJECTS])
    assert result.status != "proved", shown(result)


def test_listing_a_named_tenants_bucket_of_an_object_partition() -> None:
    # The plain form: a literal other tenant's bucket.
    session = doc(
        stmt("s3:ListBucket", TENANT_BUCKETS + "globex"),
        stmt("s3:GetObject", TENANT_BUCKETS + T + "/*"),
    )
    assert allowed(session, "acme", "s3:ListBucket", TENANT_BUCKETS + "globex")
    result = check(session, [TENANT_OBJECTS])
    assert result.status != "proved", shown(result)
