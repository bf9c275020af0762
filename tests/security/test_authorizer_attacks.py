"""The attacks the API Gateway authorizer refuses, in one table.

Each row is a hostile input (the ``Authorization`` header, the token in it, or the
state of the identity provider's JWKS) and what the authorizer must answer: 401
(``Unauthorized`` for REST APIs, ``isAuthorized: false`` for HTTP APIs) when the token
does not verify, a Deny (403) when a verified token names no valid tenant or tier.
Every row also bounds how many times the JWKS may be fetched over 20 identical
requests: a token that fails the cheap structural checks never causes a fetch, and a
broken identity provider is asked once, not once per request.

The legitimate rows at the end must still pass, so that none of the refusals is
vacuous. No row touches the network: the JWKS comes from an injected fetch function.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("jwt")

from authorizer.jwt_helpers import (
    NOW,
    Keys,
    b64,
    claims_for,
    forged,
    hmac_token,
    signed_raw,
    unsigned_token,
    weak_keys,
)

from policy_engine._jwks import JwksCache
from policy_engine.authorizer import Authorizer, Unauthorized, make_authorizer
from policy_engine.catalog import default_catalog

# some rows sign with weak keys on purpose (the JWKS must skip them)
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
CATALOG = default_catalog()
KEYS = Keys()
WEAK = weak_keys()
API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"
ROUTE = f"{API}/GET/tenants/acme/orders"
SIG = b"s" * 256  # the length of an RS256 signature by a 2,048-bit key


def good_jwks() -> dict[str, Any]:
    """The identity provider's keys, with two weak keys it should not publish."""
    weak = [Keys.jwk(key, kid, "RS256") for kid, key in WEAK.items()]
    return {"keys": [*KEYS.jwks()["keys"], *weak]}


JWKS_STATES: dict[str, Callable[[], bytes]] = {
    "keys": lambda: json.dumps(good_jwks()).encode(),
    "down": lambda: (_ for _ in ()).throw(OSError("connection refused")),
    "timeout": lambda: (_ for _ in ()).throw(TimeoutError("no complete answer within 2 s")),
    "garbage": lambda: b"<html>502 Bad Gateway</html>",
    "nested": lambda: b"[" * 200_000,
    "no-keys-list": lambda: b'{"keys": {}}',
    "no-signing-keys": lambda: json.dumps(
        {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "rsa-1"}]}
    ).encode(),
    "weak-only": lambda: json.dumps(
        {"keys": [Keys.jwk(key, "rsa-1", "RS256") for key in WEAK.values()]}
    ).encode(),
    "private-keys": lambda: json.dumps({"keys": [private_jwk()]}).encode(),
}


def private_jwk() -> dict[str, Any]:
    import jwt

    out: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEYS.rsa))
    out.update(kid="rsa-1", alg="RS256", use="sig")
    return out


def sign(
    changes: dict[str, Any] | None = None,
    *,
    alg: str = "RS256",
    kid: str | None = "rsa-1",
    key: Any = None,
    headers: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
) -> str:
    import jwt

    private = key if key is not None else (KEYS.ec if alg.startswith("ES") else KEYS.rsa)
    head: dict[str, Any] = {"kid": kid} if kid is not None else {}
    head.update(headers or {})
    token: str = jwt.encode(claims_for(CATALOG, changes, drop), private, alg, headers=head)
    return token


def raw_date(claim: str, literal: str) -> str:
    claims = claims_for(CATALOG, {claim: "__date__"})
    payload = json.dumps(claims).replace('"__date__"', literal)
    return signed_raw({"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}, payload, KEYS.rsa)


def tampered() -> str:
    head, _, signature = sign().split(".")
    body = b64(json.dumps(claims_for(CATALOG, {"custom:tenantId": "globex"})).encode())
    return f"{head}.{body}.{signature}"


def bearer(make: Callable[[], str]) -> Callable[[], str | None]:
    return lambda: f"Bearer {make()}"


@dataclass(frozen=True)
class Case:
    id: str
    header: Callable[[], str | None]  # the Authorization header (None: absent)
    expect: str  # "401", "403" or "allow"
    jwks: str = "keys"
    max_fetches: int = 1  # over the 20 requests of a row


def case(id: str, make: Callable[[], str], expect: str = "401", **kw: Any) -> Case:
    return Case(id, bearer(make), expect, **kw)


NO_FETCH = {"max_fetches": 0}
HOSTILE: list[Case] = [
    # -- the header itself
    Case("no-header", lambda: None, "401", **NO_FETCH),
    Case("empty-header", lambda: "", "401", **NO_FETCH),
    Case("basic-scheme", lambda: "Basic dXNlcjpwYXNz", "401", **NO_FETCH),
    Case("bearer-without-token", lambda: "Bearer ", "401", **NO_FETCH),
    Case("two-tokens", lambda: f"Bearer {sign()} {sign()}", "401", **NO_FETCH),
    Case("header-of-1-mib", lambda: "Bearer " + "A" * (1 << 20), "401", **NO_FETCH),
    case("token-of-8-kib-plus-1", lambda: sign({"pad": "x" * 8000}), **NO_FETCH),
    # -- the token's structure
    case("not-three-segments", lambda: "a.b", **NO_FETCH),
    case("four-segments", lambda: sign() + ".x", **NO_FETCH),
    case("empty-signature", lambda: sign().rsplit(".", 1)[0] + ".", **NO_FETCH),
    case("padded-base64", lambda: sign().replace(".", "=.", 1), **NO_FETCH),
    case("not-base64url", lambda: sign().replace(".", "!.", 1), **NO_FETCH),
    case("header-not-json", lambda: forged(b"not json", b"{}", SIG), **NO_FETCH),
    case("header-a-json-array", lambda: forged(b'["RS256"]', b"{}", SIG), **NO_FETCH),
    case("header-nested-3-kb", lambda: forged(b"[" * 2200, b"{}", SIG), **NO_FETCH),
    case("header-over-1-kib", lambda: sign(headers={"x5c": ["A" * 1200]}), **NO_FETCH),
    case("header-invalid-utf8", lambda: forged(b'{"alg":"RS256\xff"}', b"{}", SIG), **NO_FETCH),
    case("short-rs256-signature", lambda: forged({"alg": "RS256"}, b"{}", b"s" * 64), **NO_FETCH),
    case("es256-signature-length", lambda: forged({"alg": "ES256"}, b"{}", SIG), **NO_FETCH),
    # -- the algorithm and the key id
    case("alg-none", lambda: unsigned_token(claims_for(CATALOG)), **NO_FETCH),
    case("alg-none-with-signature", lambda: forged({"alg": "none"}, b"{}", SIG), **NO_FETCH),
    case("alg-hs256-public-key", lambda: hmac_token(claims_for(CATALOG), KEYS.public_pem())),
    case("alg-missing", lambda: forged({"kid": "rsa-1"}, b"{}", SIG), **NO_FETCH),
    case("alg-not-a-string", lambda: forged({"alg": ["RS256"]}, b"{}", SIG), **NO_FETCH),
    case("alg-100-kb", lambda: forged({"alg": "A" * 100_000}, b"{}", SIG), **NO_FETCH),
    case("alg-lowercase", lambda: forged({"alg": "rs256"}, b"{}", SIG), **NO_FETCH),
    case("kid-not-a-string", lambda: forged({"alg": "RS256", "kid": 1}, b"{}", SIG), **NO_FETCH),
    case("kid-empty", lambda: forged({"alg": "RS256", "kid": ""}, b"{}", SIG), **NO_FETCH),
    case("kid-newline", lambda: forged({"alg": "RS256", "kid": "a\nb"}, b"{}", SIG), **NO_FETCH),
    case("kid-5-kb", lambda: forged({"alg": "RS256", "kid": "k" * 5000}, b"{}", SIG), **NO_FETCH),
    case("crit-header", lambda: sign(headers={"crit": ["exp"], "exp": 1}), **NO_FETCH),
    case("b64-false", lambda: sign(headers={"crit": ["b64"], "b64": False}), **NO_FETCH),
    case("unknown-kid", lambda: sign(kid="nope")),
    case("es256-header-rsa-kid", lambda: sign(alg="ES256", kid="rsa-1")),
    case("rs256-header-ec-kid", lambda: forged({"alg": "RS256", "kid": "ec-1"}, b"{}", SIG)),
    case("signed-by-another-key", lambda: sign(key=KEYS.rsa2)),
    case("tampered-payload", tampered),
    # -- weak keys in the JWKS: skipped, so their tokens find no key
    case("signed-by-1024-bit-key", lambda: sign(kid="rsa-1024", key=WEAK["rsa-1024"])),
    case("signed-by-exponent-3-key", lambda: sign(kid="rsa-e3", key=WEAK["rsa-e3"])),
    # -- claims and dates
    case("expired", lambda: sign({"exp": int(NOW) - 3600})),
    case("exp-missing", lambda: sign(drop=("exp",))),
    case("nbf-in-the-future", lambda: sign({"nbf": int(NOW) + 3600})),
    case("iat-in-the-future", lambda: sign({"iat": int(NOW) + 3600})),
    case("exp-nan", lambda: raw_date("exp", "NaN")),
    case("exp-infinity", lambda: raw_date("exp", "Infinity")),
    case("exp-1e999", lambda: raw_date("exp", "1e999")),
    case("nbf-nan", lambda: raw_date("nbf", "NaN")),
    case("nbf-minus-infinity", lambda: raw_date("nbf", "-Infinity")),
    case("iat-nan", lambda: raw_date("iat", "NaN")),
    case("exp-a-string", lambda: sign({"exp": str(int(NOW) + 600)})),
    case("exp-true", lambda: sign({"exp": True})),
    case("nbf-null", lambda: raw_date("nbf", "null")),
    case("wrong-issuer", lambda: sign({"iss": "https://evil.example.com"})),
    case("wrong-audience", lambda: sign({"aud": "another-app"})),
    case("wrong-token-use", lambda: sign({"token_use": "access"})),
    case("tenant-wildcard", lambda: sign({"custom:tenantId": "*"}), "403"),
    case("tenant-variable", lambda: sign({"custom:tenantId": "${aws:username}"}), "403"),
    case("tenant-missing", lambda: sign(drop=("custom:tenantId",)), "403"),
    case("tier-unknown", lambda: sign({"custom:tier": "platinum"}), "403"),
    case("tier-with-newlines", lambda: sign({"custom:tier": "basic\nallow" * 50}), "403"),
    # -- the JWKS: every broken state refuses, and is fetched once for 20 requests
    *(case(f"jwks-{state}", sign, jwks=state) for state in JWKS_STATES if state != "keys"),
]

LEGITIMATE: list[Case] = [
    case("rs256", sign, "allow"),
    case("es256", lambda: sign(alg="ES256", kid="ec-1"), "allow"),
    Case("lowercase-bearer", lambda: f"bearer {sign()}", "allow"),
    Case("surrounding-spaces", lambda: f"  Bearer {sign()}  ", "allow"),
    case("float-dates", lambda: sign({"exp": NOW + 600.5, "iat": NOW - 0.5}), "allow"),
    case("within-leeway", lambda: sign({"exp": int(NOW) - 10, "nbf": int(NOW) + 10}), "allow"),
    case("extra-header-fields", lambda: sign(headers={"typ": "JWT", "cty": "x"}), "allow"),
    case("premium-tier", lambda: sign({"custom:tier": "premium"}), "allow"),
    case("token-near-8-kib", lambda: sign({"pad": "x" * 5000}), "allow"),
]


def build(jwks: str, fetches: list[str]) -> Authorizer:
    def fetch(url: str, timeout: float) -> bytes:
        fetches.append(url)
        return JWKS_STATES[jwks]()

    cache = JwksCache(
        url="https://idp.example.test/.well-known/jwks.json", fetch=fetch, clock=lambda: 1000.0
    )
    return make_authorizer(CATALOG, jwks=cache, api_keys={}, clock=lambda: NOW)


def events(header: str | None) -> dict[str, dict[str, Any]]:
    headers = {} if header is None else {"Authorization": header}
    token: dict[str, Any] = {"type": "TOKEN", "methodArn": ROUTE}
    if header is not None:
        token["authorizationToken"] = header
    return {
        "rest-token": token,
        "rest-request": {"type": "REQUEST", "methodArn": ROUTE, "headers": headers},
        "http-v2": {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": ROUTE,
            "headers": {k.lower(): v for k, v in headers.items()},
        },
    }


def outcome(auth: Authorizer, kind: str, event: dict[str, Any]) -> str:
    refusal: Unauthorized | None = None
    try:
        response = auth(event, None)
    except Unauthorized as exc:
        refusal = exc
    if refusal is not None:
        assert str(refusal) == "Unauthorized", "API Gateway maps exactly this message to 401"
        assert refusal.reason.isprintable(), refusal.reason
        assert len(refusal.reason) <= 300, refusal.reason
        return "401"
    if kind == "http-v2":
        if response["isAuthorized"]:
            return "allow"
        return "403" if response["context"] == {} else "denied-route"
    statement = response["policyDocument"]["Statement"][0]
    return "403" if statement["Effect"] == "Deny" else "allow"


@pytest.mark.parametrize("kind", ["rest-token", "rest-request", "http-v2"])
@pytest.mark.parametrize("row", HOSTILE + LEGITIMATE, ids=lambda c: c.id)
def test_attack_table(row: Case, kind: str) -> None:
    fetches: list[str] = []
    auth = build(row.jwks, fetches)
    header = row.header()
    expected = row.expect
    if kind == "http-v2" and expected == "401":
        expected = "403"  # HTTP APIs get isAuthorized: false for both kinds of refusal
    for _ in range(20):
        assert outcome(auth, kind, events(header)[kind]) == expected, row.id
    assert len(fetches) <= row.max_fetches, (row.id, len(fetches))


def test_the_table_covers_both_sides() -> None:
    ids = [c.id for c in HOSTILE + LEGITIMATE]
    assert len(ids) == len(set(ids))
    assert {c.expect for c in HOSTILE} == {"401", "403"}
    assert {c.expect for c in LEGITIMATE} == {"allow"}
    assert {c.jwks for c in HOSTILE} == set(JWKS_STATES)
