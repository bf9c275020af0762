"""The JWKS cache against a real HTTP server on 127.0.0.1: fetch, TTL, rotation,
rate-limited refetches for unknown kids, failures."""

from __future__ import annotations

import logging
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


# -- refetch policy in every state (issue 17, item 3) -----------------------------------------


@pytest.mark.parametrize("mode", ["fail", "garbage", "nested", "no-signing-keys", "redirect"])
def test_a_failed_first_fetch_backs_off_instead_of_fetching_per_request(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign, keys: Keys, mode: str
) -> None:
    if mode == "no-signing-keys":
        jwks_server.document = {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "rsa-1"}]}
    else:
        jwks_server.mode = mode
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    for _ in range(50):
        with pytest.raises(Unauthorized):
            call(auth, sign())
    assert jwks_server.hits == 1  # one fetch, then the failure backs off
    # the backoff doubles from 1 s per consecutive failure, capped at the refetch interval
    expected_hits = 1
    for wait in (1, 2, 4, 8, 16, 30, 30):
        clock.now += wait - 0.5
        with pytest.raises(Unauthorized):
            call(auth, sign())
        assert jwks_server.hits == expected_hits
        clock.now += 0.5
        with pytest.raises(Unauthorized):
            call(auth, sign())
        expected_hits += 1
        assert jwks_server.hits == expected_hits
    # the identity provider recovers: the next attempt after the backoff succeeds
    jwks_server.mode = "ok"
    jwks_server.document = keys.jwks()
    clock.now += 30
    assert call(auth, sign())["context"]["tenantId"] == "acme"
    assert jwks_server.hits == expected_hits + 1


def test_a_refused_empty_cache_names_the_last_error_and_the_wait(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign
) -> None:
    jwks_server.fail = True
    auth = build(catalog, jwks_server.url, Clock())
    with pytest.raises(Unauthorized) as first:
        call(auth, sign())
    assert "cannot fetch the JWKS" in first.value.reason
    assert "503" in first.value.reason
    with pytest.raises(Unauthorized) as second:
        call(auth, sign())
    assert "next fetch" in second.value.reason
    assert "503" in second.value.reason


def test_tokens_that_fail_cheap_checks_never_fetch(
    jwks_server: JwksServer, catalog: Catalog, sign: Sign, keys: Keys
) -> None:
    from .jwt_helpers import b64, forged, hmac_token, unsigned_token
    from .jwt_helpers import claims_for as claims

    auth = build(catalog, jwks_server.url, Clock())
    good = sign()
    head, body, signature = good.split(".")
    hostile = [
        "x.y.z",
        f"{head}.{body}",
        f"{head}.{body}.{signature}.x",
        f"{head}.{body}.",
        f"{head}=.{body}.{signature}",
        f"{head}.{body}.{signature[:-40]}",  # an RS256 signature shorter than 2,048 bits
        f"{head}.{body}!.{signature}",
        unsigned_token(claims(catalog)),
        hmac_token(claims(catalog), keys.public_pem()),
        forged({"alg": "RS256", "kid": "rsa-1"}, b"{}", b"short"),
        forged({"alg": "ES256", "kid": "ec-1"}, b"{}", b"s" * 65),  # ES256 is 64 bytes
        forged({"alg": "RS256", "kid": "a\nb"}, b"{}", b"s" * 256),
        forged({"alg": "RS256", "kid": ""}, b"{}", b"s" * 256),
        forged({"alg": "RS256", "kid": "k" * 257}, b"{}", b"s" * 256),
        forged({"alg": "RS256", "kid": 7}, b"{}", b"s" * 256),
        forged({"alg": "RS256", "kid": "rsa-1", "crit": ["exp"]}, b"{}", b"s" * 256),
        forged({"alg": "RS256", "kid": "rsa-1", "x5c": ["A" * 2000]}, b"{}", b"s" * 256),
        forged(b"[" * 3000, b"{}", b"s" * 256),
        f"{b64(b'{}')}.{body}.{signature}",
        "A" * 9000,
    ]
    for token in hostile:
        with pytest.raises(Unauthorized):
            call(auth, token)
    assert jwks_server.hits == 0


def test_slow_drip_server_is_cut_at_the_total_deadline(jwks_server: JwksServer) -> None:
    import time

    jwks_server.mode = "drip"  # one byte every 0.25 s: each read is quick, the whole is not
    cache = JwksCache(url=jwks_server.url, timeout_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(JwksUnavailable, match=r"within 1 s"):
        cache.key("rsa-1")
    assert time.monotonic() - started < 5  # generous: the deadline is 1 s
    assert cache.stats.fetch_errors == 1


def test_redirects_are_not_followed(jwks_server: JwksServer) -> None:
    jwks_server.mode = "redirect"
    cache = JwksCache(url=jwks_server.url)
    with pytest.raises(JwksUnavailable, match=r"302.*redirects are not followed"):
        cache.key("rsa-1")


def test_a_total_deadline_is_what_the_fetch_is_given(catalog: Catalog, keys: Keys) -> None:
    import json

    seen: list[float] = []

    def fetch(url: str, timeout: float) -> bytes:
        seen.append(timeout)
        return json.dumps(keys.jwks()).encode()

    cache = JwksCache(url="https://idp.example.test/jwks.json", timeout_seconds=1.5, fetch=fetch)
    assert cache.key("rsa-1").kty == "RSA"
    assert seen == [1.5]


# -- key strength (issue 17, item 3) ----------------------------------------------------------


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # signs with them
def test_weak_rsa_keys_are_skipped_with_a_logged_reason_and_their_tokens_refused(
    jwks_server: JwksServer,
    catalog: Catalog,
    sign: Sign,
    keys: Keys,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from .jwt_helpers import weak_keys

    weak = weak_keys()
    jwks_server.document = {
        "keys": [*keys.jwks()["keys"], *(Keys.jwk(k, kid, "RS256") for kid, k in weak.items())]
    }
    caplog.set_level(logging.WARNING, logger="policy_engine.authorizer")
    clock = Clock()
    auth = build(catalog, jwks_server.url, clock)
    assert call(auth, sign())["context"]["tenantId"] == "acme"
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "`rsa-1024`" in messages
    assert "1024 bits" in messages
    assert "2048" in messages
    assert "`rsa-e3`" in messages
    assert "exponent 3" in messages
    with pytest.raises(Unauthorized) as info:
        call(auth, sign(kid="rsa-e3", key=weak["rsa-e3"]))
    assert "no key with kid `rsa-e3`" in info.value.reason
    with pytest.raises(Unauthorized) as info:  # refused on its signature's size already
        call(auth, sign(kid="rsa-1024", key=weak["rsa-1024"]))
    assert "signature has 256 to 2048 bytes, this one 128" in info.value.reason


def test_a_jwks_of_weak_keys_only_is_unusable(catalog: Catalog) -> None:
    from policy_engine.authorizer import AuthorizerConfigError

    from .jwt_helpers import weak_keys

    document = {"keys": [Keys.jwk(k, kid, "RS256") for kid, k in weak_keys().items()]}
    with pytest.raises(AuthorizerConfigError, match="no RSA or EC signing key that may be used"):
        make_authorizer(catalog, jwks=document, api_keys={})


def test_https_fetch_verifies_the_certificate_and_keeps_the_deadline(
    keys: Keys, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TLS path of the fetch, against a local server whose certificate a test CA
    signed: trusted, it serves; untrusted, the fetch fails; dripping, the deadline
    holds across the handshake and the reads."""
    import datetime
    import ipaddress
    import ssl
    import time

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with JwksServer(keys.jwks()) as server:
        served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        served.load_cert_chain(cert_file, key_file)
        server.httpd.socket = served.wrap_socket(server.httpd.socket, server_side=True)
        url = server.url.replace("http://", "https://")
        untrusted = JwksCache(url=url, timeout_seconds=2.0)
        with pytest.raises(JwksUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted.key("rsa-1")
        default = ssl.create_default_context
        monkeypatch.setattr(ssl, "create_default_context", lambda: default(cafile=cert_file))
        assert JwksCache(url=url, timeout_seconds=2.0).key("rsa-1").kty == "RSA"
        server.mode = "drip"
        dripping = JwksCache(url=url, timeout_seconds=1.0)
        started = time.monotonic()
        with pytest.raises(JwksUnavailable, match=r"within 1 s"):
            dripping.key("rsa-1")
        assert time.monotonic() - started < 5  # generous: the deadline is 1 s
