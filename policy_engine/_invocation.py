"""What the current Lambda invocation has set up: its tenant-stamped logger and its
metrics recorder (context variables; the standard library only, cheap to import).

The decorator in :mod:`policy_engine.lambda_` sets both for the length of one
invocation and resets them at its end, so code that runs inside it (the guard of a
vended session, :func:`policy_engine.metrics.add_metric`) reaches the user's logger
and the invocation's metrics without being handed them.

It also sets the invocation's own tally of the vendor's counters (cache hits and
misses, STS calls, guard refusals...): every change of ``vendor.stats`` made in the
invocation's context is added to it (:func:`tally_stats`), so the figures recorded
for an invocation are what it did itself, never what another thread of the same
process did meanwhile (as a difference of the vendor-wide counters would be).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

#: the invocation's logger (the user's, stamped with the tenant), or ``None``
current_logger: ContextVar[Any] = ContextVar("policy_engine_logger", default=None)
#: the invocation's :class:`policy_engine.metrics.TenantMetrics`, or ``None``
current_metrics: ContextVar[Any] = ContextVar("policy_engine_metrics", default=None)
#: the invocation's tally of vendor counters (name -> change during it), or ``None``
current_tally: ContextVar[dict[str, float] | None] = ContextVar("policy_engine_tally", default=None)
_TALLYING: dict[type, type] = {}


def _tallying(cls: type) -> type:
    """The subclass of a stats class whose counter writes also go to the current
    tally (same layout: only ``__setattr__`` differs; same name, so reprs agree)."""
    sub = _TALLYING.get(cls)
    if sub is not None:
        return sub
    base_setattr: Callable[[Any, str, Any], None] = cls.__setattr__  # type: ignore[assignment]

    def __setattr__(self: Any, name: str, value: Any) -> None:
        tally = current_tally.get()
        if tally is not None and isinstance(value, int | float) and not isinstance(value, bool):
            before = getattr(self, name, 0)
            if isinstance(before, int | float):
                tally[name] = tally.get(name, 0) + (value - before)
        base_setattr(self, name, value)

    sub = type(cls.__name__, (cls,), {"__setattr__": __setattr__, "__slots__": ()})
    sub.__qualname__ = cls.__qualname__
    sub.__module__ = cls.__module__
    return _TALLYING.setdefault(cls, sub)


def tally_stats(stats: Any) -> None:
    """Make ``stats`` (a vendor's counters, changed as ``stats.hits += 1``) add every
    change made in a context with a tally to that tally too. The object stays the
    same (its class becomes a subclass that differs in ``__setattr__`` only), so the
    vendor-wide counters and any reference to them are untouched; idempotent."""
    cls = type(stats)
    if cls in _TALLYING.values():
        return
    try:
        stats.__class__ = _tallying(cls)
    except TypeError:  # a stand-in whose class cannot change: its figures stay 0
        return


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
