"""Keys, signed tokens and a JWKS server on 127.0.0.1 for the authorizer tests."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from policy_engine.catalog import Catalog

NOW = 1_900_000_000.0  # the authorizers' clock in these tests


class Keys:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.rsa2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @staticmethod
    def jwk(private: Any, kid: str, alg: str) -> dict[str, Any]:
        algo = (
            jwt.algorithms.RSAAlgorithm if alg[:2] in ("RS", "PS") else jwt.algorithms.ECAlgorithm
        )
        out: dict[str, Any] = json.loads(algo.to_jwk(private.public_key()))
        out.update(kid=kid, alg=alg, use="sig")
        return out

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk(self.rsa, "rsa-1", "RS256"), self.jwk(self.ec, "ec-1", "ES256")]}

    def public_pem(self) -> bytes:
        return self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def claims_for(
    catalog: Catalog, changes: dict[str, Any] | None = None, drop: tuple[str, ...] = ()
) -> dict[str, Any]:
    spec = catalog.authorizer
    assert spec is not None
    claims: dict[str, Any] = {
        "iss": spec.issuer,
        "aud": spec.audience[0],
        "sub": "user-123",
        "token_use": "id",
        "iat": int(NOW) - 60,
        "exp": int(NOW) + 600,
        "custom:tenantId": "acme",
        "custom:tier": "basic",
    }
    claims.update(changes or {})
    for name in drop:
        claims.pop(name, None)
    return claims


Sign = Callable[..., str]


def make_signer(keys: Keys, catalog: Catalog) -> Sign:
    """``sign(alg, kid, key, changes, drop)``: a token over :func:`claims_for`."""

    def _sign(
        alg: str = "RS256",
        kid: str | None = "rsa-1",
        key: Any = None,
        changes: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
    ) -> str:
        private = (
            key if key is not None else (keys.rsa if alg.startswith(("RS", "PS")) else keys.ec)
        )
        headers = {"kid": kid} if kid is not None else {}
        claims = claims_for(catalog, changes, drop)
        token: str = jwt.encode(claims, private, algorithm=alg, headers=headers)
        return token

    return _sign


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(claims: dict[str, Any]) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}."


def hmac_token(claims: dict[str, Any], secret: bytes, kid: str = "rsa-1") -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(mac)}"


def signed_raw(header: dict[str, Any], payload: str, key: Any) -> str:
    """An RS256 token over a payload given as JSON text (so it can hold what
    ``json.dumps`` would not write, or write differently: ``NaN``, ``Infinity``)."""
    head = b64(json.dumps(header).encode())
    body = b64(payload.encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def forged(header: dict[str, Any] | bytes, payload: bytes = b"{}", signature: bytes = b"") -> str:
    """A token with any header (a dict, or raw bytes), payload and signature bytes."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return f"{b64(raw)}.{b64(payload)}.{b64(signature)}"


class JwksServer:
    """Serves ``self.document`` at /jwks.json; counts the fetches.

    ``mode`` picks the behaviour: ``ok``, ``fail`` (503), ``garbage`` (200, not JSON),
    ``nested`` (200, deeply nested JSON arrays), ``redirect`` (302 to a path that
    serves the document), ``drip`` (the good answer one byte per ``drip_interval``
    seconds, for at most ``drip_limit`` seconds)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.hits = 0
        self.fail = False
        self.mode = "ok"
        self.drip_interval = 0.25
        self.drip_limit = 10.0
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/moved/jwks.json":  # a redirect's target: not a fetch
                    self._send(200, json.dumps(server.document).encode())
                    return
                server.hits += 1
                mode = "fail" if server.fail else server.mode
                if mode == "fail" or self.path != "/jwks.json":
                    self._send(503 if mode == "fail" else 404, b"")
                elif mode == "garbage":
                    self._send(200, b"<html>not json</html>")
                elif mode == "nested":
                    self._send(200, b"[" * 100_000 + b"]" * 100_000)
                elif mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "/moved/jwks.json")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif mode == "drip":
                    self._drip(json.dumps(server.document).encode())
                else:
                    self._send(200, json.dumps(server.document).encode())

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self, body: bytes) -> None:
                head = (
                    "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                ends = time.monotonic() + server.drip_limit
                for i in range(len(head + body)):
                    if server.stopping.is_set() or time.monotonic() > ends:
                        return
                    try:
                        self.wfile.write((head + body)[i : i + 1])
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(server.drip_interval)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> JwksServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@functools.cache
def weak_keys() -> dict[str, Any]:
    """RSA keys the authorizer must refuse: 1,024 bits, and public exponent 3."""
    return {
        "rsa-1024": rsa.generate_private_key(public_exponent=65537, key_size=1024),
        "rsa-e3": rsa.generate_private_key(public_exponent=3, key_size=2048),
    }
