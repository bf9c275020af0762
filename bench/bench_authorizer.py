"""Authorizer decision time with a cached JWKS (``python -m bench.run authorizer``).

Peers in the same run: PyJWT's own ``jwt.decode`` of the same token with the key in
hand (the signature check every authorizer pays), and a naive authorizer that
decodes, then renders the route template with Jinja2 and parses it per request.
Tokens are distinct per call (one tenant each), as in production.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench._harness import Result, benchmark, median_us

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"


def _tokens(private: Any, alg: str, kid: str, issuer: str, audience: str, n: int) -> list[str]:
    import jwt

    now = int(time.time())
    return [
        jwt.encode(
            {
                "iss": issuer,
                "aud": audience,
                "sub": f"user-{i}",
                "token_use": "id",
                "iat": now,
                "exp": now + 3600,
                "custom:tenantId": f"tenant-{i % 200:03d}",
                "custom:tier": ("basic", "standard", "premium")[i % 3],
            },
            private,
            algorithm=alg,
            headers={"kid": kid},
        )
        for i in range(n)
    ]


@benchmark("authorizer")
def authorizer_bench() -> list[Result]:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from jinja2 import Environment

    from policy_engine.authorizer import make_authorizer
    from policy_engine.catalog import default_catalog

    catalog = default_catalog()
    spec = catalog.authorizer
    assert spec is not None
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": [
            {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key())),
             "kid": "r", "alg": "RS256", "use": "sig"},
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key())),
             "kid": "e", "alg": "ES256", "use": "sig"},
        ]
    }  # fmt: skip
    auth = make_authorizer(catalog, jwks=jwks, api_keys={"basic": "k1", "standard": "k2"})
    template = (catalog.root / "api/routes.json.j2").read_text(encoding="utf-8")
    naive_env = Environment(autoescape=False)
    naive_template = naive_env.from_string(template)
    results = []
    for alg, key, kid in (("RS256", rsa_key, "r"), ("ES256", ec_key, "e")):
        tokens = _tokens(key, alg, kid, spec.issuer, spec.audience[0], 6000)
        feed = iter(tokens)

        def decide(feed: Any = feed) -> object:
            token = next(feed)
            return auth({"type": "TOKEN", "authorizationToken": f"Bearer {token}",
                         "methodArn": f"{API}/GET/products"})  # fmt: skip

        ours = median_us(decide, batch=100, batches=15)
        public = key.public_key()
        bare_feed = iter(tokens[2000:])
        bare = median_us(
            lambda public=public, bare_feed=bare_feed, alg=alg: jwt.decode(
                next(bare_feed), public, algorithms=[alg], audience=spec.audience[0],
                issuer=spec.issuer,
            ),
            batch=100,
            batches=15,
        )  # fmt: skip
        naive_feed = iter(tokens[4000:])

        def naive(public: Any = public, naive_feed: Any = naive_feed, alg: str = alg) -> object:
            claims = jwt.decode(
                next(naive_feed), public, algorithms=[alg], audience=spec.audience[0],
                issuer=spec.issuer,
            )  # fmt: skip
            text = naive_template.render(
                **catalog.constants, tenant=claims["custom:tenantId"], tier=claims["custom:tier"]
            )
            return json.loads(text)

        naive_us = median_us(naive, batch=100, batches=15)
        results.append(
            Result(
                f"authorizer decision, {alg}, cached JWKS",
                ours,
                "us",
                "<= 300 us",
                "PyJWT decode alone",
                bare,
            )
        )
        results.append(
            Result(
                f"authorizer decision, {alg}, cached JWKS",
                ours,
                "us",
                "",
                "naive (decode + Jinja render + parse)",
                naive_us,
            )
        )
    return results
