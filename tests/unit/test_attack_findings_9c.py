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

03. Tiers that share a role are checked against every role policy of the role; the
    sharing was found by equal ``role_arn`` strings. Two ARNs that differ in the
    name's case or in the path name one role ("Names are not distinguished by case":
    IAM API reference, CreateRole; the path is no part of the name), which carries
    both tiers' role policies: a tier whose session admits a whole bucket and whose own
    role template scopes it by tag proved, while the other tier's role template on the
    same role reads every object. Role sharing is now read by
    ``catalog.role_identity`` (role policies, the evaluator, trust policies).

04. The route check reads the API's resource policy (9b-02), but a ``"*"`` in it stood
    for the catalogue resource it is attached to, and the policy was consulted only for
    requests on that resource's ARNs. Attached to a shared route (``GET/products*``),
    an Allow to ``*`` on ``"*"`` was read for that route alone and the tier proved. An
    API Gateway resource policy is the REST API's ("Specifies a resource policy for a
    REST API": x-amazon-apigateway-policy) and, with a Lambda authorizer, its Allow
    admits a route the authorizer's policy is silent on (Table A). A policy on an
    ``execute-api`` resource now governs every method of its API.

05. A tier with no role templates is checked as if its role allowed everything, but a
    tier on the same role that lists templates was checked against those alone. One
    role has one set of policies: every tier on a role one of whose tiers declares none
    is now checked as if the role allowed everything (``isolation.role_undeclared``).

Each leaky test shows with the project's evaluator, independently of the checker, that
the request is allowed; then that the tier is never ``proved``. Each has a sound twin
the proof must still prove.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _attack_helpers import allowed, check, doc, said, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog, role_identity
from policy_engine.evaluate import Request
from policy_engine.isolation import (
    as_tenant,
    check_catalog,
    effective_evaluator,
    role_undeclared,
    trust_documents,
)
from policy_engine.isolation._confirm import scope_resource_policy
from policy_engine.isolation._search import governed_by
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


# -- 03: one role named by two tiers in another case or path -----------------------------

SHARED = (
    Path(__file__).parent.parent / "cases" / "attack9c" / "03-shared-role-in-another-case-or-path"
)


@pytest.mark.parametrize("folder", ["", "variant-case"])
def test_03_one_role_in_another_path_or_case_is_not_proved(folder: str) -> None:
    catalog = load_catalog(SHARED / folder)
    # the `web` tier's evaluator holds the `batch` tier's role policy: globex's report
    # is allowed to acme's session
    evaluator = effective_evaluator(catalog, "web", "acme")
    request = as_tenant(
        Request("s3:GetObject", "arn:aws:s3:::saas-reports/globex/q3.pdf", {}), "acme", "web"
    )
    assert evaluator.evaluate(request).allowed
    results = check_catalog(catalog)
    assert results["web"].status == "violation", said(results["web"])
    assert "(tier batch)" in said(results["web"])


def test_03_role_identity() -> None:
    a = "arn:aws:iam::111122223333:role/saas-tenant"
    assert role_identity(a) == role_identity("arn:aws:iam::111122223333:role/x/y/SAAS-Tenant")
    assert role_identity(a) != role_identity("arn:aws:iam::444455556666:role/saas-tenant")
    assert role_identity(a) != role_identity("arn:aws-cn:iam::111122223333:role/saas-tenant")
    assert role_identity(a) != role_identity("arn:aws:iam::111122223333:role/saas-tenants")
    assert role_identity("not an arn") == "not an arn"


def test_03_twin_two_roles_are_not_joined(tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(SHARED, twin, ignore=shutil.ignore_patterns("variant-*"))
    manifest = twin / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("role/batch/saas-tenant", "role/saas-batch"), "utf-8")
    results = check_catalog(load_catalog(twin))
    assert {t: r.status for t, r in results.items()} == {"web": "proved", "batch": "proved"}


def test_03_trust_policies_of_one_role_are_joined() -> None:
    catalog = load_catalog(SHARED / "variant-case")
    docs = trust_documents(catalog)
    arns = [t.role_arn for t in catalog.tiers.values()]
    assert len(set(arns)) == 2
    assert docs[arns[0]] == docs[arns[1]]


# -- 04: the API's resource policy attached to one route ---------------------------------

ROUTE = (
    Path(__file__).parent.parent / "cases" / "attack9c" / "04-api-policy-star-scoped-to-one-route"
)


def test_04_api_policy_on_a_shared_route_is_read_for_the_whole_api() -> None:
    (result,) = check_catalog(load_catalog(ROUTE)).values()
    assert result.status == "violation", said(result)
    cx = result.violations[0]
    assert cx.tenant_a != cx.tenant_b
    assert "resource(products):AnyoneMayCall" in cx.describe()


def test_04_the_policy_governs_every_method_of_its_api() -> None:
    api = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    route = ResourceSpec("products", "execute-api", api + "/prod/GET/products", (), shared=True)
    governs = governed_by(route)
    assert governs(api + "/prod/GET/tenants/globex/orders")
    assert governs(api + "/test/POST/anything")
    assert not governs("arn:aws:execute-api:eu-west-1:111122223333:ffffffffff/prod/GET/x")
    scoped = scope_resource_policy(doc(stmt("execute-api:Invoke", "*")), route)
    assert scoped["Statement"][0]["Resource"] == [api + "/*"]


def test_04_twin_a_policy_naming_only_the_shared_route_proves(tmp_path: Path) -> None:
    root = tmp_path / "twin"
    shutil.copytree(ROUTE, root)
    policy = root / "resource" / "api.json.j2"
    products = (
        "arn:{{ partition }}:execute-api:{{ region }}:{{ account_id }}:{{ api_id }}"
        "/{{ api_stage }}/GET/products"
    )
    text = policy.read_text(encoding="utf-8").replace(
        '"Resource": "*"', f'"Resource": "{products}"'
    )
    policy.write_text(text, encoding="utf-8")
    (result,) = check_catalog(load_catalog(root)).values()
    assert result.status == "proved", said(result)


def test_04_testing_toolkit_reads_the_policy_for_the_whole_api() -> None:
    from policy_engine.testing import assert_tenant_isolation

    with pytest.raises(AssertionError, match="AnyoneMayCall"):
        assert_tenant_isolation(ROUTE, max_examples=200)


# -- 05: one role, one of its tiers declares no role templates ---------------------------

OPEN = (
    Path(__file__).parent.parent
    / "cases"
    / "attack9c"
    / "05-shared-role-one-tier-declares-no-role-policy"
)


def test_05_a_role_left_open_by_one_tier_is_open_for_all() -> None:
    catalog = load_catalog(OPEN)
    assert role_undeclared(catalog, "web")
    assert role_undeclared(catalog, "batch")
    evaluator = effective_evaluator(catalog, "web", "acme")
    request = as_tenant(
        Request("s3:GetObject", "arn:aws:s3:::saas-reports/globex/q3.pdf", {}), "acme", "web"
    )
    assert evaluator.evaluate(request).allowed
    results = check_catalog(catalog)
    assert results["web"].status == "violation", said(results["web"])
    assert results["batch"].status == "proved", said(results["batch"])


def test_05_twin_both_tiers_declare_the_role(tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(OPEN, twin)
    manifest = twin / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        'session_templates = ["s-own"]\n',
        'session_templates = ["s-own"]\nrole_templates = ["abac"]\n',
    )
    manifest.write_text(text, encoding="utf-8")
    catalog = load_catalog(twin)
    assert not role_undeclared(catalog, "web")
    results = check_catalog(catalog)
    assert {t: r.status for t, r in results.items()} == {"web": "proved", "batch": "proved"}


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
    # (03's `batch` tier proves rightly; the catalogue as a whole must not)
    assert any(r.status != "proved" for r in results.values()), folder


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
