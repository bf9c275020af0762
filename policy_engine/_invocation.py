"""What the current Lambda invocation has set up: its tenant-stamped logger and its
metrics recorder (context variables; the standard library only, cheap to import).

The decorator in :mod:`policy_engine.lambda_` sets both for the length of one
invocation and resets them at its end, so code that runs inside it (the guard of a
vended session, :func:`policy_engine.metrics.add_metric`) reaches the user's logger
and the invocation's metrics without being handed them.

It also sets the invocation's own tally of the vendor's counters (cache hits and
misses, STS calls, guard refusals...): every change of ``vendor.stats`` made in the
invocation's context is added to it (:func:`tally`), so the figures recorded
for an invocation are what it did itself, never what another thread of the same
process did meanwhile (as a difference of the vendor-wide counters would be).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from contextvars import ContextVar
from typing import Any

#: the invocation's logger (the user's, stamped with the tenant), or ``None``
current_logger: ContextVar[Any] = ContextVar("policy_engine_logger", default=None)
#: the invocation's :class:`policy_engine.metrics.TenantMetrics`, or ``None``
current_metrics: ContextVar[Any] = ContextVar("policy_engine_metrics", default=None)
#: the invocation's tally of vendor counters (name -> change during it), or ``None``
current_tally: ContextVar[dict[str, float] | None] = ContextVar("policy_engine_tally", default=None)
#: the keys stamped on the invocation's log records (``tenant_id``, ``tier``), or ``None``
current_stamp: ContextVar[dict[str, str] | None] = ContextVar("policy_engine_stamp", default=None)
#: the invocation open in this context (``policy_engine.lambda_``'s bookkeeping), or
#: ``None``: a scope opened inside another gives the outer one's stamp back when it closes
current_invocation: ContextVar[Any] = ContextVar("policy_engine_invocation", default=None)


#: the invocations open in the process that have a tenant (``policy_engine.lambda_``'s
#: bookkeeping objects): a guarded session used from a context of no invocation (a plain
#: thread, a transfer manager's worker) is refused while only other tenants' are open
_OPEN: weakref.WeakSet[Any] = weakref.WeakSet()
_OPEN_LOCK = threading.Lock()


def opened(invocation: Any) -> None:
    """``invocation`` (with a tenant) is open."""
    with _OPEN_LOCK:
        _OPEN.add(invocation)


def closed(invocation: Any) -> None:
    """``invocation`` is closed."""
    with _OPEN_LOCK:
        _OPEN.discard(invocation)


def open_tenants() -> set[tuple[str, str]]:
    """The (tenant, tier) of every invocation open in the process."""
    with _OPEN_LOCK:
        invocations = list(_OPEN)
    return {
        (i.context.tenant_id, i.context.tier)
        for i in invocations
        if not getattr(i, "closed", True) and getattr(i, "context", None) is not None
    }


_INVOCATION_VARS = (
    current_logger,
    current_metrics,
    current_tally,
    current_stamp,
    current_invocation,
)


def _after_fork_in_child() -> None:
    """In the child of a fork, the forking thread's context is no invocation's.

    A fork copies the context variables of the thread that forked: made during an
    invocation (a process pool started on first use and kept at module scope), the
    child would go on stamping every record with that invocation's tenant, also
    while it runs the work of later invocations, other tenants'. It cannot tell whose
    work it runs, so it runs as no invocation: its records carry no tenant (a
    ``StampFilter`` that was armed stays armed) and its metrics and tally go nowhere.
    """
    for var in _INVOCATION_VARS:
        var.set(None)
    _OPEN.clear()  # the parent's invocations are not open in the child


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def tally(name: str, amount: float) -> None:
    """Add ``amount`` to counter ``name`` of the current invocation's tally (nothing
    outside an invocation): called by :meth:`policy_engine.vend.VendorStats.add`."""
    current = current_tally.get()
    if current is not None:
        current[name] = current.get(name, 0) + amount


class InvocationLogger:
    """A logger that writes through the current invocation's logger when there is
    one, and through ``fallback`` (a standard logger) otherwise."""

    def __init__(self, fallback: logging.Logger) -> None:
        self.fallback = fallback

    def _target(self) -> Any:
        logger = current_logger.get()
        return logger if logger is not None else self.fallback

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._target().debug(msg, *args, **kwargs)

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._target().info(msg, *args, **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._target().warning(msg, *args, **kwargs)

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self._target().error(msg, *args, **kwargs)

    def isEnabledFor(self, level: int) -> bool:
        target = self._target()
        check = getattr(target, "isEnabledFor", None)
        return bool(check(level)) if check is not None else True


def count(name: str, value: float = 1.0, unit: str = "Count") -> None:
    """Add to a metric of the current invocation (nothing outside one)."""
    recorder = current_metrics.get()
    if recorder is not None:
        recorder.add_metric(name, value, unit)
