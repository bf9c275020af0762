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
from policy_engine.isolation._shapes import access_point_key
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


def test_01_the_access_point_keys() -> None:
    assert access_point_key("s3:DataAccessPointArn")
    assert access_point_key("S3:DATAACCESSPOINTACCOUNT")
    assert access_point_key("s3:AccessPointNetworkOrigin")
    assert not access_point_key("s3:prefix")
    assert not access_point_key("dynamodb:LeadingKeys")


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
