"""The attack shapes (the requests tenant A must never be allowed) and the facts
that say which requests can exist: actions per resource, keys and their cardinality."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from .._iamdata import ALWAYS_CARRIED_KEYS
from ..catalog import LISTING_PREFIX_KEYS, Partition, ResourceSpec
from ..evaluate import StatementRef
from ..model import Condition
from ..tenancy import TenantIdLanguage
from ._numbers import NON_CANONICAL_GLOBS, not_a_number, number_facts

#: Condition keys whose request values are sets (IAM Service Authorization Reference).
MULTIVALUED_KEYS = frozenset(
    {"dynamodb:leadingkeys", "dynamodb:attributes", "aws:tagkeys", "aws:calledvia"}
)


#: Condition keys whose partition is prefix-closed: a value touches every key it lists.
PREFIX_KEYS = LISTING_PREFIX_KEYS


_STRING_POSITIVE = {"StringEquals", "StringLike", "StringEqualsIgnoreCase"}


_NEGATED_FAMILY = frozenset(
    {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }
)


@dataclass
class _Stmt:
    #: session: the session policy; role: the role's policies, or a resource policy
    #: naming the role (both limited by the session policy); direct: a resource policy
    #: granting the session itself (``*``, the session ARN), not limited by it
    side: Literal["session", "role", "direct"]
    ref: StatementRef
    raw: Mapping[str, Any]
    actions: tuple[str, ...]  # patterns (lower-case)
    not_action: bool
    variables: bool = True  # whether policy variables are read (Version 2012-10-17)
    #: for a resource policy's statement: the ARNs (globs) of the resource it is
    #: attached to; it never applies to a request on any other
    scope: tuple[str, ...] = ()
    #: ARNs (model strings) that ``scope`` matches but the policy does not govern (the
    #: streams and backups of a family of tables): ``scope`` less these is exact
    unscoped: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Shape:
    """A set of requests tenant A must never be allowed.

    ``arn``: requests on B's partition ARNs; ``condition``: requests on ``target`` whose
    partition key touches B's partition; ``key-less``: requests on ``target`` without
    the partition key (or with an empty prefix); ``whole``: every request on
    ``target`` (a container of every tenant's data, a stream, the tier roles)."""

    kind: Literal["arn", "condition", "key-less", "whole"]
    partition: Partition
    label: str
    target: str
    #: the actions to consider (None: every action of the resource's service)
    actions: tuple[str, ...] | None = None
    reported_as: Literal["cross-tenant", "key-less", "escalation"] = "cross-tenant"
    #: the resource type (action data) of ``target``, where the model implies one
    resource_type: str | None = None
    #: model strings (``{tenant}`` for any tenant) whose ARNs are not in the shape
    exclude: tuple[str, ...] = ()
    #: set when the model cannot say whose data a request of the shape reaches: a
    #: confirmed request is then reported ``unknown`` with this text (what to declare),
    #: never a violation and never proved
    undecided: str | None = None
    #: a shape of values of a Number partition key that are no canonical Number
    number_key: bool = False


ALWAYS_CARRIED = ALWAYS_CARRIED_KEYS  # shared with the lint (PE031)
#: Actions by which a session can become another principal: assume a role (with other
#: tags or source identity), or pass one to a service.
ESCALATION_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:setsourceidentity",
    "sts:tagsession",
    "sts:setcontext",
    "iam:passrole",
)
ESCALATION_RESOURCE = "tier roles"

#: Actions that take only ``Resource: "*"`` (no resource type in the action data) and
#: reach no tenant's data: a grant of any other such action to a session (X-Ray traces,
#: CloudTrail events, CloudWatch metrics, event source mappings, ...) can read or write
#: every tenant's data outside the resource model, so the tier is ``unknown``.
STAR_ONLY_HARMLESS: Mapping[str, str] = {
    "sts:getcalleridentity": "returns the caller's own account, ARN and user ID",
    "sts:getaccesskeyinfo": "returns the account that owns an access key ID",
    "kms:generaterandom": "returns random bytes; reads and writes no stored data",
    "secretsmanager:batchgetsecretvalue": "each secret it returns needs "
    "secretsmanager:GetSecretValue on that secret (Secrets Manager API reference), which "
    "the shapes check",
}

#: Deputy writes: actions on the tenant's OWN resource whose parameters name another
#: resource that AWS (or a service on the caller's behalf) then writes into, without
#: authorising the caller against that destination. A session granted one can write
#: into another tenant's partition; the proof reports a grant of one (that the role
#: allows too) as an escalation-class violation. Sources: the service API references
#: and developer guides of each action (see docs/isolation.md).
DEPUTY_WRITES: Mapping[str, str] = {
    "sqs:setqueueattributes": "RedrivePolicy names any queue of the account and Region as the "
    "dead-letter queue; SQS moves messages into it (RedriveAllowPolicy defaults to allowAll)",
    "sqs:createqueue": "the RedrivePolicy attribute names a dead-letter queue, as with "
    "SetQueueAttributes",
    "sns:subscribe": "the endpoint (a queue, a function) receives the topic's messages, "
    "authorised by the endpoint's policy for sns.amazonaws.com, not the caller",
    "sns:setsubscriptionattributes": "a subscription's RedrivePolicy names a dead-letter queue",
    "s3:putbucketnotification": "event notifications are delivered to any queue, topic or "
    "function whose policy admits s3.amazonaws.com",
    "s3:putbucketlogging": "server access logs are written into a target bucket by the "
    "logging service",
    "s3:putinventoryconfiguration": "inventory reports are written into a destination bucket "
    "by s3.amazonaws.com",
    "s3:putanalyticsconfiguration": "storage class analysis exports are written into a "
    "destination bucket by s3.amazonaws.com",
    "logs:putsubscriptionfilter": "log events are delivered to a destination (stream, "
    "function, Firehose) named in the request",
    "logs:createexporttask": "log data is exported into a destination bucket by the logs service",
    "events:puttargets": "matched events are delivered to any target (queue, topic, "
    "function) whose policy admits events.amazonaws.com",
    "dynamodb:enablekinesisstreamingdestination": "the table's changes are written into the "
    "Kinesis data stream named in the request",
    "cloudwatch:putmetricalarm": "alarm actions publish to any SNS topic named in the request",
}


@lru_cache(maxsize=1024)
def _shapes(res: ResourceSpec) -> tuple[_Shape, ...]:
    """Every request set on ``res`` that tenant A must never be allowed.

    Besides the declared partitions: a request with another tenant's leading key (or
    none) on any index of a pooled DynamoDB table reaches another tenant, an index not
    declared keyed by the tenant may hold anyone's items (``_index_shapes``), and its
    streams hold every tenant's items (for a table per tenant, its indexes and streams
    are that tenant's); a resource whose partitions are
    all ARNs has containers (the bucket, the parent paths) where one request reaches
    every tenant. For an S3 bucket that is the listing, whose partition key
    ``s3:prefix`` follows from the object partition; elsewhere every request on a
    container (or on the resource's own literal ARN) is one."""
    out: list[_Shape] = []
    if res.shared:
        return ()  # no tenant's data: covered by the model, nothing to separate
    conditional = [p for p in res.partitions if p.condition_key is not None]
    for p in res.partitions:
        if p.arn is None:
            continue
        kind = "object" if res.service == "s3" and _S3_ANY_OBJECT.fullmatch(p.arn) else None
        out.append(_Shape("arn", p, f"partition `{p.arn}`", p.arn, resource_type=kind))
        bucket = _S3_TENANT_BUCKET.fullmatch(p.arn) if res.service == "s3" else None
        if bucket is not None:
            # objects in a bucket per tenant: the bucket itself is that tenant's too
            mine = Partition(arn=bucket[1])
            label = f"partition `{mine.arn}` (the tenant's bucket)"
            out.append(_Shape("arn", mine, label, bucket[1], resource_type="bucket"))
        if res.service == "s3" and _S3_BUCKET_ONLY.fullmatch(p.arn):
            # a bucket per tenant: its objects are that tenant's too
            objects = Partition(arn=f"{p.arn}/*")
            label = f"partition `{objects.arn}` (the bucket's objects)"
            out.append(_Shape("arn", objects, label, f"{p.arn}/*", resource_type="object"))
        if res.service == "dynamodb" and not p.arn.endswith("*"):
            for sub, segment in _table_subresources():
                derived = Partition(arn=f"{p.arn}/{segment}/*")
                label = f"partition `{derived.arn}` (the table's {sub} ARNs)"
                target = f"{p.arn}/{segment}/*"
                out.append(_Shape("arn", derived, label, target, resource_type=sub))
    targets = [(res.arn, "")]
    if res.service == "dynamodb" and conditional:
        # On any index a request with B's leading key, or none, reaches another tenant
        # whatever the index's key; which indexes hold only the leading key's tenant's
        # items is what the declaration says (below).
        targets.append((f"{res.arn}/index/*", " on an index"))
        out.extend(_index_shapes(res))
        for sub, segment in _table_subresources():
            if sub == "index":
                continue  # indexes: the shapes above and `_index_shapes`
            out.append(
                _Shape(
                    "whole",
                    Partition(),
                    f"the table's {sub}s `{res.arn}/{segment}/*` (every tenant's items)",
                    f"{res.arn}/{segment}/*",
                    reported_as="key-less",
                    resource_type=sub,
                )
            )
    for p in conditional:
        out.extend(_condition_shapes(p, targets))
    if not conditional:
        out.extend(_container_shapes(res))
        if any(c in res.arn for c in "*?"):
            # Names of the resource that are no tenant's partition (`jobs-_all` of
            # `jobs-*`, a bucket `docs-ab` of `docs-*`): a request on one names no
            # partition, so it is key-less.
            exclude = tuple(dict.fromkeys(s.target for s in out if s.kind == "arn"))
            label = f"a name of `{res.arn}` that is no tenant's partition"
            out.append(
                _Shape(
                    "whole", Partition(), label, res.arn, reported_as="key-less", exclude=exclude
                )
            )
    return tuple(out)


def _index_shapes(res: ResourceSpec) -> list[_Shape]:
    """The indexes of a pooled table that are not partitioned by the tenant.

    A local secondary index, and a global one declared keyed on the table's partition
    key attribute, hold a tenant's items under the tenant's leading key: the table's
    condition shapes on ``arn/index/*`` cover them. A global index keyed on another
    attribute takes that attribute's value as ``dynamodb:LeadingKeys``: a Query on it
    with the tenant's own ID reads every tenant's items with that value, so every
    request on it reaches every tenant. An index the catalogue does not declare may
    be either: a request on it is ``unknown``, naming the declaration to add."""
    out: list[_Shape] = []
    declared = tuple(f"{res.arn}/index/{name}" for name, _ in res.indexes)
    for name, kind in res.indexes:
        if kind != "global-other-key":
            continue
        target = f"{res.arn}/index/{name}"
        label = f"global index `{target}` (keyed on another attribute: every tenant's items)"
        out.append(_Shape("whole", Partition(), label, target, reported_as="key-less",
                          resource_type="index"))  # fmt: skip
    label = f"an index of `{res.arn}` the catalogue does not declare"
    advice = (
        f"a request on an index of the pooled table `{res.arn}` that the catalogue does "
        "not declare: whether `dynamodb:LeadingKeys` names the tenant there depends on "
        f"the index's partition key; declare it under `[resources.{res.name}.indexes]` "
        "as `local`, `global-tenant-key` (a global index whose partition key is the "
        "table's partition key attribute) or `global-other-key`"
    )
    out.append(
        _Shape(
            "whole",
            Partition(),
            label,
            f"{res.arn}/index/*",
            reported_as="key-less",
            resource_type="index",
            exclude=declared,
            undecided=advice,
        )
    )
    return out


@lru_cache(maxsize=256)
def _number_shapes(res: ResourceSpec, language: TenantIdLanguage) -> tuple[_Shape, ...]:
    """A pooled table whose partition key is (or may be) a Number: the requests whose
    ``dynamodb:LeadingKeys`` value is a Number in non-canonical form (``0042``,
    ``42.0``, ``4.2E1``). DynamoDB reads it as its canonical value, which may be
    another tenant's ID; the string reasoning cannot say whose, so a request the
    policies allow there is ``unknown`` (or, with the key declared ``N`` and two
    tenant IDs of one value, a violation; see ``_checker``).

    With the key type undeclared the key is read as a String, except when every
    tenant ID is a Number string and some have non-canonical forms (``[0-9]+`` holds
    ``0042`` and ``42``): whether they are distinct then depends on the key type, so
    the catalogue must say it."""
    if res.shared or res.service != "dynamodb":
        return ()
    leading = [
        p
        for p in res.partitions
        if p.condition_key is not None and p.condition_key.lower() == "dynamodb:leadingkeys"
    ]
    if not leading:
        return ()
    declare = f"`partition_key_type` under `[resources.{res.name}]`"
    if res.partition_key_type == "S":
        return ()
    if res.partition_key_type is None and not_a_number(language) is not None:
        return ()  # letters in the language: a String key (the default)
    facts = number_facts(language)
    if res.partition_key_type is None:
        if facts.non_canonical is None:
            return ()  # a String key: letters in the language, or canonical IDs only
        pair = f"`{facts.non_canonical}`" + (f" and `{facts.twin}`" if facts.twin else "")
        advice = (
            f"every tenant ID is a number and some are not canonical ({pair}): if the "
            f"partition key of `{res.arn}` is a DynamoDB Number they name one item "
            f"collection; declare {declare} (`S` when it is a String, `N` when a Number)"
        )
    else:
        advice = (
            f"a `dynamodb:LeadingKeys` value that is no canonical Number on `{res.arn}` "
            "(partition key type `N`): DynamoDB normalises it, so it may name another "
            "tenant's item collection; grant only the tenant's own ID, and keep tenant "
            "IDs canonical numbers (`0`, or digits without a leading zero)"
        )
        if facts.not_a_number is not None:
            advice += (
                f"; tenant IDs such as `{facts.not_a_number}` are no Number at all: check {declare}"
            )
    # Over canonical IDs a tenant's partition is its own string (the string shapes) and
    # its non-canonical spellings (these globs). With non-canonical IDs in the language
    # a tenant's canonical spelling may be no ID at all (`42` for `042`): any value may
    # name a tenant's number, so every value is asked (`*`).
    globs = NON_CANONICAL_GLOBS if facts.non_canonical is None else ("*",)
    out: list[_Shape] = []
    targets = [(res.arn, "")]
    if res.service == "dynamodb":
        targets.append((f"{res.arn}/index/*", " on an index"))
    for p in leading:
        for glob in globs:
            value = Partition(condition_key=p.condition_key, value=glob)
            for target, note in targets:
                kind = "index" if target.endswith("/index/*") else None
                what = "any value" if glob == "*" else f"a non-canonical Number (`{glob}`)"
                label = f"`{p.condition_key}` {what}{note}"
                out.append(
                    _Shape(
                        "condition",
                        value,
                        label,
                        target,
                        resource_type=kind,
                        undecided=advice,
                        number_key=True,
                    )
                )
    return tuple(out)


@cache
def _table_subresources() -> tuple[tuple[str, str], ...]:
    """(resource type, ARN segment) of every DynamoDB resource below a table in the
    action data: index, stream, backup, export, import. Each holds the table's items."""
    from .._iamdata import iam_data

    prefix = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/"
    return tuple(
        (rtype, arn[len(prefix) :].split("/", 1)[0])
        for rtype, arn in sorted(iam_data().resource_formats("dynamodb").items())
        if arn.startswith(prefix)
    )


_S3_ANY_OBJECT = re.compile(r"arn:[^:]*:s3:::[^/]+/.*")
_S3_TENANT_BUCKET = re.compile(r"(arn:[^:]*:s3:::[^/]*\{tenant\}[^/]*)/.*")
_S3_BUCKET_ONLY = re.compile(r"arn:[^:]*:s3:::[^/]*\{tenant\}[^/]*")
#: A bucket's ARN, and nothing else: no `/` and no wildcard or tenant slot (a model
#: string's `*` is any text, `/` included, so `arn:aws:s3:::docs*` names objects too).
_S3_BUCKET = re.compile(r"arn:[^:*?{}]*:s3:::[^/*?{}]+")


def _condition_shapes(
    p: Partition,
    targets: Sequence[tuple[str, str]],
    *,
    container_type: str | None = None,
) -> list[_Shape]:
    """The condition and key-less shapes of ``p`` on each target; ``container_type``:
    the targets are S3 listing containers by construction (a bucket cut at a
    partition's first `/`, an access point cut before `/object/`), of that resource
    type (None: read from the target)."""
    out: list[_Shape] = []
    for target, note in targets:
        kind = "index" if target.endswith("/index/*") else None
        if container_type is not None:
            kind = container_type  # only actions on that type act on the container's ARN
        elif _S3_BUCKET.fullmatch(target):
            kind = "bucket"  # only bucket actions act on a bucket ARN
        out.append(
            _Shape(
                "condition",
                p,
                f"`{p.condition_key}` = `{p.value}`{note}",
                target,
                resource_type=kind,
            )
        )
        out.append(
            _Shape(
                "key-less",
                p,
                f"`{p.condition_key}` absent or empty{note}",
                target,
                reported_as="key-less",
                resource_type=kind,
            )
        )
    return out


_S3_OBJECT = re.compile(r"(arn:[^:]*:s3:::)([^/{}]+)/(.*\{tenant\}.*)")
#: An object through an S3 access point (``arn:P:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY``)
#: or a Multi-Region Access Point (``arn:P:s3::ACCOUNT:accesspoint/ALIAS/object/KEY``): S3 User
#: Guide, "Using access points" (ARN formats); the action data's ``accesspoint`` and
#: ``accesspointobject`` types. A listing through the access point is ``s3:ListBucket`` on
#: the access point's own ARN, with ``s3:prefix`` as for a bucket (the action data lists
#: ``accesspoint`` among ListBucket's resource types).
_S3_ACCESS_POINT_OBJECT = re.compile(
    r"(arn:[^:]*:s3:[^:]*:[^:]*:accesspoint/[^/{}*?]+)/object/(.*\{tenant\}.*)"
)


#: An S3 access point (or Multi-Region Access Point) partition whose tenant stands in
#: the access point's ARN (its name, account or region), not in the object key:
#: ``accesspoint/{tenant}-ap``, ``accesspoint/{tenant}-ap/object/*``, or
#: ``arn:aws:s3:REGION:{tenant}:accesspoint/docs/object/*`` (an access point in each
#: tenant's own account, attached to one bucket). Groups: the text before ``/object/``,
#: the text after it (None for the access point itself).
_S3_ACCESS_POINT_NAMED = re.compile(
    r"(arn:[^:]*:s3:[^:]*:[^:]*:accesspoint/[^/]*)(?:/object/(.*))?"
)


def access_point_named(arn: str) -> bool:
    """Whether a partition ARN gives a tenant an S3 access point by name while the object
    keys below it name no tenant. An access point is a named endpoint of one bucket:
    ``accesspoint/NAME/object/KEY`` is the object ``KEY`` of that bucket, and every
    access point of the bucket reaches every key the bucket and the access point's
    policy permit (S3 User Guide, "Configuring IAM policies for using access points":
    "both the access point and the underlying bucket must permit the request"; its
    examples confine a user to a key prefix, ``Jane/``). Two tenants' access points on
    one bucket name the same objects, so such a partition says nothing of whose data a
    request reaches unless the catalogue says which bucket each serves, which it cannot."""
    m = _S3_ACCESS_POINT_NAMED.fullmatch(arn)
    return m is not None and "{tenant}" in m[1] and "{tenant}" not in (m[2] or "")


#: Sub-resources that are views of their parent's whole data, with the tenant standing
#: only in the view's name: ``(service, pattern, what)``. The pattern's groups: the
#: parent's name, the view's name. A view named per tenant partitions nothing:
#:
#: - a DynamoDB index (``table/T/index/NAME``): an index holds every item of the
#:   base table that has the index's key attributes (DynamoDB Developer Guide, "Take
#:   advantage of sparse indexes": global secondary indexes are sparse by default and
#:   hold only, and all, the base table's items that carry those attributes), whichever
#:   tenant wrote them;
#: - a DynamoDB stream (``table/T/stream/LABEL``): every item change of the table;
#: - a Kinesis enhanced fan-out consumer (``stream/S/consumer/NAME:...``):
#:   ``SubscribeToShard`` pushes "records from the shard" of the consumer's stream
#:   (Kinesis API reference, SubscribeToShard), every record of every producer.
_VIEWS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "dynamodb",
        re.compile(r"arn:[^:]*:dynamodb:[^:]*:[^:]*:table/([^/]*)/index/(.*)"),
        "a DynamoDB index, which holds every item of its table that carries the "
        "index's key attributes, whichever tenant wrote it",
    ),
    (
        "dynamodb",
        re.compile(r"arn:[^:]*:dynamodb:[^:]*:[^:]*:table/([^/]*)/stream/(.*)"),
        "a DynamoDB stream, which carries every item change of its table",
    ),
    (
        "kinesis",
        re.compile(r"arn:[^:]*:kinesis:[^:]*:[^:]*:stream/([^/]*)/consumer/(.*)"),
        "a Kinesis stream consumer, through which SubscribeToShard reads every record "
        "of its stream's shards",
    ),
)


def view_named(service: str, arn: str) -> str | None:
    """What view a partition ARN gives a tenant by name (:data:`_VIEWS`), when the
    tenant stands in the view's name and not in its parent's; None otherwise (a
    tenant's own table or stream with its indexes or consumers partitions by the
    parent's name, and proves)."""
    for svc, pattern, what in _VIEWS:
        m = pattern.fullmatch(arn)
        if svc == service and m is not None and "{tenant}" not in m[1] and "{tenant}" in m[2]:
            return what
    return None


#: S3 condition keys that say which access point a request came through, not which
#: object it names: ``s3:DataAccessPointArn`` (the access point's ARN),
#: ``s3:DataAccessPointAccount`` (its owner's account) and
#: ``s3:AccessPointNetworkOrigin`` (``Internet`` or ``VPC``). The S3 User Guide's
#: "Delegating access control to access points" uses the first two in a bucket policy to
#: hand a bucket's access decisions to its access points; every access point of a bucket
#: reaches every key of it ("both the access point and the underlying bucket must
#: permit the request", "Configuring IAM policies for using access points"), so a value
#: per tenant of one of these keys tells no tenant's objects from another's.
ACCESS_POINT_KEYS = frozenset(
    {"s3:dataaccesspointarn", "s3:dataaccesspointaccount", "s3:accesspointnetworkorigin"}
)


#: Condition keys whose value is the data a request touches, so that a partition on
#: one binds that data to a tenant: the partition key of the items read or written
#: (`dynamodb:LeadingKeys`), the key prefix of a listing (`s3:prefix`), the encryption
#: context a ciphertext is bound to (`kms:EncryptionContext:KEY`: decrypting needs the
#: exact context), the tags of the resource or object acted on (`aws:ResourceTag/KEY`,
#: `SERVICE:ResourceTag/KEY`, `s3:ExistingObjectTag/KEY`; tagging actions are writes
#: the proof does not pass), and the source and detail type an event is put with
#: (`events:source`, `events:detail-type`). A partition on another key (a request tag,
#: the caller's own attributes, the network) says nothing of whose data is reached:
#: the proof says ``unknown`` naming it (:func:`binds_data`). Names in lower case.
DATA_KEYS = frozenset({"dynamodb:leadingkeys", "s3:prefix", "events:source", "events:detail-type"})
_DATA_KEY = re.compile(
    r"kms:encryptioncontext:.+|aws:resourcetag/.+|[a-z0-9-]+:resourcetag/.+"
    r"|s3:existingobjecttag/.+"
)


_RESOURCE_TAG_KEY = re.compile(r"(?:aws|[a-z0-9-]+):resourcetag/.+")


def resource_tag_key(key: str) -> bool:
    """Whether a condition key is a tag of the resource a request names
    (``aws:ResourceTag/KEY``, ``SERVICE:ResourceTag/KEY``), matched without regard to
    case. A resource has one value per tag key ("Each DynamoDB table can only have up to
    one tag with the same key": DynamoDB API reference, Tag), so such a key tells one
    whole resource from another, never one tenant's data inside a resource from
    another's (:func:`_beyond.tags_whole_resources`)."""
    return _RESOURCE_TAG_KEY.fullmatch(key.lower()) is not None


def binds_data(key: str) -> bool:
    """Whether a partition condition key is one whose value is the data a request
    touches (:data:`DATA_KEYS`); matched without regard to case, as IAM matches
    condition key names."""
    lower = key.lower()
    return lower in DATA_KEYS or _DATA_KEY.fullmatch(lower) is not None


def access_point_key(key: str) -> bool:
    """Whether a partition condition key names the S3 access point of a request rather
    than its object (:data:`ACCESS_POINT_KEYS`); matched without regard to case, as IAM
    matches condition key names."""
    return key.lower() in ACCESS_POINT_KEYS


def _s3_listing(arn: str) -> tuple[str, str, str | None] | None:
    """For an S3 object partition ARN: the ARN its listing is authorised on (the bucket,
    or the access point), the key pattern below it (the implied ``s3:prefix`` partition)
    and that container's resource type (None: any action counts, for an access point:
    the action data names the `accesspoint` type for ListBucket but not for every
    listing the access point serves, such as ListMultipartUploads, and no type for a
    Multi-Region Access Point's listing); None for any other form."""
    m = _S3_OBJECT.fullmatch(arn)
    if m is not None:
        return m[1] + m[2], m[3], "bucket"
    m = _S3_ACCESS_POINT_OBJECT.fullmatch(arn)
    if m is not None:
        return m[1], m[2], None
    return None


def _container_shapes(res: ResourceSpec) -> list[_Shape]:
    out: list[_Shape] = []
    seen: set[str] = set()
    for p in res.partitions:
        if p.arn is None:
            continue
        if res.service == "s3":
            listing = _s3_listing(p.arn)
            if listing is not None and listing[0] not in seen:
                container, key, kind = listing
                seen.add(container)
                implied = Partition(condition_key="s3:prefix", value=key)
                out.extend(
                    _condition_shapes(
                        implied, [(container, f" (implied by `{p.arn}`)")], container_type=kind
                    )
                )
            continue
        for target in _ancestors(p.arn, every=res.service in RECURSIVE_READ_SERVICES):
            if target not in seen:
                seen.add(target)
                out.append(_whole(target))
    # The resource's own literal ARN: a container of every partition unless it is one of
    # them, or a listing container already given its `s3:prefix` shapes (an S3 ARN of a
    # form not read above, such as an access point whose partitions name no object key,
    # gets the whole shape too).
    literal = not any(c in res.arn for c in "*?{}")
    own = literal and res.arn not in seen
    if own and all(res.arn != p.arn for p in res.partitions):
        out.append(_whole(res.arn))
    return out


#: Services where a request on a path reads what lies below it at any depth
#: (``ssm:GetParametersByPath`` with ``Recursive``): every ancestor is a container.
RECURSIVE_READ_SERVICES = frozenset({"ssm"})


def _ancestors(partition_arn: str, *, every: bool) -> list[str]:
    """The paths above a partition: the literal text before the tenant (or a
    wildcard) cut at each ``/`` of the resource part, with and without the ``/``;
    with ``every`` false only the nearest one, where the tenant's own segment
    starts (a listing of the tenants' folder)."""
    cut = min(
        (i for i in (partition_arn.find(t) for t in ("{tenant}", "*", "?")) if i >= 0),
        default=len(partition_arn),
    )
    literal = partition_arn[:cut]
    parts = literal.split(":", 5)
    if len(parts) < 6:
        return []
    start = len(literal) - len(parts[5])
    out: list[str] = []
    for i in range(start, len(literal)):
        if literal[i] == "/":
            out += [literal[:i], literal[: i + 1]]
    if not every:
        return out[-2:] if literal.endswith("/") else []
    return out


def _whole(target: str) -> _Shape:
    label = f"every tenant's data under `{target}`"
    return _Shape("whole", Partition(), label, target, reported_as="key-less")


@lru_cache(maxsize=4096)
def _shape_actions(shape: _Shape, service_actions: tuple[str, ...]) -> tuple[str, ...]:
    """The actions a request of ``shape`` can have: actions that take only ``*`` as
    their resource never act on a partition's ARN, and actions that always carry the
    partition key are left out of its key-less shape."""
    actions = shape.actions if shape.actions is not None else service_actions
    key = shape.partition.condition_key
    carried: frozenset[str] = frozenset()
    if shape.kind == "key-less" and key is not None:
        carried = ALWAYS_CARRIED.get(key.lower(), frozenset())
    return tuple(
        a
        for a in actions
        if a not in carried
        and _takes(a, shape.resource_type) is not False
        and (shape.kind != "condition" or key is None or _carries(a, key) is not False)
    )


@cache
def _carries(action: str, key: str) -> bool | None:
    """Whether ``action``'s requests can carry the condition key ``key`` (the action
    data's keys of the action and of its resource types; global ``aws:`` keys are
    taken as carried); None when the data does not know the action. A request of an
    action that never carries the key cannot be in a shape that needs it present."""
    from .._iamdata import iam_data, key_matches

    if key.lower().startswith("aws:"):
        return True
    data = iam_data()
    info = data.action(action)
    if info is None:
        return None
    return key_matches(key, data.applicable_keys(info))


@cache
def _takes(action: str, resource_type: str | None) -> bool | None:
    """Whether the action data says ``action`` can act on a resource of that type (any
    type when None); None when the data does not know the action. An action that
    supports only ``Resource: "*"`` never acts on a partition's ARN."""
    from .._iamdata import iam_data

    info = iam_data().action(action)
    if info is None:
        return None
    if not info.resource_types:
        return False
    return resource_type is None or resource_type in info.resource_types


@cache
def _escalation_actions() -> tuple[str, ...]:
    """STS actions that mint a principal, and IAM writes on roles (their policies,
    trust, tags, boundary)."""
    from .._iamdata import iam_data, service_actions

    data = iam_data()
    writes = {
        a
        for a in service_actions("iam")
        if (info := data.action(a)) is not None
        and "role" in info.resource_types
        and info.level in ("W", "P", "T")
    }
    # Every STS action on a role confers (part of) its powers on the caller's session:
    # assuming it, tagging or naming the session, setting its context (sts:SetContext).
    sts = {
        a
        for a in service_actions("sts")
        if (info := data.action(a)) is not None and "role" in info.resource_types
    }
    return tuple(sorted(set(ESCALATION_ACTIONS) | writes | sts))


@lru_cache(maxsize=4096)
def _covered_actions(
    patterns: tuple[str, ...], not_action: bool, actions: tuple[str, ...]
) -> tuple[str, ...]:
    """The actions of ``actions`` a statement's Action (or NotAction) covers."""
    regexes = [_action_regex(p) for p in patterns]
    return tuple(a for a in actions if any(r.fullmatch(a) for r in regexes) != not_action)


def _action_covered(st: _Stmt, action: str) -> bool:
    hit = any(_action_regex(p).fullmatch(action) for p in st.actions)
    return hit != st.not_action


@cache
def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.I)


def _service_actions(service: str, stmts: Sequence[_Stmt]) -> tuple[str, ...]:
    actions = set(_catalogue_actions(service))
    for st in stmts:
        for a in st.actions:
            if a.startswith(f"{service}:") and "*" not in a and "?" not in a:
                actions.add(a)
    return tuple(sorted(actions))


def _catalogue_actions(service: str) -> tuple[str, ...]:
    """Every known action of the service: the 2026 snapshot and policyuniverse (so a
    wildcard that only matches a newer action, `secretsmanager:BatchGet*`, is seen)."""
    from .._iamdata import service_actions

    return service_actions(service)


#: Name prefixes of actions that read or write data; such actions are tried first.
DATA_ACTION_PREFIXES = (
    "get", "put", "query", "scan", "list", "delete", "update", "send", "receive",
    "decrypt", "encrypt", "batch", "describe",
)  # fmt: skip


def _prefer_data_actions(actions: Sequence[str]) -> list[str]:
    def rank(a: str) -> tuple[int, str]:
        name = a.partition(":")[2]
        return (0 if name.startswith(DATA_ACTION_PREFIXES) else 1, a)

    return sorted(actions, key=rank)


@cache
def _single_valued(key: str) -> bool:
    """Whether the action data types ``key`` as single-valued (a key it does not know
    is taken as multivalued: that admits more requests, never fewer)."""
    from .._iamdata import iam_data

    kind = iam_data().key_type(key)
    return kind is not None and not kind.startswith("ArrayOf")


@cache
def _multivalued(key: str) -> bool:
    """Whether ``key``'s request values are known to be a set: the keys listed in
    :data:`MULTIVALUED_KEYS`, or typed ``ArrayOf...`` by the action data."""
    from .._iamdata import iam_data

    if key.lower() in MULTIVALUED_KEYS:
        return True
    kind = iam_data().key_type(key)
    return kind is not None and kind.startswith("ArrayOf")


_POSITIVE_OF = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
}


def _key_fence(d: _Stmt, key: str) -> bool:
    """A Deny whose only conditions are negated string operators on ``key`` (plain,
    ``IfExists``, or ``ForAnyValue:``): it denies every request whose value (each of
    its values) falls outside its own values, so what it lets through is exactly
    what the positive operator admits."""
    if _case_twins(d.raw) is not None:
        return False  # which of its values AWS tests is not known: no sure fence
    conds = _conditions(d.raw)
    # Without a set operator, a multivalued request value makes the operator false
    # (the evaluator's reading): such a Deny never applies and fences nothing.
    plain_ok = _single_valued(key)
    return bool(conds) and all(
        c.key.lower() == key.lower()
        and c.base_operator in _POSITIVE_OF
        and (c.set_operator == "ForAnyValue" or (c.set_operator is None and plain_ok))
        for c in conds
    )


def _positive(cond: Condition) -> Condition:
    """The positive twin of a key fence's condition, for the condition shapes: a value
    that touches B passes the Deny only if it matches the fence's values."""
    prefix = "ForAllValues:" if cond.set_operator == "ForAnyValue" else ""
    return Condition(prefix + _POSITIVE_OF[cond.base_operator], cond.key, cond.values, cond.scalar)


def _demands_absent(cond: Condition) -> bool:
    """Whether ``cond`` is false for every request that carries its key: a ``Null``
    condition all of whose values are ``true`` (its values are ORed, so one ``false``
    among them makes it true for a present key)."""
    return (
        cond.base_operator == "Null"
        and bool(cond.values)
        and all(str(v).lower() == "true" for v in cond.values)
    )


def _case_twins(raw: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """``(operator, key, other spelling)`` when one operator block of the statement's
    Condition names a key twice in different case (``s3:prefix`` and ``S3:Prefix``).
    Condition key names are case-insensitive (IAM User Guide, "IAM JSON policy
    elements: Condition": ``aws:SourceIP`` is ``AWS:SourceIp``), so both name one key,
    and AWS does not document whether it tests both values (AND), the first or the
    last: no reading of such a block is sure, so it is never narrowed by."""
    for op, block in raw.get("Condition", {}).items():
        seen: dict[str, str] = {}
        for key in block:
            first = seen.setdefault(str(key).lower(), str(key))
            if first != key:
                return str(op), first, str(key)
    return None


def _twins_text(twins: tuple[str, str, str]) -> str:
    op, first, second = twins
    return (
        f"`{op}` names the condition key `{first}` twice (`{first}`, `{second}`): key "
        "names are case-insensitive and AWS does not document which value it tests"
    )


def _conditions(raw: Mapping[str, Any]) -> list[Condition]:
    out = []
    for op, block in raw.get("Condition", {}).items():
        for key, vals in block.items():
            values = tuple(vals) if isinstance(vals, list) else (vals,)
            out.append(Condition(op, key, values, not isinstance(vals, list)))
    return out
