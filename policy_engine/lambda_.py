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
import json
import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._jwks import printable
from .errors import PolicyEngineError
from .tenancy import TenantContext

if TYPE_CHECKING:
    import boto3

    from .catalog import Catalog
    from .vend import CredentialVendor


class UnauthorizedError(PolicyEngineError):
    """The event carries no valid tenant context; no AWS call was made."""


@dataclass(frozen=True)
class ClaimNames:
    """Where the tenant ID and tier are found in the event (names configurable)."""

    tenant: tuple[str, ...] = ("tenantId", "custom:tenantId", "tenant_id")
    tier: tuple[str, ...] = ("tier", "custom:tier")


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
                f"`{printable(value, 40)}` in {', '.join(f'`{w}`' for w in places)}"
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
        raise UnauthorizedError(f"unknown tier `{tier}` in the authorizer context")
    return TenantContext(tenant, tier)


class TenantLoggerAdapter(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Adds ``tenant_id`` and ``tier`` to every record (as ``extra`` fields)."""

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        extra = dict(self.extra or {})
        extra.update(kwargs.get("extra") or {})
        kwargs["extra"] = extra
        return msg, kwargs


def tenant_logger(base: Any, context: TenantContext) -> Any:
    """A logger that stamps the tenant on every record.

    ``base`` is a standard :class:`logging.Logger` (wrapped in an adapter) or a
    Powertools ``Logger`` (its ``append_keys`` is used, so its JSON output carries
    ``tenant_id`` and ``tier``).
    """
    if hasattr(base, "append_keys"):
        base.append_keys(tenant_id=context.tenant_id, tier=context.tier)
        return base
    return TenantLoggerAdapter(base, {"tenant_id": context.tenant_id, "tier": context.tier})


@dataclass(frozen=True)
class TenantScope:
    """What a handler gets: who calls, a session scoped to them, a logger."""

    context: TenantContext
    session: boto3.Session
    logger: Any


def tenant_scope(
    event: Mapping[str, Any],
    vendor: CredentialVendor,
    *,
    logger: Any = None,
    claims: ClaimNames | None = None,
) -> TenantScope:
    """The plain-function twin of :func:`tenant_handler`."""
    context = tenant_context_from_event(event, catalog=vendor.catalog, claims=claims)
    session = vendor.session_for(context.tenant_id, context.tier)
    base = logger if logger is not None else logging.getLogger("policy_engine.tenant")
    return TenantScope(context, session, tenant_logger(base, context))


def tenant_handler(
    vendor: CredentialVendor,
    *,
    logger: Any = None,
    claims: ClaimNames | None = None,
    unauthorized: Callable[[UnauthorizedError], Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[[Mapping[str, Any], Any], Any]]:
    """Decorate ``handler(event, context, tenant)``; the tenant scope is built from
    the event. A missing or invalid tenant context returns a 401 response (or
    ``unauthorized(error)``) without any AWS call."""

    def decorate(func: Callable[..., Any]) -> Callable[[Mapping[str, Any], Any], Any]:
        @functools.wraps(func)
        def wrapper(event: Mapping[str, Any], context: Any) -> Any:
            try:
                scope = tenant_scope(event, vendor, logger=logger, claims=claims)
            except UnauthorizedError as exc:
                logging.getLogger("policy_engine.tenant").warning("unauthorized: %s", exc)
                if unauthorized is not None:
                    return unauthorized(exc)
                return {
                    "statusCode": 401,
                    "headers": {"content-type": "application/json"},
                    "body": json.dumps({"message": "Unauthorized"}),
                }
            return func(event, context, scope)

        return wrapper

    return decorate


__all__ = [
    "ClaimNames",
    "TenantLoggerAdapter",
    "TenantScope",
    "UnauthorizedError",
    "tenant_context_from_event",
    "tenant_handler",
    "tenant_logger",
    "tenant_scope",
]
