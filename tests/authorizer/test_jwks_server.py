"""The JWKS cache against a real HTTP server on 127.0.0.1: fetch, TTL, rotation,
rate-limited refetches for unknown kids, failures."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from policy_engine._jwks import JwksCache, JwksUnavailable
from policy_engine.authorizer import Authorizer, Unauthorized, make_authorizer
from policy_engine.catalog import Catalog

from .jwt_helpers import NOW, JwksServer, Keys, Sign

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def build(catalog: Catalog, url: str, clock: Clock, **kw: Any) -> Authorizer:
    cache = JwksCache(url=url, ttl_seconds=600, refetch_interval_seconds=30, clock=clock, **kw)
    return make_authorizer(catalog, jwks=cache, api_keys={}, clock=lambda: NOW)


def call(auth: Authorizer, token: str) -> dict[str, Any]:
    event = {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {token}",
        "methodArn": f"{API}/GET/tenants/acme/orders",
    }
    return auth(event, None)


def test_fetched_once_then_cached_until_the_ttl(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign
) -> None:
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    for _ in range(50):
        assert call(auth, sign())["context"]["tenantId"] == "acme"
    assert jwks_server.hits == 1
    clock.now += 599
    call(auth, sign("ES256", kid="ec-1"))
    assert jwks_server.hits == 1
    clock.now += 2  # past the TTL
    call(auth, sign())
    assert jwks_server.hits == 2


def test_rotation_new_kid_triggers_one_refetch(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign, keys: Keys
) -> None:
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    call(auth, sign())
    assert jwks_server.hits == 1
    # the identity provider rotates: a new key appears in its JWKS
    jwks_server.document = {"keys": [*keys.jwks()["keys"], Keys.jwk(keys.rsa2, "rsa-2", "RS256")]}
    clock.now += 60
    for _ in range(20):
        assert call(auth, sign(kid="rsa-2", key=keys.rsa2))["context"]["tenantId"] == "acme"
    assert jwks_server.hits == 2  # one refetch, not one per request
    assert auth.jwks.stats.unknown_kid_refetches == 1


def test_unknown_kids_cannot_flood_the_identity_provider(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign
) -> None:
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    call(auth, sign())
    clock.now += 60
    for i in range(100):
        with pytest.raises(Unauthorized):
            call(auth, sign(kid=f"random-{i}"))
    assert jwks_server.hits == 2  # the first refetch, then rate-limited
    clock.now += 31
    with pytest.raises(Unauthorized):
        call(auth, sign(kid="random-again"))
    assert jwks_server.hits == 3


def test_concurrent_first_requests_fetch_once(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign
) -> None:
    auth = build(catalog, jwks_server.url, Clock())
    token = sign()
    results: list[str] = []
    barrier = threading.Barrier(16)

    def worker() -> None:
        barrier.wait()
        results.append(call(auth, token)["context"]["tenantId"])

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["acme"] * 16
    assert jwks_server.hits == 1


def test_failed_refresh_keeps_the_keys_failed_first_fetch_refuses(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign
) -> None:
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    call(auth, sign())
    jwks_server.fail = True
    clock.now += 700  # stale: the refresh fails, the old keys serve
    assert call(auth, sign())["context"]["tenantId"] == "acme"
    assert auth.jwks.stats.fetch_errors == 1
    fresh = build(catalog, jwks_server.url, Clock())
    with pytest.raises(Unauthorized) as info:
        call(fresh, sign())
    assert "cannot fetch the JWKS" in info.value.reason


def test_unreachable_server_and_bad_locations() -> None:
    cache = JwksCache(url="http://127.0.0.1:9/jwks.json", timeout_seconds=0.5)
    with pytest.raises(JwksUnavailable):
        cache.key("k")
    for url in ("http://idp.example.com/jwks.json", "ftp://x/jwks", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="https"):
            JwksCache(url=url)
