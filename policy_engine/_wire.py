"""What a guarded client signs is the request the guard decided.

The guard decides a call on its parameters (``before-parameter-build``). botocore then
serialises them into a request (``before-call`` hands the serialised request to
handlers, ``request-created`` and ``before-sign`` the request itself), and any handler
registered there may rewrite it: a DynamoDB body naming another tenant's partition
key, an ``x-amz-copy-source`` header that turns a ``PutObject`` of acme's key into a
copy of globex's object, the ``prefix`` of a listing, the keys in a ``DeleteObjects``
body, the conditions of a presigned POST policy. Two checks close that:

- at ``before-sign`` (:func:`wire_mismatch`) the request is compared with a fresh
  serialisation of the decided parameters: the HTTP method, the query, every header
  that names something to the service (those the service model reads as parameters,
  and every ``x-amz-*`` header but the ones botocore adds itself: checksums, the
  chunked-upload headers) and a structured body (JSON services' whole body, S3's XML
  payloads such as ``DeleteObjects``), and for JSON services the operation
  (``X-Amz-Target``) and the path;
- when the request is signed (:func:`fingerprint`, compared by the guard in the
  signer's ``add_auth``), it must be exactly the request checked at ``before-sign``: a
  handler that runs after the guard's (registered later on ``before-sign``) changes
  what is signed, not what was decided.
"""

from __future__ import annotations

import gzip
import json
import operator
import sys
from collections.abc import Mapping
from types import FunctionType, MethodType
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

from botocore.awsrequest import HTTPHeaders
from botocore.hooks import HierarchicalEmitter

#: headers botocore itself adds after serialising (checksums, chunked uploads, signing)
_BOTOCORE_ADDED = frozenset(
    {
        "content-md5",
        "content-length",
        "content-encoding",
        "content-type",
        "expect",
        "x-amz-sdk-checksum-algorithm",
        "x-amz-trailer",
        "x-amz-decoded-content-length",
        "x-amz-content-sha256",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-s3session-token",
        "x-amz-client-context",
    }
)
_CHECKSUM_PREFIX = "x-amz-checksum-"
_JSON_PROTOCOLS = frozenset({"json", "rest-json"})


def plain(value: Any) -> Any:
    """A string or bytes as its data, of exactly the built-in type: a subclass's
    ``__eq__``, ``__str__`` or ``__format__`` may say otherwise, while the signer and
    the HTTP layer use the data. Anything else as it is."""
    kind = type(value)
    if kind is str or kind is bytes:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(memoryview(value))
    return value


def _text(value: Any) -> str:
    value = plain(value)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class _Unreadable:
    """Headers of another type than botocore's own: never equal to anything."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)


def _raw_items(headers: Any) -> Any:
    """The header pairs as set (``email.message.Message.raw_items``: no parsing), read
    from botocore's ``HTTPHeaders`` (or the serialiser's dict) itself: a subclass's
    ``raw_items`` may list other headers than the ``items`` the signer and the HTTP
    layer read. Headers of any other type read as a pair that matches nothing."""
    from email.message import Message

    kind = type(headers)
    items: Any
    if kind is HTTPHeaders:
        items = Message.raw_items(headers)
    elif kind is dict:
        items = dict.items(headers)
    else:
        return [(_Unreadable(), kind.__name__)]
    return [(plain(k), plain(v)) for k, v in items]


def _headers(headers: Any) -> dict[str, str]:
    return {
        (k if type(k) is str else _text(k)).lower(): (v if type(v) is str else _text(v))
        for k, v in _raw_items(headers)
        if not isinstance(k, _Unreadable)
    }


def _body_bytes(body: Any) -> bytes | None:
    if isinstance(body, Mapping):  # a form (query protocol) before botocore encodes it
        from botocore.utils import percent_encode_sequence

        return str(percent_encode_sequence(body)).encode("ascii")
    if body is None:
        return b""
    body = plain(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return None  # a stream (an object's data): not read


def _query(url_path: str, query_string: Any) -> list[tuple[str, str]]:
    from botocore.utils import percent_encode_sequence

    _, _, query = url_path.partition("?")
    if query_string:
        encoded = percent_encode_sequence(query_string)
        query = f"{query}&{encoded}" if query else encoded
    return sorted(parse_qsl(query, keep_blank_values=True))


_SERIALIZERS: dict[str, Any] = {}


def _serializer(protocol: str) -> Any:
    serializer = _SERIALIZERS.get(protocol)
    if serializer is None:
        from botocore.serialize import create_serializer

        serializer = _SERIALIZERS[protocol] = create_serializer(protocol, include_validation=False)
    return serializer


def _location_headers(service_model: Any) -> frozenset[str]:
    """Every header name the service reads as a parameter of some operation."""
    key = (service_model.service_name, service_model.api_version)
    cached = _LOCATION_HEADERS.get(key)
    if cached is not None:
        return cached
    names: set[str] = set()
    for name in service_model.operation_names:
        shape = service_model.operation_model(name).input_shape
        if shape is None:
            continue
        for member in shape.members.values():
            if member.serialization.get("location") == "header":
                names.add(str(member.serialization.get("name", "")).lower())
    result = _LOCATION_HEADERS[key] = frozenset(names)
    return result


#: per (service, API version): a few dozen entries at most
_LOCATION_HEADERS: dict[tuple[str, str], frozenset[str]] = {}


def _xml(body: bytes) -> Any:
    def walk(element: Any) -> Any:
        tag = str(element.tag).rpartition("}")[2]
        children = tuple(walk(child) for child in element)
        return (tag, sorted(element.attrib.items()), element.text or "", children)

    return walk(ElementTree.fromstring(body))


def _structured_payload(model: Any) -> str | None:
    """``"xml"``/``"json"`` when the operation's body is a structure built from its
    parameters; None when it is data (a blob or stream) or there is none."""
    shape = model.input_shape
    if shape is None:
        return None
    protocol = model.service_model.resolved_protocol
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = shape.members.get(payload)
        if member is None or member.type_name != "structure":
            return None
    elif protocol not in _JSON_PROTOCOLS and protocol not in ("query", "ec2"):
        return None
    return "json" if protocol in _JSON_PROTOCOLS else ("xml" if protocol == "rest-xml" else "query")


def wire_mismatch(request: Any, model: Any, params: Mapping[str, Any]) -> str | None:
    """What of ``request`` differs from the serialisation of ``params`` (the decided
    parameters) in a way the service reads, or None."""
    service_model = model.service_model
    protocol = service_model.resolved_protocol
    try:
        fresh = _serializer(protocol).serialize_to_request(dict(params), model)
    except Exception as exc:  # the client serialised them; we cannot: fail closed
        return f"its parameters cannot be serialised again ({type(exc).__name__})"
    method = _text(getattr(request, "method", ""))
    if method != fresh["method"] and not request.context.get("is_presign_request"):
        return f"the HTTP method is `{method}`, not `{fresh['method']}`"
    url = urlsplit(_text(getattr(request, "url", "")))
    url_path = str(fresh["url_path"])
    if (url.query or fresh["query_string"] or "?" in url_path) and sorted(
        parse_qsl(url.query, keep_blank_values=True)
    ) != _query(url_path, fresh["query_string"]):
        return f"the query `{url.query:.200}` is not the one serialised from the parameters"
    headers = getattr(request, "headers", None)
    if type(headers) is not HTTPHeaders:
        return f"the headers are a `{type(headers).__name__}`, not botocore's `HTTPHeaders`"
    sent = _headers(headers)
    expected = _headers(fresh["headers"])
    location = _location_headers(service_model)
    for name, value in sent.items():
        if name in expected:
            if value != expected[name]:
                return f"header `{name}` is `{value:.200}`, not `{expected[name]:.200}`"
            continue
        if name in _BOTOCORE_ADDED or name.startswith(_CHECKSUM_PREFIX):
            continue
        if name in location or name.startswith("x-amz-"):
            return f"header `{name}` was added after the guard decided the parameters"
    for name, value in expected.items():
        if name not in sent and name not in ("content-type", "content-length"):
            return f"header `{name}` (`{value:.200}`) was removed"
    if protocol in _JSON_PROTOCOLS - {"rest-json"} and url.path not in ("", "/"):
        return f"the path `{url.path:.200}` is not `/`"
    kind = _structured_payload(model)
    if kind is not None:
        sent_body = _body_bytes(getattr(request, "data", None))
        fresh_body = _body_bytes(fresh["body"]) if not isinstance(fresh["body"], dict) else None
        if sent_body is None:
            return "the body was replaced by a stream"
        if kind == "xml" and fresh_body:
            # botocore escapes line breaks of XML payloads (DeleteObjects) on
            # `before-call`, so that parsing keeps them: the service reads them so
            fresh_body = fresh_body.replace(b"\r", b"&#xD;").replace(b"\n", b"&#xA;")
        if sent_body == fresh_body:
            return None
        if "gzip" in sent.get("content-encoding", ""):  # botocore's request compression
            try:
                sent_body = gzip.decompress(sent_body)
            except (OSError, EOFError):
                return "the body is not the one serialised from the parameters"
        try:
            if kind == "json":
                same = json.loads(sent_body or b"{}") == json.loads(fresh_body or b"{}")
            elif kind == "xml":
                same = (not sent_body and not fresh_body) or _xml(sent_body) == _xml(
                    fresh_body or b""
                )
            else:
                from botocore.utils import percent_encode_sequence

                wanted = fresh["body"]
                wanted_text = (
                    percent_encode_sequence(wanted) if isinstance(wanted, dict) else _text(wanted)
                )
                same = sorted(parse_qsl(_text(sent_body), keep_blank_values=True)) == sorted(
                    parse_qsl(wanted_text, keep_blank_values=True)
                )
        except (ValueError, ElementTree.ParseError):
            same = False
        if not same:
            return "the body is not the one serialised from the parameters"
    return None


#: modules whose event handlers are the SDK's own: they never rewrite a decided request
#: beyond what the check allows (checksums, retries, user agent, signing)
_SDK_MODULES = ("botocore.", "boto3.")
#: the events whose handlers get the serialised request (``before-call``: the request
#: dict; ``request-created``, ``before-sign``: the request; ``needs-retry``: the request
#: dict a retry is built from) before it is signed
_WATCHED = frozenset({"before-call", "request-created", "before-sign", "needs-retry"})
#: request-context slots: a watched event of the call ran a handler that is not the
#: SDK's (sticky); and, per stage, what ran with the SDK's handlers alone
_TOUCHED = "policy_engine.wire.touched"
_SDK_RAN = {
    "before-call": "policy_engine.wire.before_call",
    "request-created": "policy_engine.wire.request_created",
    "before-sign": "policy_engine.wire.before_sign",
}
#: handler lists already judged, by identity (botocore keeps one per event name until a
#: handler is registered): list id -> (the list, its handlers as judged, each one's verdict)
_JUDGED: dict[int, tuple[Any, tuple[Any, ...], tuple[bool, ...]]] = {}
_JUDGED_SIZE = 512


def _defined_as_named(obj: Any) -> bool:
    """``obj`` is the very object its module defines under its qualified name (a
    wrapper made with ``functools.wraps``, a copy, a nested function or a forged
    ``__module__``/``__qualname__`` is not)."""
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if type(module_name) is not str or type(qualname) is not str:
        return False
    if not (module_name.startswith(_SDK_MODULES) or module_name == "policy_engine.guard"):
        return False
    target: Any = sys.modules.get(module_name)
    for part in qualname.split("."):
        if target is None or part.startswith("<"):  # <locals>, <lambda>
            return False
        namespace = getattr(target, "__dict__", None)
        if not isinstance(namespace, Mapping):
            return False
        target = namespace.get(part)  # no descriptors, no module __getattr__
    return target is obj


def _sdk_handler(handler: Any) -> bool:
    """A plain function, or a method bound to an instance of a class, that botocore,
    boto3 or the guard defines itself (a partial, a lambda, a wrapper, a subclass
    defined elsewhere or any other callable is not: it may be anyone's)."""
    kind = type(handler)
    if kind is FunctionType:
        return _defined_as_named(handler)
    if kind is MethodType:
        function, owner = handler.__func__, handler.__self__
        return (
            type(function) is FunctionType
            and _defined_as_named(function)
            and _defined_as_named(type(owner))
        )
    return False


def _judge(found: Any) -> tuple[tuple[Any, ...], tuple[bool, ...]]:
    """The handlers of a lookup-cache list, as they are now, and whether each one is
    the SDK's."""
    judged = _JUDGED.get(id(found))
    if judged is not None and judged[0] is found:
        handlers = judged[1]
        if len(found) == len(handlers) and all(map(operator.is_, found, handlers)):
            return handlers, judged[2]
    handlers = tuple(found)
    verdicts = tuple(_sdk_handler(h) for h in handlers)
    if len(_JUDGED) >= _JUDGED_SIZE:
        _JUDGED.clear()
    _JUDGED[id(found)] = (found, handlers, verdicts)
    return handlers, verdicts


def _context(stage: str, kwargs: Mapping[str, Any]) -> dict[str, Any] | None:
    """The context of the call whose event ``stage`` is emitted with ``kwargs``."""
    if stage == "before-call":
        context = kwargs.get("context")
    elif stage == "needs-retry":
        request_dict = kwargs.get("request_dict")
        context = request_dict.get("context") if isinstance(request_dict, dict) else None
    else:
        context = getattr(kwargs.get("request"), "context", None)
    return context if isinstance(context, dict) else None


_BASE_EMIT: Any = getattr(HierarchicalEmitter, "_emit")  # noqa: B009 (not in the stubs)


class WatchedEmitter(HierarchicalEmitter):
    """botocore's emitter, which records in a call's context, as it runs them, whether
    the handlers of the events that see the serialised request are the SDK's alone.

    botocore's ``_emit`` as it is, except that on those events it runs the handlers it
    judged (a copy of the list, so that one unregistering itself or appended to the
    cached list in place changes nothing of what was judged), and marks the call's
    context just before a handler that is not the SDK's runs: a handler that runs
    after the request was signed (Powertools' user-agent handler on
    ``request-created``, after the signer's) leaves the shortcut to that request."""

    def _emit(
        self, event_name: str, kwargs: dict[str, Any], stop_on_response: bool = False
    ) -> list[tuple[Any, Any]]:
        stage = event_name.partition(".")[0]
        emitter: Any = self  # botocore's private state (not in its type stubs)
        if stage not in _WATCHED:
            return _BASE_EMIT(self, event_name, kwargs, stop_on_response)  # type: ignore[no-any-return]
        found = emitter._lookup_cache.get(event_name)
        if found is None:
            found = emitter._handlers.prefix_search(event_name)
            emitter._lookup_cache[event_name] = found
        handlers, verdicts = _judge(found)
        context = _context(stage, kwargs)
        if context is not None and stage in _SDK_RAN:
            # emitted through this emitter for this call (or request): see below
            context[_SDK_RAN[stage]] = True if stage == "before-call" else kwargs.get("request")
        if not handlers:
            return []
        kwargs["event_name"] = event_name
        responses: list[tuple[Any, Any]] = []
        for handler, sdk in zip(handlers, verdicts, strict=True):
            if not sdk and context is not None:
                # before it runs: what is signed after it (on `request-created`, the
                # signer's handler runs before less specific handlers) is checked
                context[_TOUCHED] = True
            response = handler(**kwargs)
            responses.append((handler, response))
            if stop_on_response and response is not None:
                return responses
        return responses


def watch(events: Any) -> None:
    """Make ``events`` (a session's emitter; the clients' are copies of it, which keep
    its class) record what ran on a call's request. Any other emitter than botocore's
    own is left alone: its calls are then always checked."""
    inner = getattr(events, "_emitter", events)  # an EventAliaser's inner one
    if type(inner) is HierarchicalEmitter:
        inner.__class__ = WatchedEmitter


def sdk_handlers_only(request: Any) -> bool:
    """Whether only the SDK's or the guard's own handlers ran on ``request`` since it
    was serialised: on its call's ``before-call``, its own ``request-created`` and
    ``before-sign`` (up to the guard's), and on no ``needs-retry`` (a first attempt:
    a retry is built again from the request dict, which ``needs-retry`` handlers get).
    Then nothing rewrote it, and :func:`wire_mismatch` need not serialise it again.
    Read from what a :class:`WatchedEmitter` recorded as it ran them; anything not
    recorded (another emitter, a presigned URL, which has no ``before-call``) answers
    False, so the request is checked."""
    context = getattr(request, "context", None)
    if not isinstance(context, dict) or context.get(_TOUCHED):
        return False
    retries = context.get("retries")
    return (
        isinstance(retries, dict)
        and retries.get("attempt") == 1
        and context.get(_SDK_RAN["before-call"]) is True
        and context.get(_SDK_RAN["request-created"]) is request
        and context.get(_SDK_RAN["before-sign"]) is request
    )


def fingerprint(request: Any) -> tuple[Any, ...]:
    """Everything of ``request`` that its signature binds or its signer reads: the
    method, URL, headers, body (a stream by identity) and the signing and presigned
    POST context."""
    body = plain(getattr(request, "data", None))
    if isinstance(body, Mapping):
        from .guard import _snapshot

        body = _snapshot(body)
    elif not isinstance(body, (bytes, str, type(None))):
        body = (type(body), id(body))
    context = getattr(request, "context", None)
    context = context if isinstance(context, dict) else {}
    extra: tuple[Any, ...] = ()
    if "signing" in context or "s3-presign-post-policy" in context:
        from .guard import _snapshot

        extra = tuple(
            _snapshot(context.get(name))
            for name in ("signing", "s3-presign-post-policy", "s3-presign-post-fields")
        )
    headers = getattr(request, "headers", None)
    return (
        plain(getattr(request, "method", None)),
        plain(getattr(request, "url", None)),
        tuple(_raw_items(headers)) if headers is not None else (),
        body,
        extra,
    )


__all__ = ["WatchedEmitter", "fingerprint", "plain", "sdk_handlers_only", "watch", "wire_mismatch"]
