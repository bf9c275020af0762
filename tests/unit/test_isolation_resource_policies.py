"""Resource-based policies in the isolation proof: a grant to the session itself is
not narrowed by the session policy; a grant to the role is."""

from __future__ import annotations

from typing import Any

import pytest
from _attack_helpers import ACCT, LANG
from _attack_helpers import DOCS as BUCKET
from _attack_helpers import DOCS_AND_LISTING as DOCS

from policy_engine.catalog import load_catalog
from policy_engine.evaluate import Request
from policy_engine.isolation import (
    TierResult,
    as_tenant,
    check_isolation,
    check_tier,
    effective_evaluator,
)
from policy_engine.render import TENANT_MARKER as T

ROLE = f"arn:aws:iam::{ACCT}:role/tenant-role"
SESSION = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/{T}/*"},
    ],
}


def bucket_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def check(policy: dict[str, Any], session: dict[str, Any] = SESSION) -> TierResult:
    return check_isolation(
        session,
        [],
        [DOCS],
        LANG,
        tier="t",
        account=ACCT,
        role_name="tenant-role",
        resource_policies={"documents": policy},
        role_arn=ROLE,
    )


READ_ALL = {"Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}


@pytest.mark.parametrize(
    ("principal", "condition"),
    [
        ("*", {"ArnEquals": {"aws:PrincipalArn": ROLE}}),
        ({"AWS": "*"}, {"StringEquals": {"aws:PrincipalAccount": ACCT}}),
        ("*", None),
    ],
)
def test_grant_to_everyone_is_not_narrowed_by_the_session(principal: Any, condition: Any) -> None:
    statement = {"Effect": "Allow", "Principal": principal, **READ_ALL}
    if condition:
        statement["Condition"] = condition
    result = check(bucket_policy(statement))
    assert result.status == "violation"
    cx = result.violations[0]
    assert cx.tenant_a != cx.tenant_b
    assert any(ref.policy == "resource(documents)" for ref in cx.statements)


def test_grant_to_the_role_is_narrowed_by_the_session() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ROLE}, **READ_ALL}
    result = check(bucket_policy(statement))
    assert result.status == "proved", [v.describe() for v in result.violations]


@pytest.mark.parametrize(
    "principal",
    [f"arn:aws:sts::{ACCT}:assumed-role/tenant-role/*", f"arn:aws:iam::{ACCT}:role/tenant-*"],
)
def test_partial_wildcards_in_a_principal_match_nothing(principal: str) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, **READ_ALL}
    assert check(bucket_policy(statement)).status == "proved"


def test_grant_to_one_named_session_is_never_proved() -> None:
    named = f"arn:aws:sts::{ACCT}:assumed-role/tenant-role/acme"
    statement = {"Effect": "Allow", "Principal": {"AWS": named}, **READ_ALL}
    assert check(bucket_policy(statement)).status != "proved"


def test_account_root_only_delegates() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, **READ_ALL}
    assert check(bucket_policy(statement)).status == "proved"


def test_a_deny_to_everyone_in_the_bucket_policy_fences_a_broad_session() -> None:
    broad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}],
    }
    assert check(bucket_policy(), broad).status == "violation"
    fence = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "NotResource": f"{BUCKET}/${{aws:PrincipalTag/TenantId}}/*",
    }
    result = check(bucket_policy(fence), broad)
    assert result.status == "proved", [v.describe() for v in result.violations]


def _leaky_bundled(catalog_copy: Any) -> Any:
    policy = catalog_copy / "policy_templates_extra.json.j2"
    policy.write_text(
        """{"Version": "2012-10-17", "Statement": [{"Sid": "ReadForTheTierRoles",
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:{{ partition }}:s3:::{{ documents_bucket }}/*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": "{{ tier_roles.basic }}"}}}]}""",
        encoding="utf-8",
    )
    manifest = catalog_copy / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        'file = "resource/documents-bucket.json.j2"', 'file = "policy_templates_extra.json.j2"'
    )
    manifest.write_text(text, encoding="utf-8")
    return catalog_copy


def test_bundled_catalogue_with_its_resource_policies_is_proved() -> None:
    catalog = load_catalog()
    assert catalog.resources["documents"].policy == "documents-bucket-policy"
    assert catalog.resources["tenant_key"].policy == "tenant-key-policy"
    for tier in catalog.tiers:
        assert check_tier(catalog, tier).status == "proved"


def test_leaky_bucket_policy_in_a_catalogue_is_a_confirmed_violation(catalog_copy: Any) -> None:
    catalog = load_catalog(_leaky_bundled(catalog_copy))
    result = check_tier(catalog, "basic")
    assert result.status == "violation"
    cx = next(v for v in result.violations if v.kind == "cross-tenant")
    evaluator = effective_evaluator(catalog, "basic", cx.tenant_a)
    context = dict(cx.context)
    request = Request(cx.action, cx.resource, context)
    decision = evaluator.evaluate(as_tenant(request, cx.tenant_a, "basic"))
    assert decision.allowed, decision
    # standard's role is not named by the policy: its sessions gain nothing
    assert check_tier(catalog, "standard").status == "proved"
