"""Attack review 9c of the isolation proof: the ninth review's changes attacked again.

01. The 9a-02 fix read an S3 access point given to a tenant by its name only in a
    partition ARN (``accesspoint/ap-{tenant}``). The same partition written as a
    condition key on the bucket, ``s3:DataAccessPointArn`` (or
    ``s3:DataAccessPointAccount``, ``s3:AccessPointNetworkOrigin``) with the tenant in
    the value, was taken at its word: a grant on the whole bucket conditioned on the
    tenant's own access point proved. Every access point of a bucket reaches every key
    of it (S3 User Guide, "Configuring IAM policies for using access points": "both
    the access point and the underlying bucket must permit the request"), so acme reads
    through ``ap-acme`` the object globex wrote through ``ap-globex``. Such a partition
    is now ``unknown`` wherever a session grant of an S3 action may name the bucket.

02. The 9a-02 fix read only S3 access points as names that partition nothing. A
    DynamoDB index (``table/orders/index/{tenant}``) or stream, or a Kinesis enhanced
    fan-out consumer (``stream/events/consumer/{tenant}:*``), given to a tenant by the
    view's name alone, was read as the tenant's data and proved. An index holds every
    item of its table that carries the index's key attributes (DynamoDB Developer
    Guide, "Take advantage of sparse indexes"); SubscribeToShard pushes every record of
    the consumer's stream's shard (Kinesis API reference). Such a partition is now
    ``unknown`` wherever a session grant of the service may name it.

Each leaky test shows with the project's evaluator, independently of the checker, that
the request is allowed; then that the tier is never ``proved``. Each has a sound twin
the proof must still prove.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _attack_helpers import allowed, check, doc, said, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._shapes import access_point_key, access_point_named, view_named
from policy_engine.render import TENANT_MARKER as T

# -- 01: the access point a request comes through, as a condition-key partition ---------

BUCKET = "arn:aws:s3:::saas-docs"
AP = "arn:aws:s3:eu-west-1:111122223333:accesspoint/"
BY_POINT = ResourceSpec(
    "docs",
    "s3",
    BUCKET + "*",
    (Partition(condition_key="s3:DataAccessPointArn", value=AP + "ap-{tenant}"),),
)
OWN_POINT = {"StringEquals": {"s3:DataAccessPointArn": AP + f"ap-{T}"}}


def test_01_an_access_point_condition_partition_is_not_proved() -> None:
    session = doc(stmt(["s3:GetObject", "s3:ListBucket"], [BUCKET, BUCKET + "/*"], OWN_POINT))
    # acme, through its own access point, reads the key globex wrote through `ap-globex`
    through = {"s3:DataAccessPointArn": AP + "ap-acme"}
    assert allowed(session, "acme", "s3:GetObject", BUCKET + "/globex/invoice.pdf", through)
    result = check(session, [BY_POINT])
    assert result.status == "unknown", said(result)
    assert "gives a tenant an S3 access point by its `s3:DataAccessPointArn`" in said(result)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("S3:DataAccessPointAccount", "{tenant}"),
        ("s3:AccessPointNetworkOrigin", "{tenant}"),
    ],
)
def test_01_variant_the_other_access_point_keys(key: str, value: str) -> None:
    model = ResourceSpec("docs", "s3", BUCKET + "*", (Partition(condition_key=key, value=value),))
    session = doc(stmt("s3:GetObject", BUCKET + "/*", {"StringEquals": {key: T}}))
    assert check(session, [model]).status != "proved"


def test_01_twin_the_tenant_in_the_object_key_is_proved() -> None:
    # the access point kept as an extra condition; the partition is the object key
    model = ResourceSpec("docs", "s3", BUCKET, (Partition(arn=BUCKET + "/{tenant}/*"),))
    session = doc(stmt("s3:GetObject", f"{BUCKET}/{T}/*", OWN_POINT))
    result = check(session, [model])
    assert result.status == "proved", said(result)


def test_01_twin_no_grant_names_the_bucket() -> None:
    queue = "arn:aws:sqs:eu-west-1:111122223333:jobs-"
    jobs = ResourceSpec("jobs", "sqs", queue + "*", (Partition(arn=queue + "{tenant}"),))
    session = doc(stmt("sqs:SendMessage", queue + T))
    result = check(session, [BY_POINT, jobs])
    assert result.status == "proved", said(result)


def test_01_variant_an_access_point_in_each_tenant_account() -> None:
    # (the catalogue schema keeps `{tenant}` out of an ARN's account; the library does not)
    point = "arn:aws:s3:eu-west-1:{tenant}:accesspoint/docs"
    assert access_point_named(point)
    assert access_point_named(point + "/object/*")
    assert not access_point_named(point + "/object/{tenant}/*")
    model = ResourceSpec(
        "docs",
        "s3",
        "arn:aws:s3:eu-west-1:*:accesspoint/docs*",
        (Partition(arn=point), Partition(arn=point + "/object/*")),
    )
    session = doc(stmt("s3:GetObject", f"arn:aws:s3:eu-west-1:{T}:accesspoint/docs/object/*"))
    assert check(session, [model]).status != "proved"


def test_01_the_access_point_keys() -> None:
    assert access_point_key("s3:DataAccessPointArn")
    assert access_point_key("S3:DATAACCESSPOINTACCOUNT")
    assert access_point_key("s3:AccessPointNetworkOrigin")
    assert not access_point_key("s3:prefix")
    assert not access_point_key("dynamodb:LeadingKeys")


# -- 02: a view of a pooled resource given to a tenant by the view's name ---------------

TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
STREAM = "arn:aws:kinesis:eu-west-1:111122223333:stream/events"
INDEX_PER_TENANT = ResourceSpec(
    "by-tenant", "dynamodb", TABLE + "/index/*", (Partition(arn=TABLE + "/index/{tenant}"),)
)


def test_02_an_index_per_tenant_is_not_proved() -> None:
    session = doc(stmt("dynamodb:Query", f"{TABLE}/index/{T}"))
    # acme queries its own index, which holds the items globex wrote to the table
    assert allowed(session, "acme", "dynamodb:Query", TABLE + "/index/acme")
    result = check(session, [INDEX_PER_TENANT])
    assert result.status == "unknown", said(result)
    assert "a DynamoDB index" in said(result)


def test_02_variant_a_kinesis_consumer_per_tenant() -> None:
    model = ResourceSpec(
        "consumers",
        "kinesis",
        STREAM + "/consumer/*",
        (Partition(arn=STREAM + "/consumer/{tenant}:*"),),
    )
    session = doc(stmt("kinesis:SubscribeToShard", f"{STREAM}/consumer/{T}:*"))
    assert allowed(session, "acme", "kinesis:SubscribeToShard", STREAM + "/consumer/acme:1")
    result = check(session, [model])
    assert result.status == "unknown", said(result)
    assert "a Kinesis stream consumer" in said(result)


def test_02_variant_through_a_wildcard_grant() -> None:
    session = doc(stmt("dynamodb:*", TABLE + "/index/*"))
    assert check(session, [INDEX_PER_TENANT]).status != "proved"


def test_02_twin_a_table_per_tenant_with_its_indexes_is_proved() -> None:
    tables = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders-"
    model = ResourceSpec(
        "silo",
        "dynamodb",
        tables + "*",
        (Partition(arn=tables + "{tenant}"), Partition(arn=tables + "{tenant}/index/*")),
    )
    session = doc(stmt("dynamodb:Query", [f"{tables}{T}", f"{tables}{T}/index/*"]))
    result = check(session, [model])
    assert result.status == "proved", said(result)


def test_02_twin_no_grant_names_the_indexes() -> None:
    queue = "arn:aws:sqs:eu-west-1:111122223333:jobs-"
    jobs = ResourceSpec("jobs", "sqs", queue + "*", (Partition(arn=queue + "{tenant}"),))
    session = doc(stmt("sqs:SendMessage", queue + T))
    result = check(session, [INDEX_PER_TENANT, jobs])
    assert result.status == "proved", said(result)


def test_02_the_reading_of_view_partitions() -> None:
    assert view_named("dynamodb", TABLE + "/index/{tenant}")
    assert view_named("dynamodb", TABLE + "/index/by-{tenant}-date")
    assert view_named("dynamodb", TABLE + "/stream/{tenant}")
    assert view_named("kinesis", STREAM + "/consumer/{tenant}:*")
    assert not view_named("dynamodb", TABLE + "-{tenant}/index/*")
    assert not view_named("dynamodb", TABLE + "-{tenant}/index/{tenant}")
    assert not view_named("kinesis", STREAM + "-{tenant}/consumer/*")
    assert not view_named("dynamodb", TABLE + "/{tenant}")
    assert not view_named("kinesis", TABLE + "/index/{tenant}")


# -- the reproducers and the bundled catalogue -------------------------------------------

FINDINGS = Path(__file__).parent.parent / "cases" / "attack9c"
FOLDERS = sorted(str(p.parent.relative_to(FINDINGS)) for p in FINDINGS.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in FINDINGS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack9c_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert results, folder
    assert all(r.status != "proved" for r in results.values()), folder


def test_the_bundled_catalogue_still_proves() -> None:
    results = check_catalog(load_catalog())
    assert {t: r.status for t, r in results.items()} == dict.fromkeys(results, "proved")
    run = subprocess.run(
        [sys.executable, "-m", "policy_engine", "check-isolation"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
