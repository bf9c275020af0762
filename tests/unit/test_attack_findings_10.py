"""Attack review 10 of the isolation proof (branch h10-proof).

01. A partition on a resource tag (``aws:ResourceTag/KEY``, ``SERVICE:ResourceTag/KEY``)
    was taken at its word whatever the resource's ``arn``: a pooled table
    (``table/orders``, one ARN) "partitioned" by ``aws:ResourceTag/TenantId`` proved
    with a grant conditioned on the tenant's tag value. A resource has one value per
    tag key ("Each DynamoDB table can only have up to one tag with the same key":
    DynamoDB API reference, Tag; the condition compares "the key-value pair attached
    to a DynamoDB table": DynamoDB Developer Guide, "Using ABAC with DynamoDB tables
    and indexes"), so every request on the table carries the same value, and the one
    tenant it names reads every tenant's items. The same holds for the objects of one
    bucket (S3 reads ``aws:ResourceTag`` from the bucket's tags), the indexes of one
    table, one KMS key, one queue, and an access point family (an access point's tags
    say nothing of the keys it reaches). Such a partition is now ``unknown`` unless the
    resource's ``arn`` ranges over whole tagged resources (``jobs-*``, ``secret:saas/*``).

02. A condition on ``aws:PrincipalArn`` was decided on the catalogue's spelling of the
    tier role: a bucket policy granting ``*`` with ``ArnEquals aws:PrincipalArn`` =
    ``role/tenants/saas-web`` (the role with its path) or ``role/SaaS-Web`` (its name in
    another case) was dropped as another role's grant while the catalogue spells the
    role ``role/saas-web``, and the tier proved. The key holds "the ARN of the role"
    (IAM User Guide, global condition keys, ``aws:PrincipalArn``) as IAM stores it, path
    included; role names are unique without regard to case, and the proof already
    reads those spellings as one role (9c-03, 8b-03). In AWS such a grant may reach the
    tier's sessions with no session policy: every tenant reads the whole bucket. A
    condition that is false for the catalogue's spelling but may hold for another is now
    kept (not dropped) and the tier is ``unknown``, naming the value.

03. The policy attached to a ``shared`` resource was read as governing no tenant's
    data: its principals the proof cannot read (``NotPrincipal`` with Allow, a
    ``CanonicalUser``) and its grants to service principals were dropped. A bucket
    declared shared (its configuration) whose objects are a pooled resource of the
    model has one policy, which S3 evaluates for the objects too (the proof's own
    ``_own_globs``: "a bucket and its objects"): an Allow with ``NotPrincipal``
    (everyone but the auditor) reaches every tenant's session without the session
    policy's limits, and the tier proved. A policy is now taken as holding no tenant's
    data only when its scope meets no ARN of a resource that is not ``shared``.

04. SSM parameters partitioned by a resource tag (one parameter per tenant under
    ``/saas/``, each tagged with its tenant), the grant ``ssm:GetParametersByPath`` on
    them conditioned on the tenant's tag: proved. GetParametersByPath "authorizes
    against the path in the request rather than against the parameters it returns"
    (SSM User Guide, "How Parameter Store authorizes parameter retrieval"): acme's
    parameter ``/saas/orders-db`` as the path returns globex's ``/saas/orders-db/replica``.
    A read that returns the resources below the one it names (``_effects.READS_BELOW``)
    on a resource partitioned by a condition key is now ``unknown``.

Each leaky test shows with the project's evaluator, independently of the checker, that
the request is allowed; then that the tier is never ``proved``. Each has a sound twin
the proof must still prove.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _attack_helpers import QUEUE, REGION, allowed, check, doc, said, stmt

from policy_engine._iamdata import iam_data
from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._beyond import tags_whole_resources
from policy_engine.isolation._search import _spelling_dependent
from policy_engine.isolation._shapes import resource_tag_key
from policy_engine.render import TENANT_MARKER as T

# -- 01: a resource-tag partition of one resource ---------------------------------------

ACCT = "111122223333"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCT}:table/orders"
BY_TAG = Partition(condition_key="aws:ResourceTag/TenantId", value="{tenant}")
OWN_TAG = {"StringEquals": {"aws:ResourceTag/TenantId": T}}


def test_01_a_pooled_table_partitioned_by_its_tag_is_not_proved() -> None:
    session = doc(stmt(["dynamodb:GetItem", "dynamodb:Query"], TABLE, OWN_TAG))
    # the table is tagged TenantId=acme: every request on it carries `acme`, whatever
    # item (globex's leading key) it reads
    table_tag = {"aws:ResourceTag/TenantId": "acme", "dynamodb:LeadingKeys": ["globex"]}
    assert allowed(session, "acme", "dynamodb:Query", TABLE, table_tag)
    result = check(session, [ResourceSpec("orders", "dynamodb", TABLE, (BY_TAG,))])
    assert result.status == "unknown", said(result)
    assert "does not range over whole tagged resources" in said(result)


@pytest.mark.parametrize(
    ("service", "arn", "action", "key"),
    [
        # the objects of one bucket carry the bucket's tags
        ("s3", "arn:aws:s3:::saas-docs/*", "s3:GetObject", "aws:ResourceTag/TenantId"),
        # one shared key
        ("kms", f"arn:aws:kms:{REGION}:{ACCT}:key/k1", "kms:Decrypt", "kms:ResourceTag/TenantId"),
        # one pooled queue
        ("sqs", QUEUE + "pooled", "sqs:ReceiveMessage", "aws:ResourceTag/TenantId"),
        # the indexes of one table
        ("dynamodb", TABLE + "/index/*", "dynamodb:Query", "aws:ResourceTag/TenantId"),
        # an access point per tenant: its tags say nothing of the keys it reaches
        (
            "s3",
            f"arn:aws:s3:{REGION}:{ACCT}:accesspoint/ap-*",
            "s3:GetObject",
            "aws:ResourceTag/TenantId",
        ),
        # a wildcard in the region only: the same table name in every region
        (
            "dynamodb",
            f"arn:aws:dynamodb:*:{ACCT}:table/orders",
            "dynamodb:GetItem",
            "aws:ResourceTag/T",
        ),
    ],
)
def test_01_variant_other_single_resources(service: str, arn: str, action: str, key: str) -> None:
    model = ResourceSpec("pooled", service, arn, (Partition(condition_key=key, value="{tenant}"),))
    session = doc(stmt(action, arn, {"StringEquals": {key: T}}))
    result = check(session, [model])
    assert result.status != "proved", said(result)


@pytest.mark.parametrize(
    ("service", "arn", "action", "key"),
    [
        ("sqs", QUEUE + "*", "sqs:ReceiveMessage", "aws:ResourceTag/TenantId"),
        (
            "secretsmanager",
            f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:saas/*",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ResourceTag/TenantId",
        ),
    ],
)
def test_01_twin_a_resource_per_tenant_tagged_with_it_is_proved(
    service: str, arn: str, action: str, key: str
) -> None:
    model = ResourceSpec("silo", service, arn, (Partition(condition_key=key, value="{tenant}"),))
    session = doc(stmt(action, arn, {"StringEquals": {key: T}}))
    result = check(session, [model])
    assert result.status == "proved", said(result)


def test_01_twin_no_grant_names_the_tagged_table() -> None:
    jobs = ResourceSpec("jobs", "sqs", QUEUE + "*", (Partition(arn=QUEUE + "{tenant}"),))
    pooled = ResourceSpec("orders", "dynamodb", TABLE, (BY_TAG,))
    result = check(doc(stmt("sqs:SendMessage", QUEUE + T)), [pooled, jobs])
    assert result.status == "proved", said(result)


@pytest.mark.parametrize(
    ("service", "arn", "whole"),
    [
        ("dynamodb", TABLE, False),
        ("dynamodb", TABLE + "-*", True),
        ("dynamodb", TABLE + "-{tenant}", True),
        ("dynamodb", TABLE + "/index/*", False),
        ("dynamodb", f"arn:aws:dynamodb:*:{ACCT}:table/orders", False),
        ("s3", "arn:aws:s3:::docs", False),
        ("s3", "arn:aws:s3:::docs/*", False),
        ("s3", "arn:aws:s3:::docs-*", True),
        ("s3", f"arn:aws:s3:{REGION}:{ACCT}:accesspoint/ap-*", False),
        ("kms", f"arn:aws:kms:{REGION}:{ACCT}:key/k1", False),
        ("kms", f"arn:aws:kms:{REGION}:{ACCT}:key/*", True),
        ("secretsmanager", f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:saas/*", True),
        ("sqs", QUEUE + "*", True),
    ],
)
def test_01_which_arns_range_over_whole_tagged_resources(
    service: str, arn: str, whole: bool
) -> None:
    assert tags_whole_resources(arn, iam_data().resource_formats(service).values()) is whole


def test_01_the_resource_tag_keys() -> None:
    assert resource_tag_key("aws:ResourceTag/TenantId")
    assert resource_tag_key("AWS:RESOURCETAG/tenantid")
    assert resource_tag_key("secretsmanager:ResourceTag/TenantId")
    assert not resource_tag_key("s3:ExistingObjectTag/TenantId")
    assert not resource_tag_key("aws:RequestTag/TenantId")
    assert not resource_tag_key("dynamodb:LeadingKeys")


# -- 02: a condition on aws:PrincipalArn naming the role in another spelling -------------

DOCS = "arn:aws:s3:::saas-docs"
DOCS_MODEL = ResourceSpec(
    "docs",
    "s3",
    DOCS,
    (
        Partition(arn=DOCS + "/{tenant}/*"),
        Partition(condition_key="s3:prefix", value="{tenant}/*"),
    ),
)
OWN_OBJECTS = doc(stmt("s3:GetObject", f"{DOCS}/{T}/*"))
ROLE = f"arn:aws:iam::{ACCT}:role/tenant-role"  # (the helpers' tier role)


def bucket_grant(operator: str, value: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": DOCS + "/*",
                "Condition": {operator: {"aws:PrincipalArn": value}},
            }
        ],
    }


@pytest.mark.parametrize(
    "stored",
    [
        f"arn:aws:iam::{ACCT}:role/tenants/tenant-role",  # the role's path
        f"arn:aws:iam::{ACCT}:role/Tenant-Role",  # its name in another case
    ],
)
def test_02_a_principal_arn_grant_in_another_spelling_is_not_proved(stored: str) -> None:
    policy = bucket_grant("ArnEquals", stored)
    # with the role stored as the bucket policy spells it, acme's session reads globex's
    # objects: the grant is to the session itself, not limited by the session policy
    ctx = {"aws:PrincipalArn": stored}
    from policy_engine.evaluate import Evaluator, Request, compile_policy
    from policy_engine.model import policy_from_obj

    evaluator = Evaluator(
        (compile_policy(policy_from_obj(doc(stmt("s3:GetObject", DOCS + "/*"))), name="r"),),
        (compile_policy(policy_from_obj(doc(stmt("s3:GetObject", DOCS + "/acme/*"))), name="s"),),
        resource=(compile_policy(policy_from_obj(policy), name="rp", kind="resource"),),
    )
    session = f"arn:aws:sts::{ACCT}:assumed-role/tenant-role/acme"
    request = Request("s3:GetObject", DOCS + "/globex/invoice.pdf", ctx, principal=session)
    assert evaluator.evaluate(request).allowed
    result = check(OWN_OBJECTS, [DOCS_MODEL], resource_policies={"docs": policy})
    assert result.status == "unknown", said(result)
    assert "the condition on `aws:PrincipalArn` names" in said(result)


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", f"arn:aws:iam::{ACCT}:role/TENANT-ROLE"),
        ("StringLike", f"arn:aws:iam::{ACCT}:role/*/tenant-role"),
        ("ArnLike", f"arn:aws:iam::{ACCT}:role/tenant-r*"),  # misses `Tenant-Role`
        ("StringNotEquals", ROLE),  # "everyone but the role", the role stored otherwise
        ("ArnNotLike", f"arn:aws:iam::{ACCT}:role/tenant-*"),
    ],
)
def test_02_variant_other_operators(operator: str, value: str) -> None:
    policy = bucket_grant(operator, value)
    result = check(OWN_OBJECTS, [DOCS_MODEL], resource_policies={"docs": policy})
    assert result.status != "proved", said(result)


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("ArnEquals", f"arn:aws:iam::{ACCT}:role/saas-ops"),  # another role
        ("StringEquals", f"arn:aws:iam::{ACCT}:role/ops/saas-ops"),
        ("ArnLike", f"arn:aws:iam::{ACCT}:role/saas-ops-?"),
    ],
)
def test_02_twin_a_condition_no_spelling_of_the_role_meets_is_proved(
    operator: str, value: str
) -> None:
    policy = bucket_grant(operator, value)
    result = check(OWN_OBJECTS, [DOCS_MODEL], resource_policies={"docs": policy})
    assert result.status == "proved", said(result)


@pytest.mark.parametrize("operator", ["ArnNotLike", "StringNotLike"])
def test_02_a_negated_condition_no_spelling_of_the_role_meets_reaches_outsiders(
    operator: str,
) -> None:
    # Was a sound twin here: no spelling of any role of the account meets
    # `NotLike role/*`, so the tier's sessions never do. But the grant to `*` holds for
    # every caller that is no role of the account: an anonymous request (no
    # `aws:PrincipalArn`: a negated operator on an absent key is true) and any
    # principal of another account, a tenant's own included (attack review 11b-02).
    policy = bucket_grant(operator, f"arn:aws:iam::{ACCT}:role/*")
    result = check(OWN_OBJECTS, [DOCS_MODEL], resource_policies={"docs": policy})
    assert result.status == "unknown", said(result)
    assert "(the tier's sessions do not meet it)" in said(result)


def test_02_which_values_depend_on_the_spelling() -> None:
    role = f"arn:aws:iam::{ACCT}:role/saas-web"
    assert _spelling_dependent("ArnEquals", f"arn:aws:iam::{ACCT}:role/x/saas-web", role)
    assert _spelling_dependent("StringEquals", f"arn:aws:iam::{ACCT}:role/SAAS-WEB", role)
    assert _spelling_dependent("StringLike", f"arn:aws:iam::{ACCT}:role/saas-*", role)
    assert _spelling_dependent(
        "ForAnyValue:StringEqualsIfExists", f"arn:aws:iam::{ACCT}:role/Saas-Web", role
    )
    assert not _spelling_dependent("StringEquals", f"arn:aws:iam::{ACCT}:role/saas-ops", role)
    assert not _spelling_dependent("ArnLike", f"arn:aws:iam::{ACCT}:role/*", role)
    assert not _spelling_dependent("ArnLike", "*", role)
    # `role/saas-ops-*` also matches the role under the path `/saas-ops-x/`
    assert _spelling_dependent("ArnLike", f"arn:aws:iam::{ACCT}:role/saas-ops-*", role)
    assert not _spelling_dependent("ArnLike", f"arn:aws:iam::{ACCT}:role/saas-ops-?", role)
    assert not _spelling_dependent("StringEquals", f"arn:aws:iam::{ACCT}:user/saas-web", role)
    # case alone does not matter to an IgnoreCase operator; the path still does
    assert not _spelling_dependent("StringEqualsIgnoreCase", "*:ROLE/*SAAS-WEB", role)
    assert _spelling_dependent("StringEqualsIgnoreCase", role.upper(), role)


# -- 03: the policy of a shared resource that governs pooled data --------------------------

SHARED_BUCKET = ResourceSpec("bucket", "s3", DOCS, (), shared=True)
POOLED_OBJECTS = ResourceSpec("objects", "s3", DOCS + "/*", (Partition(arn=DOCS + "/{tenant}/*"),))


def shared_bucket_policy(**principal: object) -> dict[str, object]:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": DOCS + "/*"}
    return {"Version": "2012-10-17", "Statement": [dict(statement, **principal)]}


def test_03_an_unread_principal_on_a_shared_bucket_policy_is_not_proved() -> None:
    # everyone but the auditor: acme's session reads globex's objects, not limited by
    # the session policy (the grant is to the session itself)
    policy = shared_bucket_policy(NotPrincipal={"AWS": f"arn:aws:iam::{ACCT}:role/auditor"})
    result = check(
        OWN_OBJECTS, [SHARED_BUCKET, POOLED_OBJECTS], resource_policies={"bucket": policy}
    )
    assert result.status == "unknown", said(result)
    assert "`NotPrincipal`" in said(result)


@pytest.mark.parametrize(
    "principal",
    [
        {
            "Principal": {
                "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
            }
        },
        {"Principal": {"Service": "logging.s3.amazonaws.com"}},
    ],
)
def test_03_variant_other_principals(principal: dict[str, object]) -> None:
    policy = shared_bucket_policy(**principal)
    result = check(
        OWN_OBJECTS, [SHARED_BUCKET, POOLED_OBJECTS], resource_policies={"bucket": policy}
    )
    assert result.status != "proved", said(result)


def test_03_twin_a_shared_resource_whose_policy_governs_only_itself_is_proved() -> None:
    public = ResourceSpec("public", "s3", "arn:aws:s3:::saas-public", (), shared=True)
    model = ResourceSpec("docs", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"),))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCT}:role/auditor"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::saas-public/*",
            }
        ],
    }
    result = check(OWN_OBJECTS, [public, model], resource_policies={"public": policy})
    assert result.status == "proved", said(result)


# -- 04: a read below a tagged parameter ---------------------------------------------------

PARAMS = f"arn:aws:ssm:{REGION}:{ACCT}:parameter/saas/"
TAGGED_PARAMS = ResourceSpec("params", "ssm", PARAMS + "*", (BY_TAG,))


@pytest.mark.parametrize("actions", [["ssm:GetParametersByPath"], ["ssm:GetParameter*"], "ssm:*"])
def test_04_parameters_by_path_below_a_tagged_parameter_is_not_proved(actions: object) -> None:
    session = doc(stmt(actions, PARAMS + "*", OWN_TAG))
    # the path `/saas/orders-db` is acme's parameter: the request carries its tag
    ctx = {"aws:ResourceTag/TenantId": "acme"}
    assert allowed(session, "acme", "ssm:GetParametersByPath", PARAMS + "orders-db", ctx)
    result = check(session, [TAGGED_PARAMS])
    assert result.status != "proved", said(result)
    assert "reads the resources below the one it names" in said(result)


def test_04_twin_reads_of_the_named_parameter_are_proved() -> None:
    session = doc(stmt(["ssm:GetParameter", "ssm:GetParameters"], PARAMS + "*", OWN_TAG))
    result = check(session, [TAGGED_PARAMS])
    assert result.status == "proved", said(result)


def test_04_twin_the_tenant_in_the_path_is_proved() -> None:
    own = (Partition(arn=PARAMS + "{tenant}"), Partition(arn=PARAMS + "{tenant}/*"))
    model = ResourceSpec("params", "ssm", PARAMS + "*", own)
    session = doc(stmt("ssm:GetParametersByPath", [PARAMS + T, PARAMS + T + "/*"]))
    result = check(session, [model])
    assert result.status == "proved", said(result)


# -- the reproducers ----------------------------------------------------------------------

FINDINGS = Path(__file__).parent.parent / "cases" / "attack10"
FOLDERS = sorted(str(p.parent.relative_to(FINDINGS)) for p in FINDINGS.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in FINDINGS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack10_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert results, folder
    assert any(r.status != "proved" for r in results.values()), folder
