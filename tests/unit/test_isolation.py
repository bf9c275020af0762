"""The isolation checker must catch each known trap with a confirmed counterexample."""

from __future__ import annotations

from typing import Any

import pytest
from _attack_helpers import ACCT, JOBS, LANG, QUEUE, TABLE, orders
from _attack_helpers import DOCS as BUCKET
from _attack_helpers import DOCS_AND_LISTING as DOCS

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import TierResult, check_isolation
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T
from policy_engine.render import substitute
from policy_engine.tenancy import TenantIdLanguage

MIXED = TenantIdLanguage.from_spec({"alphabet": ["a-z", "A-Z"], "min_length": 3, "max_length": 8})

ORDERS = orders()
TAGGED = ResourceSpec(
    "tagged",
    "dynamodb",
    f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/*",
    (Partition(condition_key="aws:ResourceTag/TenantId", value="{tenant}"),),
)
MODEL = [DOCS, ORDERS, JOBS]


def stmt(action: Any, resource: Any, condition: dict[str, Any] | None = None, **kw: Any) -> Any:
    s: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    s.update(kw)
    return s


def session(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


SAFE = [
    stmt(["s3:GetObject", "s3:PutObject"], f"{BUCKET}/{T}/*"),
    stmt("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": [f"{T}/", f"{T}/*"]}}),
    stmt(
        ["dynamodb:GetItem", "dynamodb:Query"],
        TABLE,
        {
            "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
            "Null": {"dynamodb:LeadingKeys": "false"},
        },
    ),
    stmt("sqs:SendMessage", QUEUE + T),
]


def check(
    *statements: Any,
    roles: list[Any] | None = None,
    model: list[ResourceSpec] = MODEL,
    language: TenantIdLanguage = LANG,
) -> TierResult:
    return check_isolation(session(*statements), roles or [], model, language, tier="t")


def confirm(result: TierResult, doc: dict[str, Any]) -> None:
    """Every counterexample is allowed by the evaluator, independently of the checker."""
    assert result.violations
    for cx in result.violations:
        evaluator = Evaluator(
            (compile_policy(policy_from_obj(session(stmt("*", "*"))), name="r"),),
            (
                compile_policy(
                    policy_from_obj(substitute(doc, cx.tenant_a)), name="s", kind="session"
                ),
            ),
        )
        assert evaluator.evaluate(Request(cx.action, cx.resource, cx.context)).allowed, cx
        if cx.tenant_b is not None:
            assert cx.tenant_a != cx.tenant_b
            assert LANG.is_valid(cx.tenant_b) or MIXED.is_valid(cx.tenant_b)


def test_safe_policy_is_proved() -> None:
    result = check(*SAFE)
    assert result.status == "proved", [v.describe() for v in result.violations] + [
        u.describe() for u in result.unknown
    ]
    # documents 3, orders 2 + 2 on its indexes + 1 on its streams, jobs 1, tier roles 1
    # + the table's backups, exports and imports (3); and one coverage check of the grants
    # + the queues' names that are no tenant's partition (1) + the table's indexes the
    # model does not declare (1)
    assert result.checks == 16


def test_prefix_collision_star() -> None:
    doc = session(stmt("s3:GetObject", f"{BUCKET}/{T}*"))
    result = check(*doc["Statement"])
    assert result.status == "violation"
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_b.startswith(cx.tenant_a)
    assert cx.resource.startswith(f"{BUCKET}/{cx.tenant_b}/")
    confirm(result, doc)


def test_prefix_collision_hyphen_star() -> None:
    doc = session(stmt("sqs:SendMessage", QUEUE + T + "-*"))
    result = check(*doc["Statement"])
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_b.startswith(cx.tenant_a + "-")
    assert cx.resource == QUEUE + cx.tenant_b
    confirm(result, doc)


def test_question_mark_wildcard() -> None:
    doc = session(stmt("sqs:SendMessage", QUEUE + T + "?"))
    result = check(*doc["Statement"])
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert len(cx.tenant_b) == len(cx.tenant_a) + 1
    confirm(result, doc)


def test_star_ending_a_segment_crosses_colons() -> None:
    doc = session(stmt("sqs:SendMessage", "arn:aws:sqs:*"))
    result = check(*doc["Statement"])
    cx = result.violations[0]
    assert cx.resource.startswith(QUEUE)
    confirm(result, doc)


@pytest.mark.parametrize("action", ["dynamodb:Scan", "dynamodb:*"])
def test_scan_or_service_wildcard_beside_leading_keys(action: str) -> None:
    doc = session(
        stmt(
            [action, "dynamodb:GetItem"],
            TABLE,
            {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]}},
        )
    )
    result = check(*doc["Statement"])
    keyless = [v for v in result.violations if v.kind == "key-less"]
    assert keyless
    assert "dynamodb:LeadingKeys" not in keyless[0].context
    confirm(result, doc)


def test_for_any_value_on_tenant_key() -> None:
    doc = session(
        stmt(
            "dynamodb:Query",
            TABLE,
            {
                "ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": [T]},
                "Null": {"dynamodb:LeadingKeys": "false"},
            },
        )
    )
    result = check(*doc["Statement"])
    cx = next(v for v in result.violations if v.kind == "cross-tenant")
    keys = cx.context["dynamodb:LeadingKeys"]
    assert cx.tenant_a in keys
    assert cx.tenant_b in keys
    confirm(result, doc)


def test_if_exists_on_tenant_key() -> None:
    doc = session(
        stmt("s3:ListBucket", BUCKET, {"StringLikeIfExists": {"s3:prefix": [f"{T}/", f"{T}/*"]}})
    )
    result = check(*doc["Statement"])
    cx = next(v for v in result.violations if v.kind == "key-less")
    assert "s3:prefix" not in cx.context
    confirm(result, doc)


def test_for_all_values_fails_open_without_null_guard() -> None:
    fence = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]}}
    # The DynamoDB guide's form: item actions always carry leading keys, so no request
    # of theirs can lack the key and the missing Null guard opens nothing.
    assert check(stmt(["dynamodb:GetItem", "dynamodb:Query"], TABLE, fence)).status == "proved"
    doc = session(stmt(["dynamodb:GetItem", "dynamodb:Scan"], TABLE, fence))
    result = check(*doc["Statement"])
    assert {v.kind for v in result.violations} == {"key-less"}
    assert {v.action for v in result.violations} == {"dynamodb:scan"}
    confirm(result, doc)


@pytest.mark.parametrize("condition", [None, {"StringLike": {"s3:prefix": "*"}}])
def test_list_bucket_without_or_with_open_prefix(condition: Any) -> None:
    doc = session(stmt("s3:ListBucket", BUCKET, condition))
    result = check(*doc["Statement"])
    kinds = {v.kind for v in result.violations}
    assert kinds == {"cross-tenant", "key-less"}
    confirm(result, doc)


def test_allow_with_not_resource() -> None:
    doc = session(
        {
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "NotResource": "arn:aws:sqs:eu-west-1:111122223333:admin",
        }
    )
    result = check(*doc["Statement"])
    assert result.violations[0].resource.startswith(QUEUE)
    confirm(result, doc)


def test_allow_with_not_action() -> None:
    doc = session({"Effect": "Allow", "NotAction": "iam:*", "Resource": f"{BUCKET}/*"})
    result = check(*doc["Statement"])
    assert any(v.resource_name == "documents" for v in result.violations)
    confirm(result, doc)


def test_ignore_case_where_the_language_has_both_cases() -> None:
    model = [
        ResourceSpec(
            "orders",
            "dynamodb",
            TABLE,
            (Partition(condition_key="dynamodb:LeadingKeys", value="{tenant}"),),
        )
    ]
    doc = session(
        stmt(
            "dynamodb:Query",
            TABLE,
            {
                "ForAllValues:StringEqualsIgnoreCase": {"dynamodb:LeadingKeys": [T]},
                "Null": {"dynamodb:LeadingKeys": "false"},
            },
        )
    )
    result = check(*doc["Statement"], model=model, language=MIXED)
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_b.lower() == cx.tenant_a.lower()
    assert cx.tenant_b != cx.tenant_a
    confirm(result, doc)
    # Where the language has one case only, the same policy is proved.
    assert check(*doc["Statement"], model=model).status == "proved"


def test_abac_tag_that_can_be_missing() -> None:
    role = session(
        stmt(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/*",
            {"StringEqualsIfExists": {"aws:ResourceTag/TenantId": "${aws:PrincipalTag/TenantId}"}},
        )
    )
    result = check(stmt("dynamodb:GetItem", "*"), roles=[role], model=[TAGGED])
    cx = next(v for v in result.violations if v.kind == "key-less")
    assert "aws:ResourceTag/TenantId" not in cx.context
    strict = session(
        stmt(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/*",
            {"StringEquals": {"aws:ResourceTag/TenantId": "${aws:PrincipalTag/TenantId}"}},
        )
    )
    assert check(stmt("dynamodb:GetItem", "*"), roles=[strict], model=[TAGGED]).status == "proved"


def test_abac_role_with_tag_in_resource_is_proved() -> None:
    role = session(stmt("s3:GetObject", f"{BUCKET}/${{aws:PrincipalTag/TenantId}}/*"))
    result = check(stmt("s3:GetObject", f"{BUCKET}/*"), roles=[role])
    assert result.status == "proved"


def test_unsupported_variable_is_unknown_not_proved() -> None:
    result = check(stmt("s3:GetObject", f"{BUCKET}/${{aws:username}}/*"))
    assert result.status == "unknown"
    assert "${aws:username}" in result.unknown[0].construct


def test_tenant_twice_in_one_string_is_unknown() -> None:
    result = check(stmt("s3:GetObject", f"{BUCKET}/x{T}/{T}/*"))
    assert result.status == "unknown"


def test_tenant_twice_after_the_partition_prefix_is_proved() -> None:
    # The first slot stands where the partition's does, between `/` and `/`: any
    # string both match holds one tenant ID there, so A cannot differ from B.
    result = check(stmt("s3:GetObject", f"{BUCKET}/{T}/{T}/*"))
    assert result.status == "proved"


def test_aligned_slots_still_leak_when_the_slot_is_not_closed() -> None:
    result = check(stmt("s3:GetObject", f"{BUCKET}/{T}*"))
    assert result.status == "violation"


def test_deny_removes_the_violation() -> None:
    leaky = stmt("sqs:SendMessage", QUEUE + "*")
    fence = {"Effect": "Deny", "Action": "sqs:*", "NotResource": QUEUE + T}
    result = check(leaky, fence)
    # The NotResource fence keeps only the tenant's own queue: the search models it.
    assert result.status == "proved"
    assert not result.violations
