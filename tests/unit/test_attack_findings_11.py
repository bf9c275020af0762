"""Attack review 11 of the isolation proof (branch h11-proof).

02. A read authorised on a parent resource that returns its children's data:
    ``states:ListExecutions`` on a shared state machine whose executions the model
    partitions per tenant (``execution:orders:{tenant}--*``) proved. ListExecutions
    "Lists all executions of a state machine or a Map Run" (Step Functions API
    reference, ListExecutions), each with its ARN, name, status and dates; it is
    authorised on the state machine or map run (Service Authorization Reference, Step
    Functions: resource types ``stateMachine``, ``mapRun``). The shapes saw the
    state machine's ARN (shared, or no tenant's partition of the executions) and never
    the executions it lists: every tenant lists every tenant's executions. Such a grant
    is now ``unknown`` (``_beyond._lists_children``, ``_effects.LISTS_CHILDREN``)
    unless the parent is itself partitioned by the tenant (a state machine per tenant).

05. A ``shared`` S3 access point in front of pooled objects: the catalogue declared an
    access point (``accesspoint/reports*``) shared, "holds no tenant's data", beside the
    pooled bucket; a grant of ``s3:GetObject`` on ``accesspoint/reports/object/*`` (or
    the access point's own policy granting ``*``) proved. An access point holds no data:
    "each access point is associated with a single bucket" and its object ARN
    ``accesspoint/NAME/object/KEY`` names that bucket's object KEY (S3 User Guide,
    "Managing access to shared datasets with access points"; "Using access points"),
    which the ARN does not say: it may be the pooled bucket, and every tenant reads
    every tenant's objects through it. A ``shared`` S3 resource that may name an access
    point is now taken as not shared when the model holds an S3 resource that is not
    shared (``_search.fronting_access_points``): requests on it name no partition.

Each leaky test shows with the project's evaluator, independently of the checker, that
the request is allowed; then that the tier is never ``proved``. Each has a sound twin
the proof must still prove.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _attack_helpers import (
    ACCT,
    DOCS,
    DOCS_AND_LISTING,
    REGION,
    TABLE,
    allowed,
    check,
    doc,
    orders,
    said,
    stmt,
)

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._search import fronting_access_points
from policy_engine.isolation._strings import resource_field_may_be
from policy_engine.render import TENANT_MARKER as T

# -- 02: a listing of a shared state machine returns every tenant's executions ---------

SFN = f"arn:aws:states:{REGION}:{ACCT}:"
MACHINE = SFN + "stateMachine:orders"
WORKFLOW = ResourceSpec("workflow", "states", MACHINE, (), shared=True)
RUNS = ResourceSpec(
    "runs",
    "states",
    SFN + "execution:orders:*",
    (Partition(arn=SFN + "execution:orders:{tenant}--*"),),
)
OWN_RUNS = stmt(
    ["states:DescribeExecution", "states:GetExecutionHistory"], SFN + f"execution:orders:{T}--*"
)


def test_02_listing_the_executions_of_a_shared_state_machine_is_not_proved() -> None:
    session = doc(stmt("states:ListExecutions", MACHINE), OWN_RUNS)
    # acme's session lists the state machine: the answer holds globex's executions
    assert allowed(session, "acme", "states:ListExecutions", MACHINE)
    result = check(session, [WORKFLOW, RUNS])
    assert result.status == "unknown", said(result)
    assert "states:listexecutions" in said(result)
    assert "every tenant's children" in said(result)


@pytest.mark.parametrize(
    "resource",
    [
        MACHINE + ":live",  # an alias (or version) of the state machine lists its executions
        SFN + "mapRun:orders/*",  # a map run of it lists its child executions
        SFN + "stateMachine:*",
        "*",
    ],
)
def test_02_variant_other_parents(resource: str) -> None:
    session = doc(stmt("states:ListExecutions", resource), OWN_RUNS)
    result = check(session, [WORKFLOW, RUNS])
    assert result.status != "proved", said(result)


@pytest.mark.parametrize(
    "runs",
    [
        # executions of every state machine, the tenant in the execution's name
        ResourceSpec(
            "runs", "states", SFN + "execution:*", (Partition(arn=SFN + "execution:*:{tenant}--*"),)
        ),
        # executions told apart by a tag of their own (each execution is a resource)
        ResourceSpec(
            "runs",
            "states",
            SFN + "execution:orders:*",
            (Partition(condition_key="aws:ResourceTag/TenantId", value="{tenant}"),),
        ),
    ],
)
def test_02_variant_other_partitions_of_the_executions(runs: ResourceSpec) -> None:
    session = doc(stmt("states:ListExecutions", MACHINE))
    result = check(session, [WORKFLOW, runs])
    assert result.status != "proved", said(result)


PER_TENANT_MACHINES = ResourceSpec(
    "workflow",
    "states",
    SFN + "stateMachine:wf-*",
    (Partition(arn=SFN + "stateMachine:wf-{tenant}"),),
)
PER_TENANT_RUNS = ResourceSpec(
    "runs", "states", SFN + "execution:wf-*", (Partition(arn=SFN + "execution:wf-{tenant}:*"),)
)


def test_02_twin_a_state_machine_per_tenant_lists_only_its_own_is_proved() -> None:
    session = doc(
        stmt("states:ListExecutions", SFN + f"stateMachine:wf-{T}"),
        stmt("states:DescribeExecution", SFN + f"execution:wf-{T}:*"),
    )
    result = check(session, [PER_TENANT_MACHINES, PER_TENANT_RUNS])
    assert result.status == "proved", said(result)


def test_02_twin_a_state_machine_per_tenant_by_a_prefix_is_a_violation() -> None:
    # the shapes still check the parent: `wf-acme*` lists acme-corp's executions
    session = doc(stmt("states:ListExecutions", SFN + f"stateMachine:wf-{T}*"))
    result = check(session, [PER_TENANT_MACHINES, PER_TENANT_RUNS])
    assert result.status == "violation", said(result)


def test_02_twin_own_executions_of_a_shared_state_machine_are_proved() -> None:
    # no listing: each tenant describes its own executions by ARN
    result = check(doc(OWN_RUNS), [WORKFLOW, RUNS])
    assert result.status == "proved", said(result)


# -- 05: a shared access point in front of pooled objects -------------------------------

AP = f"arn:aws:s3:{REGION}:{ACCT}:accesspoint/reports"
SHARED_AP = ResourceSpec("reports", "s3", AP + "*", (), shared=True)
OWN_OBJECTS = stmt("s3:GetObject", f"{DOCS}/{T}/*")


def test_05_a_shared_access_point_before_pooled_objects_is_not_proved() -> None:
    session = doc(OWN_OBJECTS, stmt("s3:GetObject", AP + "/object/*"))
    # acme reads globex's object `globex/report.pdf` of the bucket behind the access point
    assert allowed(session, "acme", "s3:GetObject", AP + "/object/globex/report.pdf")
    result = check(session, [DOCS_AND_LISTING, SHARED_AP])
    assert result.status != "proved", said(result)
    assert "reports" in said(result)


def test_05_variant_the_access_point_policy_grants_everyone() -> None:
    ap_policy = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": AP + "/object/*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCT}},
        }
    )
    session = doc(OWN_OBJECTS)
    assert allowed(
        session,
        "acme",
        "s3:GetObject",
        AP + "/object/globex/report.pdf",
        roles=[doc(stmt("s3:GetObject", f"{DOCS}/*"))],
        resource_policies=[ap_policy],
    )
    result = check(
        session,
        [DOCS_AND_LISTING, SHARED_AP],
        roles=[doc(stmt("s3:GetObject", f"{DOCS}/*"))],
        resource_policies={"reports": ap_policy},
    )
    assert result.status != "proved", said(result)


@pytest.mark.parametrize(
    "arn",
    [AP, AP + "/*", AP + "/object/*", f"arn:aws:s3:{REGION}:{ACCT}:accesspoint/*", "arn:aws:s3:*"],
)
def test_05_variant_other_spellings_of_the_shared_access_point(arn: str) -> None:
    session = doc(OWN_OBJECTS, stmt(["s3:GetObject", "s3:ListBucket"], [AP, AP + "/object/*"]))
    result = check(session, [DOCS_AND_LISTING, ResourceSpec("reports", "s3", arn, (), shared=True)])
    assert result.status != "proved", said(result)


def test_05_twin_a_shared_access_point_with_no_pooled_bucket_is_proved() -> None:
    # the model's only pooled data is a table: the access point fronts no tenant's data
    leading = {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
        "Null": {"dynamodb:LeadingKeys": "false"},
    }
    session = doc(stmt("dynamodb:GetItem", TABLE, leading), stmt("s3:GetObject", AP + "/object/*"))
    result = check(session, [orders(), SHARED_AP])
    assert result.status == "proved", said(result)


def test_05_twin_an_access_point_partitioned_by_key_is_proved() -> None:
    by_key = ResourceSpec("reports", "s3", AP, (Partition(arn=AP + "/object/{tenant}/*"),))
    session = doc(OWN_OBJECTS, stmt("s3:GetObject", f"{AP}/object/{T}/*"))
    result = check(session, [DOCS_AND_LISTING, by_key])
    assert result.status == "proved", said(result)


def test_05_twin_a_shared_bucket_beside_the_pooled_one_is_proved() -> None:
    public = ResourceSpec("assets", "s3", "arn:aws:s3:::public-*", (), shared=True)
    session = doc(OWN_OBJECTS, stmt("s3:GetObject", "arn:aws:s3:::public-assets/*"))
    result = check(session, [DOCS_AND_LISTING, public])
    assert result.status == "proved", said(result)


def test_05_which_shared_resources_may_front_the_pooled_bucket() -> None:
    assert resource_field_may_be(AP + "*", ("accesspoint/*",))
    assert resource_field_may_be(f"arn:aws:s3::{ACCT}:accesspoint/mrap.mrap", ("accesspoint/*",))
    assert resource_field_may_be("arn:aws:s3:*", ("accesspoint/*",))
    assert not resource_field_may_be("arn:aws:s3:::public-*", ("accesspoint/*",))
    assert not resource_field_may_be(DOCS, ("accesspoint/*",))
    model = fronting_access_points([DOCS_AND_LISTING, SHARED_AP])
    assert [r.shared for r in model] == [False, False]
    assert fronting_access_points([orders(), SHARED_AP])[1].shared


# -- the reproducers ----------------------------------------------------------------------

FINDINGS = Path(__file__).parent.parent / "cases" / "attack11"
FOLDERS = sorted(str(p.parent.relative_to(FINDINGS)) for p in FINDINGS.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in FINDINGS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack11_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert results, folder
    assert any(r.status != "proved" for r in results.values()), folder
