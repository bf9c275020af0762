"""Tenant-aware metrics in CloudWatch Embedded Metric Format (EMF).

A metric document is one JSON log line: CloudWatch Logs turns it into metrics, and the
same line stays searchable in Logs Insights. The tenant and the tier go on every
document, each either as a **dimension** (a metric series per value: right for a
handful of tiers) or as a plain **property** (searchable, no series: right for
thousands of tenants). Defaults: tier as dimension, tenant as property.

Two back ends, one interface (``add_metric(name, unit, value)``, ``add_dimension``,
``add_metadata``, ``flush_metrics``):

- a Powertools ``Metrics`` object, when the caller passes one (its output, its
  namespace, its default dimensions);
- :class:`EmfMetrics`, the built-in writer, otherwise (the standard library only).

:class:`TenantMetrics` is what a handler sees as ``tenant.metrics``; the decorator in
:mod:`policy_engine.lambda_` records the built-in metrics and flushes once per
invocation. Outside the decorator, :func:`add_metric` adds to the current
invocation's metrics (and does nothing outside one).

>>> emf = EmfMetrics("Orders", emit=lambda line: None, clock=lambda: 1.0)
>>> m = TenantMetrics(emf, tenant="acme", tier="basic")
>>> m.add_metric("OrdersRead", 3)
>>> doc = m.flush()[0]
>>> doc["tenant_id"], doc["tier"], doc["OrdersRead"]
('acme', 'basic', 3.0)
>>> doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
[['tier']]
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Literal

from . import _invocation

Placement = Literal["dimension", "property"]

#: Units CloudWatch accepts (EMF specification, ``Unit``).
UNITS = frozenset(
    {
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    }
)
MAX_DIMENSIONS = 30  # per dimension set
MAX_METRICS = 100  # per directive
MAX_VALUES = 100  # per metric in one document
MAX_NAME = 1024  # namespace, metric, dimension names and values
DEFAULT_NAMESPACE = "PolicyEngine"
TENANT_KEY = "tenant_id"
TIER_KEY = "tier"
#: the members the runtime stamps with the invocation's tenant and tier: handler code
#: cannot set them (as a metric, a dimension or a property)
STAMPED = frozenset({TENANT_KEY, TIER_KEY})
#: members of the document the metric and dimension names may not take
RESERVED = frozenset({"_aws"})


class MetricsError(ValueError):
    """A metric, unit, dimension or option that CloudWatch would not accept."""


def _name(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise MetricsError(
            f"{kind} must be a non-blank string of at most {MAX_NAME} characters, not {value!r:.80}"
        )
    if value in RESERVED:
        raise MetricsError(f"{kind} `{value}` is reserved by the EMF document")
    return value


def _stamped_error(kind: str, name: str) -> MetricsError:
    return MetricsError(
        f"{kind} `{name}` is stamped by the runtime with the invocation's tenant and tier; "
        "handler code cannot set it (choose another name)"
    )


def _not_stamped(kind: str, name: object) -> None:
    if name in STAMPED:
        raise _stamped_error(kind, str(name))
    if name in RUNTIME_METRICS:
        raise MetricsError(
            f"{kind} `{name}` is recorded by the runtime on every invocation (its tenant's "
            "metering); handler code cannot set it (choose another name)"
        )


def _unit(unit: object) -> str:
    unit = getattr(unit, "value", unit)  # a Powertools MetricUnit
    if unit not in UNITS:
        raise MetricsError(f"unit `{unit}` is not a CloudWatch unit; use one of {sorted(UNITS)}")
    return str(unit)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetricsError(f"a metric value must be a number, not {type(value).__name__}")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise MetricsError(f"a metric value must be finite, not {number}")
    return number


class EmfMetrics:
    """The built-in EMF writer: collects metrics, dimensions and properties, and on
    :meth:`flush_metrics` writes them as EMF documents (one line each) with ``emit``
    (default: stdout, which Lambda sends to CloudWatch Logs), then clears them.

    ``namespace`` defaults to ``$POWERTOOLS_METRICS_NAMESPACE``, then
    ``$POLICY_ENGINE_METRICS_NAMESPACE``, then ``PolicyEngine``; ``service`` (default
    ``$POWERTOOLS_SERVICE_NAME``) becomes a ``service`` dimension. A flush writes one
    document, or more when over 100 metrics or 100 values of one metric."""

    def __init__(
        self,
        namespace: str | None = None,
        *,
        service: str | None = None,
        emit: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        env = os.environ
        self.namespace = _name(
            "the namespace",
            namespace
            or env.get("POWERTOOLS_METRICS_NAMESPACE")
            or env.get("POLICY_ENGINE_METRICS_NAMESPACE")
            or DEFAULT_NAMESPACE,
        )
        service = service or env.get("POWERTOOLS_SERVICE_NAME") or None
        self.default_dimensions: dict[str, str] = (
            {"service": _name("the service", service)} if service else {}
        )
        self._emit = emit or _stdout
        self._clock = clock
        self._metrics: dict[str, tuple[str, list[float]]] = {}
        self._dimensions: dict[str, str] = dict(self.default_dimensions)
        self._metadata: dict[str, Any] = {}
        self._stamped: set[str] = set()
        # keys of the recorders open on this writer (name -> how many): refused to
        # direct writes until those recorders have flushed
        self._reserved: dict[str, int] = {}

    def stamp(self, key: str, value: str, placement: Placement) -> None:
        """Set ``key`` (``tenant_id``, ``tier``) as a dimension or a property, wherever
        else it was, and refuse every other write of it until the next flush: what the
        runtime stamps is what the documents carry."""
        key = _name("a stamped key", key)
        value = _name(f"the value of `{key}`", value)
        self._metrics.pop(key, None)
        if placement == "dimension":
            self._metadata.pop(key, None)
            if key not in self._dimensions and len(self._dimensions) >= MAX_DIMENSIONS:
                raise MetricsError(f"at most {MAX_DIMENSIONS} dimensions per document")
            self._dimensions[key] = value
        else:
            self._dimensions.pop(key, None)
            self._metadata[key] = value
        self._stamped.add(key)

    def reserve(self, keys: tuple[str, ...]) -> None:
        """Refuse direct writes of ``keys`` until :meth:`release`: a recorder open on
        this writer stamps them at its flush."""
        for key in keys:
            self._reserved[key] = self._reserved.get(key, 0) + 1

    def release(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            left = self._reserved.get(key, 0) - 1
            if left > 0:
                self._reserved[key] = left
            else:
                self._reserved.pop(key, None)

    def _check_free(self, kind: str, name: str) -> None:
        if name in self._stamped or self._reserved.get(name):
            raise _stamped_error(kind, name)

    def add_metric(self, name: str, unit: Any, value: float) -> None:
        name = _name("a metric name", name)
        self._check_free("a metric name", name)
        unit = _unit(unit)
        number = _number(value)
        if name in self._dimensions or name in self._metadata:
            raise MetricsError(f"`{name}` is already a dimension or property of this document")
        old = self._metrics.get(name)
        if old is not None and old[0] != unit:
            raise MetricsError(f"metric `{name}` was recorded in {old[0]}, not {unit}")
        self._metrics.setdefault(name, (unit, []))[1].append(number)

    def add_dimension(self, name: str, value: str) -> None:
        name = _name("a dimension name", name)
        self._check_free("a dimension name", name)
        value = _name(f"the value of dimension `{name}`", value)
        if name in self._metrics:
            raise MetricsError(f"`{name}` is already a metric of this document")
        if name not in self._dimensions and len(self._dimensions) >= MAX_DIMENSIONS:
            raise MetricsError(f"at most {MAX_DIMENSIONS} dimensions per document")
        self._metadata.pop(name, None)
        self._dimensions[name] = value

    def add_metadata(self, key: str, value: Any) -> None:
        key = _name("a property name", key)
        self._check_free("a property name", key)
        if key in self._metrics or key in self._dimensions:
            raise MetricsError(f"`{key}` is already a metric or dimension of this document")
        self._metadata[key] = value

    def serialize_metric_set(self) -> list[dict[str, Any]]:
        """The EMF documents of what was recorded (without clearing it)."""
        if not self._metrics:
            return []
        chunks: list[dict[str, list[float]]] = [{}]
        for name, (_, values) in self._metrics.items():
            for start in range(0, len(values), MAX_VALUES):
                target = next((c for c in chunks if name not in c and len(c) < MAX_METRICS), None)
                if target is None:
                    target = {}
                    chunks.append(target)
                target[name] = values[start : start + MAX_VALUES]
        timestamp = int(self._clock() * 1000)
        documents = []
        for chunk in chunks:
            doc: dict[str, Any] = {
                "_aws": {
                    "Timestamp": timestamp,
                    "CloudWatchMetrics": [
                        {
                            "Namespace": self.namespace,
                            "Dimensions": [list(self._dimensions)],
                            "Metrics": [
                                {"Name": name, "Unit": self._metrics[name][0]} for name in chunk
                            ],
                        }
                    ],
                }
            }
            doc.update(self._metadata)
            doc.update(self._dimensions)
            for name, values in chunk.items():
                doc[name] = values[0] if len(values) == 1 else values
            documents.append(doc)
        return documents

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> list[dict[str, Any]]:
        """Write the documents and clear metrics, dimensions and properties (default
        dimensions stay). Returns the documents written."""
        documents = self.serialize_metric_set()
        if not documents and raise_on_empty_metrics:
            raise MetricsError("no metrics to flush")
        for doc in documents:
            self._emit(json.dumps(doc, separators=(",", ":"), default=str))
        self.clear_metrics()
        return documents

    def clear_metrics(self) -> None:
        self._metrics.clear()
        self._metadata.clear()
        self._dimensions = dict(self.default_dimensions)
        self._stamped.clear()


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def is_powertools_metrics(obj: object) -> bool:
    """Whether ``obj`` looks like a Powertools ``Metrics`` (duck-typed: nothing imported)."""
    return all(
        callable(getattr(obj, name, None))
        for name in ("add_metric", "add_dimension", "add_metadata", "flush_metrics")
    )


class TenantMetrics:
    """The metrics of one invocation, stamped with its tenant and tier.

    ``sink`` is an :class:`EmfMetrics` or a Powertools ``Metrics``. ``tenant`` and
    ``tier`` go on the document as dimensions or properties (``tenant_as``,
    ``tier_as``); ``None`` leaves them out (an invocation without a tenant).

    What is recorded through this object is kept here, not in the sink, until
    :meth:`flush`: a sink may be shared by invocations open at the same time (a
    Powertools ``Metrics`` keeps its sets at class level; several ``async``
    invocations on one event loop, threads of a local server), and a sink's contents
    go out under the tenant of whoever flushes them. The flush, under a process-wide
    lock, empties the sink of what it cannot attribute to this invocation, writes this
    invocation's figures into it, stamps it, flushes it and empties it again.

    Writes made straight to the sink (``metrics.add_metric`` on the Powertools
    object) are this invocation's only while no other invocation is open on the same
    sink; once another one opened during this one's life they are nobody's for sure,
    and are dropped rather than stamped with a tenant that may not be theirs.

    The stamped keys (:data:`STAMPED`: ``tenant_id``, ``tier``) cannot be set through
    this object (:class:`MetricsError`, as for any name CloudWatch would not take), and
    they are stamped again just before the flush, so a write straight to the sink
    (``metrics.add_metadata("tenant_id", ...)`` on the Powertools object) does not
    reach the documents either; a built-in sink refuses such a write outright."""

    def __init__(
        self,
        sink: Any,
        *,
        tenant: str | None = None,
        tier: str | None = None,
        tenant_as: Placement = "property",
        tier_as: Placement = "dimension",
    ) -> None:
        for what, placement in (("tenant_as", tenant_as), ("tier_as", tier_as)):
            if placement not in ("dimension", "property"):
                raise MetricsError(f"{what} is `dimension` or `property`, not `{placement}`")
        self.sink = sink
        self.tenant = tenant
        self.tier = tier
        self.flushed = False
        self._stamps: tuple[tuple[str, str, Placement], ...] = tuple(
            (key, value, placement)
            for key, value, placement in (
                (TENANT_KEY, tenant, tenant_as),
                (TIER_KEY, tier, tier_as),
            )
            if value is not None
        )
        for key, value, _ in self._stamps:
            _name(f"the value of `{key}`", value)
        # this invocation's own figures (validated as the built-in writer validates)
        self._buffer = EmfMetrics("policy-engine-buffer", emit=_nowhere)
        self._buffer.default_dimensions = {}
        self._buffer.clear_metrics()
        self._runtime: set[str] = set()
        #: no other invocation was open on the sink during this one's life (so far):
        #: what was written straight to the sink meanwhile is this invocation's
        self.alone = True
        _open(self)

    def add_metric(self, name: str, value: float = 1.0, unit: Any = "Count") -> None:
        """Record ``value`` (``unit``: a CloudWatch unit name) under ``name``."""
        _not_stamped("a metric name", name)
        self._buffer.add_metric(name, _unit(unit), _number(value))

    def record_runtime(self, name: str, value: float = 1.0, unit: Any = "Count") -> None:
        """One of the runtime's own figures (:data:`RUNTIME_METRICS`), written over
        whatever a direct write to the back end put under its name (a property, a
        dimension, a metric), so the invocation's metering is the runtime's."""
        if name not in RUNTIME_METRICS:
            raise MetricsError(f"`{name}` is not one of the runtime's metrics")
        _purge(self._buffer, name)
        self._buffer.add_metric(name, _unit(unit), _number(value))
        self._runtime.add(name)

    def add_dimension(self, name: str, value: object) -> None:
        """A dimension of the document (a Powertools back end takes ``str(value)`` of
        a value that is no string, as it always did; the built-in writer refuses it)."""
        _not_stamped("a dimension name", name)
        if not isinstance(self.sink, EmfMetrics) and not isinstance(value, str):
            value = str(value)
        self._buffer.add_dimension(name, value)  # type: ignore[arg-type]  # checked there

    def add_property(self, key: str, value: Any) -> None:
        """A searchable member of the document that is not a dimension. With a
        Powertools back end the value must be one JSON can write (its flush has no
        fall-back): a ``Decimal`` or another object raises :class:`MetricsError` here,
        not at the flush."""
        _not_stamped("a property name", key)
        if not isinstance(self.sink, EmfMetrics):
            _json_value(key, value)
        self._buffer.add_metadata(key, value)

    def _stamp(self) -> None:
        for key, value, placement in self._stamps:
            if isinstance(self.sink, EmfMetrics):
                self.sink.stamp(key, value, placement)
            else:
                _restamp(self.sink, key, value, placement)

    def _replay(self) -> None:
        """Write this invocation's figures into the sink (runtime figures over
        whatever a direct write put under their names)."""
        sink, buffer = self.sink, self._buffer
        for name in self._runtime:
            _purge(sink, name)
        for name, value in buffer._dimensions.items():
            sink.add_dimension(name, value)
        for key, value in buffer._metadata.items():
            sink.add_metadata(key, value)
        # stamped before the metrics: a Powertools back end writes a document by itself
        # when a metric set fills up (100 metrics), with the dimensions and properties
        # it holds at that moment
        self._stamp()
        for name, (unit, values) in buffer._metrics.items():
            for number in values:
                sink.add_metric(name=name, unit=unit, value=number)

    def flush(self) -> list[dict[str, Any]]:
        """Write this invocation's documents (once; later calls write nothing)."""
        if self.flushed:
            return []
        self.flushed = True
        with _SINKS_LOCK:
            _FLUSHING.on = True
            try:
                if not self.alone:
                    # what the sink holds may be another open invocation's
                    _discard(self.sink)
                self._replay()
                self._stamp()  # whatever was written to the sink meanwhile, the stamp wins
                if isinstance(self.sink, EmfMetrics):
                    return self.sink.flush_metrics()
                self.sink.flush_metrics()
                return []
            finally:
                # A flush that failed (a value its JSON cannot write, an output that
                # raised) leaves the sets filled: emptied here, so they are never
                # written later under another invocation's tenant.
                try:
                    _discard(self.sink)
                    self._buffer.clear_metrics()
                    _close(self)
                finally:
                    _FLUSHING.on = False


def _nowhere(line: str) -> None:
    """The buffer of a recorder never writes."""


#: Guards the sinks' contents during a flush and the registry of open recorders.
_SINKS_LOCK = threading.RLock()
#: storage identity of a sink -> (the storage, the recorders open on it)
_OPEN: dict[int, tuple[Any, weakref.WeakSet[TenantMetrics]]] = {}


def _after_fork_in_child() -> None:
    """A lock another thread held at a fork would never be released in the child."""
    global _SINKS_LOCK
    _SINKS_LOCK = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


#: set while a recorder writes its own figures into its sink (its flush)
_FLUSHING = threading.local()
_DIRECT_WRITES = ("add_metric", "add_dimension", "add_dimensions", "add_metadata")


def _guard_direct_writes(sink: Any) -> None:
    """Wrap the write methods of a Powertools ``Metrics`` class (once, on the classes
    of ``sink``'s type that define them: every ``Metrics`` object shares its storage):
    a write made while invocations are open on that storage, from a context that is
    none of theirs (a thread or task an earlier invocation left running, code of no
    invocation), is dropped; it would otherwise go out in the open invocation's
    document, metered as that tenant's. Objects whose storage no invocation uses are
    untouched (the check finds no open invocation)."""
    if isinstance(sink, EmfMetrics):
        return
    for cls in type(sink).__mro__:
        if cls is object or cls.__dict__.get("_policy_engine_writes"):
            continue
        originals = {
            name: cls.__dict__[name] for name in _DIRECT_WRITES if callable(cls.__dict__.get(name))
        }
        if not originals:
            continue
        for name, original in originals.items():
            setattr(cls, name, _checked_write(original))
        cls._policy_engine_writes = True  # type: ignore[attr-defined]


def _checked_write(original: Any) -> Any:
    @functools.wraps(original)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_FLUSHING, "on", False) or not _foreign(self):
            return original(self, *args, **kwargs)
        return None

    return write


def _foreign(sink: Any) -> bool:
    """An invocation is open on ``sink``'s storage and the calling context is none of
    the open ones."""
    from ._invocation import current_metrics

    entry = _OPEN.get(id(_storage(sink)))
    if entry is None or not entry[1]:
        return False  # none open: emptied when the next one opens
    return current_metrics.get() not in entry[1]


def _storage(sink: Any) -> Any:
    """What a sink keeps its metrics in: every Powertools ``Metrics`` of a process
    shares one class-level dict; a built-in writer is its own."""
    shared = getattr(sink, "metric_set", None)
    return shared if isinstance(shared, dict) else sink


def _open(recorder: TenantMetrics) -> None:
    """Register ``recorder`` on its sink. Alone, it empties the sink (what it holds
    was written outside any invocation, or left by a failed flush); otherwise no
    recorder open on the sink can claim what is written straight to it."""
    sink = recorder.sink
    storage = _storage(sink)
    _guard_direct_writes(sink)
    with _SINKS_LOCK:
        for key in [k for k, (_, open_) in _OPEN.items() if not open_]:
            del _OPEN[key]  # recorders dropped without a flush
        _, others = _OPEN.setdefault(id(storage), (storage, weakref.WeakSet()))
        if others:
            recorder.alone = False
            for other in others:
                other.alone = False
        else:
            _discard(sink)
        others.add(recorder)
        if isinstance(sink, EmfMetrics):
            sink.reserve(tuple(key for key, _, _ in recorder._stamps))


def _close(recorder: TenantMetrics) -> None:
    """Unregister ``recorder`` (call with :data:`_SINKS_LOCK` held)."""
    sink = recorder.sink
    key = id(_storage(sink))
    entry = _OPEN.get(key)
    if entry is not None:
        entry[1].discard(recorder)
        if not entry[1]:
            del _OPEN[key]
    if isinstance(sink, EmfMetrics):
        sink.release(tuple(key for key, _, _ in recorder._stamps))


def _purge(sink: Any, name: str) -> None:
    """Remove ``name`` from what ``sink`` holds: its metrics, dimensions (extra
    dimension sets too) and properties."""
    if isinstance(sink, EmfMetrics):
        sink._metrics.pop(name, None)
        sink._dimensions.pop(name, None)
        sink._metadata.pop(name, None)
        return
    provider = getattr(sink, "provider", sink)
    for owner in (sink, provider):
        for attr in ("metric_set", "metadata_set", "dimension_set"):
            members = getattr(owner, attr, None)
            if isinstance(members, dict):
                members.pop(name, None)
        for extra in getattr(owner, "dimension_sets", None) or ():
            if isinstance(extra, dict):
                extra.pop(name, None)


def _discard(sink: Any) -> None:
    """Empty what ``sink`` holds (metrics, dimensions, properties; its default
    dimensions stay)."""
    clear = getattr(sink, "clear_metrics", None)
    if callable(clear):
        clear()


def _json_value(key: str, value: Any) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise MetricsError(
            f"property `{key}`: a {type(value).__name__} cannot be written as JSON by the "
            f"metrics back end ({exc}); pass a string, number, boolean, list or dict "
            "(str() or float() of a Decimal)"
        ) from None


def _restamp(sink: Any, key: str, value: str, placement: Placement) -> None:
    """Stamp ``key`` on a Powertools ``Metrics``: removed from its metrics, from the
    other placement and from extra dimension sets (``add_dimensions``), where it would
    override the stamped value in the document, then set where it belongs."""
    provider = getattr(sink, "provider", sink)
    wrong = ("metric_set", "metadata_set" if placement == "dimension" else "dimension_set")
    for owner in (sink, provider):
        for attr in wrong:
            members = getattr(owner, attr, None)
            if isinstance(members, dict):
                members.pop(key, None)
        for extra in getattr(owner, "dimension_sets", None) or ():
            if isinstance(extra, dict):
                extra.pop(key, None)
    if placement == "dimension":
        sink.add_dimension(key, value)
    else:
        sink.add_metadata(key, value)


# -- options and the built-in metrics -------------------------------------------------------


class MetricsOptions:
    """How the runtime records metrics: the back end (``metrics``: a Powertools
    ``Metrics``, an :class:`EmfMetrics`, or ``None`` for a built-in writer made from
    the environment) and where tenant and tier go."""

    def __init__(
        self,
        metrics: Any = None,
        *,
        tenant_as: Placement = "property",
        tier_as: Placement = "dimension",
    ) -> None:
        if metrics is not None and not is_powertools_metrics(metrics):
            raise MetricsError(
                "metrics must be a Powertools Metrics, an EmfMetrics, or None; "
                f"{type(metrics).__name__} has no add_metric/add_dimension/add_metadata/"
                "flush_metrics"
            )
        self._metrics = metrics
        self.tenant_as = tenant_as
        self.tier_as = tier_as
        TenantMetrics(EmfMetrics(emit=lambda _: None), tenant_as=tenant_as, tier_as=tier_as)

    def recorder(self, tenant: str | None = None, tier: str | None = None) -> TenantMetrics:
        """The metrics of one invocation. Without a back end each invocation gets a
        built-in writer of its own (concurrent invocations in one process, outside
        Lambda, never mix); a given back end is shared, as Powertools' is anyway."""
        sink = self._metrics if self._metrics is not None else EmfMetrics()
        return TenantMetrics(
            sink, tenant=tenant, tier=tier, tenant_as=self.tenant_as, tier_as=self.tier_as
        )


def options(metrics: Any) -> MetricsOptions | None:
    """``False``: no metrics; ``None`` or ``True``: the built-in writer; a
    :class:`MetricsOptions` as it is; anything else is taken as the back end."""
    if metrics is False:
        return None
    if isinstance(metrics, MetricsOptions):
        return metrics
    return MetricsOptions(None if metrics is True else metrics)


#: The vendor counters recorded per invocation (the change during the invocation).
VENDOR_METRICS: Mapping[str, str] = {
    "hits": "CredentialCacheHits",
    "misses": "CredentialCacheMisses",
    "refreshes": "CredentialRefreshes",
    "sts_calls": "StsCalls",
    "sts_errors": "StsErrors",
    "guard_refusals": "GuardRefusals",
}


#: The metrics the runtime records on every invocation (and on a refused one): the
#: tenant's metering. Handler code cannot set them (:class:`MetricsError`), and the
#: runtime writes them over anything a direct write to the back end put there.
RUNTIME_METRICS: frozenset[str] = frozenset(
    {"Invocations", "Errors", "Duration", "StsLatency", "Unauthorized", *VENDOR_METRICS.values()}
)


def record_vendor_delta(
    recorder: TenantMetrics, before: Mapping[str, float], after: Mapping[str, float]
) -> None:
    """The vendor's activity between two ``stats.as_dict()`` snapshots: cache hits and
    misses and guard refusals always, STS figures when STS was called (``StsLatency``
    is the mean of this invocation's calls, in milliseconds)."""
    for key, name in VENDOR_METRICS.items():
        delta = after.get(key, 0) - before.get(key, 0)
        if delta or key in ("hits", "misses", "guard_refusals"):
            recorder.record_runtime(name, delta)
    calls = after.get("sts_calls", 0) - before.get("sts_calls", 0)
    if calls > 0:
        seconds = after.get("sts_seconds", 0.0) - before.get("sts_seconds", 0.0)
        recorder.record_runtime("StsLatency", max(seconds, 0.0) * 1000 / calls, "Milliseconds")


def add_metric(name: str, value: float = 1.0, unit: str = "Count") -> bool:
    """Add to the current invocation's metrics (stamped with its tenant); returns
    ``False`` (and records nothing) outside a decorated invocation."""
    recorder = _invocation.current_metrics.get()
    if recorder is None:
        return False
    recorder.add_metric(name, value, unit)
    return True


def current() -> TenantMetrics | None:
    """The current invocation's :class:`TenantMetrics`, or ``None``."""
    recorder: TenantMetrics | None = _invocation.current_metrics.get()
    return recorder


__all__ = [
    "DEFAULT_NAMESPACE",
    "RUNTIME_METRICS",
    "STAMPED",
    "UNITS",
    "EmfMetrics",
    "MetricsError",
    "MetricsOptions",
    "TenantMetrics",
    "add_metric",
    "current",
    "is_powertools_metrics",
    "options",
    "record_vendor_delta",
]
