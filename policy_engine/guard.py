"""Client-side isolation guard: every call of a tenant session is decided locally
against the tenant's effective policy before it is signed and sent.

``iam_requests(service, operation, params, ...)`` maps one API call to the IAM
request(s) AWS would evaluate (pure); :class:`Guard` installs a botocore
``before-parameter-build`` hook on a boto3 session that evaluates them and raises
``ClientError`` (``AccessDenied``) for a denied call, which is then never sent.

What it cannot see: server-side effects (triggers, replication, what a stream or an
S3 event later does), resource-based policies, SCPs, and keys the caller does not
pass (a DynamoDB ``Query`` whose partition key condition it cannot parse counts as a
request without leading keys, which tenant policies deny: it fails closed).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .evaluate import Decision, Evaluator, Request

if TYPE_CHECKING:
    import boto3

log = logging.getLogger("policy_engine.guard")
IamRequest = tuple[str, str, dict[str, str | list[str]]]  # action, resource ARN, context


class UnmappedOperation(Exception):
    """The guard does not know which IAM request an operation makes."""


@dataclass(frozen=True)
class Scope:
    """Where the calls go: partition, region, account; the DynamoDB partition key
    attribute (one name for every table, or a name per table)."""

    region: str
    account: str
    partition: str = "aws"
    dynamodb_partition_key: str | Mapping[str, str] = "tenant_id"

    def pk(self, table: str) -> str:
        key = self.dynamodb_partition_key
        return key if isinstance(key, str) else key.get(table, "tenant_id")


# -- mapping -------------------------------------------------------------------------------


def iam_requests(
    service: str, operation: str, params: Mapping[str, Any], scope: Scope
) -> list[IamRequest]:
    """The IAM requests one API call makes. Raises :class:`UnmappedOperation`."""
    mapper = _MAPPERS.get(service)
    if mapper is None:
        raise UnmappedOperation(f"{service}:{operation}")
    return mapper(operation, params, scope)


def _s3(op: str, p: Mapping[str, Any], s: Scope) -> list[IamRequest]:
    bucket = p.get("Bucket", "")
    obj = f"arn:{s.partition}:s3:::{bucket}/{p.get('Key', '')}"
    simple = {
        "GetObject": "s3:GetObject",
        "HeadObject": "s3:GetObject",
        "PutObject": "s3:PutObject",
        "DeleteObject": "s3:DeleteObject",
        "GetObjectTagging": "s3:GetObjectTagging",
        "PutObjectTagging": "s3:PutObjectTagging",
        "CreateMultipartUpload": "s3:PutObject",
        "UploadPart": "s3:PutObject",
        "CompleteMultipartUpload": "s3:PutObject",
        "AbortMultipartUpload": "s3:AbortMultipartUpload",
    }
    if op in simple:
        return [(simple[op], obj, {})]
    if op in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        ctx: dict[str, str | list[str]] = {}
        if "Prefix" in p:
            ctx["s3:prefix"] = str(p["Prefix"])
        action = "s3:ListBucketVersions" if op == "ListObjectVersions" else "s3:ListBucket"
        return [(action, f"arn:{s.partition}:s3:::{bucket}", ctx)]
    if op == "DeleteObjects":
        keys = [o.get("Key", "") for o in p.get("Delete", {}).get("Objects", [])]
        return [("s3:DeleteObject", f"arn:{s.partition}:s3:::{bucket}/{k}", {}) for k in keys]
    if op == "CopyObject":
        source = p.get("CopySource", "")
        if isinstance(source, Mapping):
            source = f"{source.get('Bucket', '')}/{source.get('Key', '')}"
        source = str(source).lstrip("/").split("?", 1)[0]
        return [("s3:GetObject", f"arn:{s.partition}:s3:::{source}", {}), ("s3:PutObject", obj, {})]
    raise UnmappedOperation(f"s3:{op}")


def _attr(value: Any) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind in ("S", "N", "B"):
            return str(inner)
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _table_arn(table: str, s: Scope) -> str:
    if table.startswith("arn:"):
        return table
    return f"arn:{s.partition}:dynamodb:{s.region}:{s.account}:table/{table}"


def _leading(keys: Sequence[Mapping[str, Any]], attribute: str) -> dict[str, str | list[str]]:
    values = [_attr(k.get(attribute)) for k in keys]
    if not values or any(v is None for v in values):
        return {}  # unknown: no leading keys (tenant policies deny: fails closed)
    return {"dynamodb:LeadingKeys": sorted({v for v in values if v is not None})}


_KEY_EQUALS = re.compile(r"^\s*\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?\s*(?:$|AND\b|and\b)")


def _query_keys(p: Mapping[str, Any], attribute: str) -> list[Mapping[str, Any]]:
    expression = p.get("KeyConditionExpression")
    names = p.get("ExpressionAttributeNames", {})
    values = p.get("ExpressionAttributeValues", {})
    if isinstance(expression, str):
        for part in re.split(r"\bAND\b|\band\b", expression):
            m = _KEY_EQUALS.match(part)
            if m and names.get(m.group(1), m.group(1)) == attribute and m.group(2) in values:
                return [{attribute: values[m.group(2)]}]
        return []
    legacy = p.get("KeyConditions", {}).get(attribute)
    if legacy and legacy.get("ComparisonOperator") == "EQ":
        return [{attribute: legacy["AttributeValueList"][0]}]
    return []


def _dynamodb(op: str, p: Mapping[str, Any], s: Scope) -> list[IamRequest]:
    item_ops = {"GetItem": "Key", "PutItem": "Item", "UpdateItem": "Key", "DeleteItem": "Key"}
    if op in item_ops:
        table = p.get("TableName", "")
        return [
            (
                f"dynamodb:{op}",
                _table_arn(table, s),
                _leading([p.get(item_ops[op], {})], s.pk(table)),
            )
        ]
    if op == "Query":
        table = p.get("TableName", "")
        arn = _table_arn(table, s)
        if p.get("IndexName"):
            arn += f"/index/{p['IndexName']}"
        keys = _query_keys(p, s.pk(table))
        return [("dynamodb:Query", arn, _leading(keys, s.pk(table)) if keys else {})]
    if op == "Scan":
        return [("dynamodb:Scan", _table_arn(p.get("TableName", ""), s), {})]
    if op == "BatchGetItem":
        return [
            ("dynamodb:BatchGetItem", _table_arn(t, s), _leading(spec.get("Keys", []), s.pk(t)))
            for t, spec in p.get("RequestItems", {}).items()
        ]
    if op == "BatchWriteItem":
        out: list[IamRequest] = []
        for t, writes in p.get("RequestItems", {}).items():
            keys = [
                w.get("PutRequest", {}).get("Item") or w.get("DeleteRequest", {}).get("Key") or {}
                for w in writes
            ]
            out.append(("dynamodb:BatchWriteItem", _table_arn(t, s), _leading(keys, s.pk(t))))
        return out
    if op in ("TransactGetItems", "TransactWriteItems"):
        kinds = {
            "Get": ("GetItem", "Key"),
            "Put": ("PutItem", "Item"),
            "Update": ("UpdateItem", "Key"),
            "Delete": ("DeleteItem", "Key"),
            "ConditionCheck": ("ConditionCheckItem", "Key"),
        }
        out = []
        for entry in p.get("TransactItems", []):
            for kind, spec in entry.items():
                action, field_name = kinds[kind]
                t = spec.get("TableName", "")
                out.append(
                    (
                        f"dynamodb:{action}",
                        _table_arn(t, s),
                        _leading([spec.get(field_name, {})], s.pk(t)),
                    )
                )
        return out
    raise UnmappedOperation(f"dynamodb:{op}")


_QUEUE_URL = re.compile(r"^https?://[^/]+/(\d{12})/([^/?]+)")


def _sqs(op: str, p: Mapping[str, Any], s: Scope) -> list[IamRequest]:
    actions = {
        "SendMessage": "sqs:SendMessage",
        "SendMessageBatch": "sqs:SendMessage",
        "ReceiveMessage": "sqs:ReceiveMessage",
        "DeleteMessage": "sqs:DeleteMessage",
        "DeleteMessageBatch": "sqs:DeleteMessage",
        "GetQueueAttributes": "sqs:GetQueueAttributes",
        "ChangeMessageVisibility": "sqs:ChangeMessageVisibility",
        "ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
        "PurgeQueue": "sqs:PurgeQueue",
    }
    if op == "GetQueueUrl":
        account = p.get("QueueOwnerAWSAccountId", s.account)
        return [
            (
                "sqs:GetQueueUrl",
                f"arn:{s.partition}:sqs:{s.region}:{account}:{p.get('QueueName', '')}",
                {},
            )
        ]
    if op in actions:
        m = _QUEUE_URL.match(str(p.get("QueueUrl", "")))
        if m is None:
            raise UnmappedOperation(f"sqs:{op} with queue URL `{p.get('QueueUrl')}`")
        return [(actions[op], f"arn:{s.partition}:sqs:{s.region}:{m.group(1)}:{m.group(2)}", {})]
    raise UnmappedOperation(f"sqs:{op}")


def _secretsmanager(op: str, p: Mapping[str, Any], s: Scope) -> list[IamRequest]:
    if op not in ("GetSecretValue", "DescribeSecret", "PutSecretValue", "UpdateSecret"):
        raise UnmappedOperation(f"secretsmanager:{op}")
    secret = str(p.get("SecretId", ""))
    if not secret.startswith("arn:"):
        # A name: AWS evaluates the full ARN, whose last six characters are random.
        secret = f"arn:{s.partition}:secretsmanager:{s.region}:{s.account}:secret:{secret}-??????"
    return [(f"secretsmanager:{op}", secret, {})]


def _kms(op: str, p: Mapping[str, Any], s: Scope) -> list[IamRequest]:
    if op not in (
        "Encrypt",
        "Decrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncrypt",
    ):
        raise UnmappedOperation(f"kms:{op}")
    key = str(p.get("KeyId", "*"))
    if key != "*" and not key.startswith("arn:"):
        name = key if key.startswith("alias/") else f"key/{key}"
        key = f"arn:{s.partition}:kms:{s.region}:{s.account}:{name}"
    ctx: dict[str, str | list[str]] = {
        f"kms:EncryptionContext:{k}": str(v) for k, v in (p.get("EncryptionContext") or {}).items()
    }
    return [(f"kms:{op}", key, ctx)]


_MAPPERS: dict[str, Callable[[str, Mapping[str, Any], Scope], list[IamRequest]]] = {
    "s3": _s3,
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "secretsmanager": _secretsmanager,
    "kms": _kms,
}


# -- the guard ---------------------------------------------------------------------------


@dataclass
class Guard:
    """Decides each call of a session against ``evaluator`` before it is sent."""

    evaluator: Evaluator
    scope: Scope
    tenant: str
    tier: str
    principal: str
    strict: bool = True
    decisions: list[tuple[str, Decision]] = field(default_factory=list, repr=False)
    record: bool = False

    def install(self, session: boto3.Session) -> None:
        """Register the hook on ``session`` (clients created afterwards are guarded)."""
        session.events.register("before-parameter-build", self._before_parameter_build)

    def check(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        """Raise ``ClientError`` (``AccessDenied``) unless every IAM request is allowed."""
        try:
            requests = iam_requests(service, operation, params, self.scope)
        except UnmappedOperation as exc:
            if not self.strict:
                log.warning("policy-engine guard: unmapped operation %s allowed (permissive)", exc)
                return
            raise _denied(
                operation,
                f"operation `{exc}` is not mapped to IAM requests; denied in strict mode "
                f"for tenant `{self.tenant}`",
            ) from None
        for action, resource, context in requests:
            ctx: dict[str, Any] = dict(context)
            ctx["aws:PrincipalTag/TenantId"] = self.tenant
            ctx["aws:PrincipalTag/Tier"] = self.tier
            request = Request(action, resource, ctx, principal=self.principal)
            decision = self.evaluator.evaluate(request)
            if self.record:
                self.decisions.append((action, decision))
            if not decision.allowed:
                raise _denied(
                    operation,
                    f"tenant `{self.tenant}` (tier `{self.tier}`) may not `{action}` on "
                    f"`{resource}`: {decision.decision}, {decision.reason}",
                )

    def _before_parameter_build(self, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        self.check(model.service_model.service_name, model.name, params)


def _denied(operation: str, message: str) -> Exception:
    from botocore.exceptions import ClientError

    error = {"Error": {"Code": "AccessDenied", "Message": f"policy-engine guard: {message}"}}
    return ClientError(error, operation)  # type: ignore[arg-type]


def guard_session(
    session: boto3.Session,
    evaluator: Evaluator,
    *,
    tenant: str,
    tier: str,
    account: str,
    region: str,
    principal: str | None = None,
    strict: bool = True,
    dynamodb_partition_key: str | Mapping[str, str] = "tenant_id",
) -> Guard:
    """Install a guard on any boto3 session; returns it."""
    guard = Guard(
        evaluator,
        Scope(region, account, dynamodb_partition_key=dynamodb_partition_key),
        tenant,
        tier,
        principal or f"arn:aws:sts::{account}:assumed-role/tenant/{tenant}",
        strict,
    )
    guard.install(session)
    return guard
