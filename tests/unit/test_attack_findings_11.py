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
from policy_engine.isolation._search import fronting_access_points, views_of_partitions
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


LAMBDA = f"arn:aws:lambda:{REGION}:{ACCT}:function:"


def test_02_variant_durable_executions_of_a_shared_function() -> None:
    # Lambda durable executions (`function:F:V/durable-execution/NAME/ID`) are listed by
    # their function: ListDurableExecutionsByFunction on the shared router
    router = ResourceSpec("router", "lambda", LAMBDA + "router", (), shared=True)
    runs = ResourceSpec(
        "runs",
        "lambda",
        LAMBDA + "router:*/durable-execution/*",
        (Partition(arn=LAMBDA + "router:*/durable-execution/{tenant}--*/*"),),
    )
    session = doc(stmt("lambda:ListDurableExecutionsByFunction", LAMBDA + "router"))
    result = check(session, [router, runs])
    assert result.status == "unknown", said(result)
    assert "lambda:listdurableexecutionsbyfunction" in said(result)


def test_02_twin_durable_executions_of_a_function_per_tenant_are_proved() -> None:
    functions = ResourceSpec(
        "functions", "lambda", LAMBDA + "fn-*", (Partition(arn=LAMBDA + "fn-{tenant}"),)
    )
    runs = ResourceSpec(
        "runs",
        "lambda",
        LAMBDA + "fn-*:*/durable-execution/*",
        (Partition(arn=LAMBDA + "fn-{tenant}:*/durable-execution/*"),),
    )
    session = doc(stmt("lambda:ListDurableExecutionsByFunction", LAMBDA + f"fn-{T}"))
    result = check(session, [functions, runs])
    assert result.status == "proved", said(result)


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


# -- 06: a shared sub-resource of a tenant's resource -----------------------------------

KINESIS = f"arn:aws:kinesis:{REGION}:{ACCT}:stream/events-"
STREAMS = ResourceSpec("events", "kinesis", KINESIS + "*", (Partition(arn=KINESIS + "{tenant}"),))
ANALYTICS = ResourceSpec(
    "analytics", "kinesis", KINESIS + "*/consumer/analytics:*", (), shared=True
)
OWN_STREAM = stmt(["kinesis:GetRecords", "kinesis:GetShardIterator"], KINESIS + T)
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCT}:function:fn-"
FUNCTIONS = ResourceSpec(
    "functions", "lambda", FUNCTION + "*", (Partition(arn=FUNCTION + "{tenant}"),)
)


def test_06_a_shared_consumer_of_every_tenants_stream_is_not_proved() -> None:
    consumer = KINESIS + "*/consumer/analytics:*"
    session = doc(OWN_STREAM, stmt("kinesis:SubscribeToShard", consumer))
    # acme subscribes through the analytics consumer of globex's stream
    globex = KINESIS + "globex/consumer/analytics:1700000000"
    assert allowed(session, "acme", "kinesis:SubscribeToShard", globex)
    result = check(session, [STREAMS, ANALYTICS])
    assert result.status != "proved", said(result)
    assert "analytics" in said(result)


@pytest.mark.parametrize(
    ("shared", "grant", "action"),
    [
        # a Lambda alias family: `fn-globex:live` is globex's function
        (FUNCTION + "*:live", FUNCTION + "*:live", "lambda:GetFunction"),
        # every version of every tenant's function
        (FUNCTION + "*:*", FUNCTION + "*:1", "lambda:GetFunctionConfiguration"),
    ],
)
def test_06_variant_a_shared_alias_of_tenants_functions(
    shared: str, grant: str, action: str
) -> None:
    result = check(
        doc(stmt(action, grant)),
        [FUNCTIONS, ResourceSpec("aliases", "lambda", shared, (), shared=True)],
    )
    assert result.status != "proved", said(result)


def test_06_twin_the_consumer_in_the_tenants_partition_is_proved() -> None:
    streams = ResourceSpec(
        "events",
        "kinesis",
        KINESIS + "*",
        (Partition(arn=KINESIS + "{tenant}"), Partition(arn=KINESIS + "{tenant}/consumer/*")),
    )
    session = doc(
        OWN_STREAM, stmt("kinesis:SubscribeToShard", KINESIS + T + "/consumer/analytics:*")
    )
    result = check(session, [streams])
    assert result.status == "proved", said(result)


def test_06_twin_a_shared_resource_beside_the_tenants_own_is_proved() -> None:
    router = ResourceSpec(
        "router", "lambda", f"arn:aws:lambda:{REGION}:{ACCT}:function:router", (), shared=True
    )
    session = doc(
        stmt("lambda:GetFunction", FUNCTION + T),
        stmt("lambda:GetFunction", f"arn:aws:lambda:{REGION}:{ACCT}:function:router"),
    )
    result = check(session, [FUNCTIONS, router])
    assert result.status == "proved", said(result)
    catalogue = ResourceSpec(
        "catalogue", "kinesis", f"arn:aws:kinesis:{REGION}:{ACCT}:stream/catalogue", (), shared=True
    )
    session = doc(
        OWN_STREAM, stmt("kinesis:GetRecords", f"arn:aws:kinesis:{REGION}:{ACCT}:stream/catalogue")
    )
    result = check(session, [STREAMS, catalogue])
    assert result.status == "proved", said(result)


def test_06_twin_a_shared_prefix_of_the_pooled_bucket_is_proved() -> None:
    # S3 keys below a bucket are data of their own, not views: a public prefix
    # (`_` is outside the tenant alphabet) stays shared
    public = ResourceSpec("public", "s3", DOCS + "/_public/*", (), shared=True)
    session = doc(OWN_OBJECTS, stmt("s3:GetObject", DOCS + "/_public/*"))
    result = check(session, [DOCS_AND_LISTING, public])
    assert result.status == "proved", said(result)


def test_06_which_shared_resources_are_views() -> None:
    model = views_of_partitions([STREAMS, ANALYTICS])
    assert [r.shared for r in model] == [False, False]
    assert views_of_partitions(
        [DOCS_AND_LISTING, ResourceSpec("pub", "s3", "arn:aws:s3:::public", (), shared=True)]
    )[1].shared


# -- 07: an encryption context key sent twice in different case ------------------------

KEY = f"arn:aws:kms:{REGION}:{ACCT}:key/0f1e2d3c"
TENANT_KEY = ResourceSpec(
    "tenant_key",
    "kms",
    KEY,
    (Partition(condition_key="kms:EncryptionContext:tenant_id", value="{tenant}"),),
)
OWN_CONTEXT = {"StringEquals": {"kms:EncryptionContext:tenant_id": T}}
PINNED = {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant_id"]}}


@pytest.mark.parametrize(
    "action", ["kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:*"]
)
def test_07_a_context_the_caller_chooses_is_not_proved(action: str) -> None:
    # acme sends {"tenant_id": "globex", "TENANT_ID": "acme"}: which value IAM tests for
    # kms:EncryptionContext:tenant_id (key names without regard to case) is not documented
    result = check(doc(stmt(action, KEY, OWN_CONTEXT)), [TENANT_KEY])
    assert result.status != "proved", said(result)
    assert "kms:EncryptionContextKeys" in said(result)


@pytest.mark.parametrize(
    "pin",
    [
        {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant_id", "TENANT_ID"]}},
        {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["Tenant_Id"]}},
        {"ForAllValues:StringLike": {"kms:EncryptionContextKeys": ["tenant_*"]}},
        {"ForAllValues:StringEqualsIgnoreCase": {"kms:EncryptionContextKeys": ["tenant_id"]}},
        {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["tenant_id"]}},
    ],
)
def test_07_variant_pins_that_admit_a_twin(pin: dict[str, object]) -> None:
    result = check(doc(stmt("kms:Encrypt", KEY, {**OWN_CONTEXT, **pin})), [TENANT_KEY])
    assert result.status != "proved", said(result)


def test_07_twin_the_context_keys_pinned_is_proved() -> None:
    session = doc(
        stmt(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], KEY, {**OWN_CONTEXT, **PINNED})
    )
    result = check(session, [TENANT_KEY])
    assert result.status == "proved", said(result)


def test_07_twin_every_role_grant_pins_the_keys_is_proved() -> None:
    role = doc(stmt(["kms:Encrypt", "kms:Decrypt"], KEY, PINNED))
    result = check(
        doc(stmt(["kms:Encrypt", "kms:Decrypt"], KEY, OWN_CONTEXT)), [TENANT_KEY], roles=[role]
    )
    assert result.status == "proved", said(result)


def test_07_twin_decrypt_alone_is_proved() -> None:
    # Decrypt's context must be the ciphertext's own, exactly: the caller chooses nothing
    result = check(doc(stmt("kms:Decrypt", KEY, OWN_CONTEXT)), [TENANT_KEY])
    assert result.status == "proved", said(result)


# -- 08: a shared declaration covering a replica in another Region ---------------------

US_TABLES = f"arn:aws:dynamodb:us-east-1:{ACCT}:table/"
OWN_ITEMS = stmt(
    ["dynamodb:GetItem", "dynamodb:Query"],
    TABLE,
    {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
        "Null": {"dynamodb:LeadingKeys": "false"},
    },
)


@pytest.mark.parametrize(
    ("shared", "grant", "action", "model"),
    [
        # the us-east-1 replica of the pooled global table
        (US_TABLES + "*", US_TABLES + "orders", "dynamodb:Scan", "table"),
        # every Region's tables
        (f"arn:aws:dynamodb:*:{ACCT}:table/orders", US_TABLES + "orders", "dynamodb:Scan", "table"),
        # the replica's stream
        (
            US_TABLES + "orders/stream/*",
            US_TABLES + "orders/stream/x",
            "dynamodb:GetRecords",
            "table",
        ),
        # a replica secret of a secret per tenant
        (
            f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:*",
            f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:saas/*",
            "secretsmanager:GetSecretValue",
            "secret",
        ),
        # a related multi-Region key
        (
            f"arn:aws:kms:us-east-1:{ACCT}:key/*",
            f"arn:aws:kms:us-east-1:{ACCT}:key/*",
            "kms:Decrypt",
            "mrk",
        ),
    ],
)
def test_08_a_shared_region_holding_a_replica_is_not_proved(
    shared: str, grant: str, action: str, model: str
) -> None:
    service = action.split(":")[0]
    pooled = {
        "table": orders(),
        "secret": ResourceSpec(
            "secrets",
            "secretsmanager",
            f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:saas/*",
            (
                Partition(
                    arn=f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:saas/{{tenant}}-??????"
                ),
            ),
        ),
        "mrk": ResourceSpec(
            "key",
            "kms",
            f"arn:aws:kms:{REGION}:{ACCT}:key/mrk-1234",
            (Partition(condition_key="kms:EncryptionContext:tenant_id", value="{tenant}"),),
        ),
    }[model]
    result = check(
        doc(stmt(action, grant)), [pooled, ResourceSpec("other", service, shared, (), shared=True)]
    )
    assert result.status != "proved", said(result)


def test_08_twin_another_name_or_the_same_region_is_proved() -> None:
    other_name = ResourceSpec("reference", "dynamodb", US_TABLES + "products", (), shared=True)
    session = doc(OWN_ITEMS, stmt("dynamodb:Scan", US_TABLES + "products"))
    assert check(session, [orders(), other_name]).status == "proved"
    same_region = ResourceSpec(
        "reference", "dynamodb", TABLE.replace("orders", "products"), (), shared=True
    )
    session = doc(OWN_ITEMS, stmt("dynamodb:Scan", TABLE.replace("orders", "products")))
    assert check(session, [orders(), same_region]).status == "proved"


def test_08_twin_a_single_region_key_has_no_replica() -> None:
    key = ResourceSpec(
        "key",
        "kms",
        f"arn:aws:kms:{REGION}:{ACCT}:key/0f1e2d3c",
        (Partition(condition_key="kms:EncryptionContext:tenant_id", value="{tenant}"),),
    )
    other = ResourceSpec("other", "kms", f"arn:aws:kms:us-east-1:{ACCT}:key/*", (), shared=True)
    result = check(doc(stmt("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCT}:key/*")), [key, other])
    assert result.status == "proved", said(result)


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
