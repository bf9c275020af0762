"""Attack review 8a of the isolation proof: AWS semantics of services, actions and
resource types.

01. A read (access level Read or List) was taken as confined to the resource IAM
    authorises it on, for every service. An OpenSearch ``_mget`` / ``_msearch`` body
    names other indexes than the path the request is authorised on
    (``rest.action.multi.allow_explicit_index`` defaults to true), so a grant of
    ``es:ESHttpGet`` on the tenant's own index reads every tenant's. Reads now count
    as confined only for the services of ``_effects.CONFINED_READ_SERVICES``.
02. An S3 resource modelled by an access point ARN (or a Multi-Region Access Point's)
    had no listing shape: the implied ``s3:prefix`` partition and its key-less shape
    were derived from bucket ARNs only, and no S3 resource had the whole shape on its
    own literal ARN. ``s3:ListBucket`` on the access point without a prefix lists
    every tenant's keys.

Each leaky test first shows with the project's evaluator, independently of the
checker, that the request is allowed; then that the tier is never ``proved``. Each
has a sound twin the proof must still prove, and a variant not in the reproducer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, REGION, ROLE, allowed, check, doc, said, stmt

from policy_engine._iamdata import iam_data
from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._effects import (
    CONFINED_READ_SERVICES,
    CONFINED_READ_TYPES,
    effect_class,
)
from policy_engine.render import TENANT_MARKER as T

TAG = "${aws:PrincipalTag/TenantId}"

# -- 01: reads of a service whose requests name more than their ARN ----------------------

DOMAIN = f"arn:aws:es:{REGION}:{ACCT}:domain/saas-search"
SEARCH = ResourceSpec(
    "search",
    "es",
    DOMAIN,
    (Partition(arn=DOMAIN + "/tenant-{tenant}"), Partition(arn=DOMAIN + "/tenant-{tenant}/*")),
)
OWN_INDEX = [f"{DOMAIN}/tenant-{T}", f"{DOMAIN}/tenant-{T}/*"]
SECRETS = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:tenants/"
SECRET_MODEL = ResourceSpec(
    "secrets", "secretsmanager", SECRETS + "*", (Partition(arn=SECRETS + "{tenant}/*"),)
)


def test_01_opensearch_read_of_the_own_index_is_not_proved() -> None:
    session = doc(stmt(["es:ESHttpGet", "es:ESHttpHead"], OWN_INDEX))
    # GET /tenant-acme/_mget with a body naming `tenant-globex`: IAM sees only the path
    assert allowed(session, "acme", "es:ESHttpGet", f"{DOMAIN}/tenant-acme/_mget")
    result = check(session, [SEARCH])
    assert result.status == "unknown", said(result)
    assert "es:eshttpget" in said(result)
    assert "a read the proof does not know to act only on the resource" in said(result)


def test_01_twin_a_read_of_a_vetted_service_on_the_own_resource_is_proved() -> None:
    session = doc(stmt(["secretsmanager:GetSecretValue"], f"{SECRETS}{T}/*"))
    assert check(session, [SECRET_MODEL, SEARCH]).status == "proved"


def test_01_twin_the_domain_in_the_model_but_not_granted_is_proved() -> None:
    session = doc(stmt(["secretsmanager:GetSecretValue"], f"{SECRETS}{T}/*"))
    result = check(session, [SECRET_MODEL, SEARCH], roles=[doc(stmt("*", "*"))])
    assert result.status == "proved", said(result)


def test_01_variant_domain_access_policy_grants_the_read_to_the_session() -> None:
    # The domain's access policy grants the session itself (everyone, limited by
    # aws:PrincipalArn; not limited by the session policy) the tenant's own index.
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "es:ESHttpGet",
            "Resource": f"{DOMAIN}/tenant-{TAG}/*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": ROLE}},
        }
    )
    session = doc(stmt(["secretsmanager:GetSecretValue"], f"{SECRETS}{T}/*"))
    result = check(session, [SECRET_MODEL, SEARCH], resource_policies={"search": policy})
    assert result.status == "unknown", said(result)
    assert "es:eshttpget" in said(result)


def test_01_reads_count_as_confined_only_for_vetted_types() -> None:
    assert effect_class("es:eshttpget", "R", ("domain",)) == "read"
    assert effect_class("timestream:select", "R", ("table",)) == "read"
    assert effect_class("s3:getobject", "R", ("accesspointobject", "object")) == "confined"
    assert effect_class("dynamodb:partiqlselect", "R", ("index", "table")) == "confined"
    assert effect_class("s3:getdataaccess", "R", ("accessgrantsinstance",)) == "read"
    assert effect_class("s3:getobject", "R", ()) == "read"
    assert "es" not in CONFINED_READ_TYPES
    assert set(CONFINED_READ_TYPES) == set(CONFINED_READ_SERVICES)
    for service, reason in CONFINED_READ_SERVICES.items():
        assert service == service.lower()
        assert ":" not in service
        assert len(reason) > 20, service
        known = set(iam_data().resource_formats(service))
        assert CONFINED_READ_TYPES[service] <= known, service


# -- 02: listing through an access point -------------------------------------------------

AP = f"arn:aws:s3:{REGION}:{ACCT}:accesspoint/saas-docs"
MRAP = f"arn:aws:s3::{ACCT}:accesspoint/mfzwi23gnjvgw.mrap"


def through(ap: str) -> ResourceSpec:
    return ResourceSpec("docs", "s3", ap, (Partition(arn=ap + "/object/{tenant}/*"),))


def listing(ap: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    return doc(
        stmt("s3:GetObject", f"{ap}/object/{T}/*"),
        stmt("s3:ListBucket", ap, condition),
    )


OWN_PREFIX = {"StringLike": {"s3:prefix": [f"{T}/*"]}}


@pytest.mark.parametrize("ap", [AP, MRAP], ids=["access-point", "multi-region"])
def test_02_listing_through_an_access_point_without_prefix_is_not_proved(ap: str) -> None:
    session = listing(ap)
    assert allowed(session, "acme", "s3:ListBucket", ap)
    assert allowed(session, "acme", "s3:ListBucket", ap, {"s3:prefix": "globex/"})
    result = check(session, [through(ap)])
    assert result.status == "violation", said(result)
    assert any(v.action == "s3:listbucket" and v.resource == ap for v in result.violations)


@pytest.mark.parametrize("ap", [AP, MRAP], ids=["access-point", "multi-region"])
def test_02_twin_listing_the_own_prefix_through_an_access_point_is_proved(ap: str) -> None:
    session = listing(ap, OWN_PREFIX)
    assert not allowed(session, "acme", "s3:ListBucket", ap, {"s3:prefix": "globex/"})
    assert check(session, [through(ap)]).status == "proved"


def test_02_variant_an_access_point_model_with_bucket_partitions() -> None:
    # The resource's ARN is the access point, its partitions the bucket's objects: the
    # access point's listing lies in no partition's container, so any request on it
    # is a request on every tenant's data.
    model = ResourceSpec("docs", "s3", AP, (Partition(arn="arn:aws:s3:::saas-docs/{tenant}/*"),))
    session = doc(stmt("s3:GetObject", f"arn:aws:s3:::saas-docs/{T}/*"), stmt("s3:ListBucket", AP))
    assert allowed(session, "acme", "s3:ListBucket", AP)
    result = check(session, [model])
    assert result.status != "proved", said(result)


def test_02_twin_the_bucket_listing_still_proves_and_still_fails() -> None:
    bucket = "arn:aws:s3:::saas-docs"
    model = ResourceSpec("docs", "s3", bucket, (Partition(arn=bucket + "/{tenant}/*"),))
    own = stmt("s3:GetObject", f"{bucket}/{T}/*")
    assert check(doc(own, stmt("s3:ListBucket", bucket, OWN_PREFIX)), [model]).status == "proved"
    assert check(doc(own, stmt("s3:ListBucket", bucket)), [model]).status == "violation"


# -- 03: a read that vends credentials for a target in its parameters --------------------

GRANTS = f"arn:aws:s3:{REGION}:{ACCT}:access-grants/default"
GRANTS_MODEL = ResourceSpec("grants", "s3", GRANTS, (), shared=True)
BUCKET = "arn:aws:s3:::saas-docs"
BUCKET_MODEL = ResourceSpec("docs", "s3", BUCKET, (Partition(arn=BUCKET + "/{tenant}/*"),))
OWN_OBJECTS = stmt(["s3:GetObject", "s3:PutObject"], f"{BUCKET}/{T}/*")


def test_03_get_data_access_on_the_shared_instance_is_not_proved() -> None:
    # GetDataAccess(Target="s3://saas-docs/globex/*"): IAM sees only the instance
    session = doc(OWN_OBJECTS, stmt("s3:GetDataAccess", GRANTS))
    assert allowed(session, "acme", "s3:GetDataAccess", GRANTS)
    result = check(session, [BUCKET_MODEL, GRANTS_MODEL])
    assert result.status == "unknown", said(result)
    assert "s3:getdataaccess" in said(result)


def test_03_twin_a_vetted_read_of_a_shared_resource_is_proved() -> None:
    # the same session without GetDataAccess, reading a shared public catalogue
    public = "arn:aws:s3:::saas-public"
    session = doc(OWN_OBJECTS, stmt("s3:GetObject", f"{public}/*"))
    models = [
        BUCKET_MODEL,
        GRANTS_MODEL,
        ResourceSpec("public", "s3", public + "/*", (), shared=True),
    ]
    result = check(session, models)
    assert result.status == "proved", said(result)


def test_03_variant_a_service_wildcard_on_the_instance_names_the_read() -> None:
    session = doc(OWN_OBJECTS, stmt("s3:Get*", GRANTS))
    result = check(session, [BUCKET_MODEL, GRANTS_MODEL])
    assert result.status == "unknown", said(result)
    assert "s3:getdataaccess" in said(result)


# -- the reproducers and the bundled catalogue -------------------------------------------

FINDINGS = Path(__file__).parent.parent / "cases" / "attack8a"
FOLDERS = sorted(str(p.parent.relative_to(FINDINGS)) for p in FINDINGS.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 3
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in FINDINGS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack8a_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert results, folder
    assert all(r.status != "proved" for r in results.values()), folder


def test_the_bundled_catalogue_still_proves() -> None:
    results = check_catalog(load_catalog())
    assert {t: r.status for t, r in results.items()} == dict.fromkeys(results, "proved")
