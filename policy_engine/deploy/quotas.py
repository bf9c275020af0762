"""The AWS quotas the deploy writers use: one table, each entry with its source.

``verified`` says whether the value was checked against the cited page when this
table was last edited (an excerpt of the page showed the number); entries that are
not verified come from ``AWS-FACTS.md`` in the project notes and say so. Quotas
change: check the Service Quotas console of your account before relying on one.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Quota:
    key: str
    name: str
    default: float
    unit: str
    scope: str
    adjustable: bool | None
    source: str
    verified: bool
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "default": self.default,
            "unit": self.unit,
            "scope": self.scope,
            "adjustable": self.adjustable,
            "source": self.source,
            "verified": self.verified,
            "note": self.note,
        }


_IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
_APIGW = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
_APIGW_REST = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
    "api-gateway-execution-service-limits-table.html"
)
_LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
_LAMBDA_RESERVED = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
_DDB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
_DDB_BP = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-table-design.html"
_S3 = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html"
_STS_API = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"

_TABLE = (
    Quota(
        "iam.roles",
        "IAM roles per account",
        1000,
        "roles",
        "account",
        True,
        _IAM_QUOTAS,
        False,
        "AWS-FACTS.md: 1,000 by default, raisable",
    ),
    Quota(
        "iam.role_inline_policy_chars",
        "inline policies per role, total",
        10240,
        "characters (no whitespace)",
        "role",
        False,
        _IAM_QUOTAS,
        False,
        "AWS-FACTS.md (policy size quotas)",
    ),
    Quota(
        "iam.managed_policy_chars",
        "managed policy size",
        6144,
        "characters (no whitespace)",
        "policy",
        False,
        _IAM_QUOTAS,
        False,
        "AWS-FACTS.md (policy size quotas)",
    ),
    Quota(
        "iam.trust_policy_chars",
        "role trust policy size",
        2048,
        "characters (no whitespace)",
        "role",
        True,
        _IAM_QUOTAS,
        False,
        "AWS-FACTS.md: 2,048 by default, 4,096 at most",
    ),
    Quota(
        "apigw.api_keys",
        "API keys per account per Region",
        10000,
        "keys",
        "region",
        False,
        _APIGW_REST,
        True,
        "cannot be increased",
    ),
    Quota(
        "apigw.usage_plans_per_key",
        "usage plans per API key",
        10,
        "plans",
        "key",
        True,
        _APIGW,
        False,
        "AWS-FACTS.md; quoted from the quotas page in AWS re:Post answers",
    ),
    Quota(
        "apigw.usage_plans",
        "usage plans per account per Region",
        300,
        "plans",
        "region",
        True,
        _APIGW,
        False,
        "not found in the page excerpts read; check the Service Quotas console",
    ),
    Quota(
        "apigw.throttle_rps",
        "API Gateway throttle per account per Region",
        10000,
        "requests per second",
        "region",
        True,
        _APIGW,
        True,
        "2,500 in some newer Regions; shared by every API of the account in the Region",
    ),
    Quota(
        "apigw.throttle_burst",
        "API Gateway burst per account per Region",
        5000,
        "requests",
        "region",
        False,
        _APIGW,
        True,
        "set by AWS from the RPS quota; 1,250 in some Regions",
    ),
    Quota(
        "lambda.concurrency",
        "Lambda concurrent executions per Region",
        1000,
        "executions",
        "region",
        True,
        _LAMBDA,
        True,
        "new accounts start lower; AWS raises it with use",
    ),
    Quota(
        "lambda.unreserved_minimum",
        "unreserved concurrency Lambda keeps",
        100,
        "executions",
        "region",
        False,
        _LAMBDA_RESERVED,
        False,
        "reservations may take all but 100 of the account's concurrency (configuration page, "
        "as quoted in AWS re:Post answers)",
    ),
    Quota(
        "dynamodb.tables",
        "DynamoDB tables per account per Region",
        2500,
        "tables",
        "region",
        True,
        _DDB,
        False,
        "AWS-FACTS.md: 2,500 by default; the table-design guide says no more than 10,000 "
        f"tables per account even on request ({_DDB_BP})",
    ),
    Quota(
        "s3.buckets",
        "S3 general purpose buckets per account",
        10000,
        "buckets",
        "account",
        True,
        _S3,
        True,
        "",
    ),
    Quota(
        "sts.assume_role_rate",
        "STS AssumeRole request rate",
        0,
        "requests per second",
        "account",
        None,
        _STS_API,
        False,
        "no fixed rate is published; STS throttles per account (`Throttling: Rate exceeded`), "
        "shared by all callers (AWS-FACTS.md)",
    ),
    Quota(
        "sts.session_policy_chars",
        "AssumeRole session policy (plaintext)",
        2048,
        "characters",
        "call",
        False,
        _STS_API,
        False,
        "AWS-FACTS.md; the packed form (policy, ARNs and tags) has its own 100% limit "
        "(PackedPolicyTooLarge)",
    ),
)

QUOTAS = MappingProxyType({q.key: q for q in _TABLE})


def quota(key: str) -> Quota:
    return QUOTAS[key]


__all__ = ["QUOTAS", "Quota", "quota"]
