"""The request check at ``before-sign`` serialises the decided parameters again only
when a handler other than the SDK's own ran on the request (``before-call``,
``request-created``, ``before-sign``): with botocore's handlers alone nothing can have
rewritten it, and that second serialisation doubled the guard's cost of a DynamoDB
call. These pin when the check runs; the attacks of
``test_round11_rewritten_requests.py`` pin that it refuses."""

from __future__ import annotations

import functools
import json
from typing import Any

import botocore.handlers
import pytest

from policy_engine import _wire

from .test_round11_rewritten_requests import client, get_acme_order


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each full request check made (the operation's name)."""
    made: list[str] = []
    real = _wire.wire_mismatch

    def counted(request: Any, model: Any, params: Any) -> str | None:
        made.append(model.name)
        return real(request, model, params)

    monkeypatch.setattr(_wire, "wire_mismatch", counted)
    return made


def test_with_the_sdks_handlers_alone_the_request_is_not_serialised_again(
    checks: list[str],
) -> None:
    ddb, sent = client("dynamodb")
    get_acme_order(ddb)()
    assert len(sent.requests) == 1
    assert checks == []


@pytest.mark.parametrize(
    "handler",
    [
        lambda params, **_: None,  # any function of the service's
        functools.partial(botocore.handlers.add_recursion_detection_header),  # a partial
    ],
    ids=["a no-op function", "a partial of botocore's own"],
)
def test_any_other_handler_makes_the_check_run(checks: list[str], handler: Any) -> None:
    ddb, sent = client("dynamodb")
    ddb.meta.events.register("before-call.dynamodb", handler)
    get_acme_order(ddb)()
    assert checks == ["GetItem"]
    assert len(sent.requests) == 1


def test_a_handler_registered_after_a_first_call_is_seen(checks: list[str]) -> None:
    """botocore keeps a handler list per event until one is registered: the verdict
    on the old list must not carry over to the new one."""
    ddb, sent = client("dynamodb")
    get_acme_order(ddb)()
    assert checks == []

    def to_globex(request: Any, **_: Any) -> None:
        body = json.loads(request.body)
        body["Key"]["tenant_id"]["S"] = "globex"
        request.data = json.dumps(body).encode()

    ddb.meta.events.register("request-created.dynamodb.GetItem", to_globex)
    from .test_round11_rewritten_requests import outcome

    assert outcome(get_acme_order(ddb)) == "denied"
    assert checks == ["GetItem"]
    assert len(sent.requests) == 1  # the first call only


def test_handlers_that_cannot_be_read_make_the_check_run(checks: list[str]) -> None:
    """Fail closed: a request whose handlers were not recorded as they ran (no
    context, or an emitter that is not botocore's: round 12) is checked."""
    assert _wire.sdk_handlers_only(None) is False
    assert _wire.sdk_handlers_only(object()) is False
