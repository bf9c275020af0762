"""Client-side isolation guard: every call of a tenant session is decided locally
against the tenant's effective policy before it is signed and sent.

``iam_requests(service, operation, params, scope)`` maps one API call, with its
parameters as the caller passes them to the boto3 client, to the IAM request(s) AWS
would evaluate (pure); :class:`Guard` installs botocore hooks on a boto3 session that
evaluate them and raise ``ClientError`` (``AccessDenied``) for a denied call, which is
then never sent.

The rule for every identifier is: the guard reads exactly what the service reads, or
refuses the call (:class:`RefusedParameter`, denied in strict *and* permissive mode).
What each service reads, and so what is accepted:

- S3 ``Bucket``: a bucket name (3-63 of ``a-z 0-9 . -``). ARNs (access points,
  Object Lambda, Outposts, multi-Region access points) and access point aliases
  (``-s3alias``, ``--ol-s3``) or directory buckets (``--x-s3``) are refused: the guard
  cannot see which bucket and keys they reach. ``Key``: S3 reads it literally; keys
  with a ``.`` or ``..`` path segment are refused (an HTTP layer may normalise the
  URL path, and the service would then read another key). ``VersionId`` makes the
  action the ``...Version`` one (``s3:GetObjectVersion``, ...).
- S3 ``CopySource``: botocore URL-encodes the string form (all of it but a final
  ``?versionId=...`` without whitespace) and the dict form (``Bucket``/``Key``, with
  ``VersionId`` appended); S3 URL-decodes it once. The guard applies the same two
  steps, so ``%2F`` in a string is the three characters ``%2F`` of the key, ``?x`` is
  part of the key, and the source is read as S3 reads it; ARN sources are refused.
- DynamoDB ``TableName``: a table name, or a table ARN of the scope's partition,
  region and account (index or stream ARNs are not table names: refused). The
  partition key attribute is looked up by table *name*. A ``Query`` key condition
  must name the partition key at most once, as ``name = :value`` (or ``KeyConditions``
  ``EQ`` with one value, never both forms): anything the guard could read one way and
  the service another is refused.
- SQS ``QueueUrl``: exactly ``https://<host>/<account>/<name>``, the account the
  scope's, the name 1-80 of ``A-Za-z0-9_-`` (``.fifo`` allowed at the end), the host
  ``sqs.<region>.<dns>``, ``sqs-fips.<region>.<dns>``, ``<region>.queue.<dns>`` or, in
  ``us-east-1``, ``queue.amazonaws.com``; or the scheme and host of the endpoint the
  client sends to (a local test server). ``GetQueueUrl``'s
  ``QueueOwnerAWSAccountId`` must be the scope's account.
- Secrets Manager ``SecretId``: a name (no ``:``; names cannot hold one) evaluates as
  ``<name>-??????`` (AWS adds six random characters); an ARN must be the scope's
  partition, region and account, and one whose name ends in ``-`` plus six letters or
  digits is read both as complete and as partial ARN (both must be allowed).
- KMS ``KeyId``: a key ID or key ARN of the scope's account and region. Aliases
  (``alias/...``, alias ARNs, ``alias/aws/...``) are refused: AWS authorises the key
  the alias points to, which the guard cannot see; so is ``Decrypt`` without
  ``KeyId`` (the key is inside the ciphertext). Encryption contexts whose keys differ
  only in case are refused (condition keys are case-insensitive).

With the catalogue (``guard_session(..., catalog=)``; the vendor always passes it),
every request the evaluator allows must also lie in the tenant's partitions of the
resource model (:class:`policy_engine._partitions.TenantPartitions`): that check does
not depend on the policies, so a misconfigured session template does not widen what
the guard lets through; an operation the guard has no mapping for is then refused in
permissive mode too when the model partitions its service (it cannot be placed on a
partition). A request that reaches signing without having been decided (botocore's
database auth tokens) is such an unmapped operation too. A guarded S3 client's managed
transfers keep to boto3's classic transfer manager, whose requests these hooks see
(:mod:`policy_engine._transfers`). What is signed is the request decided: at
``before-sign`` the request is compared with a fresh serialisation of the decided
parameters, and the client's signer signs it only as the guard checked it
(:mod:`policy_engine._wire`). A call made inside another tenant's (or tier's)
invocation, with a client kept from an earlier one, is refused. Refusal messages
escape every non-printable character.

What it cannot see: server-side effects (triggers, replication, what a stream or an
S3 event later does), resource-based policies, SCPs, and keys the caller does not
pass (a DynamoDB ``Query`` whose partition key condition it cannot parse counts as a
request without leading keys, which tenant policies deny: it fails closed).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from .errors import PolicyEngineError
from .evaluate import Decision, Evaluator, Request

if TYPE_CHECKING:
    import boto3

    from ._partitions import TenantPartitions
    from .catalog import Catalog

log = logging.getLogger("policy_engine.guard")
IamRequest = tuple[str, str, dict[str, str | list[str]]]  # action, resource ARN, context
PRESIGNED_POST = "GeneratePresignedPost"  # the pseudo-operation of an S3 presigned POST


class UnmappedOperation(Exception):
    """The guard does not know which IAM request an operation makes."""


class RefusedParameter(PolicyEngineError, ValueError):
    """A parameter names a resource in a form the guard cannot read exactly as the
    service does. Refused in every mode: permissive mode lets unmapped operations
    through, never these."""

    def __init__(self, parameter: str, value: object, reason: str) -> None:
        self.parameter = parameter
        self.value = value
        self.reason = reason
        if value is ...:  # about the call as a whole
            super().__init__(f"parameters refused: {reason}")
            return
        shown = repr(value) if not isinstance(value, str) else value
        if len(shown) > 200:
            shown = shown[:200] + "..."
        super().__init__(f"parameter `{parameter}` = `{shown}` refused: {reason}")


_DNS_SUFFIX = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}
_REGIONAL = frozenset({"dynamodb", "sqs", "secretsmanager", "kms"})
#: botocore's SigV2 query (presigned URL) signers for S3
_SIGV2_QUERY = frozenset({"s3-query"})


@dataclass(frozen=True)
class Scope:
    """Where the calls go: partition, region, account; the DynamoDB partition key
    attribute (one name for every table, or a name per table); and the custom
    endpoint URL (a local test server) whose scheme and host SQS queue URLs may use.
    The guard's hooks fill in ``endpoint_url`` with the endpoint each client sends to.
    """

    region: str
    account: str
    partition: str = "aws"
    dynamodb_partition_key: str | Mapping[str, str] = "tenant_id"
    endpoint_url: str | None = None

    def pk(self, table: str) -> str:
        key = self.dynamodb_partition_key
        return key if isinstance(key, str) else key.get(table, "tenant_id")


# -- mapping -------------------------------------------------------------------------------


def iam_requests(
    service: str, operation: str, params: Mapping[str, Any], scope: Scope
) -> list[IamRequest]:
    """The IAM requests one API call makes (``params`` as passed to the client).

    Raises :class:`UnmappedOperation` for an operation the guard does not know and
    :class:`RefusedParameter` for an identifier it cannot read as the service does.
    """
    return _map(service, operation, params, scope, wire=False)


def _in_scope(parameter: str, value: Any, m: re.Match[str], s: Scope, what: str) -> None:
    """Refuse an ARN (``m``: its partition, region and account the first three groups)
    outside the session's partition, region and account."""
    if (m.group(1), m.group(2), m.group(3)) != (s.partition, s.region, s.account):
        raise RefusedParameter(
            parameter,
            value,
            f"{what} is outside the session's scope (partition `{s.partition}`, region "
            f"`{s.region}`, account `{s.account}`)",
        )


def _map(
    service: str, operation: str, params: Mapping[str, Any], scope: Scope, *, wire: bool
) -> list[IamRequest]:
    mapper = _MAPPERS.get(service)
    if mapper is None:
        raise UnmappedOperation(f"{service}:{operation}")
    if not isinstance(params, Mapping):
        raise RefusedParameter("params", params, "the parameters must be a mapping")
    try:
        requests = mapper(operation, params, scope, wire)
    except (UnmappedOperation, RefusedParameter):
        raise
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise RefusedParameter("params", ..., f"malformed ({type(exc).__name__}: {exc})") from None
    if not requests:
        raise RefusedParameter("params", ..., "the call names no resource the guard can decide")
    return requests


def _string(parameter: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise RefusedParameter(parameter, value, "must be a non-empty string")
    return value


# -- S3 ------------------------------------------------------------------------------------

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_BUCKET_IP = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", "--table-s3", ".mrap")
# botocore.handlers.VERSION_ID_SUFFIX: a string CopySource keeps this suffix unencoded
_VERSION_ID_SUFFIX = re.compile(r"\?versionId=[^\s]+$")
_COPY_SAFE = "-._~/"  # botocore.utils.SAFE_CHARS + "/"
_WIRE_PATH = re.compile(r"[A-Za-z0-9\-._~/%]+")


def _bucket(parameter: str, value: Any) -> str:
    name = _string(parameter, value)
    if ":" in name:
        raise RefusedParameter(
            parameter,
            value,
            "ARNs (access points, Object Lambda, Outposts, multi-Region access points) are "
            "not accepted: the guard cannot see which bucket and keys they reach; name the "
            "bucket",
        )
    if (
        _BUCKET.fullmatch(name) is None
        or ".." in name
        or ".-" in name
        or "-." in name
        or _BUCKET_IP.fullmatch(name)
        or name.startswith(_BUCKET_RESERVED_PREFIXES)
        or name.endswith(_BUCKET_RESERVED_SUFFIXES)
    ):
        raise RefusedParameter(
            parameter,
            value,
            "not a bucket name the guard accepts (3-63 of `a-z 0-9 . -`, starting and "
            "ending with a letter or digit; access point aliases and directory buckets "
            "are not accepted)",
        )
    return name


def _key(parameter: str, value: Any) -> str:
    key = _string(parameter, value)
    if any(segment in (".", "..") for segment in key.split("/")):
        raise RefusedParameter(
            parameter,
            value,
            "keys with a `.` or `..` path segment are not accepted: an HTTP layer may "
            "normalise them and the service would read another key",
        )
    return key


def _version(parameter: str, value: Any) -> str | None:
    return None if value is None else _string(parameter, value)


def _copy_source_wire(value: Any) -> str:
    """``CopySource`` as botocore sends it (``handle_copy_source_param``)."""
    if isinstance(value, str):
        suffix = _VERSION_ID_SUFFIX.search(value)
        if suffix is None:
            return quote(value, safe=_COPY_SAFE)
        return quote(value[: suffix.start()], safe=_COPY_SAFE) + value[suffix.start() :]
    if isinstance(value, Mapping):
        bucket = _bucket("CopySource.Bucket", value.get("Bucket"))
        key = _string("CopySource.Key", value.get("Key"))
        wire = quote(f"{bucket}/{key}", safe=_COPY_SAFE)
        version = value.get("VersionId")
        if version is not None:
            wire += f"?versionId={version}"
        return wire
    raise RefusedParameter(
        "CopySource", value, "must be a string `bucket/key` or a dict with Bucket and Key"
    )


def _copy_source_read(wire: str) -> tuple[str, str, str | None]:
    """What S3 reads from the ``x-amz-copy-source`` header: bucket, key, version."""
    path, has_query, query = wire.partition("?")
    version = None
    if has_query:
        if not query.startswith("versionId=") or query == "versionId=":
            raise RefusedParameter(
                "CopySource", wire, "the only query S3 reads there is `?versionId=<id>`"
            )
        version = query[len("versionId=") :]
    if _WIRE_PATH.fullmatch(path) is None:
        raise RefusedParameter("CopySource", wire, "not in the form botocore sends")
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise RefusedParameter("CopySource", wire, "not valid UTF-8 once decoded") from None
    if decoded.startswith("/"):
        decoded = decoded[1:]  # `/bucket/key` is accepted too; `//bucket` is not
    bucket, has_key, key = decoded.partition("/")
    if not has_key:
        raise RefusedParameter("CopySource", decoded, "must be `bucket/key`")
    return _bucket("CopySource bucket", bucket), _key("CopySource key", key), version


_S3_OBJECT = {
    # operation: (action, action when a VersionId is given)
    "GetObject": ("s3:GetObject", "s3:GetObjectVersion"),
    "HeadObject": ("s3:GetObject", "s3:GetObjectVersion"),
    "PutObject": ("s3:PutObject", None),
    "DeleteObject": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
    "GetObjectTagging": ("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
    "PutObjectTagging": ("s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
    "CreateMultipartUpload": ("s3:PutObject", None),
    "UploadPart": ("s3:PutObject", None),
    "CompleteMultipartUpload": ("s3:PutObject", None),
    "AbortMultipartUpload": ("s3:AbortMultipartUpload", None),
}
_S3_LIST = ("ListObjects", "ListObjectsV2", "ListObjectVersions")
_S3_OPERATIONS = frozenset(
    [*_S3_OBJECT, *_S3_LIST, "DeleteObjects", "CopyObject", "UploadPartCopy", PRESIGNED_POST]
)


def _s3(op: str, p: Mapping[str, Any], s: Scope, wire: bool) -> list[IamRequest]:
    if op not in _S3_OPERATIONS:
        raise UnmappedOperation(f"s3:{op}")
    if op == PRESIGNED_POST:
        bucket = _bucket("Bucket", p.get("Bucket"))
        return _presigned_post(bucket, _post_conditions(bucket, p), s)
    bucket_arn = f"arn:{s.partition}:s3:::{_bucket('Bucket', p.get('Bucket'))}"
    if op in _S3_OBJECT:
        plain, versioned = _S3_OBJECT[op]
        obj = f"{bucket_arn}/{_key('Key', p.get('Key'))}"
        version = _version("VersionId", p.get("VersionId")) if versioned else None
        return [(versioned if version and versioned else plain, obj, {})]
    if op in _S3_LIST:
        ctx: dict[str, str | list[str]] = {}
        if p.get("Prefix") is not None:
            prefix = p["Prefix"]
            if not isinstance(prefix, str):
                raise RefusedParameter("Prefix", prefix, "must be a string")
            ctx["s3:prefix"] = prefix
        action = "s3:ListBucketVersions" if op == "ListObjectVersions" else "s3:ListBucket"
        return [(action, bucket_arn, ctx)]
    if op == "DeleteObjects":
        out: list[IamRequest] = []
        for i, o in enumerate(p["Delete"]["Objects"]):
            key = _key(f"Delete.Objects[{i}].Key", o.get("Key"))
            version = _version(f"Delete.Objects[{i}].VersionId", o.get("VersionId"))
            action = "s3:DeleteObjectVersion" if version else "s3:DeleteObject"
            out.append((action, f"{bucket_arn}/{key}", {}))
        return out
    if op in ("CopyObject", "UploadPartCopy"):
        source = p.get("CopySource")
        if not wire:
            source = _copy_source_wire(source)
        elif not isinstance(source, str):
            raise RefusedParameter("CopySource", source, "botocore did not encode it")
        src_bucket, src_key, version = _copy_source_read(source)
        read = "s3:GetObjectVersion" if version is not None else "s3:GetObject"
        target = f"{bucket_arn}/{_key('Key', p.get('Key'))}"
        return [
            (read, f"arn:{s.partition}:s3:::{src_bucket}/{src_key}", {}),
            ("s3:PutObject", target, {}),
        ]
    raise UnmappedOperation(f"s3:{op}")


#: a label of an S3 endpoint host (``s3``, ``s3-accelerate``, ``s3-accesspoint``,
#: ``s3-fips``, ``s3-eu-west-1``, ``s3express-euw1-az1``...): what comes before it names
#: a bucket (or an access point), what follows is the endpoint
_S3_HOST_LABEL = re.compile(r"s3|s3-[a-z0-9-]+|s3express-[a-z0-9-]+")
_AWS_DNS = (".amazonaws.com", ".amazonaws.com.cn")


def s3_target(url: str) -> tuple[str, str]:
    """The bucket and key S3 reads from a request URL: from an AWS host that names a
    bucket (or an access point: ``<name>.s3.<region>.amazonaws.com``,
    ``<name>.s3-accesspoint...``, ``<name>.vpce-....s3...``) the bucket, and the
    path as the key; otherwise path-style, the first path segment and the rest. The
    path is percent-decoded once, as S3 decodes it; ``""`` is no key (a request on the
    bucket)."""
    split = urlsplit(url)
    host = (split.hostname or "").lower()
    path = unquote(split.path, errors="strict")
    if not path.startswith("/"):
        path = "/" + path
    named: str | None = None
    if host.endswith(_AWS_DNS):
        labels = host.split(".")
        found = [i for i, label in enumerate(labels) if _S3_HOST_LABEL.fullmatch(label)]
        if not found:
            raise ValueError(f"`{host}` is no S3 endpoint")
        i = found[-1]
        if i > 0 and labels[i - 1].startswith("vpce-"):
            i -= 1  # an interface endpoint: `vpce-...` belongs to the endpoint
        if i > 0:
            named = ".".join(labels[:i])
    if named is not None:
        return named, path[1:]
    bucket, _, key = path[1:].partition("/")
    return bucket, key


def _post_conditions(bucket: str, p: Mapping[str, Any]) -> list[Any]:
    """The policy conditions ``generate_presigned_post(Bucket, Key, Conditions=...)``
    signs (botocore adds the bucket and the key, a prefix for ``${filename}``)."""
    key = _string("Key", p.get("Key"))
    conditions = list(p.get("Conditions") or [])
    conditions.append({"bucket": bucket})
    if key.endswith("${filename}"):
        conditions.append(["starts-with", "$key", key[: -len("${filename}")]])
    else:
        conditions.append({"key": key})
    return conditions


def _presigned_post(bucket: str, conditions: Sequence[Any], s: Scope) -> list[IamRequest]:
    """``s3:PutObject`` on every key a POST policy with ``conditions`` lets a browser
    upload: each exact key, and for each ``starts-with $key`` prefix the ARN
    ``prefix*`` and the prefix itself. Conditions are ANDed, so deciding each of them
    over-approximates the keys: it fails closed. No key condition: every key."""
    exact: list[str] = []
    prefixes: list[str] = []
    for i, condition in enumerate(conditions):
        where = f"Conditions[{i}]"
        if isinstance(condition, Mapping):
            for name, value in condition.items():
                if str(name).lstrip("$").lower() == "key":
                    exact.append(_string(where, value))
        elif isinstance(condition, list | tuple) and len(condition) == 3:
            op, name, value = condition
            if isinstance(name, str) and name.lower() == "$key":
                if str(op).lower() == "eq":
                    exact.append(_string(where, value))
                elif str(op).lower() == "starts-with" and isinstance(value, str):
                    prefixes.append(value)
                else:
                    raise RefusedParameter(where, condition, "unknown condition on `$key`")
        else:
            raise RefusedParameter(where, condition, "not a POST policy condition")
    for key in list(exact):
        if "${filename}" in key:  # S3 substitutes the file's name: any suffix
            exact.remove(key)
            prefixes.append(key.split("${filename}", 1)[0])
    if not exact and not prefixes:
        prefixes.append("")
    base = f"arn:{s.partition}:s3:::{bucket}/"
    out: list[IamRequest] = [("s3:PutObject", base + k, {}) for k in exact]
    for prefix in prefixes:
        out.append(("s3:PutObject", f"{base}{prefix}*", {}))
        if prefix:
            out.append(("s3:PutObject", base + prefix, {}))
    return out


# -- DynamoDB ------------------------------------------------------------------------------

_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_TABLE_ARN = re.compile(r"arn:([^:]+):dynamodb:([^:]+):([^:]+):table/([A-Za-z0-9_.-]{3,255})")


def _table(parameter: str, value: Any, s: Scope) -> tuple[str, str]:
    """(name, ARN) of a ``TableName``: a name, or a table ARN in the scope."""
    text = _string(parameter, value)
    if ":" in text:
        m = _TABLE_ARN.fullmatch(text)
        if m is None:
            raise RefusedParameter(
                parameter, value, "not a table name or table ARN (index and stream ARNs are not)"
            )
        _in_scope(parameter, value, m, s, "the ARN")
        name = m.group(4)
    elif _TABLE_NAME.fullmatch(text) is None:
        raise RefusedParameter(parameter, value, "table names are 3-255 of `A-Za-z0-9_.-`")
    else:
        name = text
    return name, f"arn:{s.partition}:dynamodb:{s.region}:{s.account}:table/{name}"


def _attr(value: Any) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind in ("S", "N") and isinstance(inner, str):
            return inner
        return None  # binary keys: the guard does not know IAM's text for them
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _leading(action: str, arn: str, keys: Sequence[Any], attribute: str) -> list[IamRequest]:
    """The request(s) for items with ``keys``: one with every partition key the guard
    can read as ``dynamodb:LeadingKeys``, and, when it cannot read some (or there are
    none), one without leading keys (tenant policies deny it: fails closed). An
    unreadable key never hides the readable ones: a batch holding one entry without
    the partition key and one with another tenant's is decided on that tenant's key
    too, also under a policy without a ``Null`` guard."""
    values = [_attr(k.get(attribute)) if isinstance(k, Mapping) else None for k in keys]
    known = sorted({v for v in values if v is not None})
    out: list[IamRequest] = []
    if known:
        out.append((action, arn, {"dynamodb:LeadingKeys": known}))
    if not known or None in values:
        out.append((action, arn, {}))
    return out


_KEY_TOKEN = re.compile(
    r"\s*(?:(?P<value>:[A-Za-z0-9_]+)|(?P<name>#?[A-Za-z0-9_]+)|(?P<op><=|>=|<>|[=<>(),]))"
)
_KEY_WORDS = frozenset({"and", "between", "begins_with"})


def _key_tokens(expression: str) -> list[tuple[str, str]]:
    """``KeyConditionExpression`` as (kind, text) tokens: ``value`` (``:v``), ``name``
    (an attribute name or ``#placeholder``), ``word`` (AND, BETWEEN, begins_with) and
    ``op``. Anything else (OR, NOT, functions, document paths) is no key condition
    DynamoDB accepts: refused rather than guessed at."""
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(expression.rstrip())
    while position < end:
        m = _KEY_TOKEN.match(expression, position)
        if m is None or m.end() == position:
            raise RefusedParameter(
                "KeyConditionExpression",
                expression,
                f"cannot read it at character {position}: only `name = :value`, "
                "comparisons, BETWEEN, begins_with and AND are key conditions",
            )
        kind = m.lastgroup or "op"
        text = m.group(kind)
        if kind == "name" and text.lower() in _KEY_WORDS:
            kind, text = "word", text.lower()
        elif kind == "name" and not text.startswith("#") and not text[0].isalpha():
            raise RefusedParameter(
                "KeyConditionExpression", expression, f"`{text}` is not an attribute name"
            )
        tokens.append((kind, text))
        position = m.end()
    return tokens


@lru_cache(maxsize=1024)
def _key_placeholder(expression: str, attribute: str, aliases: frozenset[str]) -> str | None:
    """The ``:value`` placeholder of the partition key condition of ``expression``
    (``aliases``: the ``#names`` standing for ``attribute``), ``None`` when there is
    no ``attribute = :value`` condition; refused when the attribute is named more
    than once. Cached: expressions hold placeholders, so a handful of texts recur."""
    tokens = _key_tokens(expression)
    hits = [
        i
        for i, (kind, text) in enumerate(tokens)
        if kind == "name" and (text in aliases if text.startswith("#") else text == attribute)
    ]
    if len(hits) > 1:
        raise RefusedParameter(
            "KeyConditionExpression",
            expression,
            f"the partition key `{attribute}` is named {len(hits)} times: the guard "
            "would decide on one condition and the service might read another",
        )
    if not hits:
        return None
    i = hits[0]
    before = tokens[i - 1] if i > 0 else ("word", "and")
    after = tokens[i + 3] if i + 3 < len(tokens) else ("word", "and")
    if (
        tokens[i + 1 : i + 2] == [("op", "=")]
        and tokens[i + 2 : i + 3]
        and tokens[i + 2][0] == "value"
        and before in (("word", "and"), ("op", "("))
        and after in (("word", "and"), ("op", ")"))
    ):
        return tokens[i + 2][1]
    return None


def _query_keys(p: Mapping[str, Any], attribute: str) -> list[Mapping[str, Any]]:
    """The partition key value a Query names, read unambiguously or refused: exactly
    one reference to the partition key attribute, in the form ``name = :value``
    standing alone between ANDs (``tenant_id = :a AND tenant_id = :b`` is refused:
    the guard would read one, the service another). No such condition: no key (a
    request without leading keys, which tenant policies deny)."""
    expression = p.get("KeyConditionExpression")
    names = p.get("ExpressionAttributeNames") or {}
    values = p.get("ExpressionAttributeValues") or {}
    if expression is not None and p.get("KeyConditions") is not None:
        raise RefusedParameter(
            "KeyConditions", ..., "both KeyConditionExpression and KeyConditions are given"
        )
    if expression is not None:
        if not isinstance(expression, str):
            raise RefusedParameter("KeyConditionExpression", expression, "must be a string")
        if not isinstance(names, Mapping) or not isinstance(values, Mapping):
            raise RefusedParameter(
                "ExpressionAttributeValues", ..., "attribute names and values must be mappings"
            )
        aliases = frozenset(k for k, v in names.items() if v == attribute)
        placeholder = _key_placeholder(expression, attribute, aliases)
        if placeholder is None or placeholder not in values:
            return []
        return [{attribute: values[placeholder]}]
    legacy = p.get("KeyConditions") or {}
    if not isinstance(legacy, Mapping):
        raise RefusedParameter("KeyConditions", legacy, "must be a mapping")
    condition = legacy.get(attribute)
    if condition and condition.get("ComparisonOperator") == "EQ":
        listed = condition.get("AttributeValueList")
        if not isinstance(listed, list) or len(listed) != 1:
            raise RefusedParameter(
                f"KeyConditions.{attribute}.AttributeValueList",
                listed,
                "EQ takes exactly one value: the guard would read one, the service another",
            )
        return [{attribute: listed[0]}]
    return []


def _one_member(where: str, entry: Any, kinds: Mapping[str, Any]) -> tuple[str, Any]:
    """The single request an entry of a batch or transaction holds. Services read one
    member (moto the first); an entry holding several would let the guard read one
    and the service another, so it is refused."""
    if not isinstance(entry, Mapping) or len(entry) != 1:
        raise RefusedParameter(
            where, entry, f"each entry must hold exactly one of {', '.join(sorted(kinds))}"
        )
    ((kind, spec),) = entry.items()
    if kind not in kinds or not isinstance(spec, Mapping):
        raise RefusedParameter(
            where, entry, f"each entry must hold exactly one of {', '.join(sorted(kinds))}"
        )
    return str(kind), spec


_ITEM_OPS = {"GetItem": "Key", "PutItem": "Item", "UpdateItem": "Key", "DeleteItem": "Key"}
_BATCH_WRITE = {"PutRequest": "Item", "DeleteRequest": "Key"}
_TRANSACT = {
    "Get": ("GetItem", "Key"),
    "Put": ("PutItem", "Item"),
    "Update": ("UpdateItem", "Key"),
    "Delete": ("DeleteItem", "Key"),
    "ConditionCheck": ("ConditionCheckItem", "Key"),
}


def _dynamodb(op: str, p: Mapping[str, Any], s: Scope, wire: bool) -> list[IamRequest]:
    if op in _ITEM_OPS:
        name, arn = _table("TableName", p.get("TableName"), s)
        return _leading(f"dynamodb:{op}", arn, [p.get(_ITEM_OPS[op]) or {}], s.pk(name))
    if op == "Query":
        name, arn = _table("TableName", p.get("TableName"), s)
        if p.get("IndexName") is not None:
            index = _string("IndexName", p["IndexName"])
            if _TABLE_NAME.fullmatch(index) is None:
                raise RefusedParameter(
                    "IndexName", index, "index names are 3-255 of `A-Za-z0-9_.-`"
                )
            arn += f"/index/{index}"
        keys = _query_keys(p, s.pk(name))
        start = p.get("ExclusiveStartKey")
        if start is not None:
            # The page to resume from is read as an item of the query: its partition
            # key is one more leading key (another tenant's is refused by the policy's
            # `ForAllValues`; one the guard cannot read asks without leading keys).
            if not isinstance(start, Mapping):
                raise RefusedParameter("ExclusiveStartKey", start, "must be a key (a map)")
            keys = [*keys, start]
        return _leading("dynamodb:Query", arn, keys, s.pk(name))
    if op == "Scan":
        return [("dynamodb:Scan", _table("TableName", p.get("TableName"), s)[1], {})]
    if op == "BatchGetItem":
        out: list[IamRequest] = []
        for t, spec in p["RequestItems"].items():
            name, arn = _table("RequestItems", t, s)
            out += _leading("dynamodb:BatchGetItem", arn, spec["Keys"], s.pk(name))
        return out
    if op == "BatchWriteItem":
        out = []
        for t, writes in p["RequestItems"].items():
            name, arn = _table("RequestItems", t, s)
            keys = []
            for i, entry in enumerate(writes):
                kind, spec = _one_member(f"RequestItems[{t}][{i}]", entry, _BATCH_WRITE)
                keys.append(spec.get(_BATCH_WRITE[kind]) or {})
            out += _leading("dynamodb:BatchWriteItem", arn, keys, s.pk(name))
        return out
    if op in ("TransactGetItems", "TransactWriteItems"):
        allowed = {"Get": _TRANSACT["Get"]} if op == "TransactGetItems" else _TRANSACT
        out = []
        for i, entry in enumerate(p["TransactItems"]):
            kind, spec = _one_member(f"TransactItems[{i}]", entry, allowed)
            action, field_name = allowed[kind]
            name, arn = _table(f"TransactItems[{i}].{kind}.TableName", spec.get("TableName"), s)
            key = spec.get(field_name) or {}
            out += _leading(f"dynamodb:{action}", arn, [key], s.pk(name))
        return out
    raise UnmappedOperation(f"dynamodb:{op}")


# -- SQS -----------------------------------------------------------------------------------

_QUEUE_URL = re.compile(
    r"(?P<scheme>https?)://(?P<netloc>[A-Za-z0-9.-]+(?::[0-9]{1,5})?)"
    r"/(?P<account>[0-9]{12})/(?P<name>[A-Za-z0-9_.-]{1,80})"
)
_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}(?:\.fifo)?")


def _queue_name(parameter: str, value: Any) -> str:
    name = _string(parameter, value)
    if len(name) > 80 or _QUEUE_NAME.fullmatch(name) is None:
        raise RefusedParameter(
            parameter, value, "queue names are 1-80 of `A-Za-z0-9_-`, optionally ending in `.fifo`"
        )
    return name


def _sqs_hosts(scope: Scope) -> frozenset[tuple[str, str]]:
    """The (scheme, host) pairs the guard accepts in queue URLs for ``scope``."""
    hosts: set[tuple[str, str]] = set()
    dns = _DNS_SUFFIX.get(scope.partition)
    if dns is not None:
        r = scope.region
        for host in (f"sqs.{r}.{dns}", f"sqs-fips.{r}.{dns}", f"{r}.queue.{dns}"):
            hosts.add(("https", host))
        if scope.partition == "aws" and r == "us-east-1":
            hosts.add(("https", "queue.amazonaws.com"))
    if scope.endpoint_url:
        endpoint = urlsplit(scope.endpoint_url)
        hosts.add((endpoint.scheme.lower(), endpoint.netloc.lower()))
    return frozenset(hosts)


def _queue_arn(value: Any, s: Scope) -> str:
    """The queue ARN of a queue URL, read as the service reads it, or refused."""
    url = _string("QueueUrl", value)
    m = _QUEUE_URL.fullmatch(url)
    if m is None:
        raise RefusedParameter(
            "QueueUrl",
            value,
            "queue URLs must be exactly `https://<host>/<account>/<queue name>` (no other "
            "path segment, query, fragment, user info or percent-encoding)",
        )
    name = _queue_name("QueueUrl", m.group("name"))
    if (m.group("scheme"), m.group("netloc").lower()) not in _sqs_hosts(s):
        raise RefusedParameter(
            "QueueUrl",
            value,
            f"`{m.group('scheme')}://{m.group('netloc')}` is not an SQS endpoint of region "
            f"`{s.region}` nor the client's endpoint",
        )
    if m.group("account") != s.account:
        raise RefusedParameter(
            "QueueUrl", value, f"the queue is not in the session's account `{s.account}`"
        )
    return f"arn:{s.partition}:sqs:{s.region}:{s.account}:{name}"


_SQS = {
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


def _sqs(op: str, p: Mapping[str, Any], s: Scope, wire: bool) -> list[IamRequest]:
    if op == "GetQueueUrl":
        owner = p.get("QueueOwnerAWSAccountId")
        if owner is not None and owner != s.account:
            raise RefusedParameter(
                "QueueOwnerAWSAccountId", owner, f"only the session's account `{s.account}`"
            )
        name = _queue_name("QueueName", p.get("QueueName"))
        return [("sqs:GetQueueUrl", f"arn:{s.partition}:sqs:{s.region}:{s.account}:{name}", {})]
    if op in _SQS:
        return [(_SQS[op], _queue_arn(p.get("QueueUrl"), s), {})]
    raise UnmappedOperation(f"sqs:{op}")


# -- Secrets Manager -----------------------------------------------------------------------

_SECRET_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}")
_SECRET_ARN = re.compile(r"arn:([^:]+):secretsmanager:([^:]+):([^:]+):secret:([A-Za-z0-9/_+=.@-]+)")
_SECRET_SUFFIX = re.compile(r".+-[A-Za-z0-9]{6}")


def _secret_arns(value: Any, s: Scope) -> list[str]:
    """The ARNs a ``SecretId`` may name, as AWS evaluates them (every reading)."""
    secret = _string("SecretId", value)
    prefix = f"arn:{s.partition}:secretsmanager:{s.region}:{s.account}:secret:"
    if ":" not in secret:  # a name (names cannot hold `:`)
        if _SECRET_NAME.fullmatch(secret) is None:
            raise RefusedParameter(
                "SecretId", value, "secret names are 1-512 of `A-Za-z0-9/_+=.@-`"
            )
        return [f"{prefix}{secret}-??????"]  # AWS adds six random characters
    m = _SECRET_ARN.fullmatch(secret)
    if m is None:
        raise RefusedParameter("SecretId", value, "neither a secret name nor a secret ARN")
    _in_scope("SecretId", value, m, s, "the ARN")
    rest = m.group(4)
    partial = f"{prefix}{rest}-??????"
    if _SECRET_SUFFIX.fullmatch(rest):  # complete ARN, or a partial one of such a name
        return [secret, partial]
    return [partial]


def _secretsmanager(op: str, p: Mapping[str, Any], s: Scope, wire: bool) -> list[IamRequest]:
    if op not in ("GetSecretValue", "DescribeSecret", "PutSecretValue", "UpdateSecret"):
        raise UnmappedOperation(f"secretsmanager:{op}")
    return [(f"secretsmanager:{op}", arn, {}) for arn in _secret_arns(p.get("SecretId"), s)]


# -- KMS -----------------------------------------------------------------------------------

_KEY_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
)
_KEY_ARN = re.compile(r"arn:([^:]+):kms:([^:]+):([^:]+):key/(.+)")


def _kms_key(parameter: str, value: Any, s: Scope) -> str:
    key = _string(parameter, value)
    if key.startswith("alias/") or (key.startswith("arn:") and ":alias/" in key):
        raise RefusedParameter(
            parameter,
            value,
            "aliases are not accepted: AWS authorises the key an alias points to, which "
            "the guard cannot see; pass the key ID or key ARN",
        )
    m = _KEY_ARN.fullmatch(key)
    if m is not None:
        _in_scope(parameter, value, m, s, "the key")
        key = m.group(4)
    if _KEY_ID.fullmatch(key) is None:
        raise RefusedParameter(
            parameter, value, "not a key ID (lower-case UUID or `mrk-` and 32 hex) or key ARN"
        )
    return f"arn:{s.partition}:kms:{s.region}:{s.account}:key/{key}"


def _encryption_context(parameter: str, value: Any) -> dict[str, str | list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RefusedParameter(parameter, value, "must be a mapping of strings to strings")
    seen: dict[str, str] = {}
    ctx: dict[str, str | list[str]] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise RefusedParameter(parameter, value, "must be a mapping of strings to strings")
        if k.lower() in seen:
            raise RefusedParameter(
                parameter,
                value,
                f"keys `{seen[k.lower()]}` and `{k}` differ only in case; condition keys are "
                "case-insensitive, so IAM would see one of them",
            )
        seen[k.lower()] = k
        ctx[f"kms:EncryptionContext:{k}"] = v
    if ctx:
        ctx["kms:EncryptionContextKeys"] = sorted(value)
    return ctx


def _kms(op: str, p: Mapping[str, Any], s: Scope, wire: bool) -> list[IamRequest]:
    if op in ("Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext"):
        key = _kms_key("KeyId", p.get("KeyId"), s)
        return [
            (f"kms:{op}", key, _encryption_context("EncryptionContext", p.get("EncryptionContext")))
        ]
    if op == "Decrypt":
        if p.get("KeyId") is None:
            raise RefusedParameter(
                "KeyId",
                None,
                "Decrypt without KeyId: the key is named inside the ciphertext, which the "
                "guard cannot read; pass KeyId",
            )
        key = _kms_key("KeyId", p.get("KeyId"), s)
        return [
            (
                "kms:Decrypt",
                key,
                _encryption_context("EncryptionContext", p.get("EncryptionContext")),
            )
        ]
    if op == "ReEncrypt":
        source = _kms_key("SourceKeyId", p.get("SourceKeyId"), s)
        target = _kms_key("DestinationKeyId", p.get("DestinationKeyId"), s)
        contexts = [
            _encryption_context("SourceEncryptionContext", p.get("SourceEncryptionContext")),
            _encryption_context(
                "DestinationEncryptionContext", p.get("DestinationEncryptionContext")
            ),
        ]
        # Either context may be the one a condition sees: decide both for each side.
        return [
            (action, key, ctx)
            for action, key in (("kms:ReEncryptFrom", source), ("kms:ReEncryptTo", target))
            for ctx in contexts
        ]
    raise UnmappedOperation(f"kms:{op}")


_MAPPERS: dict[str, Callable[[str, Mapping[str, Any], Scope, bool], list[IamRequest]]] = {
    "s3": _s3,
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "secretsmanager": _secretsmanager,
    "kms": _kms,
}


# -- the guard ---------------------------------------------------------------------------

_PENDING = "policy_engine.guard.pending"  # request-context slot of a deferred decision
_DECIDED = "policy_engine.guard.decided"
_PRESIGN_METHOD = "policy_engine.guard.presign_method"  # the HTTP method that was decided
#: the parameters the guard saw and a snapshot of them: compared at ``before-sign``
_FROZEN = "policy_engine.guard.frozen"
#: the operation model of the decided call: its parameters are serialised again at
#: ``before-sign`` and compared with the request (:mod:`policy_engine._wire`)
_MODEL = "policy_engine.guard.model"
#: (per guard) the request as checked at ``before-sign``: what the signer may sign
_CHECKED = "policy_engine.guard.checked"
_LEAVES = (str, bytes, int, float, bool, type(None))


def _snapshot(value: Any) -> Any:
    """A comparable copy of ``value``'s structure: containers copied, immutable
    leaves as they are, a ``bytearray`` copied, any other object by identity (a file
    body is not read)."""
    if isinstance(value, _LEAVES):
        return _exact(value)  # its data (a subclass's __eq__ may say otherwise)
    if isinstance(value, Mapping):
        return tuple((_exact(k), _snapshot(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_snapshot(v) for v in value))
    if isinstance(value, bytearray):
        return bytes(value)
    return (type(value), id(value))


_EXACT = frozenset({str, bytes, int, float, bool, type(None)})


def _exact(value: Any) -> Any:
    """``value`` with every string, number, bytes, dict, list and tuple in it of
    exactly its built-in type, holding the same data (the object itself when it
    already is); anything else (a stream, a ``Decimal``, a datetime) as it is."""
    kind = type(value)
    if kind in _EXACT:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return bytes.__bytes__(value)
    if isinstance(value, int):  # bool cannot be subclassed
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, Mapping):
        pairs = dict.items(value) if isinstance(value, dict) else value.items()
        items = [(k, v, _exact(k), _exact(v)) for k, v in pairs]
        if kind is dict and all(k is k2 and v is v2 for k, v, k2, v2 in items):
            return value
        return {k2: v2 for _, _, k2, v2 in items}
    if isinstance(value, (list, tuple)):
        members = list(list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value))
        exact = [_exact(m) for m in members]
        if kind in (list, tuple) and all(a is b for a, b in zip(members, exact, strict=True)):
            return value
        return exact if isinstance(value, list) else tuple(exact)
    return value


@dataclass
class Guard:
    """Decides each call of a session against ``evaluator`` before it is sent.

    Calls are decided in ``before-parameter-build``, with the parameters exactly as
    botocore serialises them, except two whose target is only known later, still
    before anything is sent: SQS calls are decided at ``before-endpoint-resolution``
    (the client's endpoint and region, which queue URLs may name; ``before-sign`` if
    that event does not come) and S3 presigned POSTs at ``before-sign`` (the POST
    policy's key conditions, which botocore builds after the parameters).
    """

    evaluator: Evaluator
    scope: Scope
    tenant: str
    tier: str
    principal: str
    strict: bool = True
    decisions: list[tuple[str, Decision]] = field(default_factory=list, repr=False)
    record: bool = False
    #: where the guard's own records go (default: the ``policy_engine.guard`` logger)
    logger: Any = None
    #: called with the operation name for every call the guard refuses
    on_refusal: Callable[[str], object] | None = None
    refusals: int = 0
    #: the tenant's partitions of the catalogue's resource model: a request the
    #: policies allow is refused when it lies in a resource of the model but outside
    #: them (another tenant's partition, or none), whatever the policies say
    partitions: TenantPartitions | None = None

    def install(self, session: boto3.Session) -> None:
        """Register the hooks on ``session`` (clients created afterwards are guarded)."""
        from ._wire import watch

        # Record, as they run, whether the handlers that see a serialised request are
        # botocore's alone (the request check may then skip serialising it again)
        watch(session.events)
        session.events.register("before-parameter-build", self._before_parameter_build)
        session.events.register("before-endpoint-resolution", self._before_endpoint_resolution)
        session.events.register("before-sign", self._before_sign)
        # A `choose-signer` handler answers with a value (the stubs say None).
        session.events.register("choose-signer.s3", self._choose_signer)  # type: ignore[arg-type]
        # After boto3's own handler, which adds the transfer methods: they keep to the
        # classic manager, whose requests these hooks decide (the CRT's they never see)
        session.events.register_last("creating-client-class.s3", self._guard_transfers)

    def _guard_transfers(self, class_attributes: dict[str, Any], **_: Any) -> None:
        from ._transfers import keep_transfers_guarded

        keep_transfers_guarded(class_attributes, self._refused)

    def check(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        """Raise ``ClientError`` (``AccessDenied``) unless every IAM request is allowed.

        ``params`` as passed to the client; ``operation`` may also be
        ``GeneratePresignedPost`` with ``generate_presigned_post``'s ``Bucket``, ``Key``
        and ``Conditions``."""
        self._check(service, operation, params, self.scope, wire=False)

    def _check(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        scope: Scope,
        *,
        wire: bool,
        requests: list[IamRequest] | None = None,
        iam_names: frozenset[str] = frozenset(),
    ) -> None:
        try:
            if requests is None:
                requests = _map(service, operation, params, scope, wire=wire)
        except UnmappedOperation as exc:
            self._unmapped(operation, str(exc), {service, *iam_names})
            return
        except RefusedParameter as exc:
            raise self._refused(f"{service}:{operation}", exc) from None
        for action, resource, context in requests:
            ctx: dict[str, Any] = dict(context)
            ctx["aws:PrincipalTag/TenantId"] = self.tenant
            ctx["aws:PrincipalTag/Tier"] = self.tier
            request = Request(action, resource, ctx, principal=self.principal)
            decision = self.evaluator.evaluate(request)
            if self.record:
                self.decisions.append((action, decision))
            if not decision.allowed:
                self._count(operation)
                hint = ""
                if action.startswith("dynamodb:") and "dynamodb:LeadingKeys" not in context:
                    table = resource.split(":table/", 1)[-1].split("/", 1)[0]
                    hint = (
                        f" (the guard read no partition key: it looks for attribute "
                        f"`{scope.pk(table)}` in table `{table}`; if the table's partition "
                        "key has another name, pass dynamodb_partition_key= to the vendor, "
                        "the decorator or guard_session)"
                    )
                raise _denied(
                    operation,
                    f"tenant `{self.tenant}` (tier `{self.tier}`) may not `{action}` on "
                    f"`{resource}`: {decision.decision}, {decision.reason}{hint}",
                )
            if self.partitions is not None:
                outside = self.partitions.refusal(resource, context)
                if outside is not None:
                    self._count(operation)
                    raise _denied(
                        operation,
                        f"tenant `{self.tenant}` (tier `{self.tier}`) may not `{action}`: "
                        f"{outside}; refused whatever the policies allow",
                    )

    def _unmapped(self, operation: str, what: str, names: set[str]) -> None:
        """An operation the guard cannot map to IAM requests (``what``: how it is
        named; ``names``: its service as botocore, IAM and its signing name call it):
        refused in strict mode, and in permissive mode too when the resource model
        partitions its service; otherwise let through with a warning."""
        modelled = (
            self.partitions.partitioned_services(sorted(names))
            if self.partitions is not None
            else []
        )
        if modelled:
            # No resource to check against the tenant's partitions: in permissive
            # mode too, an unmapped operation of a service whose resources the
            # model partitions may reach another tenant's (PartiQL on a pooled
            # table, object ACLs and attributes, batch secret reads).
            self._count(operation)
            raise _denied(
                operation,
                f"operation `{what}` is not mapped to IAM requests and the resource "
                f"model partitions `{modelled[0]}` resources by tenant: the guard cannot "
                f"tell whose partition it reaches; denied for tenant `{self.tenant}` "
                "in strict and permissive mode",
            ) from None
        if not self.strict:
            (self.logger or log).warning(
                "policy-engine guard: unmapped operation %s allowed (permissive)", what
            )
            return
        self._count(operation)
        raise _denied(
            operation,
            f"operation `{what}` is not mapped to IAM requests; denied in strict mode "
            f"for tenant `{self.tenant}`",
        ) from None

    def _count(self, operation: str) -> None:
        """Count a refusal and tell ``on_refusal``."""
        self.refusals += 1
        if self.on_refusal is not None:
            self.on_refusal(operation)

    def _refused(self, operation: str, reason: object) -> Exception:
        self._count(operation.rpartition(":")[2])
        return _denied(
            operation.rpartition(":")[2],
            f"tenant `{self.tenant}` (tier `{self.tier}`): {operation}: {reason}",
        )

    def _region_check(self, service: str, operation: str, region: Any) -> None:
        region = _exact(region)  # what the signer writes (a str subclass may say otherwise)
        if service in _REGIONAL and region != self.scope.region:
            raise self._refused(
                f"{service}:{operation}",
                f"the client's region `{region}` is not the session's region `{self.scope.region}`",
            )

    def _own_invocation(self, service: str, operation: str) -> None:
        """Refuse a call made inside an invocation of another tenant (or tier): a
        client of this tenant's session kept beyond its invocation (at module scope,
        a cache, a task or thread it started) and used while another tenant's
        invocation runs would reach this tenant's data for that invocation, logged
        and metered as the other tenant's."""
        from ._invocation import current_invocation, open_tenants

        invocation = current_invocation.get()
        context = getattr(invocation, "context", None)
        if invocation is None or getattr(invocation, "closed", False):
            # No open invocation in this context: module code, a thread that did not
            # copy one (a transfer manager's worker, a plain thread), or one that
            # copied a context of an invocation since closed (a worker started on
            # first use and kept). While invocations are open, none of them this
            # tenant's, it runs for one of them: a client kept from an earlier
            # invocation (round 12)
            tenants = open_tenants()
            if tenants and (self.tenant, self.tier) not in tenants:
                shown = ", ".join(f"`{t}` (tier `{r}`)" for t, r in sorted(tenants))
                raise self._refused(
                    f"{service}:{operation}",
                    f"called from a thread of no open invocation while only the "
                    f"invocation of {shown} is open, with a client of tenant "
                    f"`{self.tenant}`'s session (tier `{self.tier}`), kept from an earlier "
                    "invocation: use `tenant.session` of the current invocation",
                )
            if invocation is None:
                return
        if context is None:
            return  # a 401: no tenant
        if (context.tenant_id, context.tier) != (self.tenant, self.tier):
            raise self._refused(
                f"{service}:{operation}",
                f"called inside the invocation of tenant `{context.tenant_id}` (tier "
                f"`{context.tier}`) with a client of tenant `{self.tenant}`'s session (tier "
                f"`{self.tier}`), kept from an earlier invocation: use `tenant.session` "
                "of the current invocation",
            )

    def _before_parameter_build(
        self, params: Mapping[str, Any], model: Any, context: Any = None, **_: Any
    ) -> None:
        service = model.service_model.service_name
        operation = model.name
        self._own_invocation(service, operation)
        context = context if isinstance(context, dict) else {}
        if "client_region" in context:
            self._region_check(service, operation, context["client_region"])
        if type(params) is not dict:
            raise self._refused(
                f"{service}:{operation}",
                f"the parameters are a `{type(params).__name__}`, not a dict",
            )
        # Decide on the values botocore will serialise: a `str` (`int`, `bytes`, dict,
        # list...) subclass may read one way to the guard (`__eq__`, `__format__`,
        # `get`, `__iter__`) and serialise another (its data): exact copies replace them
        for name, value in list(dict.items(params)):
            exact = _exact(value)
            if exact is not value:
                dict.__setitem__(params, name, exact)
        # A handler that runs after this one (registered later on the same event) could
        # still change `params`: they are compared with this snapshot at `before-sign`.
        context[_FROZEN] = (params, _snapshot(params))
        context[_MODEL] = _Shared(model)
        if context.get("is_presign_request") and operation != "CreateBucket":
            # generate_presigned_url(..., HttpMethod=...) signs another method than the
            # operation's: checked at before-sign (the URL performs what it signs)
            context[_PRESIGN_METHOD] = str(model.http.get("method", ""))
        if service == "sqs" or (
            service == "s3" and operation == "CreateBucket" and context.get("is_presign_request")
        ):
            # Decided later (see the class docstring); `params` is final here.
            context[_PENDING] = (service, operation, params)
            return
        self._check(service, operation, params, self.scope, wire=True, iam_names=_iam_names(model))

    def _decide_sqs(self, context: dict[str, Any], endpoint: Any, region: Any) -> None:
        service, operation, params = context[_PENDING]
        self._region_check(service, operation, region)
        scope = replace(self.scope, endpoint_url=str(endpoint) if endpoint else None)
        self._check(service, operation, params, scope, wire=True)
        context[_DECIDED] = True

    def _before_endpoint_resolution(
        self, builtins: Mapping[Any, Any], context: Any = None, **_: Any
    ) -> None:
        if not isinstance(context, dict) or context.get(_DECIDED):
            return
        pending = context.get(_PENDING)
        if pending is not None and pending[0] == "sqs":
            values = {getattr(k, "value", k): v for k, v in builtins.items()}
            self._decide_sqs(context, values.get("SDK::Endpoint"), values.get("AWS::Region"))

    def _check_s3_target(
        self, request: Any, operation: str, params: Mapping[str, Any], context: Mapping[str, Any]
    ) -> None:
        """Refuse an S3 request whose URL does not name exactly the bucket and key the
        guard decided: an endpoint with a path, or whose host names a bucket or an
        access point, makes S3 read another object than the parameters say."""
        bucket = params.get("Bucket")
        if not isinstance(bucket, str):
            return  # no bucket (ListBuckets): nothing decided on one
        key = params.get("Key", "")
        if "s3-presign-post-policy" in context:
            key = ""  # a presigned POST: the key is a form field, decided from the policy
        url = str(_exact(getattr(request, "url", "")))
        try:
            target: tuple[str, str] | None = s3_target(url)
        except (ValueError, UnicodeDecodeError):
            target = None
        if target != (bucket, key if isinstance(key, str) else None):
            shown = (
                "no bucket and key"
                if target is None
                else f"bucket `{target[0]}`, key `{target[1]}`"
            )
            raise self._refused(
                f"s3:{operation}",
                f"the request URL `{urlsplit(url)._replace(query='').geturl()}` makes S3 read "
                f"{shown}, not bucket `{bucket}`, key `{key}` as decided (a client endpoint "
                "with a path, or whose host names a bucket or an access point); not sent",
            )

    def _choose_signer(self, signature_version: Any = None, **_: Any) -> str | None:
        """S3 presigned URLs are signed with SigV4: SigV2 query signing (botocore's
        default for presigned S3 URLs) signs sub-resources only, not ``prefix`` and the
        other query parameters the guard decided, so whoever holds the URL could change
        them."""
        version = str(signature_version)
        if version.endswith("-query") and not version.startswith(("v4a", "v4-s3express")):
            # Answer before botocore's own handler (registered on each S3 client
            # after the session's), which picks `s3-query` in regions that allow it.
            return "s3v4"  # botocore appends `-query`
        return None

    def _before_sign(
        self, request: Any, operation_name: str = "", region_name: Any = None, **kw: Any
    ) -> None:
        service = (str(kw.get("event_name", "")).split(".")[1:2] or ["?"])[0]
        self._own_invocation(service, operation_name)  # also requests never decided
        self._decide_at_sign(request, operation_name, region_name, **kw)
        context = getattr(request, "context", None)
        if not isinstance(context, dict):
            return
        frozen, model = context.get(_FROZEN), getattr(context.get(_MODEL), "value", None)
        if (
            frozen is not None
            and model is not None
            and model.service_model.service_name in _MAPPERS
            and "s3-presign-post-policy" not in context
        ):
            # The services the guard decides (an unmapped one's parameters were not
            # decided: botocore's own handlers rewrite some, RDS and EC2 copies add a
            # presigned URL to the body), unless only the SDK's handlers ran on it
            from ._wire import sdk_handlers_only, wire_mismatch

            mismatch = (
                None if sdk_handlers_only(request) else wire_mismatch(request, model, frozen[0])
            )
            if mismatch is not None:
                raise self._refused(
                    f"{service}:{operation_name}",
                    f"the request to be signed is not the one decided: {mismatch} (a "
                    "handler on `before-call`, `request-created` or `before-sign` rewrote "
                    "it); not sent",
                )
        from ._wire import fingerprint

        context[f"{_CHECKED}.{id(self)}"] = (fingerprint(request), service, operation_name)
        self._guard_signer(kw.get("request_signer"))

    def _guard_signer(self, signer: Any) -> None:
        """Make ``signer`` (a client's ``RequestSigner``) sign only what this guard
        checked at ``before-sign``: a handler that runs after the guard's there (one
        registered later on ``before-sign``) would otherwise change what is signed."""
        marker = f"_policy_engine_guard_{id(self)}"
        if signer is None or getattr(signer, marker, False):
            return
        original = signer.get_auth_instance
        guard = self

        def get_auth_instance(*args: Any, **kwargs: Any) -> Any:
            region = kwargs.get("region_name", args[1] if len(args) > 1 else None)
            return _CheckedAuth(original(*args, **kwargs), guard, region)

        signer.get_auth_instance = get_auth_instance
        setattr(signer, marker, True)

    def _at_signature(self, request: Any, region: Any) -> None:
        """Called by the signer just before it signs ``request`` for ``region``."""
        from ._wire import fingerprint

        context = getattr(request, "context", None)
        checked = context.get(f"{_CHECKED}.{id(self)}") if isinstance(context, dict) else None
        if checked is None:
            raise self._refused(
                "?:?", "a request the guard did not check at `before-sign`; not signed"
            )
        printed, service, operation = checked
        if fingerprint(request) != printed:
            raise self._refused(
                f"{service}:{operation}",
                "the request was changed after the guard checked it (a handler registered "
                "after the guard on `before-sign`); not signed",
            )
        if region is not None:  # the region it is signed for, as the signer resolved it
            self._region_check(service.replace("-", ""), operation, region)

    def _decide_at_sign(
        self, request: Any, operation_name: str = "", region_name: Any = None, **kw: Any
    ) -> None:
        context = getattr(request, "context", None)
        context = context if isinstance(context, dict) else {}
        frozen = context.get(_FROZEN)
        if frozen is not None and _snapshot(frozen[0]) != frozen[1]:
            service = (str(kw.get("event_name", "")).split(".")[1:2] or ["?"])[0]
            raise self._refused(
                f"{service}:{operation_name}",
                "the parameters were changed after the guard decided them (a handler "
                "registered after the guard on `before-parameter-build`); not sent",
            )
        if frozen is not None and str(kw.get("event_name", "")).split(".")[1:2] == ["s3"]:
            self._check_s3_target(request, operation_name, frozen[0], context)
        # the region the request is signed for, which every request and presigned URL
        # has (a presign's context carries no client region)
        signed_for = (str(kw.get("event_name", "")).split(".")[1:2] or [""])[0]
        if region_name is not None:
            self._region_check(signed_for.replace("-", ""), operation_name, region_name)
        if kw.get("signature_version") in _SIGV2_QUERY:
            # Another `choose-signer` handler answered first: fail closed.
            raise self._refused(
                f"s3:{operation_name}",
                "a presigned S3 URL signed with SigV2 (`s3-query`) does not bind the query "
                "parameters the guard decided (`prefix`, ...); presign with SigV4 "
                "(botocore Config(signature_version='s3v4'))",
            )
        expected = context.get(_PRESIGN_METHOD)
        if expected is not None and _exact(getattr(request, "method", None)) != expected:
            service = (str(kw.get("event_name", "")).split(".")[1:2] or ["?"])[0]
            raise self._refused(
                f"{service}:{operation_name}",
                f"a presigned URL for `{operation_name}` (HTTP `{expected}`, the action "
                f"decided) signed for HTTP `{getattr(request, 'method', None)}`: it would "
                "perform another action; presign the operation whose method you need",
            )
        pending = context.get(_PENDING)
        if context.get(_DECIDED):
            return
        if pending is None:
            if frozen is None:  # signed without ever passing the guard's decision
                self._unseen(signed_for, operation_name, kw.get("signing_name"))
            return
        service, operation, params = pending
        if service == "sqs":
            split = urlsplit(str(_exact(request.url)))
            self._decide_sqs(context, f"{split.scheme}://{split.netloc}", region_name)
            return
        policy = context.get("s3-presign-post-policy")
        if operation_name == "PutObject" and isinstance(policy, Mapping):
            if type(policy) is not dict:
                raise self._refused(
                    f"s3:{PRESIGNED_POST}", f"the POST policy is a `{type(policy).__name__}`"
                )
            # decided on the data the signer writes into the policy (see `_exact`)
            conditions = policy["conditions"] = _exact(policy.get("conditions") or [])
            try:
                bucket = _bucket("Bucket", params.get("Bucket"))
                requests = _presigned_post(bucket, conditions, self.scope)
            except RefusedParameter as exc:
                raise self._refused(f"s3:{PRESIGNED_POST}", exc) from None
            self._check("s3", PRESIGNED_POST, params, self.scope, wire=True, requests=requests)
        else:
            self._check(service, operation, params, self.scope, wire=True)
        context[_DECIDED] = True

    def _unseen(self, service: str, operation: str, signing_name: Any) -> None:
        """A request that reaches signing without having passed ``before-parameter-build``
        (botocore builds some itself: ``rds.generate_db_auth_token``, DSQL's
        ``generate_db_connect_auth_token``): nothing was decided. Of a service the
        guard maps, refused in every mode; otherwise it is an unmapped operation."""
        key = service.replace("-", "")
        if key in _MAPPERS:
            raise self._refused(f"{key}:{operation}", "parameters not seen by the guard")
        names = {service, key}
        if isinstance(signing_name, str) and signing_name:
            names.add(signing_name)
        self._unmapped(operation, f"{service}:{operation} (signed without parameters)", names)


class _Shared:
    """A value kept in a request context that copies of the context share: botocore
    deep-copies a request's context for the nested presigns of RDS and EC2 copies,
    and an operation model (its whole service model) is not to be copied."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __copy__(self) -> _Shared:
        return self

    def __deepcopy__(self, memo: Any) -> _Shared:
        return self


class _CheckedAuth:
    """A signer's auth object whose ``add_auth`` lets the guard see the request one
    last time, as it is about to be signed."""

    def __init__(self, auth: Any, guard: Guard, region: Any) -> None:
        self._auth = auth
        self._guard = guard
        self._region = region

    def add_auth(self, request: Any) -> Any:
        self._guard._at_signature(request, self._region)
        return self._auth.add_auth(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._auth, name)


def _iam_names(model: Any) -> frozenset[str]:
    """The names the service of an operation model goes by in IAM and ARNs besides its
    botocore name (its signing name and endpoint prefix: ``apigatewaymanagementapi``
    signs as ``execute-api``, ``stepfunctions`` as ``states``)."""
    service_model = model.service_model
    names = (getattr(service_model, "signing_name", None), service_model.endpoint_prefix)
    return frozenset(n for n in names if isinstance(n, str) and n)


def _printable(text: str) -> str:
    """``text`` with every character that is not printable (line breaks, escape
    sequences, ``\u2028``) escaped: refusal messages quote caller-supplied keys and
    URLs, and end up in log lines."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _denied(operation: str, message: str) -> Exception:
    from botocore.exceptions import ClientError

    message = _printable(f"policy-engine guard: {message}")
    error = {"Error": {"Code": "AccessDenied", "Message": message}}
    return ClientError(error, operation)  # type: ignore[arg-type]


_REGION_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
)


def region_partition(region: str) -> str:
    """The AWS partition a region belongs to (``aws`` for any other region name)."""
    for prefix, partition in _REGION_PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


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
    endpoint_url: str | None = None,
    logger: Any = None,
    on_refusal: Callable[[str], object] | None = None,
    catalog: Catalog | None = None,
    partition: str | None = None,
) -> Guard:
    """Install a guard on any boto3 session; returns it. ``endpoint_url`` is only for
    :meth:`Guard.check` calls made directly: the hooks see each client's endpoint.
    With ``catalog`` (the vendor always passes its own) every allowed request must
    also lie in the tenant's partitions of the catalogue's resource model
    (:class:`policy_engine._partitions.TenantPartitions`), independently of the
    policies the evaluator holds. ``partition`` is the AWS partition the ARNs are built
    in (None: the partition of ``region``, as AWS assigns it: ``cn-*`` is ``aws-cn``,
    ``us-gov-*`` is ``aws-us-gov``, ``us-iso-*``/``us-isob-*`` the ISO partitions)."""
    partition = partition if partition is not None else region_partition(region)
    partitions = None
    if catalog is not None:
        from ._partitions import TenantPartitions

        partitions = TenantPartitions(catalog, tenant)
    guard = Guard(
        evaluator,
        Scope(
            region,
            account,
            partition,
            dynamodb_partition_key=dynamodb_partition_key,
            endpoint_url=endpoint_url,
        ),
        tenant,
        tier,
        principal or f"arn:{partition}:sts::{account}:assumed-role/tenant/{tenant}",
        strict,
        logger=logger,
        on_refusal=on_refusal,
        partitions=partitions,
    )
    guard.install(session)
    return guard
