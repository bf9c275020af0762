"""The action data's on-disk index: the snapshot cut per service, each part
decoded only when a lookup first needs that service.

``iam_data.json.gz`` is the snapshot as ``scripts/refresh_iam_data.py`` writes it;
decoding all of it (445 services, 20,000 actions) takes a tenth of a second. The
index ``iam_index.bin`` beside it holds the same data, built ahead of time by
:func:`build_index` (``python scripts/build_generated.py``; a unit test keeps it
equal to the snapshot, and the wheel ships both). Its layout::

    policy-engine action index 2\\n
    {"meta": {...}, "services": [[prefix, offset, length, actions], ...],
     "key_types": [offset, length],
     "extra_names": {"source": "policyuniverse", "version": "...", "count": n,
                     "span": [offset, length]}}\\n
    zlib blobs, offsets counted from the first byte after the header line

Each service blob is that service's JSON object of the snapshot, unchanged
(``{"a": actions, "r": resource types, "c": condition keys}``, in its order); the
``key_types`` blob is every documented condition key shape with its type, first
service first (what a global key-type lookup needs without reading every service).
The ``extra_names`` blob is the sorted list of the lower-case action names another
source (policyuniverse, whose version is recorded) knows and the snapshot lacks: what
the lint's known names add to the snapshot, without importing that source.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from .errors import PolicyEngineError

MAGIC = b"policy-engine action index 2\n"
INDEX_FILE = "iam_index.bin"
SNAPSHOT_FILE = "iam_data.json.gz"


class ActionIndexError(PolicyEngineError):
    """The bundled action index is missing, damaged or of another format."""


def key_types_of(services: Mapping[str, Any]) -> dict[str, str]:
    """Every condition key shape of the snapshot with its documented type; a shape
    documented by several services keeps the first service's type."""
    from ._iamdata import key_shape

    out: dict[str, str] = {}
    for svc in services.values():
        for key, kind in svc["c"].items():
            out.setdefault(key_shape(key), kind)
    return out


class ExtraNames(NamedTuple):
    """Action names of another source than the snapshot, with the source's version."""

    source: str  # the distribution, such as "policyuniverse"
    version: str  # its version the names were read from
    names: Iterable[str]  # its action names, any case (those of the snapshot are dropped)


def _blob(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 9)


def build_index(snapshot: Mapping[str, Any], extra: ExtraNames) -> bytes:
    """The index of a decoded snapshot (``{"meta": ..., "services": ...}``) and of the
    action names of ``extra`` that the snapshot lacks."""
    services: Mapping[str, Any] = snapshot["services"]
    for prefix in services:
        # A lookup finds a service from the lower-cased action name's prefix.
        if prefix != prefix.lower() or ":" in prefix:
            raise ActionIndexError(f"service prefix `{prefix}` is not lower case without `:`")
    blobs: list[bytes] = []
    offset = 0

    def add(value: Any) -> list[int]:
        nonlocal offset
        blob = _blob(value)
        blobs.append(blob)
        span = [offset, len(blob)]
        offset += len(blob)
        return span

    table = [[prefix, *add(svc), len(svc["a"])] for prefix, svc in services.items()]
    header: dict[str, Any] = {
        "meta": snapshot["meta"],
        "services": table,
        "key_types": add(key_types_of(services)),
    }
    ours = {f"{prefix}:{name}".lower() for prefix, svc in services.items() for name in svc["a"]}
    names = sorted({n.lower() for n in extra.names} - ours)
    header["extra_names"] = {
        "source": extra.source,
        "version": extra.version,
        "count": len(names),
        "span": add(names),
    }
    head = json.dumps(header, separators=(",", ":")).encode()
    return MAGIC + head + b"\n" + b"".join(blobs)


class ActionIndex:
    """A read index: the snapshot's metadata and service list at once, each service
    decoded on request."""

    def __init__(self, data: bytes, *, source: str = INDEX_FILE) -> None:
        self._source = source
        if not data.startswith(MAGIC):
            raise self._damaged("it does not start with the format line")
        end = data.find(b"\n", len(MAGIC))
        if end < 0:
            raise self._damaged("its header line is cut off")
        try:
            header = json.loads(data[len(MAGIC) : end])
            self.meta: dict[str, Any] = header["meta"]
            self._spans: dict[str, tuple[int, int]] = {}
            self._counts: dict[str, int] = {}
            for prefix, offset, length, count in header["services"]:
                self._spans[prefix] = (offset, length)
                self._counts[prefix] = count
            key_offset, key_length = header["key_types"]
            extra = header["extra_names"]
            #: where the extra names come from, and the version they were read from
            self.extra_source: str = str(extra["source"])
            self.extra_version: str = str(extra["version"])
            extra_offset, extra_length = extra["span"]
        except (ValueError, KeyError, TypeError) as exc:
            raise self._damaged(f"its header is unreadable ({exc})") from None
        self._body = memoryview(data)[end + 1 :]
        self._key_span = (key_offset, key_length)
        self._extra_span = (extra_offset, extra_length)
        #: the service prefixes, in the snapshot's order
        self.prefixes: tuple[str, ...] = tuple(self._spans)

    @classmethod
    def read(cls, path: str) -> ActionIndex:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise ActionIndexError(
                f"cannot read the action index `{path}`: {exc.strerror or exc} "
                "(a broken installation: reinstall policy-engine)"
            ) from None
        return cls(data, source=path)

    def _damaged(self, why: str) -> ActionIndexError:
        return ActionIndexError(
            f"the action index `{self._source}` is damaged: {why} "
            "(reinstall policy-engine, or rebuild it with scripts/build_generated.py)"
        )

    def _decode(self, span: tuple[int, int], what: str) -> Any:
        offset, length = span
        if offset < 0 or length < 0 or offset + length > len(self._body):
            raise self._damaged(f"{what} lies outside the file")
        try:
            return json.loads(zlib.decompress(self._body[offset : offset + length]))
        except (zlib.error, ValueError) as exc:
            raise self._damaged(f"{what} does not decode ({exc})") from None

    def service(self, prefix: str) -> dict[str, Any] | None:
        """A service's part of the snapshot, or ``None`` for a prefix it lacks."""
        span = self._spans.get(prefix)
        if span is None:
            return None
        value: dict[str, Any] = self._decode(span, f"service `{prefix}`")
        return value

    def action_count(self, prefix: str) -> int:
        """How many actions a service has (0 for a prefix the index lacks)."""
        return self._counts.get(prefix, 0)

    def key_types(self) -> dict[str, str]:
        """:func:`key_types_of` the whole snapshot."""
        value: dict[str, str] = self._decode(self._key_span, "the key-type table")
        return value

    def extra_names(self) -> frozenset[str]:
        """The lower-case action names the extra source knows and the snapshot lacks."""
        value = self._decode(self._extra_span, "the extra action names")
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise self._damaged("the extra action names are not a list of names")
        return frozenset(value)
