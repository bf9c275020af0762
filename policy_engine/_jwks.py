"""JSON Web Key Sets for the authorizer: fetched from a URL and cached with a TTL, or
given as a document (a dict or a file's contents).

The cache never calls out per request. Every fetch attempt, whatever the state of
the cache, is rate-limited:

- after a successful fetch, the next one comes when the TTL has passed, or earlier
  for a token that names an unknown ``kid`` (a key rotation), but never sooner than
  ``refetch_interval_seconds`` after the last attempt, however many such tokens
  arrive;
- after a failed fetch (an error, a non-200 answer, a redirect, garbage, a set with no
  usable signing key, the deadline passed), the next attempt waits 1 s, then 2, 4,
  ... doubling per consecutive failure up to ``refetch_interval_seconds``. A cache
  that has keys keeps serving them meanwhile (logged); an empty cache refuses at once,
  naming the last error, without a network call.

A fetch is one ``GET`` over a fresh connection with a total deadline of
``timeout_seconds`` for everything (connect, TLS, request, status, headers, body),
not per socket read, so a server that drips its answer cannot hold a request. Only a
``200`` is accepted: redirects are not followed (configure the final URL), and the
body is at most 1 MiB. HTTPS certificates are verified; plain HTTP is allowed to
127.0.0.1 and localhost only (tests, local stand-ins).

Keys: only RSA and EC public keys for signatures are kept. RSA keys under 2,048 bits
or with a public exponent under 65,537 (such as 3), keys with private material and
keys that do not load are skipped, each with a logged reason; a token naming one of
them finds no key and is refused.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import PolicyEngineError

LOG = logging.getLogger("policy_engine.authorizer")
MAX_JWKS_BYTES = 1 << 20
#: Room for the status line and headers on top of the body.
MAX_RESPONSE_BYTES = MAX_JWKS_BYTES + (64 << 10)
MIN_RSA_BITS = 2048
MIN_RSA_EXPONENT = 65537
#: The first wait after a failed fetch; it doubles per consecutive failure.
FIRST_BACKOFF_SECONDS = 1.0
_LOCATION = re.compile(r"^(https://\S+|http://(127\.0\.0\.1|localhost)(:[0-9]+)?/\S*)$")

#: Key types each JWS algorithm family needs (RFC 7518).
KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


class JwksUnavailable(PolicyEngineError):
    """No usable key set: the fetch failed or the document holds no usable signing key."""


class UnknownKey(PolicyEngineError):
    """The token names a key the set does not hold (even after a refetch)."""


def printable(value: object, limit: int = 64) -> str:
    """``value`` as it may appear in a log line or an error message: characters that
    are not printable (control characters, line and paragraph separators) escaped as
    ``\\n``, ``\\x1b``, ``\\u2028``..., at most ``limit`` characters of it shown (a
    longer value ends with ``...(N characters)``); a non-string shows its type only."""
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    head = value[:limit]
    if not head.isprintable():
        head = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in head
        )
    if len(value) > limit:
        head += f"...({len(value)} characters)"
    return head


@dataclass
class JwksStats:
    fetches: int = 0
    fetch_errors: int = 0
    unknown_kid_refetches: int = 0
    #: requests that wanted a fetch but were inside the rate limit or the backoff
    rate_limited: int = 0


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str | None
    kty: str
    alg: str | None  # the JWK's own `alg`, when it states one
    key: Any  # a cryptography public key


Fetch = Callable[[str, float], bytes]


class _Received:
    """A complete HTTP response, handed to :class:`http.client.HTTPResponse` as if it
    were the socket it came from (the parser only calls ``makefile``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, *args: Any, **kwargs: Any) -> io.BytesIO:
        return io.BytesIO(self._data)


def fetch_jwks(url: str, timeout: float) -> bytes:
    """The body of ``GET url``, all of it within ``timeout`` seconds (a total
    deadline). Raises ``TimeoutError`` past the deadline and ``ValueError`` for an
    answer that is not a ``200`` (redirects included) or is too large."""
    import http.client
    import socket
    import ssl
    import urllib.parse

    deadline = time.monotonic() + timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no complete answer within {timeout:g} s")
        return left

    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    authority = parts.netloc.rpartition("@")[2]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\n"
        "Accept-Encoding: identity\r\nUser-Agent: policy-engine-authorizer\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")
    chunks: list[bytes] = []
    size = 0
    try:
        sock = socket.create_connection((host, port), timeout=remaining())
        try:
            if secure:
                sock.settimeout(remaining())  # the handshake as a whole
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            sock.settimeout(remaining())
            sock.sendall(request)
            while True:
                sock.settimeout(remaining())  # each read gets what is left, not a new timeout
                chunk = sock.recv(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise ValueError(f"the answer is larger than {MAX_JWKS_BYTES} bytes")
                chunks.append(chunk)
        finally:
            sock.close()
    except TimeoutError:  # socket.timeout too: either way, the deadline passed
        raise TimeoutError(f"no complete answer within {timeout:g} s") from None
    response = http.client.HTTPResponse(_Received(b"".join(chunks)), method="GET")  # type: ignore[arg-type]
    response.begin()
    if response.status != 200:
        hint = ""
        if 300 <= response.status < 400:
            hint = " (a redirect: redirects are not followed, configure the final URL)"
        raise ValueError(f"the JWKS URL answered HTTP {response.status}{hint}")
    body = response.read()
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"the JWKS is larger than {MAX_JWKS_BYTES} bytes")
    return body


def _refusal(entry: Mapping[str, Any], key: Any) -> str | None:
    """Why a loaded JWK may not verify tokens, or ``None`` when it may."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if "d" in entry or not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return "it holds private key material (a key set publishes public keys only)"
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            return f"RSA key of {key.key_size} bits (at least {MIN_RSA_BITS} are required)"
        exponent = key.public_numbers().e
        if exponent < MIN_RSA_EXPONENT:
            return f"RSA public exponent {exponent} (at least {MIN_RSA_EXPONENT} is required)"
    return None


def parse_jwks(document: Mapping[str, Any]) -> dict[str | None, SigningKey]:
    """Signing keys of a JWKS by ``kid``. Keys for encryption and of other types are
    ignored; weak keys (see the module), keys with private material and keys that do
    not load are skipped with a logged reason."""
    from jwt import PyJWK

    keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(keys, list):
        raise JwksUnavailable("the JWKS has no `keys` list")
    out: dict[str | None, SigningKey] = {}
    skipped: list[str] = []
    for entry in keys:
        if not isinstance(entry, Mapping) or entry.get("use", "sig") != "sig":
            continue
        kty = entry.get("kty")
        if kty not in ("RSA", "EC"):
            continue
        kid = entry.get("kid")
        shown = f"`{printable(kid)}`" if isinstance(kid, str) else "without a kid"
        reason: str | None
        try:
            loaded = PyJWK(dict(entry))
        except Exception as exc:  # any failure to load is a key we cannot use
            reason = f"it does not load ({type(exc).__name__})"
        else:
            reason = _refusal(entry, loaded.key)
        if reason is not None:
            LOG.warning("jwks: skipped key %s: %s", shown, reason)
            skipped.append(f"{shown}: {reason}")
            continue
        out[kid if isinstance(kid, str) else None] = SigningKey(
            kid if isinstance(kid, str) else None, kty, entry.get("alg"), loaded.key
        )
    if not out:
        detail = f" (skipped {'; '.join(skipped[:3])})" if skipped else ""
        raise JwksUnavailable(f"the JWKS holds no RSA or EC signing key that may be used{detail}")
    return out


class JwksCache:
    """Signing keys by ``kid``, from ``url`` (cached ``ttl_seconds``) or ``document``.

    ``timeout_seconds`` is the total deadline of one fetch; ``fetch(url, timeout)``
    may replace the HTTP client (it must keep to that deadline); ``clock`` is
    monotonic seconds, for the TTL, the rate limit and the backoff.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        document: Mapping[str, Any] | None = None,
        ttl_seconds: float = 600,
        refetch_interval_seconds: float = 30,
        timeout_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        fetch: Fetch = fetch_jwks,
    ) -> None:
        if (url is None) == (document is None):
            raise ValueError("give a JWKS `url` or a `document`, exactly one")
        if url is not None and not _LOCATION.match(url):
            raise ValueError(
                f"JWKS URL `{url}` must be https:// (plain http only to 127.0.0.1 or localhost)"
            )
        if not timeout_seconds > 0 or not refetch_interval_seconds > 0:
            raise ValueError("`timeout_seconds` and `refetch_interval_seconds` must be positive")
        self.url = url
        self.ttl = ttl_seconds
        self.refetch_interval = refetch_interval_seconds
        self.timeout = timeout_seconds
        self._clock = clock
        self._fetch = fetch
        self._lock = threading.Lock()
        self._keys: dict[str | None, SigningKey] = {}
        self._fetched_at = float("-inf")
        self._next_attempt_at = float("-inf")  # no fetch attempt before this time
        self._failures = 0  # consecutive failed fetches
        self._last_error = ""
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
            raise UnknownKey(f"no key with kid `{printable(kid)}` in the JWKS")
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
            if reason == "ttl" and self._keys and not stale:
                return self._keys  # another thread refreshed while we waited
            if now < self._next_attempt_at:
                # inside the rate limit (after a success) or the backoff (after a failure)
                self.stats.rate_limited += 1
                if not self._keys:
                    wait = self._next_attempt_at - now
                    raise JwksUnavailable(
                        f"cannot fetch the JWKS: {self._last_error}; next fetch in {wait:.0f} s"
                    )
                return self._keys
            if reason == "unknown kid" and not stale:
                self.stats.unknown_kid_refetches += 1
            self.stats.fetches += 1
            try:
                document = json.loads(self._fetch(self.url, self.timeout))
                keys = parse_jwks(document)
            except Exception as exc:  # any failure of the fetch or the set: fail closed
                return self._failed(now, exc)
            self._keys = keys
            self._fetched_at = now
            self._failures = 0
            self._next_attempt_at = now + self.refetch_interval
            return keys

    def _failed(self, now: float, exc: Exception) -> dict[str | None, SigningKey]:
        self.stats.fetch_errors += 1
        self._failures += 1
        doubled = FIRST_BACKOFF_SECONDS * 2 ** min(self._failures - 1, 30)
        backoff = min(doubled, self.refetch_interval)
        self._next_attempt_at = now + backoff
        detail = str(exc)
        error = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        self._last_error = printable(error, 200)
        if not self._keys:
            raise JwksUnavailable(f"cannot fetch the JWKS: {self._last_error}") from exc
        LOG.warning(
            "jwks: refresh failed (%s); keeping %d keys, next attempt in %g s",
            self._last_error,
            len(self._keys),
            backoff,
        )
        return self._keys
