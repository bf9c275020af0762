"""JSON Web Key Sets for the authorizer: fetched from a URL and cached with a TTL, or
given as a document (a dict or a file's contents).

The cache never calls out per request: keys are refreshed when the TTL has passed,
and a token signed with an unknown ``kid`` (a key rotation) triggers at most one
refetch per ``refetch_interval`` however many such tokens arrive. A failed refresh
keeps the keys it has (logged); with no keys at all the token is refused.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import PolicyEngineError

LOG = logging.getLogger("policy_engine.authorizer")
MAX_JWKS_BYTES = 1 << 20
_LOCATION = re.compile(r"^(https://\S+|http://(127\.0\.0\.1|localhost)(:[0-9]+)?/\S*)$")

#: Key types each JWS algorithm family needs (RFC 7518).
KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


class JwksUnavailable(PolicyEngineError):
    """No usable key set: the first fetch failed or the document holds no signing key."""


class UnknownKey(PolicyEngineError):
    """The token names a key the set does not hold (even after a refetch)."""


@dataclass
class JwksStats:
    fetches: int = 0
    fetch_errors: int = 0
    unknown_kid_refetches: int = 0


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str | None
    kty: str
    alg: str | None  # the JWK's own `alg`, when it states one
    key: Any  # a cryptography public key


Fetch = Callable[[str, float], bytes]


def _urlopen(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"the JWKS is larger than {MAX_JWKS_BYTES} bytes")
    return body


def parse_jwks(document: Mapping[str, Any]) -> dict[str | None, SigningKey]:
    """Signing keys of a JWKS by ``kid``; keys for encryption, of unknown types or
    that fail to load are skipped."""
    from jwt import PyJWK
    from jwt.exceptions import PyJWKError

    keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(keys, list):
        raise JwksUnavailable("the JWKS has no `keys` list")
    out: dict[str | None, SigningKey] = {}
    for entry in keys:
        if not isinstance(entry, Mapping) or entry.get("use", "sig") != "sig":
            continue
        kty = entry.get("kty")
        if kty not in ("RSA", "EC"):
            continue
        try:
            loaded = PyJWK(dict(entry))
        except (PyJWKError, ValueError, TypeError):
            LOG.warning("jwks: skipped a key that does not load (kid %r)", entry.get("kid"))
            continue
        kid = entry.get("kid")
        out[kid if isinstance(kid, str) else None] = SigningKey(
            kid if isinstance(kid, str) else None, kty, entry.get("alg"), loaded.key
        )
    if not out:
        raise JwksUnavailable("the JWKS holds no RSA or EC signing key")
    return out


class JwksCache:
    """Signing keys by ``kid``, from ``url`` (cached ``ttl_seconds``) or ``document``."""

    def __init__(
        self,
        *,
        url: str | None = None,
        document: Mapping[str, Any] | None = None,
        ttl_seconds: float = 600,
        refetch_interval_seconds: float = 30,
        timeout_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        fetch: Fetch = _urlopen,
    ) -> None:
        if (url is None) == (document is None):
            raise ValueError("give a JWKS `url` or a `document`, exactly one")
        if url is not None and not _LOCATION.match(url):
            raise ValueError(
                f"JWKS URL `{url}` must be https:// (plain http only to 127.0.0.1 or localhost)"
            )
        self.url = url
        self.ttl = ttl_seconds
        self.refetch_interval = refetch_interval_seconds
        self.timeout = timeout_seconds
        self._clock = clock
        self._fetch = fetch
        self._lock = threading.Lock()
        self._keys: dict[str | None, SigningKey] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self.stats = JwksStats()
        if document is not None:
            self._keys = parse_jwks(document)
            self._fetched_at = float("inf")  # a given document never goes stale

    def key(self, kid: str | None) -> SigningKey:
        now = self._clock()
        keys = self._keys
        if not keys or now - self._fetched_at >= self.ttl:
            keys = self._refresh(now, reason="ttl")
        found = self._pick(keys, kid)
        if found is None and self.url is not None:
            keys = self._refresh(now, reason="unknown kid")
            found = self._pick(keys, kid)
        if found is None:
            if kid is None:
                raise UnknownKey(f"the token names no `kid` and the JWKS holds {len(keys)} keys")
            raise UnknownKey(f"no key with kid `{kid}` in the JWKS")
        return found

    @staticmethod
    def _pick(keys: Mapping[str | None, SigningKey], kid: str | None) -> SigningKey | None:
        if kid is None:
            return next(iter(keys.values())) if len(keys) == 1 else None
        return keys.get(kid)

    def _refresh(self, now: float, *, reason: str) -> dict[str | None, SigningKey]:
        with self._lock:
            if self.url is None:
                return self._keys
            stale = now - self._fetched_at >= self.ttl
            if reason == "unknown kid" and not stale:
                # rate limit: one refetch per interval, however many unknown kids arrive
                if now - self._attempted_at < self.refetch_interval:
                    return self._keys
                self.stats.unknown_kid_refetches += 1
            elif self._keys and not stale:
                return self._keys  # another thread refreshed while we waited
            elif self._keys and now - self._attempted_at < self.refetch_interval:
                return self._keys  # the last attempt failed moments ago: keep the old keys
            self._attempted_at = now
            self.stats.fetches += 1
            try:
                document = json.loads(self._fetch(self.url, self.timeout))
                keys = parse_jwks(document)
            except (OSError, ValueError, urllib.error.URLError, JwksUnavailable) as exc:
                self.stats.fetch_errors += 1
                if not self._keys:
                    raise JwksUnavailable(f"cannot fetch the JWKS: {exc}") from exc
                LOG.warning("jwks: refresh failed (%s); keeping %d keys", exc, len(self._keys))
                return self._keys
            self._keys = keys
            self._fetched_at = now
            return keys
