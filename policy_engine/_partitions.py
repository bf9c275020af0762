"""One tenant's partitions of the resource model, for concrete requests.

The guard's second, policy-independent check: a request whose resource lies in a
resource of the catalogue's model (``[resources.*]``, not ``shared``) must lie in the
calling tenant's partition of it (an ARN partition, or a condition partition whose
key the request carries with the tenant's values); what lands in another tenant's
partition, or in no partition of the resource, is refused whatever the policies say.
It reads the model as the isolation proof does (``docs/isolation.md``): the implied
partitions (a bucket per tenant and its objects, a table per tenant and its
sub-resources, the listing prefix an object partition implies) are the tenant's too,
and only the indexes declared ``local`` or ``global-tenant-key`` of a pooled table
are partitioned by the leading key. Where the model cannot tell two tenants apart
for a request (a partition pattern whose tenant slot is followed by a character a
tenant ID may hold, and whose other tenants the request may name), it refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._glob import glob_regex, may_overlap
from .catalog import LISTING_PREFIX_KEYS

if TYPE_CHECKING:
    from .catalog import Catalog, Partition, ResourceSpec
    from .tenancy import TenantIdLanguage

_SLOT = "{tenant}"
_MEMO_SIZE = 4096
_LEADING_KEYS = "dynamodb:leadingkeys"
_S3_TENANT_BUCKET = re.compile(r"(arn:[^:]*:s3:::[^/]*\{tenant\}[^/]*)/.*")
_S3_BUCKET_ONLY = re.compile(r"arn:[^:]*:s3:::[^/]*\{tenant\}[^/]*")
_S3_OBJECT = re.compile(r"(arn:[^:]*:s3:::)([^/{}*?]+)/(.*\{tenant\}.*)")


def _glob(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _show(value: str) -> str:
    text = value.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 120 else text[:120] + "..."


@dataclass(frozen=True, slots=True)
class _Slot:
    """A pattern with one tenant slot, read for one tenant: does a text (a request's
    ARN or condition value) lie in that tenant's part, and in no other tenant's?"""

    pattern: str  # with `{tenant}`
    own: re.Pattern[str]  # the tenant's part (the tenant ID literal)
    #: the literal text of the tenant's part when it is `literal*` (else None)
    own_prefix: str | None
    #: two tenants' parts cannot overlap (literal text before the slot, and after it
    #: the end or a character no tenant ID holds)
    separating: bool
    pre: str | None  # the literal text before the slot (None: a wildcard there)
    post: re.Pattern[str] | None  # what follows the slot (None: several slots)

    @classmethod
    def of(cls, pattern: str, tenant: str, language: TenantIdLanguage) -> _Slot:
        pieces = pattern.split(_SLOT)
        own = re.compile(re.escape(tenant).join(_glob(p) for p in pieces), re.DOTALL)
        mine = pattern.replace(_SLOT, "\x00")  # the tenant is literal, never a wildcard
        body = mine[:-1]
        own_prefix = (
            body.replace("\x00", tenant) if mine.endswith("*") and not _wild(body) else None
        )
        pre = pieces[0] if len(pieces) == 2 and not _wild(pieces[0]) else None
        post = re.compile(_glob(pieces[1]), re.DOTALL) if len(pieces) == 2 else None
        after = pieces[1][:1] if len(pieces) == 2 else "*"
        separating = pre is not None and (
            after == "" or (after not in "*?" and after not in language.alphabet)
        )
        return cls(pattern, own, own_prefix, separating, pre, post)

    def holds(self, text: str, tenant: str, language: TenantIdLanguage) -> bool:
        """Whether the literal ``text`` lies in the tenant's part and no other's."""
        if self.own.fullmatch(text) is None:
            return False
        return self.separating or self._no_other(text, tenant, language)

    def holds_all(self, text: str) -> bool:
        """Whether every instantiation of ``text`` (its ``*``/``?`` wildcards) lies in
        the tenant's part and no other's: sound, not complete (``literal*`` parts)."""
        if self.own_prefix is None or not self.separating:
            return False
        cut = min((i for i in (text.find("*"), text.find("?")) if i >= 0), default=len(text))
        return text[:cut].startswith(self.own_prefix)

    def _no_other(self, text: str, tenant: str, language: TenantIdLanguage) -> bool:
        if self.pre is None or self.post is None or not text.startswith(self.pre):
            return False  # cannot enumerate the other tenants it may name: refuse
        start = len(self.pre)
        last = min(len(text), start + language.max_length)
        for end in range(start + max(language.min_length, 1), last + 1):
            other = text[start:end]
            if (
                other != tenant
                and self.post.fullmatch(text, end) is not None
                and language.reason_invalid(other) is None
            ):
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Condition:
    key: str  # lower-case (condition keys are case-insensitive)
    slot: _Slot
    prefix: bool  # a listing prefix: every key under it is read
    #: a DynamoDB Number partition key (`partition_key_type = "N"`): DynamoDB reads the
    #: value as a number, so only the canonical spelling of a value is admitted (two
    #: spellings of one number, `0042` and `42`, name one item collection)
    number: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Resource:
    name: str
    footprint: tuple[str, ...]  # globs: everything of the resource, any tenant's part
    footprint_re: re.Pattern[str]
    arns: tuple[_Slot, ...]  # the tenant's ARN partitions (declared and implied)
    targets: re.Pattern[str] | None  # where the condition partitions apply
    conditions: tuple[_Condition, ...]
    labels: tuple[str, ...]  # the tenant's partitions, for messages


class TenantPartitions:
    """The partitions of ``tenant`` in ``catalog``'s resource model, compiled once;
    :meth:`refusal` says why a request lies outside them (``None``: inside, or in no
    resource of the model)."""

    def __init__(self, catalog: Catalog, tenant: str) -> None:
        self.tenant = tenant
        self.language = catalog.language
        self._memo: dict[tuple[Any, ...], str | None] = {}
        shared: list[str] = []
        resources: list[_Resource] = []
        for spec in catalog.resources.values():
            if spec.shared:
                shared.append(spec.arn.replace(_SLOT, "*"))
            else:
                resources.append(self._compile(spec))
        # Indexed by the ARN's service (a `*` there: every service), so that a request
        # is compared only with the resources it may lie in.
        by_service: dict[str, list[_Resource]] = {}
        for res in resources:
            for service in {_service(g) for g in res.footprint}:
                by_service.setdefault(service, []).append(res)
        anywhere = by_service.pop("*", [])
        self._by_service = {k: tuple(v + anywhere) for k, v in by_service.items()}
        self._anywhere = tuple(anywhere)
        shared_by: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for glob in shared:
            shared_by.setdefault(_service(glob), []).append((glob, glob_regex(glob)))
        wild_shared = shared_by.pop("*", [])
        self._shared = {k: tuple(v + wild_shared) for k, v in shared_by.items()}
        self._shared_anywhere = tuple(wild_shared)

    def _compile(self, spec: ResourceSpec) -> _Resource:
        tenant, language = self.tenant, self.language
        arns: list[str] = []
        conditions: list[tuple[str, str]] = []
        for p in spec.partitions:
            if p.arn is not None:
                arns.extend(_implied_arns(spec, p))
            elif p.condition_key is not None and p.value is not None:
                conditions.append((p.condition_key, p.value))
        targets = [spec.arn.replace(_SLOT, "*")]
        if spec.service == "s3" and not conditions:
            for p in spec.partitions:  # the listing prefix an object partition implies
                m = _S3_OBJECT.fullmatch(p.arn or "")
                if m is not None:
                    conditions.append(("s3:prefix", m[3]))
                    targets.append(m[1] + m[2])
        if spec.service == "dynamodb" and conditions:
            targets += [f"{spec.arn}/index/{name}" for name in spec.tenant_indexes()]
        footprint = [spec.arn.replace(_SLOT, "*"), spec.arn.replace(_SLOT, "*") + "/*"]
        footprint += [a.replace(_SLOT, "*") for a in arns]
        footprint += targets
        footprint = list(dict.fromkeys(footprint))
        number = None
        if spec.service == "dynamodb" and spec.partition_key_type == "N":
            from .isolation._numbers import CANONICAL_SYNTAX

            number = re.compile(CANONICAL_SYNTAX)
        return _Resource(
            name=spec.name,
            footprint=tuple(footprint),
            footprint_re=re.compile("|".join(f"(?:{_glob(g)})" for g in footprint), re.DOTALL),
            arns=tuple(_Slot.of(a, tenant, language) for a in dict.fromkeys(arns)),
            targets=(
                re.compile("|".join(f"(?:{_glob(t)})" for t in targets), re.DOTALL)
                if conditions
                else None
            ),
            conditions=tuple(
                _Condition(
                    k.lower(),
                    _Slot.of(v, tenant, language),
                    k.lower() in LISTING_PREFIX_KEYS,
                    number if k.lower() == _LEADING_KEYS else None,
                )
                for k, v in conditions
            ),
            labels=tuple(
                [a.replace(_SLOT, tenant) for a in dict.fromkeys(arns)]
                + [f"{k} = {v.replace(_SLOT, tenant)}" for k, v in conditions]
            ),
        )

    def partitioned_services(self, names: Iterable[str]) -> list[str]:
        """Which of ``names`` (IAM service prefixes) have resources of the model that
        are partitioned by tenant (all of them when a resource's ARN leaves its service
        open): an operation of such a service that cannot be placed on a resource may
        reach another tenant's partition."""
        return [n for n in names if self._anywhere or n in self._by_service]

    def refusal(self, resource: str, context: Mapping[str, Any]) -> str | None:
        """Why the request on ``resource`` (with ``context``, the request's condition
        keys) lies outside the tenant's partitions, or ``None``. Answers are kept (a
        bounded memo: the same few requests recur in a warm function)."""
        try:
            key = (
                resource,
                *((k, tuple(v) if isinstance(v, list) else v) for k, v in context.items()),
            )
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: decide without the memo
            return self._refusal(resource, context)
        answer = self._refusal(resource, context)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = answer
        return answer

    def _refusal(self, resource: str, context: Mapping[str, Any]) -> str | None:
        service = _service(resource)
        candidates = self._by_service.get(service, self._anywhere)
        if not candidates:
            return None
        wild = "*" in resource or "?" in resource
        for glob, regex in self._shared.get(service, self._shared_anywhere):
            # Allowed only if *every* identifier the request may stand for lies in the
            # shared area: a wildcard that merely overlaps it may also reach other
            # tenants' partitions, so it goes on to the partition check below.
            if _within(resource, glob) if wild else regex.fullmatch(resource) is not None:
                return None  # a resource that holds no tenant's data
        for res in candidates:
            if wild:
                if not any(may_overlap(g, resource) for g in res.footprint):
                    continue
            elif res.footprint_re.fullmatch(resource) is None:
                continue
            reason = self._outside(res, resource, wild, context)
            if reason is not None:
                return reason
        return None

    def _outside(
        self, res: _Resource, resource: str, wild: bool, context: Mapping[str, Any]
    ) -> str | None:
        tenant, language = self.tenant, self.language
        for slot in res.arns:
            if slot.holds_all(resource) if wild else slot.holds(resource, tenant, language):
                return None
        if res.targets is not None and not wild and res.targets.fullmatch(resource):
            seen = False
            for cond in res.conditions:
                values = _values(
                    next((v for k, v in context.items() if str(k).lower() == cond.key), None)
                )
                if not values:
                    continue
                seen = True
                for value in values:
                    if cond.number is not None and cond.number.fullmatch(value) is None:
                        return (
                            f"`{cond.key}` = `{_show(value)}` on `{_show(resource)}`: the "
                            f"partition key of resource `{res.name}` is a Number and this is "
                            "not its canonical spelling (DynamoDB reads it as the same number "
                            "as another spelling, possibly another tenant's ID)"
                        )
                    inside = (
                        cond.slot.holds_all(value + "*")
                        if cond.prefix
                        else cond.slot.holds(value, tenant, language)
                    )
                    if not inside:
                        return (
                            f"`{cond.key}` = `{_show(value)}` on `{_show(resource)}` is not "
                            f"in tenant `{tenant}`'s partition `{cond.slot.pattern}` of "
                            f"resource `{res.name}` (the resource model)"
                        )
            if seen:
                return None
        return (
            f"`{_show(resource)}` lies in resource `{res.name}` of the resource model but "
            f"in none of tenant `{tenant}`'s partitions of it ("
            + ", ".join(f"`{_show(label)}`" for label in res.labels)
            + "): another tenant's, or no tenant's"
        )


def _within(request: str, glob: str) -> bool:
    """Whether every instantiation of the wildcard ``request`` matches ``glob``: sound,
    not complete (only a ``glob`` of the form ``literal*``, with the request's literal
    text before its first wildcard starting with that literal)."""
    if not glob.endswith("*") or _wild(glob[:-1]):
        return False
    cut = min((i for i in (request.find("*"), request.find("?")) if i >= 0), default=len(request))
    return request[:cut].startswith(glob[:-1])


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return [str(value)]


def _service(arn: str) -> str:
    parts = arn.split(":", 3)
    service = parts[2] if len(parts) > 3 else "*"
    return "*" if _wild(service) or _SLOT in service else service


def _implied_arns(spec: ResourceSpec, p: Partition) -> list[str]:
    """A declared ARN partition and those the model implies from it."""
    assert p.arn is not None
    out = [p.arn]
    if spec.service == "s3":
        bucket = _S3_TENANT_BUCKET.fullmatch(p.arn)
        if bucket is not None:
            out.append(bucket[1])  # a bucket per tenant: the bucket is the tenant's
        if _S3_BUCKET_ONLY.fullmatch(p.arn):
            out.append(f"{p.arn}/*")  # and its objects
    if spec.service == "dynamodb" and not p.arn.endswith("*"):
        out.append(f"{p.arn}/*")  # a table per tenant: its indexes, streams, backups
    return out


__all__ = ["TenantPartitions"]
