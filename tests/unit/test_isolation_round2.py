"""Isolation proof, round 2: each class of false `proved` found by an independent
review, with a leaky twin (never `proved`) and a sound twin (`proved`).

Every violation is confirmed by the evaluator independently of the checker.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, JOBS, LANG, QUEUE, TABLE, orders
from _attack_helpers import DOCS as BUCKET
from _attack_helpers import DOCS_AND_LISTING as DOCS

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import TierResult, check_isolation, check_tier
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T
from policy_engine.render import substitute

PARAMS = f"arn:aws:ssm:eu-west-1:{ACCT}:parameter/saas/tenants"
SECRETS = f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:saas"
TAG = "${aws:PrincipalTag/TenantId}"

DOCS_ARN_ONLY = ResourceSpec("documents", "s3", BUCKET, (Partition(arn=BUCKET + "/{tenant}/*"),))
ORDERS = orders()
PARAM_TREE = ResourceSpec("params", "ssm", PARAMS, (Partition(arn=PARAMS + "/{tenant}/*"),))
SECRET_TREE = ResourceSpec(
    "secrets", "secretsmanager", SECRETS + "/*", (Partition(arn=SECRETS + "/{tenant}/*"),)
)
FENCE = {
    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
    "Null": {"dynamodb:LeadingKeys": "false"},
}


def stmt(action: Any, resource: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def check(
    *statements: dict[str, Any],
    model: list[ResourceSpec] | None = None,
    roles: list[dict[str, Any]] | None = None,
) -> TierResult:
    return check_isolation(
        doc(*statements), roles or [], model or [DOCS, ORDERS], LANG, tier="t", account=ACCT
    )


def confirmed(result: TierResult, session: dict[str, Any]) -> TierResult:
    """Each counterexample is allowed by the evaluator for tenant A (role: allow all)."""
    assert result.violations, result
    allow_all = compile_policy(policy_from_obj(doc(stmt("*", "*"))), name="r")
    for cx in result.violations:
        concrete = substitute(session, cx.tenant_a)
        evaluator = Evaluator(
            (allow_all,), (compile_policy(policy_from_obj(concrete), name="s", kind="session"),)
        )
        request = Request(cx.action, cx.resource, cx.context)
        assert evaluator.evaluate(request).allowed, cx.describe()
        if cx.tenant_b is not None:
            assert cx.tenant_a != cx.tenant_b
            assert LANG.is_valid(cx.tenant_b)
    return result


def describe(result: TierResult) -> list[str]:
    return [v.describe() for v in result.violations] + [u.describe() for u in result.unknown]


# -- class 2: policy variables hiding the tenant ------------------------------------------


def test_variable_default_holding_the_tenant_is_not_literal_text() -> None:
    # Before: split at the tenant marker first, `${aws:PrincipalTag/Team, '` was read as
    # literal text and the tier came out proved although the default is the tenant.
    leaky = check(stmt("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/Team, '{T}'}}*"))
    assert leaky.status == "unknown"
    assert "aws:PrincipalTag/Team" in leaky.unknown[0].construct


def test_tenant_tag_with_a_default_is_the_tenant() -> None:
    session = doc(stmt("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/TenantId, '{T}'}}*"))
    leaky = check(*session["Statement"])
    assert leaky.status == "violation"  # `acme*` also reaches `acme-corp/...`
    sound = check(stmt("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/TenantId, 'none'}}/*"))
    assert sound.status == "proved", describe(sound)


def test_variable_default_in_a_condition_value() -> None:
    value = f"${{aws:PrincipalTag/TenantId, '{T}'}}*"
    session = doc(stmt("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": [value]}}))
    confirmed(check(*session["Statement"]), session)
    foreign = check(
        stmt("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": [f"${{aws:userid, '{T}'}}/*"]}})
    )
    assert foreign.status == "unknown"


def test_tier_tag_is_the_tier_name() -> None:
    sound = check(stmt("s3:GetObject", f"{BUCKET}/{T}/${{aws:PrincipalTag/Tier}}/*"))
    assert sound.status == "proved", describe(sound)


# -- class 3: condition shortcuts ------------------------------------------------------------


@pytest.mark.parametrize("null", [["true", "false"], ["false", "true"], ["True", "false"]])
def test_null_with_several_values_is_ored(null: list[str]) -> None:
    condition = {
        "ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": [T]},
        "Null": {"dynamodb:LeadingKeys": null},
    }
    session = doc(stmt("dynamodb:GetItem", TABLE, condition))
    result = confirmed(check(*session["Statement"]), session)
    assert {v.kind for v in result.violations} == {"cross-tenant"}


def test_null_true_drops_the_shape() -> None:
    condition = {
        "ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": [T]},
        "Null": {"dynamodb:LeadingKeys": "true"},
    }
    assert check(stmt("dynamodb:GetItem", TABLE, condition)).status == "proved"


@pytest.mark.parametrize(
    "condition",
    [
        # several values: ORed, the second one opens everything
        {"StringLike": {"s3:prefix": [f"{T}/*", "*"]}},
        # negated operator alone: constrains nothing positively
        {"StringNotLike": {"s3:prefix": ["admin/*"]}},
        # IfExists: a present key must match; this one admits a prefix of B
        {"StringLikeIfExists": {"s3:prefix": [f"{T}*"]}},
        # two operators ANDed, the positive one open
        {"StringLike": {"s3:prefix": ["*"]}, "StringNotEquals": {"s3:prefix": [""]}},
    ],
)
def test_operator_forms_never_drop_a_reachable_shape(condition: dict[str, Any]) -> None:
    session = doc(stmt("s3:ListBucket", BUCKET, condition))
    confirmed(check(*session["Statement"]), session)


# -- class 4: witnesses solved jointly -------------------------------------------------------


def test_tenant_in_both_resource_and_condition_is_never_proved() -> None:
    # A bucket named after the tenant's prefix: `doc*` matches the bucket `docs` for
    # A = `doc`, and the prefix `doc*` lists `doc-a/...` of tenant B = `doc-a`.
    session = doc(
        stmt("s3:ListBucket", f"arn:aws:s3:::{T}*", {"StringLike": {"s3:prefix": f"{T}*"}})
    )
    result = check(*session["Statement"])
    assert result.status != "proved", describe(result)


# -- class 5: tiers sharing a role -----------------------------------------------------------


def _catalogue(root: Path, *, shared_role: bool) -> Path:
    root.mkdir()
    table = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
    templates = {
        "items": ("session", doc(stmt("dynamodb:GetItem", table, FENCE))),
        # relies on the role to refuse the Scan
        "scan": (
            "session",
            doc(stmt("dynamodb:GetItem", table, FENCE), stmt("dynamodb:Scan", table)),
        ),
        "role-items": ("identity", doc(stmt("dynamodb:GetItem", table))),
        "role-scan": ("identity", doc(stmt(["dynamodb:GetItem", "dynamodb:Scan"], table))),
    }
    for name, (_, body) in templates.items():
        text = json.dumps(body).replace(json.dumps(T)[1:-1], "{{ tenant }}")
        (root / f"{name}.json.j2").write_text(text, encoding="utf-8")
    basic_role = "arn:aws:iam::111122223333:role/tier-basic"
    manifest = {
        "schema_version": 1,
        "name": "shared-role",
        "tenant_id": {"alphabet": ["a-z", "0-9", "-"], "min_length": 3, "max_length": 32},
        "constants": {"partition": "aws", "account_id": "111122223333", "region": "eu-west-1"},
        "templates": {
            name: {"file": f"{name}.json.j2", "kind": kind} for name, (kind, _) in templates.items()
        },
        "tiers": {
            # basic's session may scan, but its own role may not: proved on its own
            "basic": {
                "role_arn": basic_role,
                "session_templates": ["scan"],
                "role_templates": ["role-items"],
                "resources": {"orders": "pooled"},
            },
            "ops": {
                "role_arn": basic_role if shared_role else "arn:aws:iam::111122223333:role/ops",
                "session_templates": ["items"],
                "role_templates": ["role-scan"],
                "resources": {"orders": "pooled"},
            },
        },
        "resources": {
            "orders": {
                "service": "dynamodb",
                "arn": table,
                "partitions": [{"condition_key": "dynamodb:LeadingKeys", "value": "{tenant}"}],
            }
        },
    }
    (root / "catalog.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_tiers_sharing_a_role_are_proved_against_the_union(tmp_path: Path) -> None:
    sound = load_catalog(_catalogue(tmp_path / "a", shared_role=False))
    assert check_tier(sound, "basic").status == "proved"
    shared = load_catalog(_catalogue(tmp_path / "b", shared_role=True))
    result = check_tier(shared, "basic")
    assert result.status == "violation"
    assert {v.action for v in result.violations} == {"dynamodb:scan"}
    assert any("tier ops" in ref.policy for v in result.violations for ref in v.statements)


# -- class 6: key-less requests on ARN-only resources ----------------------------------------


def test_bucket_with_only_object_partitions_is_checked_for_listing() -> None:
    session = doc(stmt(["s3:GetObject", "s3:ListBucket"], [BUCKET, f"{BUCKET}/{T}/*"]))
    result = confirmed(check(*session["Statement"], model=[DOCS_ARN_ONLY]), session)
    assert any(v.action == "s3:listbucket" and v.kind == "key-less" for v in result.violations)
    fenced = stmt("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": [f"{T}/", f"{T}/*"]}})
    sound = check(stmt("s3:GetObject", f"{BUCKET}/{T}/*"), fenced, model=[DOCS_ARN_ONLY])
    assert sound.status == "proved", describe(sound)


def test_parameter_tree_parent_path_is_every_tenant() -> None:
    session = doc(stmt("ssm:GetParametersByPath", [PARAMS, f"{PARAMS}/{T}/*"]))
    result = confirmed(check(*session["Statement"], model=[PARAM_TREE]), session)
    assert {v.resource for v in result.violations} == {PARAMS}
    sound = check(stmt("ssm:GetParametersByPath", f"{PARAMS}/{T}/*"), model=[PARAM_TREE])
    assert sound.status == "proved", describe(sound)


# -- class 7: grants the model did not cover -------------------------------------------------


def test_index_scan_reads_every_tenant() -> None:
    session = doc(stmt(["dynamodb:Query", "dynamodb:Scan"], f"{TABLE}/index/*"))
    result = confirmed(check(*session["Statement"]), session)
    assert any("/index/" in v.resource for v in result.violations)
    # The tenant's own leading key on an index is the tenant's own items only where the
    # index is keyed by the tenant: `index/*` names undeclared indexes (unknown), a
    # declared local index is proved.
    fenced = check(stmt("dynamodb:Query", [TABLE, f"{TABLE}/index/*"], FENCE))
    assert fenced.status == "unknown", describe(fenced)
    local = replace(ORDERS, indexes=(("by-date", "local"),))
    named = check(
        stmt("dynamodb:Query", [TABLE, f"{TABLE}/index/by-date"], FENCE), model=[DOCS, local]
    )
    assert named.status == "proved", describe(named)


def test_stream_of_a_pooled_table_is_every_tenant() -> None:
    session = doc(stmt(["dynamodb:GetRecords", "dynamodb:GetShardIterator"], f"{TABLE}/*"))
    result = confirmed(check(*session["Statement"]), session)
    assert any("/stream/" in v.resource for v in result.violations)


@pytest.mark.parametrize(
    "action", ["sts:AssumeRole", "sts:TagSession", "iam:PutRolePolicy", "iam:PassRole"]
)
def test_session_that_can_become_another_principal(action: str) -> None:
    session = doc(stmt(action, "*"))
    result = confirmed(check(*session["Statement"]), session)
    assert {v.kind for v in result.violations} == {"escalation"}


@pytest.mark.parametrize(
    "resource",
    [
        f"arn:aws:s3:eu-west-1:{ACCT}:accesspoint/docs-ap/object/*",
        "arn:aws:s3:::other-bucket/*",
        f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/other",
    ],
)
def test_grant_outside_the_model_is_unknown(resource: str) -> None:
    result = check(stmt(["s3:GetObject", "dynamodb:GetItem"], resource))
    assert result.status == "unknown"
    assert "unmodelled resource" in result.unknown[0].construct


def test_grant_outside_the_model_needs_the_role_too() -> None:
    outside = stmt("s3:GetObject", "arn:aws:s3:::other-bucket/*")
    role = doc(stmt("s3:GetObject", f"{BUCKET}/*"))
    assert check(outside, roles=[role]).status == "proved"


# -- precision: requests that cannot exist ---------------------------------------------------


def test_star_only_action_never_acts_on_a_secret_arn() -> None:
    sound = check(
        stmt("secretsmanager:BatchGetSecretValue", "*"),
        stmt("secretsmanager:GetSecretValue", f"{SECRETS}/{T}/*"),
        model=[SECRET_TREE],
    )
    assert sound.status == "proved", describe(sound)


def test_for_any_value_on_a_single_valued_key_has_one_value() -> None:
    # s3:prefix is single-valued: a request has one prefix, which must match.
    fenced = {"ForAnyValue:StringLike": {"s3:prefix": [f"{T}/", f"{T}/*"]}}
    sound = check(stmt("s3:ListBucket", BUCKET, fenced))
    assert sound.status == "proved", describe(sound)
    session = doc(stmt("s3:ListBucket", BUCKET, {"ForAnyValue:StringLike": {"s3:prefix": f"{T}*"}}))
    result = confirmed(check(*session["Statement"]), session)
    assert all(isinstance(v.context.get("s3:prefix", ""), str) for v in result.violations)


# -- Deny fences -----------------------------------------------------------------------------


def deny(action: Any, condition: dict[str, Any] | None = None, **where: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": "Deny", "Action": action, **where}
    if condition:
        s["Condition"] = condition
    return s


def test_not_resource_fence_is_proved_and_a_loose_one_is_not() -> None:
    open_queue = stmt("sqs:SendMessage", QUEUE + "*")
    tight = deny("sqs:*", NotResource=QUEUE + T)
    assert check(open_queue, tight, model=[JOBS]).status == "proved"
    session = doc(open_queue, deny("sqs:*", NotResource=QUEUE + T + "*"))
    confirmed(check(*session["Statement"], model=[JOBS]), session)


def test_resource_fence_without_the_tenant_removes_its_patterns() -> None:
    grant = stmt("dynamodb:Scan", [TABLE, f"{TABLE}/index/*"])
    fence = deny("dynamodb:*", Resource=[TABLE, f"{TABLE}/*"])
    assert check(grant, fence).status == "proved"


@pytest.mark.parametrize("operator", ["StringNotLike", "StringNotLikeIfExists"])
def test_string_not_like_fence_is_proved(operator: str) -> None:
    grant = stmt("s3:ListBucket", BUCKET)
    fence = deny("s3:ListBucket", {operator: {"s3:prefix": [f"{T}/", f"{T}/*"]}}, Resource=BUCKET)
    result = check(grant, fence)
    assert result.status == "proved", describe(result)


def test_leaky_or_partial_fences_are_never_proved() -> None:
    grant = stmt("s3:ListBucket", BUCKET)
    loose = deny("s3:ListBucket", {"StringNotLike": {"s3:prefix": [f"{T}*"]}}, Resource=BUCKET)
    session = doc(grant, loose)
    confirmed(check(*session["Statement"]), session)
    # A second condition lets the caller step around the fence: not modelled, so the
    # checker may not prove it (the evaluator finds the way around).
    dodged = deny(
        "s3:ListBucket",
        {
            "StringNotLike": {"s3:prefix": [f"{T}/*"]},
            "Bool": {"aws:SecureTransport": "true"},
        },
        Resource=BUCKET,
    )
    assert check(grant, dodged).status != "proved"
    # A fence on one action only does not cover the others.
    partial = deny("s3:ListBucket", {"StringNotLike": {"s3:prefix": [f"{T}/*"]}}, Resource=BUCKET)
    both = stmt(["s3:ListBucket", "s3:ListBucketVersions"], BUCKET)
    assert check(both, partial).status != "proved"


def test_for_any_value_not_equals_fence_on_leading_keys() -> None:
    grant = stmt(["dynamodb:GetItem", "dynamodb:Query"], TABLE)
    fence = deny(
        "dynamodb:*",
        {"ForAnyValue:StringNotEquals": {"dynamodb:LeadingKeys": [T]}},
        Resource=TABLE,
    )
    result = check(grant, fence)
    assert result.status == "proved", describe(result)
