"""Keys, signed tokens and a JWKS server on 127.0.0.1 for the authorizer tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

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


class JwksServer:
    """Serves ``self.document`` at /jwks.json; counts the fetches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.hits = 0
        self.fail = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                if server.fail or self.path != "/jwks.json":
                    self.send_response(503 if server.fail else 404)
                    self.end_headers()
                    return
                body = json.dumps(server.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> JwksServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
