"""Attack review 9a of the isolation proof: how resources and services are read.

01. A partition condition key was taken at its word for every action whose requests
    carry it. A PartiQL SELECT carries ``dynamodb:LeadingKeys`` and may still scan the
    whole table (``WHERE pk = 'acme' OR status = 'open'``: DynamoDB Developer Guide,
    "PartiQL select statements for DynamoDB"); which leading keys such a statement
    carries is not documented, only ``dynamodb:FullTableScan`` is. A grant of
    ``dynamodb:PartiQLSelect`` on a table partitioned by the leading key is now
    ``unknown`` unless scans are refused (the grant, or every role grant, requires
    ``dynamodb:FullTableScan`` false, or a Deny refuses it true).

02. A partition that gave a tenant an S3 access point by its name
    (``accesspoint/ap-{tenant}``, ``accesspoint/ap-{tenant}/object/*``) was read as the
    tenant's data. An access point names its bucket's objects by key, and every access
    point of a bucket reaches the same keys (S3 User Guide, "Configuring IAM policies
    for using access points"), so a tenant's own access point lists and reads the
    objects another tenant wrote through its own. Such a partition is now ``unknown``
    wherever a session grant may name the access point.

Each leaky test shows with the project's evaluator, independently of the checker, that
the request is allowed; then that the tier is never ``proved``. Each has a sound twin
the proof must still prove.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import TABLE, allowed, check, doc, orders, said, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._effects import SCANS_BEYOND_KEY
from policy_engine.isolation._shapes import access_point_named
from policy_engine.render import TENANT_MARKER as T

# -- 01: a PartiQL SELECT that carries the tenant's leading key and scans ---------------

OWN_KEY: dict[str, Any] = {
    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
    "Null": {"dynamodb:LeadingKeys": "false"},
}
NO_SCAN: dict[str, Any] = {"Bool": {"dynamodb:FullTableScan": "false"}}
SCAN = {"dynamodb:LeadingKeys": ["acme"], "dynamodb:FullTableScan": "true"}


def test_01_partiql_select_on_the_pooled_table_is_not_proved() -> None:
    session = doc(stmt(["dynamodb:GetItem", "dynamodb:PartiQLSelect"], TABLE, OWN_KEY))
    # `SELECT * FROM orders WHERE pk = 'acme' OR status = 'open'`, read as carrying
    # acme's key: the policies allow it
    assert allowed(session, "acme", "dynamodb:PartiQLSelect", TABLE, SCAN)
    result = check(session, [orders()])
    assert result.status == "unknown", said(result)
    assert "dynamodb:partiqlselect" in said(result)
    assert "dynamodb:FullTableScan" in said(result)


def test_01_variant_on_an_index_through_a_wildcard_action() -> None:
    index = f"{TABLE}/index/by-date"
    session = doc(stmt(["dynamodb:Query", "dynamodb:PartiQLS*"], [TABLE, index], OWN_KEY))
    assert allowed(session, "acme", "dynamodb:PartiQLSelect", index, SCAN)
    result = check(session, [orders(indexes=(("by-date", "local"),))])
    assert result.status == "unknown", said(result)
    assert "dynamodb:partiqlselect" in said(result)


def test_01_variant_a_flag_that_may_be_absent_fences_nothing() -> None:
    loose = {**OWN_KEY, "BoolIfExists": {"dynamodb:FullTableScan": "false"}}
    session = doc(stmt("dynamodb:PartiQLSelect", TABLE, loose))
    assert check(session, [orders()]).status == "unknown"


def test_01_twin_the_grant_requires_no_scan() -> None:
    session = doc(stmt("dynamodb:PartiQLSelect", TABLE, {**OWN_KEY, **NO_SCAN}))
    assert not allowed(session, "acme", "dynamodb:PartiQLSelect", TABLE, SCAN)
    result = check(session, [orders()])
    assert result.status == "proved", said(result)


def test_01_twin_a_deny_refuses_scans() -> None:
    deny = stmt("dynamodb:PartiQLSelect", "*", {"Bool": {"dynamodb:FullTableScan": "true"}})
    deny["Effect"] = "Deny"
    session = doc(stmt("dynamodb:PartiQLSelect", TABLE, OWN_KEY), deny)
    assert not allowed(session, "acme", "dynamodb:PartiQLSelect", TABLE, SCAN)
    result = check(session, [orders()])
    assert result.status == "proved", said(result)


def test_01_twin_the_role_requires_no_scan() -> None:
    session = doc(stmt("dynamodb:PartiQLSelect", TABLE, OWN_KEY))
    role = doc(stmt("dynamodb:PartiQLSelect", TABLE, {"Bool": {"dynamodb:FullTableScan": False}}))
    result = check(session, [orders()], roles=[role])
    assert result.status == "proved", said(result)


def test_01_twin_a_deny_with_another_condition_is_no_fence() -> None:
    deny = stmt(
        "dynamodb:PartiQLSelect",
        "*",
        {"Bool": {"dynamodb:FullTableScan": "true"}, "StringEquals": {"aws:SourceVpc": "vpc-1"}},
    )
    deny["Effect"] = "Deny"
    session = doc(stmt("dynamodb:PartiQLSelect", TABLE, OWN_KEY), deny)
    assert check(session, [orders()]).status == "unknown"


def test_01_twin_a_table_per_tenant_is_proved() -> None:
    silo = ResourceSpec(
        "silo",
        "dynamodb",
        TABLE + "-*",
        (Partition(arn=TABLE + "-{tenant}"), Partition(arn=TABLE + "-{tenant}/*")),
    )
    session = doc(stmt("dynamodb:PartiQLSelect", [f"{TABLE}-{T}", f"{TABLE}-{T}/index/*"]))
    result = check(session, [silo])
    assert result.status == "proved", said(result)


def test_01_the_table_names_only_vetted_pairs() -> None:
    for action, (key, flag, why) in SCANS_BEYOND_KEY.items():
        assert action == action.lower()
        assert key.startswith(action.partition(":")[0] + ":")
        assert flag.startswith(action.partition(":")[0] + ":")
        assert why


# -- 02: an access point per tenant, on one bucket ---------------------------------------

AP = "arn:aws:s3:eu-west-1:111122223333:accesspoint/"
POINTS = ResourceSpec(
    "points",
    "s3",
    AP + "ap-*",
    (Partition(arn=AP + "ap-{tenant}"), Partition(arn=AP + "ap-{tenant}/object/*")),
)


def test_02_an_access_point_per_tenant_is_not_proved() -> None:
    session = doc(
        stmt(["s3:GetObject", "s3:PutObject"], f"{AP}ap-{T}/object/*"),
        stmt("s3:ListBucket", f"{AP}ap-{T}"),
    )
    # acme's own access point, the key globex wrote through `ap-globex`
    assert allowed(session, "acme", "s3:GetObject", f"{AP}ap-acme/object/invoice.pdf")
    assert allowed(session, "acme", "s3:ListBucket", f"{AP}ap-acme")
    result = check(session, [POINTS])
    assert result.status == "unknown", said(result)
    assert "gives a tenant an S3 access point by its name" in said(result)


def test_02_variant_objects_only_and_a_multi_region_access_point() -> None:
    mrap = "arn:aws:s3::111122223333:accesspoint/"
    model = ResourceSpec("m", "s3", mrap + "*", (Partition(arn=mrap + "{tenant}.mrap/object/*"),))
    session = doc(stmt("s3:GetObject", f"{mrap}{T}.mrap/object/*"))
    assert check(session, [model]).status == "unknown"


def test_02_twin_the_tenant_in_the_object_key_is_proved() -> None:
    model = ResourceSpec(
        "docs-ap", "s3", AP + "docs", (Partition(arn=AP + "docs/object/{tenant}/*"),)
    )
    session = doc(stmt(["s3:GetObject", "s3:PutObject"], f"{AP}docs/object/{T}/*"))
    result = check(session, [model])
    assert result.status == "proved", said(result)


def test_02_twin_no_grant_names_the_access_points() -> None:
    session = doc(stmt("dynamodb:GetItem", TABLE, OWN_KEY))
    result = check(session, [POINTS, orders()])
    assert result.status == "proved", said(result)


def test_02_the_reading_of_partition_arns() -> None:
    assert access_point_named(AP + "ap-{tenant}")
    assert access_point_named(AP + "{tenant}/object/*")
    assert not access_point_named(AP + "docs/object/{tenant}/*")
    assert not access_point_named(AP + "{tenant}/object/{tenant}/*")
    assert not access_point_named("arn:aws:s3:::docs-{tenant}/*")


# -- the reproducers and the bundled catalogue -------------------------------------------

FINDINGS = Path(__file__).parent.parent / "cases" / "attack9a"
FOLDERS = sorted(str(p.parent.relative_to(FINDINGS)) for p in FINDINGS.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in FINDINGS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack9a_is_proved(folder: str) -> None:
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
