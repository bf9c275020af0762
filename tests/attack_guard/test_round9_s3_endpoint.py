"""Round 9: an S3 client whose endpoint names a path, a bucket or an access point sends
a request for another tenant's object than the one the guard decided.

The attack: the guard decides S3 calls on their parameters (``Bucket``, ``Key``) and
never looked at the URL botocore builds from them and the client's endpoint. A client
made from the tenant session with a custom ``endpoint_url`` (a proxy, a
``$AWS_ENDPOINT_URL_S3`` left in the environment, an S3-compatible gateway, a VPC
endpoint written by hand) puts the endpoint's path in front of the request path, and
S3 reads the bucket and key from the URL, not from the parameters: with the endpoint
``https://s3.eu-west-1.amazonaws.com/saas-documents-111122223333/globex`` the call
``get_object(Bucket=DOCS, Key="acme/x")``, decided as acme's own object, asks S3 for
``globex/saas-documents-111122223333/acme/x`` in the pooled bucket: a key in tenant
globex's partition (read, overwrite, delete, presign). An endpoint whose host already
names a bucket (``saas-documents-....s3.eu-west-1.amazonaws.com`` with path-style
requests) or an access point (``...s3-accesspoint...``) shifts the key the same way or
reaches another bucket.

Why: "what is signed is what was decided" was checked for the parameters (snapshot at
``before-sign``), not for where they end up. Fixed at the root: at ``before-sign`` the
guard reads the bucket and key from the request URL as S3 reads them (a host that
names a bucket or access point: virtual-hosted; otherwise path-style; the path
percent-decoded once) and refuses the request unless they are exactly the bucket and
key it decided; presigned URLs and POSTs are checked the same way.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from policy_engine.catalog import default_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator

from ._fakes import ACCOUNT, DEAD_ENDPOINT, DOCS, outcome

CATALOG = default_catalog()


def guarded() -> Any:
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        catalog=CATALOG,
    )
    return session


def client(endpoint: str | None = None, **s3: Any) -> Any:
    config = Config(
        retries={"max_attempts": 0}, connect_timeout=0.2, read_timeout=0.2, s3=s3 or None
    )
    return guarded().client("s3", region_name="eu-west-1", endpoint_url=endpoint, config=config)


def presign(c: Any, key: str = "acme/x") -> str:
    """``sent`` for a URL the guard signed, ``denied`` for a refused one."""
    return outcome(
        lambda: c.generate_presigned_url("get_object", Params={"Bucket": DOCS, "Key": key})
    ).replace("returned", "sent")


def test_an_endpoint_with_a_path_does_not_shift_the_key_into_another_partition() -> None:
    c = client(f"{DEAD_ENDPOINT}/{DOCS}/globex", addressing_style="path")
    assert outcome(lambda: c.get_object(Bucket=DOCS, Key="acme/x")) == "denied"
    assert outcome(lambda: c.put_object(Bucket=DOCS, Key="acme/x", Body=b"")) == "denied"
    assert outcome(lambda: c.list_objects_v2(Bucket=DOCS, Prefix="acme/")) == "denied"
    assert presign(c) == "denied"


@pytest.mark.parametrize(
    "endpoint",
    [
        # the host names the pooled bucket; path-style requests add the bucket again
        f"https://{DOCS}.s3.eu-west-1.amazonaws.com",
        # an access point: its bucket and keys are not the parameters'
        f"https://globex-ap-{ACCOUNT}.s3-accesspoint.eu-west-1.amazonaws.com",
        # an AWS endpoint with a path
        f"https://s3.eu-west-1.amazonaws.com/{DOCS}/globex",
    ],
)
def test_variant_endpoints_naming_a_bucket_or_a_path(endpoint: str) -> None:
    assert presign(client(endpoint, addressing_style="path")) == "denied"


def test_variant_a_presigned_post_to_an_endpoint_with_a_path() -> None:
    c = client(f"{DEAD_ENDPOINT}/{DOCS}/globex", addressing_style="path")
    assert outcome(lambda: c.generate_presigned_post(DOCS, "acme/${filename}")) == "denied"


@pytest.mark.parametrize(
    ("endpoint", "style"),
    [
        (None, None),
        (None, "path"),
        (None, "virtual"),
        (DEAD_ENDPOINT, None),  # a local test server (moto): path-style
        (DEAD_ENDPOINT, "path"),
        ("https://s3.eu-west-1.amazonaws.com", None),
        ("https://vpce-1a2b3c4d-5e6f.s3.eu-west-1.vpce.amazonaws.com", "path"),
        ("https://vpce-1a2b3c4d-5e6f.s3.eu-west-1.vpce.amazonaws.com", "virtual"),
    ],
)
def test_twin_own_objects_through_ordinary_endpoints(
    endpoint: str | None, style: str | None
) -> None:
    c = client(endpoint, **({"addressing_style": style} if style else {}))
    assert presign(c) == "sent"
    assert presign(c, "acme/a b%2F+~/c") == "sent"
    assert presign(c, "globex/x") == "denied"
    if endpoint == DEAD_ENDPOINT:
        assert outcome(lambda: c.get_object(Bucket=DOCS, Key="acme/a b%/c")) == "sent"
        assert outcome(lambda: c.list_objects_v2(Bucket=DOCS, Prefix="acme/")) == "sent"
        assert (
            outcome(lambda: c.delete_objects(Bucket=DOCS, Delete={"Objects": [{"Key": "acme/x"}]}))
            == "sent"
        )
        assert (
            outcome(lambda: c.copy_object(Bucket=DOCS, Key="acme/y", CopySource=f"{DOCS}/acme/x"))
            == "sent"
        )
        post = c.generate_presigned_post(DOCS, "acme/${filename}")
        assert post["url"] == f"{DEAD_ENDPOINT}/{DOCS}"


def test_twin_accelerate_and_dualstack_endpoints() -> None:
    for options in ({"use_accelerate_endpoint": True}, {"use_dualstack_endpoint": True}):
        assert presign(client(None, **options)) == "sent"
