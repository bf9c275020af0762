"""Rules about tenant scoping: unscoped reads, tenant fences, the role/session
intersection and the STS packed size."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from .._iamdata import iam_data
from ..model import Condition, Policy, Statement, dumps
from ._arns import globs_overlap
from ._model import Target, rule
from ._rules import _label, _stmts

#: Actions that return a pooled resource's data (not its configuration): the reads
#: PE080 looks for. Wildcards in a policy are expanded against the action data.
DATA_READS = frozenset(
    a.lower()
    for a in (
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes",
        "s3:GetObjectVersionAttributes", "s3:ListBucket", "s3:ListBucketVersions",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
        "dynamodb:PartiQLSelect", "dynamodb:GetRecords",
        "sqs:ReceiveMessage",
        "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
        "kms:Decrypt",
        "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
        "kinesis:GetRecords",
        "logs:GetLogEvents", "logs:FilterLogEvents",
        "athena:GetQueryResults",
        "timestream:Select",
    )
)  # fmt: skip
_NEGATED = ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NumericNotEquals")
STS_PACKED_BUDGET = 2048


_PARTITION_KEYS = re.compile(
    r"^(dynamodb:leadingkeys|s3:prefix|kms:encryptioncontext:.+|[a-z0-9-]+:resourcetag/.+"
    r"|s3:existingobjecttag/.+|aws:principaltag/.+)$"
)
_TYPE_PREFIX = re.compile(r"^[A-Za-z-]+[/:]")
_WHOLE_CONTAINER = re.compile(r"^[^/]*(/\*)?$")


def _names_tenant(text: str, t: Target) -> bool:
    tenant = t.extra.get("tenant")
    return "${" in text or (bool(tenant) and str(tenant) in text)


def _scoped(s: Statement, t: Target) -> bool:
    """Whether the statement narrows by tenant. With a catalogue the probe tenant is
    known; a plain file counts a variable, or a condition on a partitioning key."""
    if any(_names_tenant(r, t) for r in s.resource or ()):
        return True
    if any(_names_tenant(str(v), t) for c in s.conditions for v in c.values):
        return True
    if "tenant" in t.extra:
        return False
    if any(_PARTITION_KEYS.match(c.key.lower()) for c in s.conditions):
        return True
    listing = _lists(s.action or ())
    # A resource with an unresolved (opaque) part of an IaC template is never scoped by
    # its shape: the part could be anything (policy_engine.iac's widening rule).
    opaque = t.extra.get("opaque_resources", ())
    return not any(_whole_container(r, listing=listing) or r in opaque for r in s.resource or ())


_LISTINGS = frozenset({"s3:listbucket", "s3:listbucketversions"})


def _whole_container(resource: str, *, listing: bool = False) -> bool:
    """``*``, a bucket's every object, a whole table or queue, ``secret:*``..."""
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return True
    if parts[2] == "s3" and "/" not in parts[5] and listing:
        return True  # a bucket listed without a prefix condition: every tenant's keys
    if parts[2] == "dynamodb" and re.fullmatch(r"table/[^/]+", parts[5]):
        return True  # item reads on a whole table
    rest = parts[5] if parts[2] == "s3" else _TYPE_PREFIX.sub("", parts[5], count=1)
    wild = "*" in rest or "?" in rest
    return wild and _WHOLE_CONTAINER.match(rest) is not None


def _touches_model(resources: Sequence[str], model: Sequence[str]) -> bool:
    from .._glob import may_overlap

    marker = "{tenant}"
    globs = [g.replace(marker, "*") for g in model]
    return any(may_overlap(r, g) for r in resources for g in globs)


@rule("PE080", "warning", "data reads on shared resources without tenant scoping")
def unscoped_reads(t: Target) -> Iterator[tuple[str, str]]:
    if t.extra.get("role_template"):
        return  # a tier role is wide by design; its session policy narrows it
    for _, s, path in _stmts(t):
        if not s.is_allow or s.action is None or s.resource is None:
            continue
        reads = _data_reads(s.action)
        if not reads or _scoped(s, t):
            continue
        model = t.extra.get("model_globs")
        if model is not None and not _touches_model(s.resource, model):
            continue  # not the catalogue's pooled data (an API-key secret, a log group)
        if reads:
            shown = ", ".join(f"`{a}`" for a in reads[:4]) + (" ..." if len(reads) > 4 else "")
            yield (
                f"{shown} on `{s.resource[0]}` with no tenant in the resource or a condition: "
                "on a pooled resource this reads every tenant's data",
                path,
            )


@lru_cache(maxsize=8192)
def _data_reads(actions: tuple[str, ...]) -> tuple[str, ...]:
    """The data reads (:data:`DATA_READS`) the actions name, sorted (tenant-independent,
    so one answer serves every tenant's copy of a statement)."""
    data = iam_data()
    return tuple(
        sorted(
            {
                info.full_name
                for a in actions
                for info in data.expand(a)
                if info.full_name.lower() in DATA_READS
            }
        )
    )


@lru_cache(maxsize=8192)
def _lists(actions: tuple[str, ...]) -> bool:
    """Whether the actions name a bucket listing (:data:`_LISTINGS`)."""
    return any(i.full_name.lower() in _LISTINGS for a in actions for i in iam_data().expand(a))


def _fence_problem(c: Condition, t: Target) -> str | None:
    if not any(_names_tenant(str(v), t) for v in c.values):
        return None
    if not c.base_operator.startswith(_NEGATED):
        return None
    if c.if_exists:
        return (
            f"`{c.operator}` lets a request without `{c.key}` through the fence; "
            "drop `IfExists` (a missing key then denies)"
        )
    if c.set_operator == "ForAllValues":
        return (
            f"`{c.operator}` denies only when every value differs: a request carrying its "
            f"own tenant and another's passes; use `ForAnyValue:{c.base_operator}`"
        )
    return None


@rule("PE052", "error", "tenant fence (Deny with a negated operator) that a request can pass")
def leaky_fence(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if s.is_allow:
            continue
        for c in s.conditions:
            problem = _fence_problem(c, t)
            if problem:
                yield problem, f"{path}.Condition"


def _statement_meets(s: Statement, role: Sequence[Policy]) -> bool:
    for policy in role:
        for r in policy.statements:
            if not r.is_allow:
                continue
            if r.action is not None and not any(
                globs_overlap(a, b, ignore_case=True) for a in s.action or () for b in r.action
            ):
                continue
            if r.resource is not None and not any(
                globs_overlap(x, y) for x in s.resource or () for y in r.resource
            ):
                continue
            return True
    return False


@rule("PE071", "warning", "empty Allow after intersection: the session grants nothing the role has")
def empty_intersection(t: Target) -> Iterator[tuple[str, str]]:
    role: Sequence[Policy] | None = t.extra.get("role_policies")
    if t.kind != "session" or not role:
        return
    for i, s, path in _stmts(t):
        if s.action is None or s.resource is None or not s.is_allow:
            continue
        if not _statement_meets(s, role):
            yield (
                f"statement {_label(i, s)} allows nothing the tier's role policies allow: "
                "a session policy only narrows the role, so these actions stay denied",
                path,
            )


@rule("PE041", "warning", "packed-size risk: session policy and session tags together")
def packed_size(t: Target) -> Iterator[tuple[str, str]]:
    tags: Sequence[tuple[str, int]] | None = t.extra.get("session_tags")
    if t.kind != "session" or not tags:
        return
    policy = len(dumps(t.policy, minify=True))
    tag_chars = sum(len(k) + n for k, n in tags) + sum(
        len(k) for k in t.extra.get("transitive_tag_keys", ())
    )
    if policy + tag_chars > STS_PACKED_BUDGET:
        yield (
            f"session policy ({policy} characters) plus {len(tags)} session tags "
            f"({tag_chars} characters at the longest tenant ID) exceed {STS_PACKED_BUDGET}: "
            "STS packs them together and may refuse with PackedPolicyTooLarge",
            "$",
        )
