"""ARNs from the URLs and scopes templates name resources by: an SQS queue's from its
URL (a queue policy names its queues by URL), a bucket's from an ``s3://`` scope.

A queue URL is ``https://HOST/ACCOUNT/NAME``; its host is the endpoint it was made
for, in several forms (Amazon Web Services General Reference, "Amazon Simple Queue
Service endpoints and quotas": ``sqs.REGION.amazonaws.com``, ``sqs-fips.REGION...``,
``sqs.REGION.api.aws``, and the legacy ``REGION.queue.amazonaws.com`` that botocore's
GetQueueUrl returns; VPC endpoints ``vpce-....sqs.REGION.vpce.amazonaws.com``). The
region is read only from a host of a form known to name it; any other part that is
not plainly there is opaque (any text), never a wrong value that would make the queue
look like no model queue.
"""

from __future__ import annotations

import re

from ._resolve import opaque, shown

_DOMAIN = r"amazonaws\.com(?:\.cn)?"
_HOSTS = (
    re.compile(rf"sqs(?:-fips)?\.([a-z0-9-]+)\.(?:{_DOMAIN}|api\.aws)"),
    re.compile(rf"([a-z0-9-]+)\.queue\.{_DOMAIN}"),
    re.compile(rf"vpce-[a-z0-9-]+\.sqs\.([a-z0-9-]+)\.vpce\.{_DOMAIN}"),
)


def queue_arn(url: str, partition: str) -> str:
    """``arn:PARTITION:sqs:REGION:ACCOUNT:NAME`` of a queue URL; the parts the URL does
    not plainly give are opaque."""
    m = re.fullmatch(r"https?://([^/]+)/([^/]+)/([^/]+)/?", url)
    if m is None:
        name = opaque(f"queue {shown(url)}")
        return f"arn:{partition}:sqs:{opaque('region')}:{opaque('account')}:{name}"
    host, account, name = m.groups()
    region = next((found.group(1) for p in _HOSTS if (found := p.fullmatch(host.lower()))), None)
    if region is None and "\ue000" not in host and "\ue002" not in host:
        region = opaque(f"region of {host}")
    elif region is None:
        region = opaque("region")
    return f"arn:{partition}:sqs:{region}:{account}:{name}"


def s3_scope_arn(scope: object, partition: str) -> str:
    """The bucket ARN of an ``s3://BUCKET[/PREFIX]`` scope; any bucket for ``s3://`` or
    a scope that cannot be read."""
    text = scope if isinstance(scope, str) else ""
    bucket = text[5:].split("/", 1)[0] if text.lower().startswith("s3://") else ""
    return f"arn:{partition}:s3:::{bucket or opaque('bucket')}"
