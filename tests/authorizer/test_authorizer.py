"""The authorizer handler: verification, claims, responses, refusals and logs."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

import pytest

from policy_engine.authorizer import (
    Authorizer,
    AuthorizerConfigError,
    Unauthorized,
    event_kind,
    make_authorizer,
)
from policy_engine.catalog import Catalog
from policy_engine.render import Renderer

from .jwt_helpers import NOW, Keys, Sign, claims_for, hmac_token, unsigned_token

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"
KEYS = {"basic": "key-basic-0123456789", "standard": "key-std-0123456789", "premium": "key-p"}


@pytest.fixture
def authorizer(keys: Keys, catalog: Catalog) -> Authorizer:
    return make_authorizer(catalog, jwks=keys.jwks(), api_keys=KEYS, clock=lambda: NOW)


def token_event(token: str, route: str = f"{API}/GET/tenants/acme/orders") -> dict[str, Any]:
    return {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": route}


def request_event(token: str, route: str = f"{API}/GET/tenants/acme/orders") -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": route,
        "headers": {"Authorization": f"Bearer {token}", "Host": "api.example.com"},
        "httpMethod": "GET",
        "path": "/tenants/acme/orders",
    }


def http_event(token: str, route: str = f"{API}/GET/tenants/acme/orders") -> dict[str, Any]:
    return {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route,
        "identitySource": [f"Bearer {token}"],
        "headers": {"authorization": f"Bearer {token}"},
        "routeKey": "GET /tenants/{tenant}/orders",
    }


# -- accepted -------------------------------------------------------------------------


def test_rest_token_authorizer_returns_the_tier_policy_context_and_usage_key(
    authorizer: Authorizer, sign: Sign, catalog: Catalog
) -> None:
    response = authorizer(token_event(sign()), None)
    assert response["principalId"] == "user-123"
    expected = Renderer(catalog).render_api("acme", "basic")
    from policy_engine.model import policy_to_obj

    document = response["policyDocument"]
    *routes, odd_paths = document["Statement"]
    assert {**document, "Statement": routes} == policy_to_obj(expected)
    # and the paths a proxy may read as another tenant's are denied (round 9)
    assert (odd_paths["Effect"], odd_paths["Sid"]) == ("Deny", "PolicyEngineUnnormalisedPaths")
    assert response["context"] == {"tenantId": "acme", "tier": "basic"}
    assert response["usageIdentifierKey"] == KEYS["basic"]


def test_es256_and_rest_request_authorizer(authorizer: Authorizer, sign: Sign) -> None:
    token = sign("ES256", kid="ec-1", changes={"custom:tier": "premium"})
    response = authorizer(request_event(token), None)
    assert response["context"] == {"tenantId": "acme", "tier": "premium"}
    assert response["usageIdentifierKey"] == KEYS["premium"]


def test_http_api_simple_response_decides_on_the_route(authorizer: Authorizer, sign: Sign) -> None:
    token = sign()
    own = authorizer(http_event(token), None)
    assert own == {"isAuthorized": True, "context": {"tenantId": "acme", "tier": "basic"}}
    other = authorizer(http_event(token, f"{API}/GET/tenants/acme-corp/orders"), None)
    assert other["isAuthorized"] is False
    reports = authorizer(http_event(token, f"{API}/GET/tenants/acme/reports"), None)
    assert reports["isAuthorized"] is False  # a standard-tier route


def test_http_api_iam_response_has_the_policy_and_no_usage_key(
    keys: Keys, catalog: Catalog, sign: Sign
) -> None:
    auth = make_authorizer(
        catalog, jwks=keys.jwks(), api_keys=KEYS, clock=lambda: NOW, http_api_response="iam"
    )
    response = auth(http_event(sign()), None)
    assert response["policyDocument"]["Statement"][0]["Action"] == "execute-api:Invoke"
    assert "usageIdentifierKey" not in response
    assert response["context"] == {"tenantId": "acme", "tier": "basic"}


def test_event_kinds() -> None:
    assert event_kind({"type": "TOKEN"}) == "rest-token"
    assert event_kind({"type": "REQUEST", "methodArn": "arn:x"}) == "rest-request"
    assert event_kind({"version": "1.0", "type": "REQUEST"}) == "http-v1"
    assert event_kind({"version": "2.0", "type": "REQUEST"}) == "http-v2"


def test_leeway_accepts_small_skew(keys: Keys, catalog: Catalog, sign: Sign) -> None:
    auth = make_authorizer(catalog, jwks=keys.jwks(), api_keys=KEYS, clock=lambda: NOW)
    leeway = catalog.authorizer.leeway_seconds  # type: ignore[union-attr]
    late = sign(changes={"exp": int(NOW) - leeway + 5})
    early = sign(changes={"nbf": int(NOW) + leeway - 5, "iat": int(NOW) + leeway - 5})
    assert auth(token_event(late))["context"]["tenantId"] == "acme"
    assert auth(token_event(early))["context"]["tenantId"] == "acme"


# -- refused: the token (401 for REST) --------------------------------------------------


def refused(authorizer: Authorizer, token: str) -> str:
    with pytest.raises(Unauthorized) as info:
        authorizer(token_event(token), None)
    assert str(info.value) == "Unauthorized"  # the exact message API Gateway maps to 401
    return info.value.reason


def test_expired_token(authorizer: Authorizer, sign: Sign) -> None:
    assert "expired" in refused(authorizer, sign(changes={"exp": int(NOW) - 3600}))


def test_future_nbf(authorizer: Authorizer, sign: Sign) -> None:
    assert "nbf" in refused(authorizer, sign(changes={"nbf": int(NOW) + 3600}))


def test_missing_exp(authorizer: Authorizer, sign: Sign) -> None:
    assert "`exp`" in refused(authorizer, sign(drop=("exp",)))


def test_wrong_issuer(authorizer: Authorizer, sign: Sign) -> None:
    assert "issuer" in refused(authorizer, sign(changes={"iss": "https://evil.example.com"}))


@pytest.mark.parametrize(
    "iss",
    [
        "https://cognito-idp.eu-west-1.amazonaws.com/",  # a substring of the pinned issuer
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE/",
        "",
    ],
)
def test_issuer_is_compared_exactly_even_if_pyjwt_does_not(
    keys: Keys, catalog: Catalog, sign: Sign, iss: str
) -> None:
    """Defence in depth against a PyJWT whose issuer check is looser (2.10.0 accepted
    any substring of a string issuer, CVE-2024-53861): here a PyJWT that checks no
    issuer at all; the authorizer's own comparison still refuses."""
    import jwt

    class NoIssuerCheck:
        exceptions = jwt.exceptions

        @staticmethod
        def decode(token: str, **kwargs: Any) -> Any:
            kwargs["issuer"] = None
            return jwt.decode(token, **kwargs)

    auth = make_authorizer(catalog, jwks=keys.jwks(), api_keys=KEYS, clock=lambda: NOW)
    auth._jwt = NoIssuerCheck
    assert auth(token_event(sign()))["context"]["tenantId"] == "acme"  # the shim decodes
    assert refused(auth, sign(changes={"iss": iss})) == "token: wrong issuer"


def test_wrong_audience(authorizer: Authorizer, sign: Sign) -> None:
    assert "audience" in refused(authorizer, sign(changes={"aud": "another-app"}))


def test_alg_none(authorizer: Authorizer, catalog: Catalog) -> None:
    reason = refused(authorizer, unsigned_token(claims_for(catalog)))
    assert "algorithm `none` is not accepted" in reason


def test_hs256_signed_with_the_public_key(
    authorizer: Authorizer, keys: Keys, catalog: Catalog
) -> None:
    token = hmac_token(claims_for(catalog), keys.public_pem())
    assert "algorithm `HS256` is not accepted" in refused(authorizer, token)


def test_rs256_header_on_an_ec_key(authorizer: Authorizer, sign: Sign) -> None:
    token = sign("ES256", kid="rsa-1")  # signed by the EC key, names the RSA key
    assert "does not fit key" in refused(authorizer, token)


def test_unknown_kid(authorizer: Authorizer, sign: Sign) -> None:
    assert "no key with kid `nope`" in refused(authorizer, sign(kid="nope"))


def test_key_from_another_signer(authorizer: Authorizer, sign: Sign, keys: Keys) -> None:
    token = sign(key=keys.rsa2)  # claims to be rsa-1
    assert "signature" in refused(authorizer, token)


def test_tampered_payload(authorizer: Authorizer, sign: Sign, catalog: Catalog) -> None:
    from .jwt_helpers import b64

    header, _, signature = sign().split(".")
    forged = claims_for(catalog, {"custom:tenantId": "globex"})
    import json

    token = f"{header}.{b64(json.dumps(forged).encode())}.{signature}"
    assert "signature" in refused(authorizer, token)


def test_wrong_token_use(authorizer: Authorizer, sign: Sign) -> None:
    assert "token_use" in refused(authorizer, sign(changes={"token_use": "access"}))


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "bearer not-a-jwt", "x.y"],
)
def test_malformed_authorization_header(authorizer: Authorizer, header: str | None) -> None:
    event: dict[str, Any] = {"type": "TOKEN", "methodArn": f"{API}/GET/tenants/acme/orders"}
    if header is not None:
        event["authorizationToken"] = header
    with pytest.raises(Unauthorized) as info:
        authorizer(event, None)
    assert "token" in info.value.reason


def test_http_api_gets_a_deny_not_an_exception(authorizer: Authorizer, sign: Sign) -> None:
    response = authorizer(http_event(sign(changes={"exp": int(NOW) - 3600})), None)
    assert response == {"isAuthorized": False, "context": {}}


# -- refused: the claims (403: a Deny policy) ------------------------------------------


def denied(authorizer: Authorizer, token: str) -> dict[str, Any]:
    route = f"{API}/GET/tenants/acme/orders"
    response = authorizer(token_event(token, route), None)
    (statement,) = response["policyDocument"]["Statement"]
    assert statement == {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": route}
    assert response["context"] == {}
    assert "usageIdentifierKey" not in response
    return response


def test_missing_tenant_claim(authorizer: Authorizer, sign: Sign) -> None:
    denied(authorizer, sign(drop=("custom:tenantId",)))


@pytest.mark.parametrize(
    "hostile", ["*", "acme*", 'ac"me', "${aws:username}", "ACME", "acme/../globex", "", 7, ["acme"]]
)
def test_hostile_tenant_claim(authorizer: Authorizer, sign: Sign, hostile: Any) -> None:
    denied(authorizer, sign(changes={"custom:tenantId": hostile}))


def test_unknown_tier(authorizer: Authorizer, sign: Sign) -> None:
    denied(authorizer, sign(changes={"custom:tier": "platinum"}))


# -- logs ----------------------------------------------------------------------------------


def test_logs_name_the_reason_never_the_token(
    authorizer: Authorizer, sign: Sign, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="policy_engine.authorizer")
    tokens = [
        sign(),
        sign(changes={"exp": int(NOW) - 3600}),
        sign(changes={"custom:tenantId": "*"}),
        sign(kid="nope"),
    ]
    for token in tokens:
        with contextlib.suppress(Unauthorized):
            authorizer(token_event(token), None)
    reasons = [r.getMessage() for r in caplog.records]
    assert len(reasons) == 4
    assert any("allow" in r for r in reasons)
    assert any("expired" in r for r in reasons)
    everything = " ".join(reasons + [repr(vars(r)) for r in caplog.records])
    for token in tokens:
        for part in token.split("."):
            assert part not in everything


# -- configuration -------------------------------------------------------------------------


def test_usage_plan_keys_come_from_the_environment(keys: Keys, catalog: Catalog) -> None:
    env = {"SAAS_API_KEY_BASIC": "b", "SAAS_API_KEY_STANDARD": "s", "SAAS_API_KEY_PREMIUM": "p"}
    auth = make_authorizer(catalog, jwks=keys.jwks(), environ=env)
    assert auth.api_keys == {"basic": "b", "standard": "s", "premium": "p"}
    with pytest.raises(AuthorizerConfigError, match="SAAS_API_KEY_PREMIUM"):
        make_authorizer(catalog, jwks=keys.jwks(), environ={"SAAS_API_KEY_BASIC": "b"})


def test_configuration_errors(keys: Keys, catalog: Catalog, load: Any, edit: Any) -> None:
    with pytest.raises(AuthorizerConfigError, match="unknown tiers: gold"):
        make_authorizer(catalog, jwks=keys.jwks(), api_keys={"gold": "x"})
    with pytest.raises(AuthorizerConfigError, match="https"):
        make_authorizer(catalog, jwks_url="http://idp.example.com/jwks.json", api_keys={})
    with pytest.raises(AuthorizerConfigError, match="no RSA or EC signing key"):
        make_authorizer(catalog, jwks={"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}, api_keys={})
    root = edit("catalog.toml", "[authorizer]", "[authorizer_removed]")
    from policy_engine.errors import CatalogError

    with pytest.raises(CatalogError, match="unknown top-level key"):
        load(root)


def test_http_api_payload_1_0_gets_policy_responses(authorizer: Authorizer, sign: Sign) -> None:
    event = {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": f"{API}/GET/tenants/acme/orders",
        "headers": {"authorization": f"Bearer {sign()}"},
    }
    response = authorizer(event, None)
    assert response["context"] == {"tenantId": "acme", "tier": "basic"}
    assert "usageIdentifierKey" not in response
    event["headers"] = {"authorization": "Bearer not.a.token"}
    refused = authorizer(event, None)  # HTTP APIs get a Deny, not an exception
    assert refused["policyDocument"]["Statement"][0]["Effect"] == "Deny"


def test_services_read_the_context_the_authorizer_wrote(
    authorizer: Authorizer, sign: Sign, catalog: Catalog
) -> None:
    from policy_engine.lambda_ import tenant_context_from_event

    rest = authorizer(token_event(sign(changes={"custom:tier": "standard"})), None)
    proxy = {"requestContext": {"authorizer": {**rest["context"], "principalId": "user-123"}}}
    ctx = tenant_context_from_event(proxy, catalog=catalog)
    assert (ctx.tenant_id, ctx.tier) == ("acme", "standard")
    http = authorizer(http_event(sign()), None)
    proxy = {"requestContext": {"authorizer": {"lambda": http["context"]}}}
    ctx = tenant_context_from_event(proxy, catalog=catalog)
    assert (ctx.tenant_id, ctx.tier) == ("acme", "basic")


def test_jwks_from_a_file_in_the_catalogue(
    keys: Keys, sign: Sign, edit: Any, load: Any, tmp_path: Any
) -> None:
    import json

    root = edit(
        "catalog.toml",
        'jwks_url = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE/.well-known/jwks.json"',
        'jwks_file = "jwks.json"',
    )
    (root / "jwks.json").write_text(json.dumps(keys.jwks()), encoding="utf-8")
    auth = make_authorizer(load(root), api_keys={}, clock=lambda: NOW)
    assert auth(token_event(sign()), None)["context"]["tenantId"] == "acme"
    (root / "jwks.json").unlink()
    from policy_engine.errors import CatalogError

    with pytest.raises(CatalogError, match=r"JWKS file `jwks\.json` does not exist"):
        load(root)


# -- hostile input: sizes, nesting, errors of any kind (issue 17, item 2) -------------------

NESTED_HEADERS = {
    "nested-arrays": b"[" * 2200 + b"]" * 2200,  # ~3 kB once in base64url
    "nested-alg": b'{"alg": ' + b"[" * 1400 + b"]" * 1400 + b"}",
    "nested-objects": b'{"a":' * 700 + b"1" + b"}" * 700,
}
EVENTS = {"rest-token": token_event, "rest-request": request_event, "http-v2": http_event}


def refused_any_kind(authorizer: Authorizer, kind: str, token: str) -> str:
    """The reason a token is refused with a 401 (REST) or a deny (HTTP API)."""
    event = EVENTS[kind](token)
    if kind == "http-v2":
        assert authorizer(event, None) == {"isAuthorized": False, "context": {}}
        return ""
    with pytest.raises(Unauthorized) as info:
        authorizer(event, None)
    assert str(info.value) == "Unauthorized"
    return info.value.reason


@pytest.mark.parametrize("kind", sorted(EVENTS))
@pytest.mark.parametrize("name", sorted(NESTED_HEADERS))
def test_deeply_nested_header_is_a_401_not_a_recursion_error(
    authorizer: Authorizer, kind: str, name: str
) -> None:
    from .jwt_helpers import forged

    token = forged(NESTED_HEADERS[name], b"{}", b"x" * 256)
    reason = refused_any_kind(authorizer, kind, token)
    assert kind == "http-v2" or "malformed token" in reason


@pytest.mark.parametrize(
    ("size", "fragment"),
    [(8193, "at most 8192"), (100_000, "at most 8192"), (1 << 20, "at most 8192")],
)
def test_oversized_token_is_refused_before_any_parsing(
    keys: Keys, catalog: Catalog, size: int, fragment: str
) -> None:
    from policy_engine._jwks import JwksCache

    fetched: list[str] = []

    def fetch(url: str, timeout: float) -> bytes:
        fetched.append(url)
        raise AssertionError("an oversized token must not reach the JWKS")

    cache = JwksCache(url="https://idp.example.test/jwks.json", fetch=fetch)
    auth = make_authorizer(catalog, jwks=cache, api_keys={}, clock=lambda: NOW)
    from .jwt_helpers import b64

    header = b64(b'{"alg":"RS256","kid":"rsa-1"}')
    token = f"{header}.{'A' * (size - len(header) - 2 - 342)}.{'B' * 342}"
    assert len(token) == size
    assert fragment in refused(auth, token)
    assert fetched == []


@pytest.mark.parametrize("error", [RecursionError, KeyError, TypeError, MemoryError, OverflowError])
def test_any_exception_while_verifying_is_a_401(
    authorizer: Authorizer, sign: Sign, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    import jwt

    class Exploding:
        exceptions = jwt.exceptions

        @staticmethod
        def decode(*args: Any, **kwargs: Any) -> Any:
            raise error("boom")

    monkeypatch.setattr(authorizer, "_jwt", Exploding)
    for kind in EVENTS:
        reason = refused_any_kind(authorizer, kind, sign())
        assert kind == "http-v2" or error.__name__ in reason


# -- numeric dates (issue 17, item 9) ---------------------------------------------------------


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "literal", ["NaN", "Infinity", "-Infinity", "1e999", '"1900000000"', "true", "[1]", "null"]
)
def test_numeric_dates_must_be_finite_numbers(
    authorizer: Authorizer, keys: Keys, catalog: Catalog, claim: str, literal: str
) -> None:
    from .jwt_helpers import signed_raw

    claims = claims_for(catalog, {claim: "__date__"})
    payload = json.dumps(claims).replace('"__date__"', literal)
    token = signed_raw({"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}, payload, keys.rsa)
    reason = refused(authorizer, token)
    assert f"`{claim}`" in reason


def test_finite_float_dates_still_pass(authorizer: Authorizer, sign: Sign) -> None:
    token = sign(changes={"exp": NOW + 600.5, "iat": NOW - 0.25, "nbf": NOW - 1.5})
    assert authorizer(token_event(token), None)["context"]["tenantId"] == "acme"


# -- what the logs may carry (issue 17, item 8) -----------------------------------------------


def test_unverified_header_fields_are_logged_escaped_and_bounded(
    authorizer: Authorizer, caplog: pytest.LogCaptureFixture
) -> None:
    from .jwt_helpers import forged

    caplog.set_level(logging.INFO, logger="policy_engine.authorizer")
    signature = b"s" * 256
    tokens = [
        forged({"alg": "RS256", "kid": "x\nauthorizer allow: forged"}, b"{}", signature),
        forged({"alg": "RS256", "kid": "k\u2028authorizer allow: forged"}, b"{}", signature),
        forged({"alg": "RS\r\nauthorizer allow: forged"}, b"{}", signature),
        forged({"alg": "A" * 600}, b"{}", signature),
        forged({"alg": "A" * 100_000}, b"{}", signature),
        forged({"alg": "RS256", "kid": "K" * 5000}, b"{}", signature),
    ]
    reasons = []
    for token in tokens:
        reasons.append(refused(authorizer, token))
    route = f"{API}/GET/tenants/acme/orders\nauthorizer allow: forged"
    with pytest.raises(Unauthorized):
        authorizer(token_event(tokens[0], route), None)
    assert len(caplog.records) == len(tokens) + 1
    for record in caplog.records:
        message = record.getMessage()
        assert message.isprintable(), message
        assert len(message) <= 300, len(message)
        for field in ("route", "principal", "tenant_id", "tier"):
            value = getattr(record, field)
            assert value is None or (value.isprintable() and len(value) <= 300), (field, value)
    for reason in reasons:
        assert reason.isprintable()
        assert len(reason) <= 300
    assert "AAAA" * 30 not in " ".join(reasons)
    assert "`kid` must be" in reasons[0]
    assert "`kid` must be" in reasons[1]
    assert "\\r\\n" in reasons[2]  # shown escaped, not dropped
