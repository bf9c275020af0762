"""The set-up the attack reviews of the isolation proof share (test_attack_findings
to _5b): the tenant-ID language, the account and tier role, policy documents, the
resources they attack, the project's evaluator as a witness independent of the
checker, and the checker run as vending would run it. The other isolation tests
(test_isolation*) take their language, account and resources from here too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy_engine.catalog import Partition, ResourceSpec
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import TierResult, check_isolation
from policy_engine.model import policy_from_obj
from policy_engine.render import substitute
from policy_engine.tenancy import TenantIdLanguage, session_name

LANG = TenantIdLanguage.from_spec(
    {
        "alphabet": ["a-z", "0-9", "-"],
        "min_length": 3,
        "max_length": 32,
        "pattern": "[a-z0-9]+(-[a-z0-9]+)*",
    }
)
ACCT = "111122223333"
REGION = "eu-west-1"
ROLE_NAME = "tenant-role"
ROLE = f"arn:aws:iam::{ACCT}:role/{ROLE_NAME}"

#: A pooled bucket, a prefix per tenant.
DOCS = "arn:aws:s3:::docs"
DOCS_OBJECTS = ResourceSpec("documents", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"),))
#: The pooled bucket with its listing partitioned too (``s3:prefix``).
DOCS_AND_LISTING = ResourceSpec(
    "documents",
    "s3",
    DOCS,
    (
        Partition(arn=DOCS + "/{tenant}/*"),
        Partition(condition_key="s3:prefix", value="{tenant}/*"),
    ),
)
#: A queue per tenant (`jobs-acme`).
QUEUE = f"arn:aws:sqs:{REGION}:{ACCT}:jobs-"
JOBS = ResourceSpec("jobs", "sqs", QUEUE + "*", (Partition(arn=QUEUE + "{tenant}"),))
#: A bucket per tenant (`docs-acme`).
TENANT_BUCKETS = "arn:aws:s3:::docs-"
PER_TENANT = ResourceSpec(
    "tenant-buckets", "s3", TENANT_BUCKETS + "*", (Partition(arn=TENANT_BUCKETS + "{tenant}"),)
)
#: A pooled table, partitioned by the tenant's leading key.
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCT}:table/orders"
LEADING = Partition(condition_key="dynamodb:LeadingKeys", value="{tenant}")


def orders(**kw: Any) -> ResourceSpec:
    """The pooled table `orders` (``kw``: its index and key-type declarations)."""
    return ResourceSpec("orders", "dynamodb", TABLE, (LEADING,), **kw)


def stmt(
    action: Any, resource: Any, condition: dict[str, Any] | None = None, effect: str = "Allow"
) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    """A policy document (``version=None``: without ``Version``)."""
    out: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        out["Version"] = version
    return out


def allowed(
    session: dict[str, Any],
    tenant: str,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    roles: Sequence[dict[str, Any]] = (),
    resource_policies: Sequence[dict[str, Any]] = (),
    tier: str = "t",
    language: TenantIdLanguage = LANG,
) -> bool:
    """The project's evaluator, independent of the checker: the role policies
    (allow-all when none), the session policy rendered for ``tenant``, the resource
    policies; the request made by ``tenant``'s session (its ARN, named in ``language``,
    as principal) with the session tags and principal keys every request of that
    session carries."""
    allow_all = compile_policy(policy_from_obj(doc(stmt("*", "*"))), name="r")
    identity = tuple(
        compile_policy(policy_from_obj(r), name=f"r{i}") for i, r in enumerate(roles)
    ) or (allow_all,)
    evaluator = Evaluator(
        identity,
        (compile_policy(policy_from_obj(substitute(session, tenant)), name="s", kind="session"),),
        resource=tuple(
            compile_policy(policy_from_obj(p), name=f"rp{i}", kind="resource")
            for i, p in enumerate(resource_policies)
        ),
    )
    ctx = dict(context or {})
    ctx["aws:PrincipalTag/TenantId"] = tenant
    ctx["aws:PrincipalTag/Tier"] = tier
    ctx["aws:PrincipalArn"] = ROLE
    ctx["aws:PrincipalAccount"] = ACCT
    principal = f"arn:aws:sts::{ACCT}:assumed-role/{ROLE_NAME}/{session_name(tenant, language)}"
    return evaluator.evaluate(Request(action, resource, ctx, principal=principal)).allowed


def check(
    session: dict[str, Any],
    model: list[ResourceSpec],
    *,
    roles: Sequence[dict[str, Any]] = (),
    tier: str = "t",
    language: TenantIdLanguage = LANG,
    resource_policies: dict[str, dict[str, Any]] | None = None,
    trust: dict[str, dict[str, Any]] | None = None,
    vendors: tuple[str, ...] = (),
) -> TierResult:
    """The checker on tier ``tier`` of role ``ROLE`` in account ``ACCT``; ``vendors``
    are the role ARNs that vend its sessions (the catalogue's ``vendor_roles``)."""
    return check_isolation(
        session,
        list(roles),
        model,
        language,
        tier=tier,
        account=ACCT,
        role_name=ROLE_NAME,
        role_arn=ROLE,
        resource_policies=resource_policies,
        trust_policies=trust,
        vendors=vendors,
    )


def shown(result: TierResult) -> list[str]:
    return [v.describe() for v in result.violations] + [u.describe() for u in result.unknown]


def said(result: TierResult) -> str:
    return "\n".join(shown(result))
