"""Attack review of the isolation proof, round 2: each test is one class of false
`proved`.

Every test first shows, with the project's own evaluator and independently of the
checker, that a concrete request by tenant A (principal: A's session ARN, with the
session tags and principal keys vending gives it) on tenant B's partition, on a pooled
resource without a partition, or on an ARN outside the resource model is allowed; then
it asserts the correct behaviour of the checker: the tier is never `proved`. On the
reviewed code these tests fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import (
    ACCT,
    DOCS,
    DOCS_OBJECTS,
    LANG,
    ROLE_NAME,
    TABLE,
    allowed,
    check,
    doc,
    orders,
    shown,
    stmt,
)

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import check_tier, effective_evaluator
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T
from policy_engine.tenancy import session_name

PREMIUM = f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/prem-"
ORDERS = orders()
TENANT_TAG = "${aws:PrincipalTag/TenantId}"
SILO = ResourceSpec("silo", "dynamodb", PREMIUM + "*", (Partition(arn=PREMIUM + "{tenant}"),))


# -- 1: a resource policy's Deny to one named session read as a fence for every tenant -----


def test_deny_to_one_named_session_fences_no_other_tenant() -> None:
    # The bucket policy denies the session `acme` only (an exact session ARN); the
    # checker counts every session-ARN principal as "everyone of the role" and uses the
    # Deny as a fence for every tenant, so the session's `docs/*/*` is proved.
    session = doc(stmt("s3:GetObject", DOCS + "/*/*"))
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": f"arn:aws:sts::{ACCT}:assumed-role/{ROLE_NAME}/acme"},
                "Action": "s3:*",
                "Resource": DOCS + "/*",
            }
        ],
    }
    assert allowed(
        session, "globex", "s3:GetObject", DOCS + "/initech/a.txt",
        resource_policies=[bucket_policy],
    )  # fmt: skip
    result = check(session, [DOCS_OBJECTS], resource_policies={"documents": bucket_policy})
    assert result.status != "proved", shown(result)


# -- 2: conditions on the session's fixed keys decided for one probe tenant ----------------


@pytest.mark.parametrize(
    ("condition", "tenant", "tier"),
    [
        # The Tier tag equals the tenant ID: true for tenant `gold` of tier `gold`.
        ({"StringEquals": {"aws:PrincipalTag/Tier": TENANT_TAG}}, "gold", "gold"),
        # The role ARN holds the tenant ID: true for tenant `role` (`.../tenant-role`).
        ({"StringLike": {"aws:PrincipalArn": f"*{TENANT_TAG}*"}}, "role", "t"),
    ],
)  # fmt: skip
def test_fixed_key_condition_naming_the_tenant_is_not_fixed(
    condition: dict[str, Any], tenant: str, tier: str
) -> None:
    # `_fixed_conditions_hold` evaluates conditions on aws:PrincipalArn,
    # aws:PrincipalAccount and the Tier tag once, with one probe tenant (`000`); a
    # value that names the tenant tag makes the result depend on A, so the statement
    # is dropped for every tenant although it applies to some.
    assert LANG.is_valid(tenant)
    session = doc(
        stmt("s3:GetObject", DOCS + "/*/*", condition),
        stmt("s3:GetObject", DOCS + "/${aws:PrincipalTag/TenantId}/*"),
    )
    assert allowed(session, tenant, "s3:GetObject", DOCS + "/globex/a.txt", tier=tier)
    result = check(session, [DOCS_OBJECTS], tier=tier)
    assert result.status != "proved", shown(result)


# -- 3: DynamoDB backups of a table are no shape -------------------------------------------


@pytest.mark.parametrize(
    ("model", "pattern", "backup"),
    [
        # The pooled table's backups hold every tenant's items.
        (ORDERS, TABLE + "/backup/*", TABLE + "/backup/01700000000000-abcdef12"),
        # A silo table's backups hold that tenant's items.
        (SILO, PREMIUM + "*/backup/*", PREMIUM + "globex/backup/01700000000000-abcdef12"),
    ],
)
def test_backups_of_a_table_are_its_data(model: ResourceSpec, pattern: str, backup: str) -> None:
    # Shapes exist for `arn/index/*` and `arn/stream/*`, and coverage counts `arn/*` as
    # inside the model, so `table/.../backup/*` is covered by no shape at all:
    # RestoreTableFromBackup (every item, into a new table) and DeleteBackup act on
    # the backup ARN (action data: resource type `backup`,
    # `table/${TableName}/backup/${BackupName}`).
    session = doc(stmt(["dynamodb:RestoreTableFromBackup", "dynamodb:DeleteBackup"], pattern))
    for action in ("dynamodb:RestoreTableFromBackup", "dynamodb:DeleteBackup"):
        assert allowed(session, "acme", action, backup)
    result = check(session, [model])
    assert result.status != "proved", shown(result)


# -- 4: a resource policy applied only to the shapes of the resource it is attached to -----


def test_bucket_policy_grant_on_another_model_resource_in_the_same_bucket() -> None:
    # `documents` (tenants/{tenant}/*) and `reports` (reports/{tenant}/*) are two
    # resources of one bucket; its bucket policy (attached to `documents`) grants
    # everyone `reports/*`. The checker looks at the policy only for `documents`'s
    # shapes, so `reports`'s partitions are checked without it.
    documents = ResourceSpec(
        "documents", "s3", DOCS, (Partition(arn=DOCS + "/tenants/{tenant}/*"),)
    )
    reports = ResourceSpec(
        "reports", "s3", DOCS + "/reports/*", (Partition(arn=DOCS + "/reports/{tenant}/*"),)
    )
    session = doc(stmt("s3:GetObject", [f"{DOCS}/tenants/{T}/*", f"{DOCS}/reports/{T}/*"]))
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": DOCS + "/reports/*",
            }
        ],
    }
    assert allowed(
        session, "acme", "s3:GetObject", DOCS + "/reports/globex/q1.pdf",
        resource_policies=[bucket_policy],
    )  # fmt: skip
    result = check(session, [documents, reports], resource_policies={"documents": bucket_policy})
    assert result.status != "proved", shown(result)


# -- 5: coverage decided for one action of a group of actions with the same ARN formats ----


OUTSIDE = "arn:aws:s3:::other/x"


def test_coverage_asks_the_role_about_one_action_of_the_group() -> None:
    # GetObject and PutObject share their ARN formats; coverage asks whether the role
    # limits the first of them (GetObject: to the model) and takes the answer for both.
    # PutObject on `other/*` is allowed by the role and the session. (With the actions
    # in the other order the checker does report it.)
    session = doc(stmt(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::other/*", f"{DOCS}/{T}/*"]))
    role = doc(stmt("s3:GetObject", DOCS + "/*"), stmt("s3:PutObject", "*"))
    assert allowed(session, "acme", "s3:PutObject", OUTSIDE, roles=[role])
    result = check(session, [DOCS_OBJECTS], roles=[role])
    assert result.status != "proved", shown(result)


def test_coverage_fence_decided_for_one_action_of_the_group() -> None:
    # The same with a NotResource Deny that fences GetObject only.
    session = doc(
        stmt(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::other/*", f"{DOCS}/{T}/*"]),
        {"Effect": "Deny", "Action": "s3:GetObject", "NotResource": DOCS + "/*"},
    )
    assert allowed(session, "acme", "s3:PutObject", OUTSIDE)
    result = check(session, [DOCS_OBJECTS])
    assert result.status != "proved", shown(result)


# -- 6: coverage reads the tenant slot of a partition as any text --------------------------


def test_coverage_counts_non_tenant_segments_as_partitions() -> None:
    # `docs/{tenant}/*` covers `docs/*/*` for the coverage check, so `docs/_backup/...`
    # (`_` is outside the tenant alphabet: no tenant's partition, not the bucket) is
    # "in the model" and the grant is never reported. Such a prefix can hold every
    # tenant's data (`docs/_backup/globex/a.txt`).
    session = doc(stmt("s3:GetObject", [DOCS + "/_backup/*", f"{DOCS}/{T}/*"]))
    assert not LANG.is_valid("_backup")
    assert allowed(session, "acme", "s3:GetObject", DOCS + "/_backup/globex/a.txt")
    result = check(session, [DOCS_OBJECTS])
    assert result.status != "proved", shown(result)


# -- 7: grants of resource policies never go through the coverage check -------------------


def test_resource_policy_grant_outside_the_model_is_not_covered() -> None:
    # Coverage looks only at the session's Allows (and the role's identity policies):
    # a bucket policy granting everyone an object that is neither the bucket nor any
    # tenant's partition (`docs/all-tenants.csv`, no `/` after the first segment) is
    # never reported, though the proof cannot say whose data it holds.
    session = doc(stmt("s3:GetObject", f"{DOCS}/{T}/*"))
    export = DOCS + "/all-tenants.csv"
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": export}
        ],
    }
    assert allowed(session, "acme", "s3:GetObject", export, resource_policies=[bucket_policy])
    result = check(session, [DOCS_OBJECTS], resource_policies={"documents": bucket_policy})
    assert result.status != "proved", shown(result)


# -- 8: the tier's trust policy (a resource-based policy on the role) is never checked -----


def test_trust_policy_letting_the_session_assume_a_role_again(tmp_path: Path) -> None:
    # The catalogue gives the tier a trust policy (`trust_template`) that lets any
    # principal of the account assume the tier role with session tags (a condition on
    # aws:PrincipalAccount passes lint PE100). Same account, a grant to `*` is not
    # limited by the session policy: tenant acme's session can assume the role again
    # with `TenantId` = globex. check_tier never looks at the trust policy and proves
    # the tier.
    session = doc(stmt("s3:GetObject", DOCS + "/{{ tenant }}/*"))
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCT}},
            }
        ],
    }
    role = f"arn:aws:iam::{ACCT}:role/tier-basic"
    (tmp_path / "s.json.j2").write_text(json.dumps(session), encoding="utf-8")
    (tmp_path / "t.json.j2").write_text(json.dumps(trust), encoding="utf-8")
    manifest = {
        "schema_version": 1,
        "name": "trust",
        "tenant_id": {"alphabet": ["a-z", "0-9", "-"], "min_length": 3, "max_length": 32},
        "constants": {"partition": "aws", "account_id": ACCT, "region": "eu-west-1"},
        "templates": {
            "s": {"file": "s.json.j2", "kind": "session"},
            "t": {"file": "t.json.j2", "kind": "trust"},
        },
        "tiers": {
            "basic": {
                "role_arn": role,
                "session_templates": ["s"],
                "trust_template": "t",
                "resources": {"documents": "pooled"},
            }
        },
        "resources": {
            "documents": {
                "service": "s3",
                "arn": DOCS,
                "partitions": [{"arn": DOCS + "/{tenant}/*"}],
            }
        },
    }
    (tmp_path / "catalog.json").write_text(json.dumps(manifest), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    # The tier's effective evaluator (no role templates: allow-all identity) with the
    # trust policy attached to the role, as IAM evaluates it for AssumeRole/TagSession.
    base = effective_evaluator(catalog, "basic", "acme")
    evaluator = Evaluator(
        base.identity,
        base.session,
        resource=(compile_policy(policy_from_obj(trust), name="trust", kind="resource"),),
    )
    principal = f"arn:aws:sts::{ACCT}:assumed-role/tier-basic/{session_name('acme', LANG)}"
    context = {
        "aws:PrincipalTag/TenantId": "acme",
        "aws:PrincipalTag/Tier": "basic",
        "aws:RequestTag/TenantId": "globex",
        "aws:TagKeys": ["TenantId", "Tier"],
    }
    for action in ("sts:AssumeRole", "sts:TagSession"):
        request = Request(action, role, context, principal=principal)
        assert evaluator.evaluate(request).allowed
    result = check_tier(catalog, "basic")
    assert result.status != "proved", shown(result)
