"""Round 12: a request rewritten with strings that compare equal to what was checked.

The guard checks the request at ``before-sign`` and, in the signer's ``add_auth``,
compares a fingerprint of it (method, URL, headers, body) with the one it recorded;
and it checks the region the signer signs for. The comparisons used ``==`` on what the
request held, and ``==`` between a ``str`` and a ``str`` subclass calls the subclass's
``__eq__`` first (Python tries the reflected method of a right operand whose type is
a subclass of the left's). So:

- a handler registered after the guard's on ``before-sign`` replaced DynamoDB's
  ``X-Amz-Target: DynamoDB_20120810.GetItem`` by a ``str`` subclass equal to it whose
  data is ``...DeleteItem``: the fingerprint matched, and the request was signed and
  sent as a ``DeleteItem`` (the SigV4 signer and the HTTP layer use the data);
- a ``before-call`` handler moved a call to us-east-1 with
  ``context["signing"]["region"]`` set to a ``str`` subclass equal to ``eu-west-1``:
  the region check passed and the request was signed for us-east-1 (round 11 refused
  the plain string).

Fix: every string and bytes the guard reads from a request, its context or a region
(``_wire.plain``, ``guard._exact``: ``str.__str__``, the buffer of bytes) is an exact
copy of its data before it is compared or fingerprinted.
"""

from __future__ import annotations

from typing import Any

from ._fakes import outcome
from .test_round11_rewritten_requests import client, get_acme_order


class Same(str):
    """Equal to ``looks``, whatever its data."""

    looks = ""

    def __eq__(self, other: object) -> bool:
        return other == self.looks or str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def test_a_header_replaced_after_the_guard_by_an_equal_string_is_not_signed() -> None:
    ddb, sent = client("dynamodb")

    class Target(Same):
        looks = "DynamoDB_20120810.GetItem"

    def to_delete(request: Any, **_: Any) -> None:
        request.headers.replace_header("X-Amz-Target", Target("DynamoDB_20120810.DeleteItem"))

    ddb.meta.events.register_last("before-sign", to_delete)  # after the guard's
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_signing_region_equal_to_the_sessions_is_read_as_its_data() -> None:
    ddb, sent = client("dynamodb")

    class Region(Same):
        looks = "eu-west-1"

    def move(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        params["url"] = params["url"].replace("eu-west-1", "us-east-1")
        context.setdefault("signing", {})["region"] = Region("us-east-1")

    ddb.meta.events.register("before-call.dynamodb.GetItem", move)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_twin_handlers_that_keep_the_values_are_signed() -> None:
    ddb, sent = client("dynamodb")

    def keep(request: Any, **_: Any) -> None:
        request.headers.replace_header("X-Amz-Target", "DynamoDB_20120810.GetItem")

    ddb.meta.events.register_last("before-sign", keep)
    assert outcome(get_acme_order(ddb)) == "returned"
    assert len(sent.requests) == 1


def test_headers_of_a_subclass_listing_other_headers_are_not_signed() -> None:
    """The fingerprint read ``headers.raw_items()``, the signer and the HTTP layer read
    ``items()``: an ``HTTPHeaders`` subclass put in after the guard's check, listing
    the checked headers in ``raw_items``, got a ``DeleteItem`` signed and sent."""
    from botocore.awsrequest import HTTPHeaders

    ddb, sent = client("dynamodb")

    class Two(HTTPHeaders):
        checked: Any = None

        def raw_items(self) -> Any:
            return self.checked

    def swap(request: Any, **_: Any) -> None:
        headers = Two()
        for name, value in request.headers.items():
            headers[name] = value
        headers.checked = list(request.headers.raw_items())
        headers.replace_header("X-Amz-Target", "DynamoDB_20120810.DeleteItem")
        request.headers = headers

    ddb.meta.events.register_last("before-sign", swap)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []
