"""Rules that read the IAM service authorization data: which resource types an
action takes, which condition keys its requests carry, and what type each key is."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from .._iamdata import ActionInfo, iam_data, key_matches, key_shape
from ..model import Condition
from ._arns import overlaps
from ._model import Target, rule
from ._rules import _stmts

#: Key types each operator family compares (IAM User Guide, "Condition operators").
_OPERATOR_TYPES = {
    "String": {"String", "ArrayOfString", "ARN", "ArrayOfARN"},
    "Numeric": {"Numeric"},
    "Date": {"Date", "Numeric"},  # aws:EpochTime is documented for both
    "Bool": {"Bool", "ArrayOfBool"},
    "Binary": {"Binary", "String"},
    "Ip": {"IPAddress"},
    "NotIp": {"IPAddress"},
    "Arn": {"ARN", "ArrayOfARN", "String"},
}


def _family(base_operator: str) -> str | None:
    for family in ("String", "Numeric", "Date", "Bool", "Binary", "NotIp", "Ip", "Arn"):
        if base_operator.startswith(family):
            return family
    return None


@rule("PE061", "error", "action and resource type do not match")
def resource_type_mismatch(t: Target) -> Iterator[tuple[str, str]]:
    data = iam_data()
    for _, s, path in _stmts(t):
        resources = list(s.resource or ())
        if not resources or "*" in resources or s.action is None or "*" in s.action:
            continue
        per_action, formats = _action_formats(s.action)
        hit_formats: set[str] = set()
        hit_resources: set[str] = set()
        for r in resources:
            for arn in formats:
                if r in hit_resources and arn in hit_formats:
                    continue  # this pair can add nothing
                if _overlaps(r, arn):
                    hit_formats.add(arn)
                    hit_resources.add(r)
        for written, found in per_action:  # unknown actions (None) are PE060's finding
            if found is not None and hit_formats.isdisjoint(found):
                yield _no_resource_message(written, data.expand(written)), f"{path}.Resource"
        if formats:
            for r in resources:
                if r not in hit_resources:
                    yield (
                        f"resource `{r}` is not of a type any action of the statement takes "
                        f"(they take {_formats(set(formats))})",
                        f"{path}.Resource",
                    )


def _overlaps(resource: str, arn_format: str) -> bool:
    """:func:`overlaps`, first ruling out a format whose first five fields (partition,
    service, region, account) cannot match the resource's literal ones, an answer
    memoised per (those fields, format): tenant-independent, so ``s3:*`` on a bucket
    does not match every S3 format's fields again for each tenant."""
    fields = resource.split(":", 5)
    if len(fields) == 6:
        head = resource[: len(resource) - len(fields[5])]
        literal = "*" not in head and "?" not in head and "$" not in head
        if literal and not _head_overlaps(head, arn_format):
            return False
    return overlaps(resource, arn_format)


@lru_cache(maxsize=8192)
def _head_overlaps(head: str, arn_format: str) -> bool:
    """Whether some resource with these literal first five fields is of the format
    (its tail left open): ``False`` rules the format out for every such resource."""
    return overlaps(head + "*", arn_format)


@lru_cache(maxsize=8192)
def _action_formats(
    actions: tuple[str, ...],
) -> tuple[tuple[tuple[str, tuple[str, ...] | None], ...], frozenset[str]]:
    """Each action with the ARN formats it takes (``None``: unknown), and all of them
    (tenant-independent, so one answer serves every tenant's copy of a statement)."""
    data = iam_data()
    per_action = tuple((a, data.formats_of(a)) for a in actions)
    return per_action, frozenset(arn for _, found in per_action if found for arn in found)


def _no_resource_message(written: str, infos: Sequence[ActionInfo]) -> str:
    data = iam_data()
    if len(infos) == 1 and not infos[0].resource_types:
        return f'`{written}` supports only `"Resource": "*"`; this statement never grants it'
    arns = {arn for i in infos for arn in data.resource_arns(i)}
    return f"`{written}` applies to none of the statement's resources; it takes {_formats(arns)}"


def _formats(formats: set[str]) -> str:
    arns = sorted(formats)
    return ", ".join(f"`{a}`" for a in arns[:3]) + (" ..." if len(arns) > 3 else "")


@rule("PE062", "warning", "condition key not applicable to any action of the statement")
def key_not_applicable(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        if not s.conditions or s.action is None or "*" in s.action:
            continue
        for c in s.conditions:
            why = _key_missing(s.action, c.key)
            if why is None:
                continue
            effect = (
                "the condition is always true and restricts nothing"
                if _true_when_missing(c)
                else "the condition is never true and the statement never applies"
            )
            yield (
                f"condition key `{c.key}` is never in these requests ({why}); {effect}",
                f"{path}.Condition",
            )


@lru_cache(maxsize=8192)
def _key_missing(actions: tuple[str, ...], key: str) -> str | None:
    """Why no request of ``actions`` carries condition key ``key`` (``None``: some
    can, or the actions are unknown, or the key is global). Tenant-independent, so one
    answer serves every tenant's copy of a statement."""
    data = iam_data()
    infos = [i for a in actions if a != "*" for i in data.expand(a)]
    if not infos:
        return None
    service = key.partition(":")[0].lower()
    if service == "aws":
        return None
    applicable: set[str] = set()
    for info in infos:
        applicable |= data.applicable_keys(info)
    if key_matches(key, applicable):
        return None
    services = {i.service for i in infos}
    if service not in services:
        return f"it belongs to `{service}`, the statement's actions to " + ", ".join(
            f"`{x}`" for x in sorted(services)
        )
    if not key_matches(key, {key_shape(k) for k in data.service_keys(service)}):
        return f"`{service}` documents no such key"
    return "no action of the statement carries it"


def _true_when_missing(c: Condition) -> bool:
    """How a condition evaluates when its key is absent from the request."""
    if c.base_operator == "Null":
        return any(str(v).lower() == "true" for v in c.values)
    if c.if_exists or c.set_operator == "ForAllValues":
        return True
    if c.set_operator == "ForAnyValue":
        return False
    return "Not" in c.base_operator


@rule("PE063", "warning", "condition operator does not fit the key's type")
def operator_type_mismatch(t: Target) -> Iterator[tuple[str, str]]:
    data = iam_data()
    for _, s, path in _stmts(t):
        for c in s.conditions:
            family = _family(c.base_operator)
            kind = data.key_type(c.key)
            if family is None or kind is None or kind in _OPERATOR_TYPES[family]:
                continue
            yield (
                f"`{c.operator}` compares {family.replace('NotIp', 'Ip')} values but "
                f"`{c.key}` is of type {kind}",
                f"{path}.Condition",
            )


@rule("PE064", "error", "ARN operator with a value that is not an ARN")
def value_type_mismatch(t: Target) -> Iterator[tuple[str, str]]:
    for _, s, path in _stmts(t):
        for c in s.conditions:
            if _family(c.base_operator) != "Arn":
                continue
            for v in c.values:
                text = str(v)
                if "${" not in text and not (text.startswith("arn:") or text == "*"):
                    yield (
                        f"`{c.operator}` takes ARNs (`arn:partition:service:...`), not `{text}`: "
                        "the condition never matches",
                        f"{path}.Condition",
                    )
