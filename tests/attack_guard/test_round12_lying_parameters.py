"""Round 12: parameters whose type reads one way to the guard and serialises another.

The guard decides on the parameters as Python objects (``isinstance(value, str)``, an
f-string for the resource ARN, ``==`` against the URL's key, ``dict.get`` for a
DynamoDB key); botocore serialises their *data* (``str.encode``, ``json.dumps``,
``dict.items``). A ``str`` subclass whose ``__format__``, ``__str__`` and ``__eq__``
say ``acme/x`` while its data is ``globex/secret.pdf`` got a ``GetObject`` of globex's
object decided for acme's key, signed and sent; the request check, which serialises
the same objects again, agreed with it. A ``dict`` subclass answering ``get`` with
acme's partition key did the same for a DynamoDB key.

Fix (``Guard._before_parameter_build``): the guard replaces, in the parameters botocore
is about to serialise, every ``str``, ``bytes``, ``int``, ``float``, dict, list and
tuple that is not of exactly its built-in type by an exact copy of its data
(``str.__str__``, ``dict.items``...), before it snapshots and decides them: what it
decides is what botocore serialises. Parameters that are no dict are refused. Twin: a
``str``-mixin ``Enum`` member (an ordinary subclass) is decided and sent as its value.
"""

from __future__ import annotations

import enum
import json
from typing import Any

from ._fakes import DOCS, outcome
from .test_round11_rewritten_requests import client


class Lying(str):
    """Reads as ``acme/x`` to anything but its data."""

    def __format__(self, spec: str) -> str:
        return "acme/x"

    def __str__(self) -> str:
        return "acme/x"

    def __eq__(self, other: object) -> bool:
        return other == "acme/x" or str.__eq__(self, other)

    __hash__ = str.__hash__

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        return str.split("acme/x", *args, **kwargs)


def test_a_str_subclass_key_is_decided_on_its_data() -> None:
    s3, sent = client("s3")
    key = Lying("globex/secret.pdf")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key=key)) == "denied"
    assert sent.requests == []


class LyingKey(dict[str, Any]):
    """Answers ``get`` and ``[]`` with acme's partition key; its data is globex's."""

    def get(self, name: str, default: Any = None) -> Any:
        return {"S": "acme"} if name == "tenant_id" else dict.get(self, name, default)

    def __getitem__(self, name: str) -> Any:
        return {"S": "acme"} if name == "tenant_id" else dict.__getitem__(self, name)


def test_a_dict_subclass_key_is_decided_on_its_data() -> None:
    ddb, sent = client("dynamodb")
    key = LyingKey(tenant_id={"S": "globex"}, order_id={"S": "1"})
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "denied"
    assert sent.requests == []


class Prefix(str, enum.Enum):  # noqa: UP042 (the mixin form, as older code writes it)
    ACME = "acme/"


def test_twin_a_str_enum_member_is_decided_and_sent_as_its_value() -> None:
    s3, sent = client("s3")
    assert outcome(lambda: s3.list_objects_v2(Bucket=DOCS, Prefix=Prefix.ACME)) == "returned"
    assert "prefix=acme%2F" in sent.requests[0].url
    ddb, sent = client("dynamodb")
    key = {"tenant_id": {"S": "acme"}, "order_id": {"S": "1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "returned"
    assert json.loads(sent.requests[0].body)["Key"] == key


class LyingPostKey(str):
    """A presigned POST's key: ``acme/x`` to the guard, ``globex/contract.pdf`` in the
    policy botocore signs (``json.dumps`` writes the data). ``__radd__`` runs before
    ``str.__add__`` for a subclass: ``base + key`` says ``acme/x`` too."""

    def __format__(self, spec: str) -> str:
        return "acme/x"

    def __str__(self) -> str:
        return "acme/x"

    def __eq__(self, other: object) -> bool:
        return other == "acme/x" or str.__eq__(self, other)

    __hash__ = str.__hash__

    def __radd__(self, other: str) -> str:
        return other + "acme/x"

    def __contains__(self, item: object) -> bool:
        return False

    def endswith(self, *args: Any, **kwargs: Any) -> bool:  # type: ignore[override]
        return False


def test_a_str_subclass_key_of_a_presigned_post_is_decided_on_its_data() -> None:
    """The POST policy's conditions (``context["s3-presign-post-policy"]``) are decided
    at ``before-sign``: before round 12 a policy allowing ``globex/contract.pdf`` was
    signed with acme's credentials."""
    s3, _ = client("s3")
    key = LyingPostKey("globex/contract.pdf")
    assert outcome(lambda: s3.generate_presigned_post(DOCS, key)) == "denied"


def test_twin_a_presigned_post_of_the_tenants_key_is_signed() -> None:
    import base64

    s3, _ = client("s3")
    post = s3.generate_presigned_post(
        DOCS, "acme/${filename}", Conditions=[["content-length-range", 1, 10]]
    )
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["starts-with", "$key", "acme/"] in policy["conditions"]
