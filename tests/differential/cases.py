"""Hypothesis strategies for evaluator cases across the IAM grammar.

Values come from small pools so that patterns, variables and request values collide
often (a random grammar with large alphabets would almost always implicitly deny).
Every request is one the oracle accepts: a real action with a resource of its type.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/tenant-role"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/acme-session"
OTHER_ACCOUNT = "444455556666"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
FEDERATED_ARN = f"arn:aws:sts::{ACCOUNT}:federated-user/fed-carol"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
PARTNER_ARN = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/partner-role/job"
# Callers of every kind; the session of the tenant role is drawn most often.
CALLERS = [
    SESSION_ARN,
    SESSION_ARN,
    SESSION_ARN,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/globex-session",
    USER_ARN,
    FEDERATED_ARN,
    ROOT_ARN,
    "s3.amazonaws.com",
    PARTNER_ARN,
    PARTNER_ARN,
]
# Principal elements of resource policies: every kind, and partial wildcards that
# name nobody. (The federated user's name matches no IAM user here: a grant to the
# IAM user who federated is not modelled.)
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": SESSION_ARN},
    {"AWS": ROLE_ARN},
    {"AWS": ACCOUNT},
    {"AWS": ROOT_ARN},
    {"AWS": USER_ARN},
    {"AWS": FEDERATED_ARN},
    {"AWS": OTHER_ACCOUNT},
    {"AWS": PARTNER_ARN},
    {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:role/partner-role"},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:role/tenant-*"},
    {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/*"},
    {"AWS": [SESSION_ARN, ROLE_ARN, ACCOUNT]},
    {"AWS": [USER_ARN, ROOT_ARN]},
    {"AWS": [PARTNER_ARN, OTHER_ACCOUNT]},
    {"Service": "s3.amazonaws.com"},
]
TENANTS = ["acme", "acme-corp", "globex"]
REGION = "eu-west-1"

# (action, resource template, service keys the request may carry)
REQUESTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("s3:GetObject", "arn:aws:s3:::{bucket}/{tenant}/{obj}", ()),
    ("s3:PutObject", "arn:aws:s3:::{bucket}/{tenant}/{obj}", ()),
    ("s3:ListBucket", "arn:aws:s3:::{bucket}", ("s3:prefix", "s3:max-keys")),
    (
        "dynamodb:GetItem",
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{table}}",
        ("dynamodb:LeadingKeys",),
    ),
    (
        "dynamodb:Query",
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{table}}",
        ("dynamodb:LeadingKeys",),
    ),
    ("dynamodb:Scan", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{table}}", ()),
    ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs-{{tenant}}", ()),
    (
        "secretsmanager:GetSecretValue",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:tenants/{{tenant}}/db-AbCdEf",
        (),
    ),
]

ACTION_PATTERNS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:*",
    "s3:Get*",
    "s3:?etObject",
    "S3:getobject",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:*",
    "dynamodb:*Item",
    "sqs:SendMessage",
    "sqs:*",
    "secretsmanager:GetSecretValue",
    "secretsmanager:Get*",
    "*",
    "iam:PassRole",
]

RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::docs/*",
    "arn:aws:s3:::docs/acme*",
    "arn:aws:s3:::docs/acme/*",
    "arn:aws:s3:::docs/acme-corp/*",
    "arn:aws:s3:::*/acme/*",
    "arn:aws:s3:::docs",
    "arn:aws:s3:::logs",
    "arn:aws:s3:::docs/a?me/*",
    "arn:aws:s3:::docs/${aws:PrincipalTag/TenantId}/*",
    "arn:aws:s3:::docs/${aws:PrincipalTag/Missing, 'acme'}/*",
    "arn:aws:s3:::docs/${aws:PrincipalTag/Missing}/*",
    "arn:aws:s3:::docs/${*}",
    "arn:aws:dynamodb:*:*:table/orders",
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*",
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders",
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/audit",
    f"arn:aws:dynamodb:eu-*:{ACCOUNT}:table/orders",
    f"arn:aws:sqs:*:{ACCOUNT}:jobs-*",
    f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs-acme",
    f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs-${{aws:PrincipalTag/TenantId}}",
    f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:tenants/acme/*",
    f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:tenants/*",
    "arn:aws:secretsmanager:*:*:secret:tenants/${aws:PrincipalTag/TenantId}/*",
]

# key -> (type, request values). Types: str, arn, num, date, bool, ip, multi.
KEYS: dict[str, tuple[str, list[Any]]] = {
    "aws:PrincipalTag/TenantId": ("str", TENANTS),
    "aws:PrincipalTag/Tier": ("str", ["basic", "premium", "Basic"]),
    "aws:SourceIp": ("ip", ["10.0.0.5", "192.168.1.1", "2001:db8::1"]),
    "aws:CurrentTime": ("date", ["2026-01-01T00:00:00Z", "2025-06-01T12:00:00Z"]),
    "aws:EpochTime": ("date", ["1767225600", "1700000000"]),
    "aws:SecureTransport": ("bool", ["true", "false"]),
    "aws:MultiFactorAuthAge": ("num", ["30", "3600"]),
    "aws:TagKeys": ("multi", ["team", "env", "cost"]),
    "aws:PrincipalArn": ("arn", [ROLE_ARN, f"arn:aws:iam::{ACCOUNT}:role/other"]),
    "s3:prefix": ("str", ["acme/", "acme/x", "acme-corp/", "", "globex/y"]),
    "s3:max-keys": ("num", ["10", "1000"]),
    "dynamodb:LeadingKeys": ("multi", TENANTS),
}

STRING_OPS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
]
ARN_OPS = ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"]
NUM_OPS = [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
]
DATE_OPS = [op.replace("Numeric", "Date") for op in NUM_OPS]

POLICY_VALUES: dict[str, list[Any]] = {
    "str": [
        *TENANTS,
        "acme*",
        "a?me",
        "ACME",
        "*",
        "${aws:PrincipalTag/TenantId}",
        "${aws:PrincipalTag/Missing, 'acme'}",
        "acme/*",
        "acme/",
        "basic",
    ],
    "multi": [*TENANTS, "team", "env", "t*", "${aws:PrincipalTag/TenantId}"],
    "arn": [
        ROLE_ARN,
        f"arn:aws:iam::{ACCOUNT}:role/*",
        "arn:aws:iam::*:role/tenant-role",
        f"arn:aws:iam::{ACCOUNT}:role/tenant-?ole",
    ],
    "num": ["30", "60", "3600", 10, 1000],
    "date": ["2025-12-31T00:00:00Z", "2026-01-01T00:00:00Z", "2025-01-01", 1767225600],
    "bool": ["true", "false", True, False],
    "ip": ["10.0.0.0/8", "192.168.0.0/16", "10.0.0.5/32", "2001:db8::/32"],
}


@st.composite
def conditions(draw: st.DrawFn, service_keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2]))):
        key = draw(
            st.sampled_from(
                sorted(set(KEYS) - {"s3:prefix", "s3:max-keys", "dynamodb:LeadingKeys"})
                + list(service_keys)
            )
        )
        kind = KEYS[key][0]
        if draw(st.integers(0, 9)) == 0:
            block.setdefault("Null", {})[key] = draw(st.sampled_from(["true", "false", True]))
            continue
        if kind in ("str", "multi"):
            op = draw(st.sampled_from(STRING_OPS))
        elif kind == "arn":
            op = draw(st.sampled_from([*ARN_OPS, "StringEquals", "StringLike"]))
        elif kind == "num":
            op = draw(st.sampled_from(NUM_OPS))
        elif kind == "date":
            op = draw(st.sampled_from(DATE_OPS))
        elif kind == "bool":
            op = "Bool"
        else:
            op = draw(st.sampled_from(["IpAddress", "NotIpAddress"]))
        if draw(st.booleans()) and draw(st.booleans()):
            op += "IfExists"
        if kind == "multi" and draw(st.integers(0, 4)) > 0:
            op = draw(st.sampled_from(["ForAllValues:", "ForAnyValue:"])) + op
        values = draw(
            st.lists(st.sampled_from(POLICY_VALUES[kind]), min_size=1, max_size=3, unique_by=str)
        )
        block.setdefault(op, {})[key] = (
            values[0] if len(values) == 1 and draw(st.booleans()) else values
        )
    return block


def _related(patterns: list[str], service: str) -> list[str]:
    """Patterns that name ``service`` (or every service): drawn half of the time, so
    that statements often concern the request at hand."""
    out = [
        p
        for p in patterns
        if p == "*" or f":{service}:" in p or p.lower().startswith(f"{service}:")
    ]
    return out or patterns


@st.composite
def statements(draw: st.DrawFn, *, service_keys: tuple[str, ...], service: str) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow"] * 4 + ["Deny"]))}
    action_pool = draw(st.sampled_from([ACTION_PATTERNS, _related(ACTION_PATTERNS, service)]))
    resource_pool = draw(st.sampled_from([RESOURCE_PATTERNS, _related(RESOURCE_PATTERNS, service)]))
    actions = draw(st.lists(st.sampled_from(action_pool), min_size=1, max_size=3, unique=True))
    stmt["NotAction" if draw(st.integers(0, 7)) == 0 else "Action"] = (
        actions[0] if len(actions) == 1 and draw(st.booleans()) else actions
    )
    resources = draw(st.lists(st.sampled_from(resource_pool), min_size=1, max_size=3, unique=True))
    stmt["NotResource" if draw(st.integers(0, 7)) == 0 else "Resource"] = (
        resources[0] if len(resources) == 1 and draw(st.booleans()) else resources
    )
    cond = draw(conditions(service_keys))
    if cond:
        stmt["Condition"] = cond
    return stmt


@st.composite
def resource_policies(
    draw: st.DrawFn, *, service_keys: tuple[str, ...], service: str
) -> dict[str, Any]:
    """A resource-based policy: statements with a Principal, or a Deny with NotPrincipal."""
    stmts = draw(
        st.lists(statements(service_keys=service_keys, service=service), min_size=1, max_size=3)
    )
    for stmt in stmts:
        principal = draw(st.sampled_from(PRINCIPALS))
        if stmt["Effect"] == "Deny" and draw(st.booleans()):
            stmt["NotPrincipal"] = principal if principal != "*" else {"AWS": "*"}
        else:
            stmt["Principal"] = principal
    version = draw(st.sampled_from(["2012-10-17"] * 9 + ["2008-10-17"]))
    return {"Version": version, "Statement": stmts}


@st.composite
def policies(draw: st.DrawFn, *, service_keys: tuple[str, ...], service: str) -> dict[str, Any]:
    version = draw(st.sampled_from(["2012-10-17"] * 9 + ["2008-10-17"]))
    stmts = draw(
        st.lists(statements(service_keys=service_keys, service=service), min_size=1, max_size=3)
    )
    return {"Version": version, "Statement": stmts}


@st.composite
def iam_cases(draw: st.DrawFn) -> dict[str, Any]:
    action, template, service_keys = draw(st.sampled_from(REQUESTS))
    resource = template.format(
        bucket=draw(st.sampled_from(["docs", "logs"])),
        tenant=draw(st.sampled_from(TENANTS)),
        obj=draw(st.sampled_from(["a.txt", "b/c.txt"])),
        table=draw(st.sampled_from(["orders", "audit"])),
    )
    context: dict[str, Any] = {}
    for key in draw(
        st.lists(
            st.sampled_from(
                sorted(set(KEYS) - {"s3:prefix", "s3:max-keys", "dynamodb:LeadingKeys"})
                + list(service_keys)
            ),
            max_size=7,
            unique=True,
        )
    ):
        kind, pool = KEYS[key]
        if kind == "multi":
            context[key] = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
        else:
            context[key] = draw(st.sampled_from(pool))
    service = action.partition(":")[0]
    policy = policies(service_keys=service_keys, service=service)
    principal = draw(st.sampled_from(CALLERS))
    kind = (
        "service"
        if principal.endswith(".amazonaws.com")
        else "root"
        if principal.endswith(":root")
        else "user"
        if ":user/" in principal
        else "session"
    )
    has_identity = kind not in ("root", "service")
    identity = draw(st.lists(policy, min_size=1, max_size=2)) if has_identity else []
    session = draw(st.sampled_from([None, None, "yes"])) if kind == "session" else None
    boundary = draw(st.sampled_from([[], [], [], "yes"])) if has_identity else []
    session = draw(policy) if session else None
    boundary = [draw(policy)] if boundary else []
    resource_policy = (
        draw(resource_policies(service_keys=service_keys, service=service))
        if draw(st.integers(0, 9)) < (9 if not has_identity else 5)
        else None
    )
    # The resource's account: from its ARN where it has one (S3 ARNs have none).
    arn_account = resource.split(":")[4]
    resource_account = arn_account or draw(st.sampled_from([ACCOUNT, ACCOUNT, OTHER_ACCOUNT]))
    return {
        "identity": identity,
        "session": session,
        "boundary": boundary,
        "resource": resource_policy,
        "action": action,
        "resource_arn": resource,
        "resource_account": resource_account,
        "principal": principal,
        "context": context,
    }
