"""Rules that read the IAM service authorization data: which resource types an
action takes, which condition keys its requests carry, and what type each key is."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .._iamdata import ActionInfo, iam_data, key_matches, key_shape
from ..model import Condition
from ._arns import overlaps, shared_spelling
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
    for _, s, path in _stmts(t):
        resources = s.resource or ()
        if not resources or "*" in resources or s.action is None or "*" in s.action:
            continue
        plan = _TypePlan.of(s.action)
        no_resource, no_action = plan.misses(resources)
        for index in no_resource:  # unknown actions are PE060's finding
            written = s.action[index]
            yield _no_resource_message(written, iam_data().expand(written)), f"{path}.Resource"
        for index in no_action:
            yield (
                f"resource `{resources[index]}` is not of a type any action of the statement "
                f"takes (they take {_formats(set(plan.formats))})",
                f"{path}.Resource",
            )


#: Bound of the memo of PE061's answers, shared by every Action list (emptied when full).
TYPE_MEMO_SIZE = 16384


_Misses = tuple[tuple[int, ...], tuple[int, ...]]


class _TypePlan:
    """PE061 for one Action list: the ARN formats each action takes, and the answer
    for each list of Resources memoised under a spelling every format answers alike
    (:func:`shared_spelling`), so one answer serves every tenant's copy of a
    statement."""

    def __init__(self, actions: tuple[str, ...]) -> None:
        data = iam_data()
        self.per_action = tuple(data.formats_of(a) for a in actions)  # None: unknown
        self.formats = frozenset(arn for found in self.per_action if found for arn in found)
        self._spell = shared_spelling(self.formats)

    @staticmethod
    @lru_cache(maxsize=2048)
    def of(actions: tuple[str, ...]) -> _TypePlan:
        return _TypePlan(actions)

    def misses(self, resources: Sequence[str]) -> _Misses:
        """The positions of the actions that take none of the resources, and of the
        resources no action takes."""
        spelled = tuple(map(self._spell, resources))
        memo = _MISSES
        found = memo.get((self, spelled))
        if found is None:
            if len(memo) >= TYPE_MEMO_SIZE:
                memo.clear()
            found = memo[self, spelled] = self._decide(spelled)
        return found

    def _decide(self, resources: tuple[str, ...]) -> _Misses:
        hit_formats: set[str] = set()
        hit: list[bool] = []
        for r in resources:
            took = False
            for arn in _candidate_formats(r, self.formats):
                if took and arn in hit_formats:
                    continue  # this pair can add nothing
                if overlaps(r, arn):
                    hit_formats.add(arn)
                    took = True
            hit.append(took)
        no_resource = tuple(
            i
            for i, found in enumerate(self.per_action)
            if found is not None and hit_formats.isdisjoint(found)
        )
        no_action = tuple(i for i, took in enumerate(hit) if not took) if self.formats else ()
        return no_resource, no_action


def _candidate_formats(resource: str, formats: frozenset[str]) -> Iterable[str]:
    """The formats :func:`overlaps` may accept for ``resource``: when its first five
    fields (partition, service, region, account) are literal, only the formats whose
    own fields can match them, an answer memoised per (those fields, formats):
    tenant-independent, so ``s3:*`` on a bucket does not match every S3 format's fields
    again for each tenant."""
    tail = resource.split(":", 5)
    if len(tail) == 6:
        head = resource[: len(resource) - len(tail[5])]
        if "*" not in head and "?" not in head and "$" not in head:
            return _head_formats(head, formats)
    return formats


_MISSES: dict[tuple[_TypePlan, tuple[str, ...]], _Misses] = {}


@lru_cache(maxsize=8192)
def _head_formats(head: str, formats: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(f for f in formats if _head_overlaps(head, f)))


@lru_cache(maxsize=8192)
def _head_overlaps(head: str, arn_format: str) -> bool:
    """Whether some resource with these literal first five fields is of the format
    (its tail left open): ``False`` rules the format out for every such resource."""
    return overlaps(head + "*", arn_format)


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
