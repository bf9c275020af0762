"""Round 12: the request check's shortcut for "only the SDK's handlers ran".

After round 11 the guard skipped serialising the decided parameters again at
``before-sign`` when ``_wire.sdk_handlers_only`` found only botocore's, boto3's or the
guard's handlers registered on ``before-call``, ``request-created`` and ``before-sign``
for the operation. It judged what was *registered when the guard's ``before-sign``
ran*, by each handler's ``__module__``; the request had passed other handlers at other
moments. Each of these got a DynamoDB ``GetItem`` decided for acme's key signed with
acme's credentials and globex's key in the body (the fake transport shows what was
signed and sent; moto is not used as evidence):

- a one-shot handler on ``before-call`` that unregisters itself after rewriting the
  request (the lists read at ``before-sign`` were botocore's again);
- a ``needs-retry`` handler (an event not read) rewriting the request dict and asking
  for a retry: botocore builds the retry from that dict and signs it again
  (``Endpoint._send_request``), and the first attempt was acme's;
- a tracing decorator made with ``functools.wraps`` around a botocore handler (it
  copies ``__module__``: the wrapper looked like ``botocore.handlers``);
- a method of a botocore class, bound to an instance of a subclass defined elsewhere
  (``RequestSigner.handler`` calls ``self.sign``, which the subclass overrides);
- a function whose ``__module__`` says ``botocore.handlers``;
- a handler appended in place to the emitter's cached list after a first call (the
  verdict was cached by the list's identity).

Fix (``policy_engine/_wire.py``): the guard makes its session's emitter a
``WatchedEmitter`` (botocore's, whose copies the clients get): on ``before-call``,
``request-created``, ``before-sign`` and ``needs-retry`` it judges the handlers it is
about to run (a copy of the list: what runs is what was judged) and records it in the
call's context, a non-SDK handler stickily; the shortcut applies only to a first
attempt whose ``before-call``, ``request-created`` and ``before-sign`` were recorded
with SDK handlers alone for this very request. A handler is the SDK's only if it is
the very function (or a method of the very class) botocore, boto3 or the guard defines
under its name (``sys.modules[__module__]`` and ``__qualname__``). The twins show the
shortcut still applies to a plain call of every guarded service and to botocore's own
handlers registered again, and that legitimate handlers (a tracing wrapper, a retry)
go through the full check and are sent.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import botocore.handlers
import botocore.signers
import pytest
from botocore.config import Config

from policy_engine import _wire

from ._fakes import ACCOUNT, DOCS, outcome
from .test_round11_rewritten_requests import ACME_KEY, Sent, client, get_acme_order, guarded


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


def _globex_body(body: bytes) -> bytes:
    data = json.loads(body)
    data["Key"]["tenant_id"]["S"] = "globex"
    return json.dumps(data).encode()


def to_globex(params: dict[str, Any], **_: Any) -> None:
    params["body"] = _globex_body(params["body"])


def keys(sent: Sent) -> list[str]:
    return [json.loads(r.body)["Key"]["tenant_id"]["S"] for r in sent.requests]


# -- the attacks ---------------------------------------------------------------------------


def test_a_one_shot_handler_that_unregisters_itself_is_seen() -> None:
    ddb, sent = client("dynamodb")

    def once(params: dict[str, Any], **_: Any) -> None:
        to_globex(params)
        ddb.meta.events.unregister("before-call.dynamodb.GetItem", once)

    ddb.meta.events.register("before-call.dynamodb.GetItem", once)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def retrying(sent: Sent, max_attempts: int = 2) -> Any:
    ddb = guarded().client(
        "dynamodb",
        region_name="eu-west-1",
        config=Config(retries={"max_attempts": max_attempts, "mode": "standard"}),
    )
    ddb.meta.events.register_last("before-send", sent)
    return ddb


def test_a_request_dict_rewritten_on_needs_retry_is_refused_when_retried() -> None:
    """``needs-retry`` handlers get the request dict (botocore ``Endpoint._needs_retry``)
    and a retry is a new request created from it and signed again."""
    sent = Sent()
    ddb = retrying(sent)

    def retry_as_globex(request_dict: dict[str, Any], attempts: int, **_: Any) -> Any:
        if attempts == 1:
            to_globex(request_dict)
            return 0  # retry now
        return None

    ddb.meta.events.register("needs-retry.dynamodb.GetItem", retry_as_globex)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert keys(sent) == ["acme"]  # the first attempt only


def test_a_functools_wraps_wrapper_of_a_botocore_handler_is_not_the_sdks() -> None:
    ddb, sent = client("dynamodb")

    def traced(handler: Any) -> Any:
        @functools.wraps(handler)  # copies __module__ and __qualname__
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            to_globex(kwargs["params"])
            return handler(*args, **kwargs)

        return wrapper

    wrapped = traced(botocore.handlers.add_recursion_detection_header)
    assert wrapped.__module__ == "botocore.handlers"
    ddb.meta.events.register("before-call.dynamodb.GetItem", wrapped)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_botocore_method_bound_to_a_subclass_defined_elsewhere_is_not_the_sdks() -> None:
    ddb, sent = client("dynamodb")

    class Rewriter(botocore.signers.RequestSigner):
        def __init__(self) -> None:
            pass

        def sign(self, operation_name: Any, request: Any, *_: Any, **__: Any) -> None:
            request.data = _globex_body(request.data)

    handler = Rewriter().handler  # RequestSigner.handler: self.sign(...)
    assert handler.__func__ is botocore.signers.RequestSigner.handler
    ddb.meta.events.register("request-created.dynamodb.GetItem", handler)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_function_with_a_forged_module_and_name_is_not_the_sdks() -> None:
    ddb, sent = client("dynamodb")

    def forged(params: dict[str, Any], **_: Any) -> None:
        to_globex(params)

    forged.__module__ = "botocore.handlers"
    forged.__qualname__ = "add_recursion_detection_header"
    ddb.meta.events.register("before-call.dynamodb.GetItem", forged)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert sent.requests == []


def test_a_handler_put_in_place_into_a_cached_list_is_seen() -> None:
    """The verdict on a list was cached by its identity; botocore's lists are not
    mutated, but the list is reachable (``_lookup_cache``) and what ran was not what
    was judged."""
    ddb, sent = client("dynamodb")
    get_acme_order(ddb)()
    inner = ddb.meta.events._emitter
    inner._lookup_cache["before-call.dynamodb.GetItem"].append(to_globex)
    assert outcome(get_acme_order(ddb)) == "denied"
    assert keys(sent) == ["acme"]


# -- the twins: legitimate use, and the shortcut where it belongs --------------------------


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("dynamodb", lambda c: c.get_item(TableName="saas-orders", Key=ACME_KEY)),
        ("s3", lambda c: c.put_object(Bucket=DOCS, Key="acme/a.txt", Body=b"x")),
        ("s3", lambda c: c.list_objects_v2(Bucket=DOCS, Prefix="acme/")),
        ("s3", lambda c: c.delete_objects(Bucket=DOCS, Delete={"Objects": [{"Key": "acme/a"}]})),
        (
            "sqs",
            lambda c: c.send_message(
                QueueUrl=f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/saas-jobs-acme",
                MessageBody="job",
            ),
        ),
        ("secretsmanager", lambda c: c.get_secret_value(SecretId="saas/tenants/acme/db")),
        (
            "kms",
            lambda c: c.encrypt(
                KeyId=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                Plaintext=b"x",
                EncryptionContext={"tenant_id": "acme"},
            ),
        ),
    ],
    ids=[
        "dynamodb GetItem",
        "s3 PutObject",
        "s3 ListObjectsV2",
        "s3 DeleteObjects",
        "sqs SendMessage",
        "secretsmanager GetSecretValue",
        "kms Encrypt",
    ],
)
def test_a_plain_call_keeps_the_shortcut(checks: list[str], service: str, call: Any) -> None:
    c, sent = client(service)
    call(c)
    assert len(sent.requests) == 1
    assert checks == []


def test_botocores_own_handler_registered_again_keeps_the_shortcut(checks: list[str]) -> None:
    ddb, sent = client("dynamodb")
    ddb.meta.events.register(
        "before-call.dynamodb.GetItem", botocore.handlers.add_recursion_detection_header
    )
    get_acme_order(ddb)()
    assert len(sent.requests) == 1
    assert checks == []


def test_a_tracing_wrapper_that_rewrites_nothing_is_checked_and_sent(checks: list[str]) -> None:
    ddb, sent = client("dynamodb")
    seen: list[str] = []

    def traced(handler: Any) -> Any:
        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs["event_name"])
            return handler(*args, **kwargs)

        return wrapper

    ddb.meta.events.register(
        "before-call.dynamodb.GetItem", traced(botocore.handlers.add_recursion_detection_header)
    )
    get_acme_order(ddb)()
    assert seen == ["before-call.dynamodb.GetItem"]
    assert checks == ["GetItem"]
    assert keys(sent) == ["acme"]


def test_a_retried_call_is_checked_again_and_sent(checks: list[str]) -> None:
    """botocore's own retry (a 500, standard mode): the first attempt keeps the
    shortcut, the retry is checked in full and sent."""

    class Flaky(Sent):
        def __call__(self, request: Any, **kwargs: Any) -> Any:
            response = super().__call__(request, **kwargs)
            if len(self.requests) == 1:
                response.status_code = 500
                response._content = b'{"__type": "InternalServerError"}'
            return response

    sent = Flaky()
    ddb = retrying(sent)
    get_acme_order(ddb)()
    assert keys(sent) == ["acme", "acme"]
    assert checks == ["GetItem"]


def test_a_one_shot_handler_that_rewrites_nothing_is_checked_and_sent(
    checks: list[str],
) -> None:
    ddb, sent = client("dynamodb")

    def once(**_: Any) -> None:
        ddb.meta.events.unregister("before-call.dynamodb.GetItem", once)

    ddb.meta.events.register("before-call.dynamodb.GetItem", once)
    get_acme_order(ddb)()
    get_acme_order(ddb)()
    assert checks == ["GetItem"]  # the second call ran botocore's handlers alone
    assert keys(sent) == ["acme", "acme"]


def test_a_handler_that_runs_after_signing_keeps_the_shortcut(checks: list[str]) -> None:
    """Powertools registers its user-agent handler on ``request-created`` (session and
    clients: ``aws_lambda_powertools.shared.user_agent``); botocore runs it after the
    signer's handler (registered on the more specific ``request-created.<service>``),
    so after the request was signed. It is no SDK handler, but nothing it does can
    change what was signed: the shortcut stays (it did not before round 12, which read
    the whole list: with Powertools imported, every call was serialised again)."""
    from aws_lambda_powertools.shared.user_agent import register_feature_to_client

    ddb, sent = client("dynamodb")
    register_feature_to_client(ddb, "round12")
    get_acme_order(ddb)()
    assert b"PT/round12/" in sent.requests[0].headers["User-Agent"]
    assert checks == []
    get_acme_order(ddb)()  # and on the next call
    assert checks == []
    assert keys(sent) == ["acme", "acme"]
