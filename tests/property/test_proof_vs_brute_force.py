"""The proof against brute force on random policies: whenever the checker says
`proved`, no cross-tenant, key-less or escalation request that can exist is allowed
by the evaluator, for tenants drawn from a small language where prefixes of other
tenants' IDs are common (`a` and `a-b`, `ab` and `abc`).

The policies are drawn from a grammar of the constructs the proof reasons about:
wildcards, tenant slots in resources and condition values, NotResource, Deny
statements (fences and others), every operator form on the partition keys, `Null`,
`IfExists` and set prefixes. A `violation` must come with counterexamples the
evaluator allows (the checker confirms them itself); an `unknown` claims nothing.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import check_isolation
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T
from policy_engine.render import substitute
from policy_engine.tenancy import TenantIdLanguage, session_name

LANG = TenantIdLanguage.from_spec({"alphabet": ["a-c", "-"], "min_length": 1, "max_length": 4})
ACCT = "111122223333"
ROLE = "tenant-role"
BUCKET = "arn:aws:s3:::docs"
TABLE = f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/orders"
QUEUE = f"arn:aws:sqs:eu-west-1:{ACCT}:jobs-"
MODEL = [
    ResourceSpec(
        "documents",
        "s3",
        BUCKET,
        (
            Partition(arn=BUCKET + "/{tenant}/*"),
            Partition(condition_key="s3:prefix", value="{tenant}/*"),
        ),
    ),
    ResourceSpec(
        "orders",
        "dynamodb",
        TABLE,
        (Partition(condition_key="dynamodb:LeadingKeys", value="{tenant}"),),
    ),
    ResourceSpec("jobs", "sqs", QUEUE + "*", (Partition(arn=QUEUE + "{tenant}"),)),
]

ACTIONS = [
    "s3:GetObject",
    "s3:ListBucket",
    "s3:*",
    "s3:Get*",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:*",
    "sqs:SendMessage",
    "sqs:*",
    "sts:AssumeRole",
    "*",
]
RESOURCES = [
    BUCKET,
    f"{BUCKET}/*",
    f"{BUCKET}/{T}/*",
    f"{BUCKET}/{T}*",
    f"{BUCKET}/{T}?*",
    f"{BUCKET}/${{aws:PrincipalTag/TenantId}}/*",
    TABLE,
    f"{TABLE}/*",
    f"{TABLE}/index/*",
    f"{QUEUE}*",
    f"{QUEUE}{T}",
    f"{QUEUE}{T}*",
    "*",
]
VALUES = [f"{T}/*", f"{T}/", f"{T}*", "*", T, "", "a/*"]
OPERATORS = [
    "StringLike",
    "StringEquals",
    "StringNotLike",
    "StringNotEquals",
    "StringLikeIfExists",
    "ForAllValues:StringEquals",
    "ForAllValues:StringLike",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringNotEquals",
]
KEYS = ["s3:prefix", "dynamodb:LeadingKeys"]


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 2))):
        operator = draw(st.sampled_from([*OPERATORS, "Null"]))
        key = draw(st.sampled_from(KEYS))
        if operator == "Null":
            values: Any = draw(st.sampled_from(["true", "false", ["true", "false"]]))
        else:
            values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=2, unique=True))
        out.setdefault(operator, {})[key] = values
    return out


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    effect = draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"]))
    statement: dict[str, Any] = {
        "Effect": effect,
        "Action": draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True)),
    }
    resources = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True))
    if effect == "Deny" and draw(st.booleans()):
        statement["NotResource"] = resources
    else:
        statement["Resource"] = resources
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


policies = st.lists(statements(), min_size=1, max_size=4).map(
    lambda s: {"Version": "2012-10-17", "Statement": s}
)
tenants = st.text(alphabet="abc-", min_size=1, max_size=4)


def requests(a: str, b: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Requests that can exist and that tenant `a` must never be allowed."""
    out: list[tuple[str, str, dict[str, Any]]] = [
        ("s3:GetObject", f"{BUCKET}/{b}/x", {}),
        ("s3:GetObject", f"{BUCKET}/{b}/", {}),
        ("s3:ListBucket", BUCKET, {}),
        ("s3:ListBucket", BUCKET, {"s3:prefix": ""}),
        ("dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": [b]}),
        ("dynamodb:GetItem", TABLE, {"dynamodb:LeadingKeys": [a, b]}),
        ("dynamodb:Scan", TABLE, {}),
        ("dynamodb:Scan", f"{TABLE}/index/byDate", {}),
        ("dynamodb:Query", f"{TABLE}/index/byDate", {"dynamodb:LeadingKeys": [b]}),
        ("sqs:SendMessage", f"{QUEUE}{b}", {}),
        ("sts:AssumeRole", f"arn:aws:iam::{ACCT}:role/other", {}),
    ]
    for cut in range(len(b) + 1):
        out.append(("s3:ListBucket", BUCKET, {"s3:prefix": b[:cut]}))
    out.append(("s3:ListBucket", BUCKET, {"s3:prefix": f"{b}/"}))
    out.append(("s3:ListBucket", BUCKET, {"s3:prefix": f"{b}/x"}))
    return out


#: Proved policies are a fifth of the draws or so; each is brute-forced.
EXAMPLES = 150 if os.environ.get("CI") == "true" else 40


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(policy=policies, data=st.data())
def test_proved_means_no_request_gets_through(policy: dict[str, Any], data: st.DataObject) -> None:
    result = check_isolation(policy, [], MODEL, LANG, tier="t", account=ACCT, role_name=ROLE)
    if result.status != "proved":
        return
    pairs = data.draw(
        st.lists(
            st.tuples(tenants, tenants).filter(
                lambda p: p[0] != p[1] and LANG.is_valid(p[0]) and LANG.is_valid(p[1])
            ),
            min_size=1,
            max_size=6,
        )
    )
    allow_all = compile_policy(
        policy_from_obj(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
        name="role",
    )
    for a, b in pairs:
        session = compile_policy(
            policy_from_obj(substitute(policy, a)), name="session", kind="session"
        )
        evaluator = Evaluator((allow_all,), (session,))
        principal = f"arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{session_name(a, LANG)}"
        for action, resource, context in requests(a, b):
            context = {
                **context,
                "aws:PrincipalTag/TenantId": a,
                "aws:PrincipalTag/Tier": "t",
            }
            decision = evaluator.evaluate(Request(action, resource, context, principal=principal))
            assert not decision.allowed, (policy, a, b, action, resource, context, decision)
