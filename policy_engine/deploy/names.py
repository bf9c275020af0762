"""AWS naming rules of the resources ``export --tenant`` creates per tenant.

A silo resource's name is its partition ARN with the tenant ID in place. The tenant-ID
language may allow characters (``_``, ``.``, upper case) or lengths that a service
refuses in a name; CloudFormation would then fail at deploy time, tenant by tenant.
``name_problem`` says why a name is refused, before a template is written.

Sources: S3 general purpose bucket naming rules
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), DynamoDB
naming rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html),
SQS ``CreateQueue`` ``QueueName``
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
"""

from __future__ import annotations

import re

_BUCKET_CHARS = re.compile(r"[a-z0-9.-]+")
_BUCKET_IP = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", "--table-s3", ".mrap")
_TABLE = re.compile(r"[A-Za-z0-9_.-]+")
_QUEUE = re.compile(r"[A-Za-z0-9_-]+")


def _bad_chars(name: str, allowed: re.Pattern[str]) -> str:
    bad = sorted({c for c in name if not allowed.fullmatch(c)})
    return ", ".join(f"`{c}`" for c in bad)


def bucket_problem(name: str) -> str | None:
    """Why ``name`` is not a valid S3 general purpose bucket name, or ``None``."""
    if not 3 <= len(name) <= 63:
        return f"is {len(name)} characters long; a bucket name has 3-63"
    if not _BUCKET_CHARS.fullmatch(name):
        return (
            f"holds {_bad_chars(name, _BUCKET_CHARS)}; a bucket name has only lower-case "
            "letters, digits, `.` and `-`"
        )
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "must begin and end with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return "may not hold `..`, `.-` or `-.`"
    if _BUCKET_IP.fullmatch(name):
        return "may not be formatted as an IP address"
    for prefix in _BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"may not begin with the reserved prefix `{prefix}`"
    for suffix in _BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"may not end with the reserved suffix `{suffix}`"
    return None


def table_problem(name: str) -> str | None:
    """Why ``name`` is not a valid DynamoDB table name, or ``None``."""
    if not 3 <= len(name) <= 255:
        return f"is {len(name)} characters long; a table name has 3-255"
    if not _TABLE.fullmatch(name):
        return (
            f"holds {_bad_chars(name, _TABLE)}; a table name has only letters, digits, "
            "`_`, `-` and `.`"
        )
    return None


def queue_problem(name: str) -> str | None:
    """Why ``name`` is not a valid SQS queue name, or ``None``."""
    if not 1 <= len(name) <= 80:
        return f"is {len(name)} characters long; a queue name has 1-80 (`.fifo` included)"
    base = name.removesuffix(".fifo")
    if not base or not _QUEUE.fullmatch(base):
        return (
            f"holds {_bad_chars(base, _QUEUE) or 'nothing before `.fifo`'}; a queue name has "
            "only letters, digits, `_` and `-` (and `.fifo` at the end of a FIFO queue)"
        )
    return None


def name_problem(service: str, name: str) -> str | None:
    """Why ``name`` cannot name a resource of ``service`` (``s3`` bucket, ``dynamodb``
    table, ``sqs`` queue), or ``None``; other services are not checked."""
    if service == "s3":
        return bucket_problem(name)
    if service == "dynamodb":
        return table_problem(name)
    if service == "sqs":
        return queue_problem(name)
    return None
