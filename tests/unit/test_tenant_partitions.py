"""The guard's policy-independent check: a request must lie in the calling tenant's
partitions of the resource model (`policy_engine._partitions`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine._partitions import TenantPartitions
from policy_engine.catalog import Catalog, default_catalog

Edit = Callable[[str, str, str], Path]
DOCS = "arn:aws:s3:::saas-documents-111122223333"
ORDERS = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"
PREMIUM = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-premium-orders"
SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenants"


@pytest.fixture(scope="module")
def acme() -> TenantPartitions:
    return TenantPartitions(default_catalog(), "acme")


@pytest.mark.parametrize(
    ("resource", "context"),
    [
        (f"{DOCS}/acme/a.txt", {}),
        (f"{DOCS}/acme/*", {}),  # a presigned POST's prefix
        (DOCS, {"s3:prefix": "acme/"}),
        (DOCS, {"s3:prefix": "acme/2026/"}),
        (ORDERS, {"dynamodb:LeadingKeys": ["acme"]}),
        (f"{PREMIUM}-acme", {}),
        (f"{PREMIUM}-acme/index/by-date", {}),
        (f"{SECRET}/acme/db-??????", {}),
        ("arn:aws:s3:::another-bucket/globex/x", {}),  # outside the model: the policies decide
    ],
)
def test_inside_the_tenants_partitions(
    acme: TenantPartitions, resource: str, context: dict[str, object]
) -> None:
    assert acme.refusal(resource, context) is None


@pytest.mark.parametrize(
    ("resource", "context", "says"),
    [
        (f"{DOCS}/acme-corp/a.txt", {}, "none of tenant `acme`'s partitions"),
        (f"{DOCS}/readme.txt", {}, "none of tenant `acme`'s partitions"),
        (f"{DOCS}/acme*", {}, "none of"),  # a POST prefix reaching `acme-corp/`
        (f"{DOCS}/*", {}, "none of"),
        (DOCS, {"s3:prefix": "acme"}, "`s3:prefix` = `acme`"),
        (DOCS, {"s3:prefix": ""}, "`s3:prefix` = ``"),
        (DOCS, {}, "none of"),
        (ORDERS, {"dynamodb:LeadingKeys": ["acme", "globex"]}, "= `globex`"),
        (ORDERS, {"DYNAMODB:LEADINGKEYS": ["globex"]}, "= `globex`"),  # keys: any case
        (ORDERS, {}, "none of"),
        (f"{ORDERS}/index/by-date", {"dynamodb:LeadingKeys": ["acme"]}, "none of"),
        (f"{PREMIUM}-acme-corp", {}, "none of"),
        (f"{PREMIUM}-globex/index/by-date", {}, "none of"),
        (f"{SECRET}/acme-corp/db-??????", {}, "none of"),
        ("arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme-corp", {}, "none of"),
        ("arn:aws:sqs:eu-west-1:111122223333:saas-jobs-all", {}, "none of"),
    ],
)
def test_outside_the_tenants_partitions(
    acme: TenantPartitions, resource: str, context: dict[str, object], says: str
) -> None:
    reason = acme.refusal(resource, context)
    assert reason is not None
    assert says in reason


def test_declared_tenant_index_takes_the_leading_key(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    folder = edit(
        "catalog.toml",
        'partitions = [{ condition_key = "dynamodb:LeadingKeys", value = "{tenant}" }]',
        'partitions = [{ condition_key = "dynamodb:LeadingKeys", value = "{tenant}" }]\n'
        'indexes = { by-date = "local", by-partner = "global-other-key" }',
    )
    acme = TenantPartitions(load(folder), "acme")
    own = {"dynamodb:LeadingKeys": ["acme"]}
    assert acme.refusal(f"{ORDERS}/index/by-date", own) is None
    assert acme.refusal(f"{ORDERS}/index/by-date", {"dynamodb:LeadingKeys": ["b1"]})
    assert acme.refusal(f"{ORDERS}/index/by-partner", own) is not None


def test_a_pattern_that_cannot_tell_tenants_apart_refuses(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """`{tenant}*`: acme's part holds acme-corp's (and `acm`'s holds acme's), so the
    model cannot say whose an object is: refused even under acme's own prefix."""
    folder = edit(
        "catalog.toml",
        '{ arn = "arn:{partition}:s3:::{documents_bucket}/{tenant}/*" },\n'
        '  { condition_key = "s3:prefix", value = "{tenant}/*" },',
        '{ arn = "arn:{partition}:s3:::{documents_bucket}/{tenant}*" },',
    )
    acme = TenantPartitions(load(folder), "acme")
    assert acme.refusal(f"{DOCS}/acme-corp/a.txt", {}) is not None
    assert acme.refusal(f"{DOCS}/acme/a.txt", {}) is not None  # `acm` is a tenant too
    xyz = TenantPartitions(load(folder), "xyzzy")
    assert xyz.refusal(f"{DOCS}/xyzzy.txt", {}) is not None  # `xyz` is a tenant too


def test_a_non_separating_pattern_names_its_other_tenants(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """`jobs-{tenant}-q`: `-` may be in an ID, so `jobs-acme-corp-q` is acme-corp's,
    never acme's; `jobs-acme-q` is acme's alone (no other ID fits)."""
    folder = edit(
        "catalog.toml",
        ':{jobs_queue_prefix}-{tenant}" }]',
        ':{jobs_queue_prefix}-{tenant}-q" }]',
    )
    acme = TenantPartitions(load(folder), "acme")
    queue = "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-"
    assert acme.refusal(f"{queue}acme-q", {}) is None
    assert acme.refusal(f"{queue}acme-corp-q", {}) is not None
    assert acme.refusal(f"{queue}acme-corp", {}) is not None


def test_shared_resources_are_not_checked(edit: Edit, load: Callable[[Path], Catalog]) -> None:
    folder = edit(
        "catalog.toml",
        "[resources.products]",
        '[resources.public]\nservice = "s3"\ndescription = "public files"\n'
        'arn = "arn:{partition}:s3:::{documents_bucket}/public/*"\nshared = true\n\n'
        "[resources.products]",
    )
    acme = TenantPartitions(load(folder), "acme")
    assert acme.refusal(f"{DOCS}/public/logo.png", {}) is None
    assert acme.refusal(f"{DOCS}/globex/a.txt", {}) is not None


def test_a_bucket_per_tenant_holds_its_objects(edit: Edit, load: Callable[[Path], Catalog]) -> None:
    """Implied partitions, as the proof reads them: a bucket per tenant is the
    tenant's with every object in it; another tenant's bucket (or a name of the
    family that is no tenant's) is not."""
    folder = edit(
        "catalog.toml",
        "[resources.products]",
        '[resources.exports]\nservice = "s3"\ndescription = "a bucket per tenant"\n'
        'arn = "arn:{partition}:s3:::saas-exports-*"\n'
        'partitions = [{ arn = "arn:{partition}:s3:::saas-exports-{tenant}" }]\n\n'
        "[resources.products]",
    )
    acme = TenantPartitions(load(folder), "acme")
    bucket = "arn:aws:s3:::saas-exports-"
    assert acme.refusal(f"{bucket}acme", {}) is None
    assert acme.refusal(f"{bucket}acme/2026/q3.csv", {}) is None
    assert acme.refusal(f"{bucket}acme/*", {}) is None  # a presigned POST's prefix
    assert acme.refusal(f"{bucket}acme-corp/q3.csv", {}) is not None
    assert acme.refusal(f"{bucket}acme*", {}) is not None
    assert acme.refusal(f"{bucket}all/q3.csv", {}) is not None


def test_answers_are_the_same_from_the_memo(acme: TenantPartitions) -> None:
    for _ in range(2):
        assert acme.refusal(ORDERS, {"dynamodb:LeadingKeys": ["acme"]}) is None
        assert acme.refusal(ORDERS, {"dynamodb:LeadingKeys": ["globex"]}) is not None
        assert acme.refusal(ORDERS, {"dynamodb:LeadingKeys": "globex"}) is not None
        assert acme.refusal(ORDERS, {"x": {"unhashable": ["v"]}}) is not None
