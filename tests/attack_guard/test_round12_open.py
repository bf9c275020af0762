"""Round 12, left open: code that edits botocore's service model in memory.

The guard decides a call's parameters by name and checks the request against a
serialisation of them with the client's own operation model; both read the wire names
(``prefix``, ``start-after``) from that model, a plain Python object botocore caches per
client. Code that swaps two members' wire names
(``...members["StartAfter"].serialization["name"] = "prefix"``) gets a listing decided
for ``Prefix="acme/"`` sent as ``prefix=globex/`` (``StartAfter`` is not decided). It
is deliberate code editing the SDK's internals, like taking the session's credentials
out (rounds 9-11, "left"); a copy of the model the guard keeps would be in the same
process memory. Pinned here so that a fix shows.
"""

from __future__ import annotations

import pytest

from ._fakes import DOCS, outcome
from .test_round11_rewritten_requests import client


@pytest.mark.xfail(strict=True, reason="open (round 12): an edited service model")
def test_a_listing_whose_model_swaps_wire_names_is_refused() -> None:
    s3, sent = client("s3")
    members = s3.meta.service_model.operation_model("ListObjectsV2").input_shape.members
    members["StartAfter"].serialization["name"] = "prefix"
    members["Prefix"].serialization["name"] = "start-after"
    call = lambda: s3.list_objects_v2(Bucket=DOCS, Prefix="acme/", StartAfter="globex/")  # noqa: E731
    assert outcome(call) == "denied"
    assert sent.requests == []
