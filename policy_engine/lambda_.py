"""Lambda integration: tenant context from API Gateway events, a scoped session, a
tenant-aware logger; as a decorator and as its plain-function twin.

>>> VENDOR = CredentialVendor(load_catalog())            # doctest: +SKIP
>>> @tenant_handler(VENDOR)                              # doctest: +SKIP
... def handler(event, context, tenant):
...     table = tenant.session.resource("dynamodb").Table("saas-orders")
...     tenant.logger.info("reading orders")
...     return {"statusCode": 200, "body": "..."}
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PolicyEngineError
from .tenancy import TenantContext

if TYPE_CHECKING:
    import boto3

    from .catalog import Catalog
    from .metrics import MetricsOptions, TenantMetrics
    from .vend import CredentialVendor


class UnauthorizedError(PolicyEngineError):
    """The event carries no valid tenant context; no AWS call was made."""


@dataclass(frozen=True)
class ClaimNames:
    """Where the tenant ID and tier are found in the event (names configurable)."""

    tenant: tuple[str, ...] = ("tenantId", "custom:tenantId", "tenant_id")
    tier: tuple[str, ...] = ("tier", "custom:tier")


def _shown(value: object, limit: int) -> str:
    """``value`` escaped and bounded for a message or a log line (imported on the
    refusal path only: nothing at cold start)."""
    from ._jwks import printable

    return printable(value, limit)


def _names_by_source(catalog: Catalog, claims: ClaimNames | None) -> tuple[ClaimNames, ClaimNames]:
    """The names read in Lambda authorizer contexts and in JWT claims.

    Names given by the caller apply everywhere. Otherwise, with an ``[authorizer]``
    section, JWT claims are read under the claim names it pins and nothing else (what
    the authorizer reads from the same token), and authorizer contexts under those
    names first, then the default ones (``tenantId``/``tier`` is what
    :mod:`policy_engine.authorizer` writes)."""
    if claims is not None:
        return claims, claims
    default = ClaimNames()
    spec = catalog.authorizer
    if spec is None:
        return default, default
    context = ClaimNames(
        tuple(dict.fromkeys((spec.tenant_claim, *default.tenant))),
        tuple(dict.fromkeys((spec.tier_claim, *default.tier))),
    )
    return context, ClaimNames((spec.tenant_claim,), (spec.tier_claim,))


def tenant_context_from_event(
    event: Mapping[str, Any], *, catalog: Catalog, claims: ClaimNames | None = None
) -> TenantContext:
    """Read and validate the tenant context from an API Gateway proxy event.

    Looks in ``requestContext.authorizer`` (REST API Lambda authorizer context), its
    ``lambda`` member (HTTP API Lambda authorizer) and ``jwt.claims`` (HTTP API JWT
    authorizer). JWT claims are read under the catalogue's pinned claim names
    (``[authorizer]`` ``tenant_claim``/``tier_claim``), contexts under those and the
    defaults of :class:`ClaimNames`; ``claims`` replaces both. Two different values
    under names that are read (in one source or several) are ambiguous and refused.
    Raises :class:`UnauthorizedError` naming what is missing, invalid or ambiguous.
    """
    context_names, jwt_names = _names_by_source(catalog, claims)
    if not isinstance(event, Mapping):
        raise UnauthorizedError("the event is not an object")
    request_context = event.get("requestContext")
    authorizer = request_context.get("authorizer") if isinstance(request_context, Mapping) else None
    if not isinstance(authorizer, Mapping):
        raise UnauthorizedError("the event has no `requestContext.authorizer`: no tenant context")
    # (where, the mapping, the names read there)
    sources: list[tuple[str, Mapping[str, Any], ClaimNames]] = [
        ("requestContext.authorizer", authorizer, context_names)
    ]
    if isinstance(authorizer.get("lambda"), Mapping):
        sources.append(("requestContext.authorizer.lambda", authorizer["lambda"], context_names))
    jwt = authorizer.get("jwt")
    if isinstance(jwt, Mapping) and isinstance(jwt.get("claims"), Mapping):
        sources.append(("requestContext.authorizer.jwt.claims", jwt["claims"], jwt_names))

    def find(tenant: bool) -> str:
        what = "tenant ID" if tenant else "tier"
        found: dict[str, list[str]] = {}  # value -> where it was found
        looked: list[str] = []
        for where, source, names in sources:
            read = names.tenant if tenant else names.tier
            looked.append(f"{', '.join(f'`{n}`' for n in read)} in `{where}`")
            for name in read:
                if name not in source:
                    continue
                value = source[name]
                if not isinstance(value, str):
                    raise UnauthorizedError(f"the {what} claim `{name}` is not a string")
                found.setdefault(value, []).append(f"{where}.{name}")
        if len(found) > 1:
            shown = "; ".join(
                f"`{_shown(value, 40)}` in {', '.join(f'`{w}`' for w in places)}"
                for value, places in list(found.items())[:3]
            )
            raise UnauthorizedError(
                f"ambiguous {what} in the authorizer context: {shown} "
                "(one value under the names read is required)"
            )
        if not found:
            raise UnauthorizedError(
                f"the authorizer context has no {what} (looked for {'; '.join(looked)})"
            )
        return next(iter(found))

    tenant = find(tenant=True)
    tier = find(tenant=False)
    reason = catalog.language.reason_invalid(tenant)
    if reason is not None:
        raise UnauthorizedError(f"invalid tenant ID in the authorizer context: {reason}")
    if tier not in catalog.tiers:
        raise UnauthorizedError(
            f"unknown tier `{_shown(tier, 40)}` in the authorizer context; tiers: "
            + ", ".join(sorted(catalog.tiers))
        )
    return TenantContext(tenant, tier)


#: The longest refusal reason written to the 401 warning (longer ones are truncated).
MAX_REFUSAL_CHARS = 512

#: The keys the runtime stamps on log records (and removes at the end of an invocation).
STAMPED_KEYS = ("tenant_id", "tier")


class TenantLoggerAdapter(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Adds ``tenant_id`` and ``tier`` to every record (as ``extra`` fields); a
    caller's ``extra`` cannot overwrite them."""

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        extra = dict(kwargs.get("extra") or {})
        extra.update(self.extra or {})  # the stamped tenant wins
        kwargs["extra"] = extra
        return msg, kwargs


def _is_powertools_logger(base: Any) -> bool:
    return callable(getattr(base, "append_keys", None)) and callable(
        getattr(base, "remove_keys", None)
    )


class StampFilter(logging.Filter):
    """Put on the handler of a Powertools ``Logger``: every record that handler writes
    in an invocation's context carries that invocation's ``tenant_id`` and ``tier``,
    whatever the record's ``extra`` or keyword arguments said (Powertools lets a
    record's extra fields override the appended keys). Records written straight
    through the logger, through its child loggers or through the standard logger under
    it are covered.

    The stamp is the invocation's context variable
    (:data:`policy_engine._invocation.current_stamp`), read in the context the record
    is written in, never the last invocation opened in the process: a record written
    while the logger carries appended keys (``armed``) from a context that belongs to
    no invocation (a thread not started in a copy of the invocation's context, one
    left over from an earlier invocation) carries no tenant and no tier, rather than
    another invocation's. Between invocations records pass unchanged."""

    def __init__(self) -> None:
        super().__init__("policy_engine.stamp")
        #: the logger carries stamped keys appended by an invocation
        self.armed = False

    def filter(self, record: logging.LogRecord) -> bool:
        from ._invocation import current_stamp

        stamp = current_stamp.get()
        if stamp is not None:
            record.__dict__.update(stamp)
        elif self.armed:
            # Powertools drops keys whose value is None: neither the appended keys
            # (another invocation's) nor this record's own extra fields name a tenant
            record.__dict__.update(dict.fromkeys(STAMPED_KEYS))
        return True


def _handlers(base: Any) -> list[logging.Handler]:
    """The handlers that write a Powertools logger's records (a child logger's are its
    parent's); none for a stand-in without them."""
    try:
        handler = getattr(base, "registered_handler", None)
    except Exception:  # an orphan child logger: nothing to write with yet
        handler = None
    if isinstance(handler, logging.Handler):
        return [handler]
    handlers = getattr(base, "handlers", None)
    return [h for h in handlers if isinstance(h, logging.Handler)] if handlers else []


def _set_stamp(base: Any, stamp: dict[str, str] | None) -> None:
    """Stamp the current context's records with ``stamp`` (``None``: no stamp) and arm
    (or disarm) the :class:`StampFilter` of ``base``'s handlers."""
    from ._invocation import current_stamp

    current_stamp.set(dict(stamp) if stamp is not None else None)
    for handler in _handlers(base):
        found = [f for f in handler.filters if isinstance(f, StampFilter)]
        if not found and stamp is None:
            continue
        stamp_filter = found[0] if found else StampFilter()
        if not found:
            handler.addFilter(stamp_filter)
        stamp_filter.armed = stamp is not None


class PowertoolsTenantLogger:
    """A Powertools ``Logger`` seen through the tenant: the keys are appended on the
    logger itself (so every record of the invocation carries them, also records
    written through the logger directly), calls through this view drop ``extra`` or
    keyword arguments of those names, and a :class:`StampFilter` on the logger's
    handler makes the stamped values win on records written any other way.
    Everything else is the logger's."""

    def __init__(self, base: Any, context: TenantContext) -> None:
        self._base = base
        self._context = context
        base.append_keys(tenant_id=context.tenant_id, tier=context.tier)
        _set_stamp(base, {"tenant_id": context.tenant_id, "tier": context.tier})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def _call(self, method: str, msg: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        extra = kwargs.get("extra")
        if isinstance(extra, Mapping):
            kwargs["extra"] = {k: v for k, v in extra.items() if k not in STAMPED_KEYS}
        for key in STAMPED_KEYS:
            kwargs.pop(key, None)
        kwargs["stacklevel"] = int(kwargs.get("stacklevel", 2)) + 1
        return getattr(self._base, method)(msg, *args, **kwargs)

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("debug", msg, args, kwargs)

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("info", msg, args, kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("warning", msg, args, kwargs)

    def error(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("error", msg, args, kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("exception", msg, args, kwargs)

    def critical(self, msg: Any, *args: Any, **kwargs: Any) -> Any:
        return self._call("critical", msg, args, kwargs)


def tenant_logger(base: Any, context: TenantContext) -> Any:
    """A logger that stamps the tenant on every record.

    ``base`` is a standard :class:`logging.Logger` (wrapped in an adapter) or a
    Powertools ``Logger`` (anything with ``append_keys`` and ``remove_keys``: the keys
    are appended to it, so its JSON output carries ``tenant_id`` and ``tier``, and
    :func:`clear_tenant_keys` removes them). Either way ``extra`` cannot overwrite
    the stamped keys.
    """
    if _is_powertools_logger(base):
        return PowertoolsTenantLogger(base, context)
    return TenantLoggerAdapter(base, {"tenant_id": context.tenant_id, "tier": context.tier})


def clear_tenant_keys(base: Any) -> None:
    """Remove the stamped keys from a Powertools ``Logger`` (nothing to do for a
    standard logger, whose adapter lives for one invocation only)."""
    if _is_powertools_logger(base):
        base.remove_keys(list(STAMPED_KEYS))
        _set_stamp(base, None)


_LOG = logging.getLogger("policy_engine.tenant")


@dataclass(frozen=True)
class TenantScope:
    """What a handler gets: who calls, a session scoped to them, a logger, and the
    invocation's metrics (``None`` when metrics are off).

    Use it as a context manager (``with tenant_scope(event, vendor) as tenant:``) or
    call :meth:`close` at the end of the invocation: that records the invocation's
    built-in metrics, flushes them once, and removes the tenant keys from a
    Powertools logger. The decorator does this itself."""

    context: TenantContext
    session: boto3.Session
    logger: Any
    metrics: TenantMetrics | None = None
    _closer: Callable[[BaseException | None], None] | None = field(
        default=None, repr=False, compare=False
    )

    def close(self, error: BaseException | None = None) -> None:
        if self._closer is not None:
            self._closer(error)

    def __enter__(self) -> TenantScope:
        return self

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        self.close(error)


class _Invocation:
    """One invocation's bookkeeping: opened before the vendor is asked, closed once."""

    def __init__(
        self,
        vendor: CredentialVendor,
        base: Any,
        options: MetricsOptions | None,
        context: TenantContext | None,
    ) -> None:
        self.vendor = vendor
        self.base = base
        self.started = time.perf_counter()
        # what this invocation itself does to the vendor's counters (not a difference
        # of the vendor-wide ones, which other threads change meanwhile)
        self.tally: dict[str, float] = {}
        self.recorder = (
            options.recorder(context.tenant_id, context.tier)
            if options is not None and context is not None
            else options.recorder()
            if options is not None
            else None
        )
        self.closed = False
        self.tokens: list[tuple[Any, Any]] = []
        self.context = context
        #: where the tenant and tier are annotated (set by :func:`tenant_scope`)
        self.tracer: Any = None
        #: the keys this invocation stamps on its log records
        self.stamp: dict[str, str] | None = (
            {"tenant_id": context.tenant_id, "tier": context.tier} if context is not None else None
        )

    def enter(self, logger: Any) -> None:
        from . import _invocation

        self.tokens = [
            (_invocation.current_logger, _invocation.current_logger.set(logger)),
            (_invocation.current_metrics, _invocation.current_metrics.set(self.recorder)),
            (_invocation.current_tally, _invocation.current_tally.set(self.tally)),
            (_invocation.current_invocation, _invocation.current_invocation.set(self)),
        ]
        if self.context is not None:
            _invocation.opened(self)

    def restamp(self) -> None:
        """Stamp this (still open) invocation's keys again on its logger, in the
        current context and on its trace: a scope opened inside it has closed."""
        if self.stamp is not None and _is_powertools_logger(self.base):
            self.base.append_keys(**self.stamp)
            _set_stamp(self.base, self.stamp)
        if self.context is not None and self.tracer is not None:
            _annotate(self.tracer, self.context, self.base)

    def close(self, error: BaseException | None) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            recorder = self.recorder
            if recorder is not None and not recorder.flushed:
                from .metrics import record_vendor_delta

                recorder.record_runtime("Invocations", 1)
                recorder.record_runtime("Errors", 1 if error is not None else 0)
                elapsed = (time.perf_counter() - self.started) * 1000
                recorder.record_runtime("Duration", elapsed, "Milliseconds")
                record_vendor_delta(recorder, {}, dict(self.tally))
                recorder.flush()
        finally:
            from . import _invocation

            _invocation.closed(self)
            for var, token in reversed(self.tokens):
                var.reset(token)
            self.tokens = []
            _restore_outer(self.base)


def _open_outer() -> _Invocation | None:
    """The invocation open in the current context (the one a new scope opens inside),
    or ``None``."""
    from ._invocation import current_invocation

    outer = current_invocation.get()
    return outer if isinstance(outer, _Invocation) and not outer.closed else None


def _restore_outer(base: Any) -> None:
    """Remove the stamped keys from ``base`` and give the enclosing invocation, if one
    is open in this context, its own stamp back (never "no tenant" for the rest of
    its run, never the inner one's)."""
    clear_tenant_keys(base)
    outer = _open_outer()
    if outer is not None:
        outer.restamp()


def _annotate(tracer: Any, context: TenantContext, log: Any) -> None:
    """Tenant and tier as X-Ray annotations on the current (sub)segment."""
    if tracer is None:
        return
    try:
        tracer.put_annotation(key="tenant_id", value=context.tenant_id)
        tracer.put_annotation(key="tier", value=context.tier)
    except Exception as exc:  # tracing must never fail an invocation
        log.warning(
            "policy-engine: cannot annotate the trace (%s: %s); put tenant_handler inside "
            "tracer.capture_lambda_handler",
            type(exc).__name__,
            exc,
        )


def tenant_scope(
    event: Mapping[str, Any],
    vendor: CredentialVendor,
    *,
    logger: Any = None,
    claims: ClaimNames | None = None,
    metrics: Any = False,
    tracer: Any = None,
    guard: bool | None = None,
    dynamodb_partition_key: str | Mapping[str, str] | None = None,
) -> TenantScope:
    """The plain-function twin of :func:`tenant_handler`: use it with ``with`` (or
    call ``close()``) so the metrics are flushed and the logger's keys removed.
    Raises :class:`UnauthorizedError` without any AWS call. ``metrics`` is off by
    default here (``None`` for the built-in EMF writer, or a Powertools ``Metrics``
    or :class:`~policy_engine.metrics.MetricsOptions`)."""
    from .metrics import options as metrics_options

    base = logger if logger is not None else _LOG
    clear_tenant_keys(base)  # never a key left by an invocation that was not closed
    try:
        context = tenant_context_from_event(event, catalog=vendor.catalog, claims=claims)
    except BaseException:
        _restore_outer(base)  # an enclosing invocation keeps its stamp
        raise
    invocation = _Invocation(vendor, base, metrics_options(metrics), context)
    try:
        stamped = tenant_logger(base, context)
        invocation.enter(stamped)
        invocation.tracer = tracer
        _annotate(tracer, context, stamped)
        session = vendor.session_for(
            context.tenant_id,
            context.tier,
            guard=guard,
            dynamodb_partition_key=dynamodb_partition_key,
        )
    except BaseException as exc:
        invocation.close(exc)
        raise
    return TenantScope(context, session, stamped, invocation.recorder, invocation.close)


def _not_deferred(func: Callable[..., Any], result: Any) -> Any:
    """``result``, unless it is work that runs later (an awaitable, a generator, an
    async generator): that would run after the tenant scope closed, in whatever
    context consumes it (another tenant's invocation), so it is closed unrun and
    refused with ``TypeError``."""
    if inspect.isawaitable(result):
        kind, advice = "an awaitable", "decorate the `async def` itself with tenant_handler"
    elif inspect.isgenerator(result) or inspect.isasyncgen(result):
        kind, advice = "a generator", "build the result inside the handler and return it"
    else:
        return result
    close = getattr(result, "close", None)  # an async generator not started needs none
    if callable(close):
        close()  # never run outside the scope
    raise TypeError(
        f"handler `{getattr(func, '__name__', func)!r}` returned {kind}: it would run after "
        f"the tenant scope closed (no tenant, or another invocation's, on its logs, metrics "
        f"and guard refusals); {advice}"
    )


def _unauthorized_response() -> dict[str, Any]:
    return {
        "statusCode": 401,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": "Unauthorized"}),
    }


def tenant_handler(
    vendor: CredentialVendor,
    *,
    logger: Any = None,
    claims: ClaimNames | None = None,
    unauthorized: Callable[[UnauthorizedError], Any] | None = None,
    metrics: Any = None,
    tracer: Any = None,
    guard: bool | None = None,
    dynamodb_partition_key: str | Mapping[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[[Mapping[str, Any], Any], Any]]:
    """Decorate ``handler(event, context, tenant)``; the tenant scope is built from
    the event. A missing or invalid tenant context returns a 401 response (or
    ``unauthorized(error)``) without any AWS call.

    - ``logger``: a standard logger or a Powertools ``Logger``; the library's own
      records (the 401 warning, the guard's) go through it too. The tenant keys are
      removed at the end of every invocation (success, error and 401 alike).
    - ``metrics``: ``None`` (default) writes the built-in EMF documents to stdout; a
      Powertools ``Metrics`` is used instead when given; a
      :class:`~policy_engine.metrics.MetricsOptions` also says where tenant and tier
      go; ``False`` turns metrics off. One flush per invocation.
    - ``tracer``: a Powertools ``Tracer`` (or aws-xray-sdk's ``xray_recorder``):
      ``tenant_id`` and ``tier`` become X-Ray annotations.
    - ``guard``, ``dynamodb_partition_key``: passed to ``vendor.session_for``.

    An ``async def`` handler gets an ``async`` wrapper: the scope opens in the task
    that awaits it and closes when the handler's run ends. A generator function (with
    ``yield``, sync or async) is refused with ``TypeError`` when decorated, and a
    handler that returns an awaitable, a generator or an async generator raises
    ``TypeError`` (that work would run outside the scope, in whatever invocation
    consumes it).
    """
    from .metrics import options as metrics_options

    opts = metrics_options(metrics)

    def decorate(func: Callable[..., Any]) -> Callable[[Mapping[str, Any], Any], Any]:
        def opened(event: Mapping[str, Any]) -> tuple[TenantScope | None, Any]:
            """The invocation's scope, or (None, the 401 answer)."""
            base = logger if logger is not None else _LOG
            try:
                scope = tenant_scope(
                    event,
                    vendor,
                    logger=logger,
                    claims=claims,
                    metrics=opts if opts is not None else False,
                    tracer=tracer,
                    guard=guard,
                    dynamodb_partition_key=dynamodb_partition_key,
                )
            except UnauthorizedError as exc:
                try:
                    # the message quotes the context escaped where it is made; escaped
                    # and bounded again here, so no refusal can forge or flood a log line
                    base.warning("unauthorized: %s", _shown(str(exc), MAX_REFUSAL_CHARS))
                    if opts is not None:
                        recorder = opts.recorder()
                        recorder.record_runtime("Unauthorized", 1)
                        recorder.flush()
                finally:
                    _restore_outer(base)
                if unauthorized is not None:
                    return None, unauthorized(exc)
                return None, _unauthorized_response()
            return scope, None

        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"handler `{getattr(func, '__name__', func)!r}` is a generator function: its "
                "body would run when the generator is consumed, after the tenant scope "
                "closed and in whatever invocation consumes it; build the result inside "
                "the handler (a list, a string) and return it"
            )
        if inspect.iscoroutinefunction(func):
            # The scope (logger stamp, metrics, guard tally: context variables of the
            # task that awaits it) must span the handler's run, not its creation.
            @functools.wraps(func)
            async def async_wrapper(event: Mapping[str, Any], context: Any) -> Any:
                scope, refused = opened(event)
                if scope is None:
                    return refused
                with scope:
                    return _not_deferred(func, await func(event, context, scope))

            return async_wrapper

        @functools.wraps(func)
        def wrapper(event: Mapping[str, Any], context: Any) -> Any:
            scope, refused = opened(event)
            if scope is None:
                return refused
            with scope:
                return _not_deferred(func, func(event, context, scope))

        return wrapper

    return decorate


__all__ = [
    "MAX_REFUSAL_CHARS",
    "STAMPED_KEYS",
    "ClaimNames",
    "PowertoolsTenantLogger",
    "StampFilter",
    "TenantLoggerAdapter",
    "TenantScope",
    "UnauthorizedError",
    "clear_tenant_keys",
    "tenant_context_from_event",
    "tenant_handler",
    "tenant_logger",
    "tenant_scope",
]
