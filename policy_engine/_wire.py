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
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

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


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else str(value)


def _raw_items(headers: Any) -> Any:
    """The header pairs as set (``email.message.Message.raw_items``: no parsing)."""
    raw = getattr(headers, "raw_items", None)
    if raw is not None:
        return raw()
    return headers.items() if hasattr(headers, "items") else ()


def _headers(headers: Any) -> dict[str, str]:
    return {
        (k if type(k) is str else str(k)).lower(): (v if type(v) is str else _text(v))
        for k, v in _raw_items(headers)
    }


def _body_bytes(body: Any) -> bytes | None:
    if isinstance(body, Mapping):  # a form (query protocol) before botocore encodes it
        from botocore.utils import percent_encode_sequence

        return str(percent_encode_sequence(body)).encode("ascii")
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
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
    method = str(getattr(request, "method", ""))
    if method != fresh["method"] and not request.context.get("is_presign_request"):
        return f"the HTTP method is `{method}`, not `{fresh['method']}`"
    url = urlsplit(str(getattr(request, "url", "")))
    url_path = str(fresh["url_path"])
    if (url.query or fresh["query_string"] or "?" in url_path) and sorted(
        parse_qsl(url.query, keep_blank_values=True)
    ) != _query(url_path, fresh["query_string"]):
        return f"the query `{url.query:.200}` is not the one serialised from the parameters"
    sent = _headers(getattr(request, "headers", {}))
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
#: handler lists already judged, by identity (botocore keeps one per event name until a
#: handler is registered): list id -> (the list, whether every handler is the SDK's)
_JUDGED: dict[int, tuple[Any, bool]] = {}
_JUDGED_SIZE = 512


def _sdk_handler(handler: Any) -> bool:
    """A plain function or bound method defined in botocore or boto3, or the guard's
    own (a partial, a lambda or any other callable is not: it may be anyone's)."""
    function = getattr(handler, "__func__", handler)
    if type(function).__name__ != "function":
        return False
    module = str(getattr(function, "__module__", "") or "")
    return module.startswith(_SDK_MODULES) or module == "policy_engine.guard"


def sdk_handlers_only(request_signer: Any, event_name: str) -> bool:
    """Whether every handler that ran on the request before it reached the guard at
    ``before-sign`` (``before-call``, ``request-created``, ``before-sign``) is the
    SDK's or the guard's own: then nothing rewrote it, and :func:`wire_mismatch` need
    not serialise it again. Reads botocore's handler lists (its emitter's lookup
    cache); anything unexpected answers False, so the request is checked."""
    try:
        emitter = request_signer._event_emitter
        emitter = getattr(emitter, "_emitter", emitter)  # an EventAliaser's inner one
        lookup = emitter._lookup_cache
        handlers = emitter._handlers
        _, _, rest = event_name.partition(".")
        for stage in ("before-call", "request-created", "before-sign"):
            name = f"{stage}.{rest}"
            found = lookup.get(name)
            if found is None:
                found = handlers.prefix_search(name)
            judged = _JUDGED.get(id(found))
            if judged is None or judged[0] is not found:
                if len(_JUDGED) >= _JUDGED_SIZE:
                    _JUDGED.clear()
                judged = _JUDGED[id(found)] = (found, all(_sdk_handler(h) for h in found))
            if not judged[1]:
                return False
        return True
    except Exception:  # botocore's internals changed: check the request
        return False


def fingerprint(request: Any) -> tuple[Any, ...]:
    """Everything of ``request`` that its signature binds or its signer reads: the
    method, URL, headers, body (a stream by identity) and the signing and presigned
    POST context."""
    body = getattr(request, "data", None)
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
        getattr(request, "method", None),
        getattr(request, "url", None),
        tuple(_raw_items(headers)) if headers is not None else (),
        body,
        extra,
    )


__all__ = ["fingerprint", "sdk_handlers_only", "wire_mismatch"]
