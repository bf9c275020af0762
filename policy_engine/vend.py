"""Credential vending: a tenant and tier in, a tenant-scoped boto3 session out.

:class:`CredentialVendor` calls ``sts:AssumeRole`` with the tier's role, the tier's
session policy rendered for the tenant (validated, sent minified), a session name and
``SourceIdentity`` derived from the tenant, and session tags ``TenantId`` and ``Tier``.
Credentials are cached per (tenant, tier, role, policy hash) in a bounded LRU, fetched
once when many threads miss the same key, refreshed by botocore before they expire,
and never shared across tenants. Keep one vendor at module scope in Lambda code so
its cache survives warm invocations.

>>> vendor = CredentialVendor(load_catalog())                      # doctest: +SKIP
>>> s3 = vendor.session_for("acme-corp", "basic").client("s3")      # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._invocation import tally
from .errors import PolicyEngineError

if TYPE_CHECKING:  # loaded when a vendor is made, not at import (Lambda cold starts)
    import boto3
    from botocore.credentials import RefreshableCredentials

    from .catalog import Catalog, Tier
    from .render import Renderer
    from .tenancy import TenantIdLanguage

ROLE_CHAINING_MAX_SECONDS = 3600  # AWS caps a role session assumed from a role session
MIN_DURATION_SECONDS = 900
#: Per-key back-off after a failed STS call: the n-th consecutive failure blocks the
#: key for a jittered delay in [d/2, d], d = min(BACKOFF_MAX, BACKOFF_BASE * 2**(n-1)).
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 5.0


# -- errors -----------------------------------------------------------------------------


class VendingError(PolicyEngineError):
    """Credentials could not be vended; nothing was cached."""

    def __init__(
        self,
        message: str,
        *,
        tenant: str | None = None,
        tier: str | None = None,
        code: str | None = None,
    ) -> None:
        self.tenant = tenant
        self.tier = tier
        self.code = code
        super().__init__(message)


class PackedPolicyTooLarge(VendingError):
    """STS packed the session policy and tags above its limit (error code
    ``PackedPolicyTooLarge``, with no ``Exception`` suffix)."""


class StsThrottled(VendingError):
    """STS kept throttling after botocore's standard retries."""


class StsAccessDenied(VendingError):
    """The caller may not assume the role (or tag the session)."""


class StsValidationError(VendingError, ValueError):
    """STS refused a parameter (duration, names, tags, policy)."""


class CallerCredentialsExpired(VendingError):
    """The caller's own credentials (the Lambda role's) have expired."""


class StsUnavailable(VendingError):
    """STS could not be reached: connection refused, timeouts, 5xx after retries."""


class IsolationNotProved(VendingError):
    """``require_proved`` is set and the tier is not proved isolated."""


_CODES: dict[str, type[VendingError]] = {
    "PackedPolicyTooLarge": PackedPolicyTooLarge,
    "Throttling": StsThrottled,
    "ThrottlingException": StsThrottled,
    "RequestLimitExceeded": StsThrottled,
    "AccessDenied": StsAccessDenied,
    "AccessDeniedException": StsAccessDenied,
    "ValidationError": StsValidationError,
    "MalformedPolicyDocument": StsValidationError,
    "RegionDisabledException": StsValidationError,
    "ExpiredToken": CallerCredentialsExpired,
    "ExpiredTokenException": CallerCredentialsExpired,
    "InvalidClientTokenId": CallerCredentialsExpired,
}

_HINTS: dict[type[VendingError], str] = {
    StsAccessDenied: " (check the role's trust policy: it must allow sts:AssumeRole, "
    "sts:TagSession and sts:SetSourceIdentity for the caller)",
    StsThrottled: " (after botocore's standard retries with backoff)",
    PackedPolicyTooLarge: " (shorten the session policy, or send fewer or shorter session tags)",
}


# -- statistics ---------------------------------------------------------------------------


@dataclass
class VendorStats:
    """Counters of a vendor's cache and STS traffic (read them, do not write). Each
    change is also added to the current Lambda invocation's own tally when there is
    one (:func:`policy_engine._invocation.tally`), so an invocation's figures are what
    it did itself, never what another thread did meanwhile."""

    hits: int = 0
    misses: int = 0
    refreshes: int = 0
    sts_calls: int = 0
    sts_errors: int = 0
    sts_seconds: float = 0.0
    evictions: int = 0
    guard_refusals: int = 0

    @property
    def sts_mean_latency(self) -> float:
        return self.sts_seconds / self.sts_calls if self.sts_calls else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "refreshes": self.refreshes,
            "sts_calls": self.sts_calls,
            "sts_errors": self.sts_errors,
            "sts_seconds": round(self.sts_seconds, 6),
            "evictions": self.evictions,
            "guard_refusals": self.guard_refusals,
        }


@dataclass(frozen=True, slots=True)
class VendRequest:
    """Everything sent to STS for one (tenant, tier): prepared before the call."""

    tenant: str
    tier: str
    role_arn: str
    session_name: str
    source_identity: str
    policy: str  # minified session policy
    policy_hash: str
    duration_seconds: int
    tags: tuple[tuple[str, str], ...]
    transitive_tag_keys: tuple[str, ...]
    external_id: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.tenant, self.tier, self.role_arn, self.policy_hash)

    def assume_role_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "Policy": self.policy,
            "DurationSeconds": self.duration_seconds,
            "SourceIdentity": self.source_identity,
            "Tags": [{"Key": k, "Value": v} for k, v in self.tags],
        }
        if self.transitive_tag_keys:
            kwargs["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        if self.external_id is not None:
            kwargs["ExternalId"] = self.external_id
        return kwargs


@dataclass
class _Entry:
    """A cache entry; the session policy text is not kept (a refresh renders it again)."""

    credentials: RefreshableCredentials
    # boto3 sessions are not thread-safe: one per thread, all sharing the credentials
    sessions: dict[tuple[int, bool, Any], boto3.Session] = field(default_factory=dict)


def session_name_for(tenant: str, language: TenantIdLanguage) -> str:
    """``RoleSessionName``/``SourceIdentity`` of a tenant: :func:`policy_engine.tenancy.
    session_name` (injective over the catalogue's tenant-ID language)."""
    from .tenancy import session_name

    return session_name(tenant, language)


@dataclass
class _Flight:
    """One STS fetch under way for a key; the threads that missed the same key wait
    for it and share its outcome (the credentials, or the error)."""

    done: threading.Event = field(default_factory=threading.Event)
    entry: _Entry | None = None
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class _Backoff:
    """A key's STS failures in a row, the error of the last one, and until when (on
    the vendor's monotonic clock) no new STS call is made for the key."""

    failures: int
    until: float
    error: VendingError


def _again(exc: BaseException, suffix: str = "") -> BaseException:
    """A fresh exception of the same class and message (with ``suffix``), so that
    several threads can raise "the same" error without sharing one traceback."""
    if isinstance(exc, VendingError):
        copy = type(exc)(str(exc) + suffix, tenant=exc.tenant, tier=exc.tier, code=exc.code)
        copy.__cause__ = exc.__cause__
        return copy
    return exc


class CredentialVendor:
    """Vends cached, self-refreshing, tenant-scoped boto3 sessions.

    ``sts_client`` (or ``boto3_session``/``endpoint_url``/``region``) chooses the STS
    client (its region: ``region``, else boto3's configured one, else the catalogue's
    ``region`` constant); ``clock`` returns seconds since the epoch (inject one in tests);
    ``refresh_margin`` is how long before expiry botocore fetches new credentials;
    ``role_chaining`` caps the duration at one hour (``None``: ask STS once whether
    the caller is a role session, as Lambda code is).

    ``require_proved=True`` refuses tiers whose isolation is not certified ``proved``
    by a proof certificate (:mod:`policy_engine.certificate`: ``certificate=``, else
    ``$POLICY_ENGINE_CERTIFICATE``, else ``isolation-certificate.json`` in the
    catalogue folder) written for exactly this catalogue content; a missing or stale
    certificate is refused. ``require_proved="prove"`` runs the proof in process
    instead (hundreds of milliseconds: for tools and tests, not cold starts).

    ``guard`` and ``dynamodb_partition_key`` (one attribute name, or a mapping table
    name -> attribute) are the defaults of :meth:`session_for`.

    When STS fails for a key, every thread that was waiting for that fetch gets the
    same error (same class and message; no STS call of its own), nothing is cached,
    and the key backs off: until a jittered, exponentially growing delay
    (``backoff_base`` doubling per failure in a row, at most ``backoff_max`` seconds)
    has passed, requests for it fail fast with the same error class and make no STS
    call. ``monotonic`` and ``jitter`` (a float in [0, 1)) are injectable for tests.
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        sts_client: Any = None,
        boto3_session: boto3.Session | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        max_entries: int = 1024,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
        role_chaining: bool | None = None,
        require_proved: bool | str = False,
        certificate: str | Path | None = None,
        guard: bool = False,
        dynamodb_partition_key: str | Mapping[str, str] = "tenant_id",
        external_id: str | None = None,
        max_attempts: int = 5,
        renderer: Renderer | None = None,
        backoff_base: float = BACKOFF_BASE_SECONDS,
        backoff_max: float = BACKOFF_MAX_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        if refresh_margin < 0:
            raise ValueError(f"refresh_margin must be >= 0, not {refresh_margin}")
        if require_proved not in (True, False, "prove"):
            raise ValueError(f"require_proved is True, False or 'prove', not {require_proved!r}")
        if not 0 < backoff_base <= backoff_max:
            raise ValueError(
                f"need 0 < backoff_base <= backoff_max, not {backoff_base} and {backoff_max}"
            )
        from .catalog import load_catalog
        from .render import Renderer

        self.catalog = catalog if catalog is not None else load_catalog()
        self.renderer = renderer or Renderer(self.catalog)
        self.max_entries = max_entries
        self.refresh_margin = refresh_margin
        self.clock = clock
        self.require_proved = require_proved
        self.certificate = certificate
        self.guard = guard
        self.dynamodb_partition_key = _partition_key(dynamodb_partition_key)
        self.external_id = external_id
        self.stats = VendorStats()
        self._role_chaining = role_chaining
        self._sts = sts_client
        self._sts_options = (boto3_session, endpoint_url, region, max_attempts)
        self._entries: OrderedDict[tuple[str, str, str, str], _Entry] = OrderedDict()
        self._keys: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        self._cls: type[RefreshableCredentials] | None = None
        self._flights: dict[tuple[str, str, str, str], _Flight] = {}
        self._backoff: OrderedDict[tuple[str, str, str, str], _Backoff] = OrderedDict()
        self._backoff_range = (backoff_base, backoff_max)
        self._monotonic = monotonic
        self._jitter = jitter
        self._lock = threading.Lock()
        self._proved: dict[str, str] = {}
        self._own_sts = False  # the STS client was made here (made again after a fork)
        _VENDORS.add(self)

    # -- public API ------------------------------------------------------------------

    def session_for(
        self,
        tenant: str,
        tier: str,
        *,
        guard: bool | None = None,
        dynamodb_partition_key: str | Mapping[str, str] | None = None,
    ) -> boto3.Session:
        """A boto3 session with ``tenant``'s scoped, self-refreshing credentials.

        With ``guard=True`` every call of the session's clients is first decided
        locally against the tenant's effective policy (:mod:`policy_engine.guard`);
        ``dynamodb_partition_key`` names the tables' partition-key attribute (one name
        for every table, or a mapping table name -> name). Both default to the
        vendor's. Sessions are cached per tenant key, thread and guard setting (boto3
        sessions are not thread-safe; the clients made from them are)."""
        guard = self.guard if guard is None else guard
        pk = (
            self.dynamodb_partition_key
            if dynamodb_partition_key is None
            else _partition_key(dynamodb_partition_key)
        )
        entry = self._entry(tenant, tier)
        slot = (threading.get_ident(), guard, pk if guard else None)
        session = entry.sessions.get(slot)
        if session is None:
            # Fail closed: the session enters the cache only once it is fully built.
            # If installing the guard raises, the half-built (unguarded) session is
            # dropped, so a later call cannot find it in the guarded slot.
            session = self._new_session(entry.credentials)
            if guard:
                self._install_guard(session, tenant, tier, pk)
            session = entry.sessions.setdefault(slot, session)
        return session

    def _count_refusal(self, operation: str) -> None:
        with self._lock:
            self.stats.guard_refusals += 1
            tally("guard_refusals", 1)

    def _install_guard(
        self, session: boto3.Session, tenant: str, tier: str, pk: str | tuple[tuple[str, str], ...]
    ) -> None:
        import logging

        from ._invocation import InvocationLogger
        from .guard import guard_session, region_partition
        from .isolation import effective_evaluator
        from .tenancy import session_name

        constants = self.catalog.constants
        # the session's account is its role's (the session ARN the guard evaluates
        # resource policies with), not the `account_id` constant
        account = self.catalog.tier(tier).account
        region = self._sts_options[2] or str(constants.get("region", "us-east-1"))
        partition = str(constants.get("partition") or region_partition(region))
        role = self.catalog.tier(tier).role_arn.rsplit("/", 1)[-1]
        guard_session(
            session,
            effective_evaluator(self.catalog, tier, tenant, renderer=self.renderer),
            tenant=tenant,
            tier=tier,
            account=account,
            region=region,
            principal=f"arn:{partition}:sts::{account}:assumed-role/{role}/"
            + session_name(tenant, self.catalog.language),
            dynamodb_partition_key=pk if isinstance(pk, str) else dict(pk),
            logger=InvocationLogger(logging.getLogger("policy_engine.guard")),
            on_refusal=self._count_refusal,
            catalog=self.catalog,
            partition=partition,
        )

    def _new_session(self, credentials: RefreshableCredentials) -> boto3.Session:
        import boto3
        import botocore.session

        core = botocore.session.get_session()
        resolver = core.get_component("credential_provider")
        resolver.insert_before("env", _FixedProvider(credentials))
        return boto3.Session(botocore_session=core, region_name=self._sts_options[2])

    def credentials_for(self, tenant: str, tier: str) -> RefreshableCredentials:
        """The cached credentials for (tenant, tier), fetched once on a miss."""
        return self._entry(tenant, tier).credentials

    def _entry(self, tenant: str, tier: str) -> _Entry:
        key = self._keys.get((tenant, tier))
        request: VendRequest | None = None
        if key is None:
            request = self.prepare(tenant, tier)  # validates before anything is cached
            key = request.key
            with self._lock:
                if len(self._keys) >= 2 * self.max_entries:
                    self._keys.clear()
                self._keys[(tenant, tier)] = key
        with self._lock:
            entry = self._hit(key)
            if entry is not None:
                return entry
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
                self.stats.misses += 1
                tally("misses", 1)
        if not leader:  # one STS call per key, however many threads missed it
            flight.done.wait()
            if flight.error is not None:
                again = _again(flight.error)
                if again is flight.error:
                    raise again
                raise again from flight.error
            assert flight.entry is not None
            with self._lock:
                self.stats.hits += 1
                tally("hits", 1)
            return flight.entry
        try:
            entry = _Entry(self._refreshable(request or self.prepare(tenant, tier)))
        except BaseException as exc:  # shared with the waiters; nothing is cached
            flight.error = exc
            raise
        else:
            with self._lock:  # cached only once complete
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                    self.stats.evictions += 1
                    tally("evictions", 1)
            flight.entry = entry
        finally:  # whatever happened, the waiters are released with an outcome
            if flight.entry is None and flight.error is None:
                flight.error = VendingError(
                    f"credentials for tenant `{tenant}` (tier `{tier}`) were not vended",
                    tenant=tenant,
                    tier=tier,
                )
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()
        return entry

    def _hit(self, key: tuple[str, str, str, str]) -> _Entry | None:
        """The cached entry, marked recently used (call with the lock held)."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            self.stats.hits += 1
            tally("hits", 1)
        return entry

    def prepare(self, tenant: str, tier: str) -> VendRequest:
        """Validate, render and size-check; build the AssumeRole call (no I/O)."""
        from .model import dumps
        from .tenancy import session_name

        tier_obj = self.catalog.tier(tier)
        policy = self.renderer.render_tier(tenant, tier)  # validates the tenant ID first
        if self.require_proved:
            self._check_proved(tier)
        text = dumps(policy, minify=True)
        name = session_name(tenant, self.catalog.language)  # injective over the language
        return VendRequest(
            tenant=tenant,
            tier=tier,
            role_arn=tier_obj.role_arn,
            session_name=name,
            source_identity=name,
            policy=text,
            policy_hash=hashlib.sha256(text.encode()).hexdigest()[:16],
            duration_seconds=self._duration(tier_obj),
            tags=(("TenantId", tenant), ("Tier", tier)),
            transitive_tag_keys=tier_obj.transitive_tag_keys,
            external_id=self.external_id,
        )

    def cache_size(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Drop every cached credential and every key's back-off."""
        with self._lock:
            self._entries.clear()
            self._backoff.clear()

    def backoff_remaining(self, tenant: str, tier: str) -> float:
        """Seconds until STS is asked again for (tenant, tier) after failures (0: now)."""
        key = self._keys.get((tenant, tier))
        with self._lock:
            state = self._backoff.get(key) if key is not None else None
        return max(0.0, state.until - self._monotonic()) if state is not None else 0.0

    # -- internals -------------------------------------------------------------------

    def _forked(self) -> None:
        """In the child of a fork: start empty. The child is a copy of the parent's
        memory: every tenant's cached credentials (a child working for one tenant has
        no business holding the others'), fetches in flight in threads that do not
        exist here (waiting for them would never end), locks other threads held."""
        self._lock = threading.Lock()
        self._entries = OrderedDict()
        self._flights = {}
        self._backoff = OrderedDict()
        if self._own_sts:  # its connections are the parent's
            self._sts = None
            self._own_sts = False

    def _check_proved(self, tier: str) -> None:
        status = self._proved.get(tier)
        source = "the proof"
        if status is None and self.require_proved == "prove":
            from .isolation import check_tier

            status = self._proved[tier] = check_tier(
                self.catalog, tier, renderer=self.renderer
            ).status
        elif status is None:
            from .certificate import CertificateError, tier_status

            try:
                status = tier_status(self.catalog, tier, self.certificate)
            except CertificateError as exc:
                raise IsolationNotProved(
                    f"tier `{tier}`: refusing to vend: {exc}", tier=tier
                ) from exc
            self._proved[tier] = status
        if status != "proved":
            if self.require_proved != "prove":
                source = "the proof certificate"
            raise IsolationNotProved(
                f"tier `{tier}` is not proved isolated (status `{status}` in {source}): "
                "refusing to vend; run `policy-engine check-isolation` for the counterexamples",
                tier=tier,
            )

    def _duration(self, tier: Tier) -> int:
        duration = max(MIN_DURATION_SECONDS, tier.duration_seconds)
        if self._is_role_chaining():
            duration = min(duration, ROLE_CHAINING_MAX_SECONDS)
        return duration

    def _is_role_chaining(self) -> bool:
        if self._role_chaining is None:
            try:
                arn = self.sts.get_caller_identity()["Arn"]
            except Exception as exc:  # fall back to the safe cap
                del exc
                self._role_chaining = True
            else:
                self._role_chaining = ":assumed-role/" in arn
        return self._role_chaining

    @property
    def sts(self) -> Any:
        if self._sts is None:
            import boto3
            from botocore.config import Config

            session, endpoint_url, region, attempts = self._sts_options
            session = session or boto3.Session()
            if region is None and not session.region_name:
                # no region given or configured (a laptop, CI): the catalogue's, where
                # its resources are (the guard checks the session's ARNs against it too)
                known = self.catalog.constants.get("region")
                region = str(known) if known else None
            self._sts = session.client(
                "sts",
                endpoint_url=endpoint_url,
                region_name=region,
                config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
            )
            self._own_sts = True
        return self._sts

    def _refreshable(self, request: VendRequest) -> RefreshableCredentials:
        first = self._assume(request)
        tenant, tier = request.tenant, request.tier

        def refresh() -> dict[str, str]:
            with self._lock:
                self.stats.refreshes += 1
                tally("refreshes", 1)
            return self._assume(self.prepare(tenant, tier))

        return _with_clock(self._credentials_class(), first, refresh, self.clock)

    def _credentials_class(self) -> type[RefreshableCredentials]:
        cls = self._cls
        if cls is None:
            from botocore.credentials import RefreshableCredentials

            margin = self.refresh_margin

            class _Credentials(RefreshableCredentials):
                # botocore refreshes when fewer than these many seconds remain
                _advisory_refresh_timeout = margin
                _mandatory_refresh_timeout = min(margin, max(margin / 2, 60.0))

            cls = self._cls = _Credentials
        return cls

    def _assume(self, request: VendRequest) -> dict[str, str]:
        """One STS call for ``request``, unless its key is backing off (then the last
        error's class fails fast); a failure starts or extends the back-off, a
        success ends it."""
        key = request.key
        with self._lock:
            state = self._backoff.get(key)
        if state is not None:
            remaining = state.until - self._monotonic()
            if remaining > 0:
                raise _again(
                    state.error,
                    f" [not retried: STS failed {state.failures} time(s) in a row for this "
                    f"tenant and tier; backing off for another {remaining:.2f} s]",
                ) from state.error
        try:
            result = self._call_sts(request)
        except VendingError as exc:
            failures = state.failures + 1 if state is not None else 1
            base, cap = self._backoff_range
            delay = min(cap, base * 2 ** min(failures - 1, 32))
            delay *= 0.5 + 0.5 * min(max(self._jitter(), 0.0), 1.0)
            with self._lock:
                self._backoff[key] = _Backoff(failures, self._monotonic() + delay, exc)
                self._backoff.move_to_end(key)
                while len(self._backoff) > self.max_entries:
                    self._backoff.popitem(last=False)
            raise
        if state is not None:
            with self._lock:
                self._backoff.pop(key, None)
        return result

    def _call_sts(self, request: VendRequest) -> dict[str, str]:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )
        from botocore.exceptions import (
            ConnectionError as BotoConnectionError,
        )

        started = time.perf_counter()
        try:
            response = self.sts.assume_role(**request.assume_role_kwargs())
        except ClientError as exc:
            self._count_error(started)
            raise self._client_error(exc, request) from exc
        except (
            EndpointConnectionError,
            ConnectTimeoutError,
            ReadTimeoutError,
            BotoConnectionError,
        ) as exc:
            self._count_error(started)
            raise StsUnavailable(
                f"cannot reach STS for tenant `{request.tenant}` (tier `{request.tier}`): {exc}",
                tenant=request.tenant,
                tier=request.tier,
            ) from exc
        except BotoCoreError as exc:
            self._count_error(started)
            raise VendingError(
                f"STS call failed for tenant `{request.tenant}`: {exc}",
                tenant=request.tenant,
                tier=request.tier,
            ) from exc
        with self._lock:
            self.stats.sts_calls += 1
            tally("sts_calls", 1)
            spent = time.perf_counter() - started
            self.stats.sts_seconds += spent
            tally("sts_seconds", spent)
        creds = response["Credentials"]
        expiration = creds["Expiration"]
        if isinstance(expiration, datetime):
            expiration = expiration.astimezone(UTC).isoformat()
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": expiration,
        }

    def _count_error(self, started: float) -> None:
        with self._lock:
            self.stats.sts_calls += 1
            tally("sts_calls", 1)
            self.stats.sts_errors += 1
            tally("sts_errors", 1)
            spent = time.perf_counter() - started
            self.stats.sts_seconds += spent
            tally("sts_seconds", spent)

    def _client_error(self, exc: Any, request: VendRequest) -> VendingError:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", "")).rstrip(".")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        cls = _CODES.get(code)
        if cls is None and isinstance(status, int) and status >= 500:
            cls = StsUnavailable
        cls = cls or VendingError
        detail = (
            f"STS {code} for tenant `{request.tenant}` "
            f"(tier `{request.tier}`, role `{request.role_arn}`)"
        )
        if message:
            detail += f": {message}"
        if cls is PackedPolicyTooLarge:
            detail += (
                f"; the session policy is {len(request.policy)} characters and "
                f"{len(request.tags)} session tags were sent"
            )
        detail += _HINTS.get(cls, "")
        return cls(detail, tenant=request.tenant, tier=request.tier, code=code)


#: every vendor of the process, emptied in the child of a fork
_VENDORS: weakref.WeakSet[CredentialVendor] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for vendor in list(_VENDORS):
        vendor._forked()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _partition_key(value: str | Mapping[str, str]) -> str | tuple[tuple[str, str], ...]:
    """A hashable form of a ``dynamodb_partition_key`` option, checked."""
    if isinstance(value, str):
        if not value:
            raise ValueError("dynamodb_partition_key must not be empty")
        return value
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) and v for k, v in value.items()
    ):
        raise ValueError(
            "dynamodb_partition_key is an attribute name or a mapping of table names to "
            f"attribute names, not {value!r:.80}"
        )
    return tuple(sorted(value.items()))


class _FixedProvider:
    """A botocore credential provider that hands out one credentials object."""

    METHOD = "policy-engine"
    CANONICAL_NAME = "policy-engine"

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials


def _with_clock(
    cls: type[RefreshableCredentials],
    first: Mapping[str, str],
    refresh: Callable[[], dict[str, str]],
    clock: Callable[[], float],
) -> RefreshableCredentials:
    """RefreshableCredentials whose notion of "now" is ``clock`` (injectable in tests)."""
    from botocore.credentials import _parse_if_needed  # type: ignore[attr-defined]

    return cls(
        access_key=first["access_key"],
        secret_key=first["secret_key"],
        token=first["token"],
        expiry_time=_parse_if_needed(first["expiry_time"]),
        refresh_using=refresh,
        method="policy-engine-assume-role",
        time_fetcher=lambda: datetime.fromtimestamp(clock(), UTC),
    )


__all__ = [
    "CallerCredentialsExpired",
    "CredentialVendor",
    "IsolationNotProved",
    "PackedPolicyTooLarge",
    "StsAccessDenied",
    "StsThrottled",
    "StsUnavailable",
    "StsValidationError",
    "VendRequest",
    "VendingError",
    "VendorStats",
    "session_name_for",
]
