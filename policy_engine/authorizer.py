"""API Gateway custom authorizer: a verified JWT becomes tenant, tier, route policy and
usage-plan key.

Deploy as the authorizer Lambda (``pip install policy-engine[authorizer]``)::

    from policy_engine.authorizer import make_authorizer

    handler = make_authorizer()   # module scope: keys and renders are cached

One handler serves REST API ``TOKEN`` and ``REQUEST`` authorizers and HTTP API Lambda
authorizers (payload 1.0 or 2.0; simple or IAM-policy responses). The token is
verified against the catalogue's ``[authorizer]`` section: signature with a key of
the JWKS, an asymmetric algorithm from the allowed list (``none`` and HMAC are never
accepted), issuer and audience pinned in configuration, ``exp``/``nbf`` with a small
leeway, and ``token_use`` when configured. The tenant claim must be an ID of the
catalogue's language and the tier claim one of its tiers.

Responses: REST authorizers get the tier's ``execute-api:Invoke`` policy rendered
for the tenant (every route of the tier, since API Gateway caches it per token), the
context ``{"tenantId", "tier"}`` and the tier's API key as ``usageIdentifierKey``.
HTTP API simple responses get ``isAuthorized`` decided on the called route. A token
that does not verify is ``Unauthorized`` (401) for REST APIs; a verified token whose
claims do not map to a tenant and tier gets a Deny (403). HTTP APIs get a deny
response in both cases. Every refusal is logged with its reason, never the token.

Hostile input is bounded before it is parsed: an ``Authorization`` header longer than
a token of ``MAX_TOKEN_CHARS`` (8 KiB) is refused unread, the JOSE header may take
``MAX_HEADER_BYTES`` (1 KiB) decoded and nest ``MAX_HEADER_DEPTH`` levels, and the
cheap structural checks (segments, base64url, algorithm, ``kid``, ``crit``, the
signature's length for the algorithm) come before any key lookup, so a token that
fails them never makes the JWKS cache fetch. Any exception while reading a token, of
whatever kind, is a 401, never a 500. Values taken from an unverified header are
logged escaped and truncated (:func:`~policy_engine._jwks.printable`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ._jwks import KEY_TYPES, MIN_RSA_BITS, JwksCache, JwksUnavailable, UnknownKey, printable
from .catalog import AuthorizerSpec, Catalog, load_catalog
from .errors import PolicyEngineError
from .evaluate import Evaluator, Request, compile_policy
from .model import policy_to_obj
from .render import Renderer

LOG = logging.getLogger("policy_engine.authorizer")
EventKind = Literal["rest-token", "rest-request", "http-v1", "http-v2"]

#: The longest token read (a compact JWS); a longer ``Authorization`` header is refused
#: before it is parsed. Cognito ID tokens are 1-2 KiB.
MAX_TOKEN_CHARS = 8192
#: The ``Authorization`` header: the token, its scheme and some whitespace.
MAX_AUTHORIZATION_CHARS = MAX_TOKEN_CHARS + 64
#: The decoded JOSE header (``{"alg", "kid", "typ"}`` is ~100 bytes; headers that
#: carry certificate chains, ``x5c``, or whole keys, ``jwk``, are refused).
MAX_HEADER_BYTES = 1024
#: How deep the JOSE header's JSON may nest (the object itself is level 1).
MAX_HEADER_DEPTH = 4
MAX_KID_CHARS = 256
#: how long a key read from Secrets Manager or SSM is served before it is read again
API_KEY_TTL_SECONDS = 300.0
#: The longest refusal reason logged or put on :class:`Unauthorized`.
MAX_REASON_CHARS = 240
#: Signature sizes in bytes by algorithm family: RSA from the smallest key accepted
#: (2,048 bits) to 16,384 bits; ECDSA exactly twice the curve's size.
_SIGNATURE_BYTES = {
    "RS": (MIN_RSA_BITS // 8, 2048),
    "PS": (MIN_RSA_BITS // 8, 2048),
    "ES256": (64, 64),
    "ES384": (96, 96),
    "ES512": (132, 132),
}
# the signature may be empty here so that `alg: none` is refused by name; the size
# check refuses an empty signature for every accepted algorithm
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class AuthorizerConfigError(PolicyEngineError, ValueError):
    """The authorizer cannot start: missing section, JWKS, API key or dependency."""


class Unauthorized(Exception):
    """Raised to API Gateway for a REST request whose token does not verify. Its
    message is exactly ``Unauthorized`` (what API Gateway turns into a 401); the
    reason is on ``.reason`` and in the log, never in the message."""

    def __init__(self, reason: str) -> None:
        super().__init__("Unauthorized")
        self.reason = reason


class TokenRejected(PolicyEngineError):
    """The token does not verify (the reason never quotes the token)."""


class ClaimsRejected(PolicyEngineError):
    """The token verifies but its claims name no valid tenant or tier."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the authorizer decided for one request (also what it logs)."""

    allowed: bool
    reason: str
    tenant: str | None = None
    tier: str | None = None
    principal: str | None = None
    route: str | None = None

    @property
    def reason_code(self) -> str:
        """The reason as one of a few fixed codes (a metric dimension): ``allowed``,
        ``route_denied``, ``token_rejected``, ``claims_rejected``."""
        if self.allowed:
            return "allowed"
        if self.tenant is not None:
            return "route_denied"
        return "claims_rejected" if self.reason.startswith("claims:") else "token_rejected"


class Authorizer:
    """The authorizer Lambda handler; call it with ``(event, context)``."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        jwks: JwksCache,
        api_keys: Mapping[str, str],
        spec: AuthorizerSpec,
        clock: Callable[[], float] = time.time,
        http_api_response: Literal["simple", "iam"] = "simple",
        logger: Any = None,
        metrics: Any = False,
    ) -> None:
        from .metrics import options

        self.logger = logger if logger is not None else LOG
        self.metrics = options(metrics)
        self.catalog = catalog
        self.spec = spec
        self.jwks = jwks
        # a store reads Secrets Manager / SSM values and keeps them cached
        self.api_keys = api_keys if isinstance(api_keys, ApiKeyStore) else dict(api_keys)
        self.clock = clock
        self.http_api_response = http_api_response
        self.renderer = Renderer(catalog)
        self._evaluators: dict[tuple[str, str], tuple[dict[str, Any], Evaluator]] = {}
        import jwt  # the optional dependency; make_authorizer checked it is there

        self._jwt = jwt
        self._algorithms = frozenset(spec.algorithms)

    # -- the handler ------------------------------------------------------------------

    def __call__(self, event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
        # this request's decision, kept in the call: the handler object serves every
        # request of the process, concurrent ones too
        decided: list[Decision] = []
        try:
            return self._handle(event, decided)
        finally:
            if self.metrics is not None:
                self._record(decided[-1] if decided else None)

    def _record(self, decision: Decision | None) -> None:
        """One EMF flush per invocation: ``AuthorizerDecisions`` by decision and reason
        code (dimensions), with the tenant and tier where the token named them."""
        assert self.metrics is not None
        recorder = self.metrics.recorder(
            decision.tenant if decision else None, decision.tier if decision else None
        )
        allowed = decision is not None and decision.allowed
        recorder.add_dimension("decision", "allow" if allowed else "deny")
        recorder.add_dimension("reason", decision.reason_code if decision else "error")
        recorder.add_metric("AuthorizerDecisions", 1)
        recorder.flush()

    def _decided(self, decision: Decision, decided: list[Decision]) -> None:
        decided.append(decision)
        _log(decision, self.logger)

    def _handle(self, event: Mapping[str, Any], decided: list[Decision]) -> dict[str, Any]:
        kind = event_kind(event)
        route = _route_arn(event, kind)
        try:
            claims = self.verify(_token(event, kind))
            tenant, tier = self.tenant_and_tier(claims)
        except TokenRejected as exc:
            decision = Decision(False, f"token: {exc}", route=route)
            return self._refuse(kind, decision, 401, decided)
        except ClaimsRejected as exc:
            decision = Decision(False, f"claims: {exc}", route=route)
            return self._refuse(kind, decision, 403, decided)
        except Exception as exc:  # whatever a hostile request provokes: 401, never a 500
            reason = f"token: cannot be read ({type(exc).__name__})"
            return self._refuse(kind, Decision(False, reason, route=route), 401, decided)
        principal = _principal(claims, self.spec.principal_claim, tenant)
        policy, evaluator = self._tier_policy(tenant, tier)
        odd = route is not None and _unnormalised_path(route)
        on_route = (
            route is not None
            and not odd
            and evaluator.evaluate(Request("execute-api:Invoke", route, {})).allowed
        )
        reason = "the tier's routes do not include this route"
        if odd:
            reason = (
                "the route's path has a dot or empty segment, a backslash or an encoded "
                "`.`, `/`, `\\` or `%`: a normalised path may be another tenant's"
            )
        decision = Decision(
            on_route,
            "allowed" if on_route else reason,
            tenant,
            tier,
            principal,
            route,
        )
        self._decided(decision, decided)
        ctx = {"tenantId": tenant, "tier": tier}
        if kind == "http-v2" and self.http_api_response == "simple":
            return {"isAuthorized": on_route, "context": ctx}
        response: dict[str, Any] = {
            "principalId": principal,
            "policyDocument": policy,
            "context": ctx,
        }
        if kind in ("rest-token", "rest-request"):
            key = self.api_keys.get(tier)
            if key is not None:
                response["usageIdentifierKey"] = key
        return response

    # -- verification -----------------------------------------------------------------

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token that verifies; :class:`TokenRejected` otherwise
        (whatever goes wrong while reading it)."""
        try:
            return self._verify(token)
        except TokenRejected:
            raise
        except Exception as exc:
            raise TokenRejected(f"the token cannot be read ({type(exc).__name__})") from None

    def _verify(self, token: str) -> dict[str, Any]:
        jwt = self._jwt
        alg, kid = self._structure(token)  # before any key lookup: never fetches
        try:
            key = self.jwks.key(kid)
        except (UnknownKey, JwksUnavailable) as exc:
            raise TokenRejected(str(exc)) from None
        if KEY_TYPES[alg[:2]] != key.kty or (key.alg is not None and key.alg != alg):
            shown = printable(kid)
            raise TokenRejected(
                f"algorithm `{alg}` does not fit key `{shown}` ({key.kty}, {key.alg or 'any alg'})"
            )
        check_aud = self.spec.audience_claim == "aud"
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[alg],
                audience=list(self.spec.audience) if check_aud else None,
                issuer=self.spec.issuer,
                leeway=self.spec.leeway_seconds,
                options={
                    "require": ["exp", "iss"] + (["aud"] if check_aud else []),
                    "verify_aud": check_aud,
                    # times are checked below against the injectable clock
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.exceptions.PyJWTError as exc:
            raise TokenRejected(_jwt_reason(exc)) from None
        # PyJWT checked `iss` already; compared again, exactly, so a release whose check
        # is looser (2.10.0 took a substring of the pinned issuer: CVE-2024-53861) or a
        # non-string `iss` never gets through
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or issuer != self.spec.issuer:
            raise TokenRejected("wrong issuer")
        now = self.clock()
        if not check_aud and claims.get(self.spec.audience_claim) not in self.spec.audience:
            raise TokenRejected(f"`{self.spec.audience_claim}` is not an accepted audience")
        if self.spec.token_use is not None and claims.get("token_use") != self.spec.token_use:
            raise TokenRejected(
                f"`token_use` is `{printable(claims.get('token_use'), 32)}`, "
                f"expected `{self.spec.token_use}`"
            )
        _check_times(claims, now, self.spec.leeway_seconds)
        return claims

    def _structure(self, token: str) -> tuple[str, str | None]:
        """The cheap checks of a compact JWS, before any key is looked up: size,
        three base64url segments, a small flat JSON header, an accepted ``alg``, a
        plausible ``kid``, no ``crit``, a signature of the algorithm's size. Returns
        ``(alg, kid)``; PyJWT verifies the whole token afterwards."""
        if len(token) > MAX_TOKEN_CHARS:
            raise TokenRejected(
                f"the token is {len(token)} characters long; at most {MAX_TOKEN_CHARS} are accepted"
            )
        if not _COMPACT.fullmatch(token):
            raise TokenRejected("malformed token (not three base64url segments without padding)")
        head, _, rest = token.partition(".")
        signature = rest.rpartition(".")[2]
        if any(len(part) % 4 == 1 for part in (head, rest.partition(".")[0], signature)):
            raise TokenRejected("malformed token (a segment is not valid base64url)")
        header = _header(head)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            allowed = ", ".join(self.spec.algorithms)
            shown = printable(alg, 16)
            raise TokenRejected(f"algorithm `{shown}` is not accepted (allowed: {allowed})")
        kid = header.get("kid")
        if kid is not None and not (
            isinstance(kid, str)
            and 0 < len(kid) <= MAX_KID_CHARS
            and kid.isascii()
            and kid.isprintable()
        ):
            raise TokenRejected(
                f"`kid` must be a string of 1 to {MAX_KID_CHARS} printable ASCII characters"
            )
        if "crit" in header:
            raise TokenRejected("the header names critical extensions (`crit`); none is supported")
        low, high = _SIGNATURE_BYTES.get(alg, _SIGNATURE_BYTES.get(alg[:2], (1, MAX_TOKEN_CHARS)))
        size = len(signature) * 3 // 4
        if not low <= size <= high:
            expected = f"{low}" if low == high else f"{low} to {high}"
            raise TokenRejected(
                f"malformed token (a {alg} signature has {expected} bytes, this one {size})"
            )
        return alg, kid

    def tenant_and_tier(self, claims: Mapping[str, Any]) -> tuple[str, str]:
        """Tenant and tier from verified claims; :class:`ClaimsRejected` otherwise."""
        tenant = claims.get(self.spec.tenant_claim)
        if not isinstance(tenant, str):
            raise ClaimsRejected(f"no string claim `{self.spec.tenant_claim}`")
        reason = self.catalog.language.reason_invalid(tenant)
        if reason is not None:
            raise ClaimsRejected(f"`{self.spec.tenant_claim}` {reason}")
        tier = claims.get(self.spec.tier_claim)
        if not isinstance(tier, str) or tier not in self.catalog.tiers:
            raise ClaimsRejected(
                f"`{self.spec.tier_claim}` names no tier (`{printable(tier, 32)}`); tiers: "
                + ", ".join(sorted(self.catalog.tiers))
            )
        if not self.catalog.tiers[tier].api_templates:
            raise ClaimsRejected(f"tier `{tier}` has no API templates (no routes)")
        return tenant, tier

    # -- responses --------------------------------------------------------------------

    def _tier_policy(self, tenant: str, tier: str) -> tuple[dict[str, Any], Evaluator]:
        key = (tenant, tier)
        cached = self._evaluators.get(key)
        if cached is None:
            policy = self.renderer.render_api(tenant, tier)
            evaluator = Evaluator((compile_policy(policy, name=f"api({tier})"),))
            document = policy_to_obj(policy)
            # API Gateway matches method ARNs against the policy, where `*` also matches
            # `/` and `..`, and caches it per token for later requests: every path that
            # a proxy or framework may read as another is denied in the policy itself
            statements = document["Statement"]
            document["Statement"] = [
                *(statements if isinstance(statements, list) else [statements]),
                _odd_paths_denied(self.catalog),
            ]
            cached = (document, evaluator)
            if len(self._evaluators) >= 4096:
                self._evaluators.clear()
            self._evaluators[key] = cached
        return cached

    def _refuse(
        self, kind: EventKind, decision: Decision, status: int, decided: list[Decision]
    ) -> dict[str, Any]:
        # the reason may quote what the request carried: escaped and bounded
        decision = replace(decision, reason=printable(decision.reason, MAX_REASON_CHARS))
        self._decided(decision, decided)
        if kind in ("rest-token", "rest-request") and status == 401:
            raise Unauthorized(decision.reason)
        if kind == "http-v2" and self.http_api_response == "simple":
            return {"isAuthorized": False, "context": {}}
        return {
            "principalId": "unauthorized",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "execute-api:Invoke",
                        "Resource": decision.route or "*",
                    }
                ],
            },
            "context": {},
        }


# -- the factory ----------------------------------------------------------------------


def make_authorizer(
    catalog: Catalog | None = None,
    *,
    jwks: JwksCache | Mapping[str, Any] | None = None,
    jwks_url: str | None = None,
    api_keys: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
    http_api_response: Literal["simple", "iam"] | None = None,
    secrets_client: Any = None,
    ssm_client: Any = None,
    api_key_ttl_seconds: float = API_KEY_TTL_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
    logger: Any = None,
    metrics: Any = False,
) -> Authorizer:
    """Build the authorizer handler from a catalogue's ``[authorizer]`` section.

    ``jwks`` (a :class:`JwksCache` or a JWKS dict) or ``jwks_url`` override the
    manifest's ``jwks_url``/``jwks_file``. The usage-plan keys come from ``api_keys``
    (tier -> key) or else, for each tier with an ``api_key_env`` NAME, from
    ``environ`` (default ``os.environ``): the value of ``NAME`` itself, or the
    Secrets Manager secret whose ARN or name is in ``NAME_SECRET_ARN`` (what
    ``policy-engine export`` creates), or the SSM parameter (SecureString or String)
    named in ``NAME_PARAMETER``. Secret and parameter values are read at start-up and
    cached for ``api_key_ttl_seconds``; a failed refresh keeps serving the cached value
    (and logs a warning). A tier whose key cannot be found or read stops the start-up,
    so a misconfigured authorizer never serves requests.

    The catalogue defaults to :func:`~policy_engine.catalog.load_catalog`'s
    (``$POLICY_ENGINE_CATALOG``, ``$POLICY_ENGINE_STAGE``, else the bundled example).
    ``logger`` (a standard or Powertools logger) receives every decision record;
    ``metrics`` (``True`` for the built-in EMF writer, a Powertools ``Metrics`` or a
    :class:`~policy_engine.metrics.MetricsOptions`; default off) records
    ``AuthorizerDecisions`` by ``decision`` and ``reason`` code, one flush per call.
    """
    try:
        import jwt  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise AuthorizerConfigError(
            "the authorizer needs PyJWT with cryptography: pip install 'policy-engine[authorizer]'"
        ) from exc
    catalog = catalog or load_catalog()
    spec = catalog.authorizer
    if spec is None:
        raise AuthorizerConfigError(
            f"catalogue `{catalog.name}` has no [authorizer] section ({catalog.manifest})"
        )
    cache = _jwks_cache(spec, jwks, jwks_url)
    keys: Mapping[str, str] = (
        dict(api_keys)
        if api_keys is not None
        else _keys_from_env(
            catalog,
            environ,
            secrets_client=secrets_client,
            ssm_client=ssm_client,
            ttl=api_key_ttl_seconds,
            monotonic=monotonic,
        )
    )
    unknown = sorted(set(keys) - set(catalog.tiers))
    if unknown:
        raise AuthorizerConfigError(f"API keys given for unknown tiers: {', '.join(unknown)}")
    mode = http_api_response or spec.http_api_response
    if mode not in ("simple", "iam"):
        raise AuthorizerConfigError(f"http_api_response is `simple` or `iam`, not `{mode}`")
    return Authorizer(
        catalog,
        jwks=cache,
        api_keys=keys,
        spec=spec,
        clock=clock,
        http_api_response=mode,  # type: ignore[arg-type]
        logger=logger,
        metrics=metrics,
    )


def _jwks_cache(
    spec: AuthorizerSpec, jwks: JwksCache | Mapping[str, Any] | None, url: str | None
) -> JwksCache:
    ttl = spec.jwks_ttl_seconds
    if isinstance(jwks, JwksCache):
        return jwks
    try:
        if jwks is not None:
            return JwksCache(document=jwks)
        if url is not None or spec.jwks_url is not None:
            return JwksCache(url=url or spec.jwks_url, ttl_seconds=ttl)
        if spec.jwks_file is not None:
            document = json.loads(spec.jwks_file.read_text(encoding="utf-8"))
            return JwksCache(document=document)
    except (OSError, ValueError, JwksUnavailable) as exc:
        raise AuthorizerConfigError(f"cannot load the JWKS: {exc}") from exc
    raise AuthorizerConfigError(
        "no JWKS: set `jwks_url` or `jwks_file` under [authorizer], or pass jwks/jwks_url"
    )


#: environment suffixes naming where a tier's key lives, besides ``NAME`` itself
SECRET_ARN_SUFFIX = "_SECRET_ARN"
PARAMETER_SUFFIX = "_PARAMETER"


@dataclass(frozen=True, slots=True)
class KeySource:
    """Where one tier's API key value comes from."""

    kind: Literal["env", "secretsmanager", "ssm"]
    ref: str  # the value itself (env), the secret ID, or the parameter name
    variable: str


class ApiKeyStore(Mapping[str, str]):
    """Tier -> API key value; values from Secrets Manager or SSM are cached for
    ``ttl`` seconds and read again on the next use after that. A failed re-read keeps
    the cached value (logged); a failed first read raises
    :class:`AuthorizerConfigError`."""

    def __init__(
        self,
        sources: Mapping[str, KeySource],
        *,
        secrets_client: Any = None,
        ssm_client: Any = None,
        ttl: float = API_KEY_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0:
            raise AuthorizerConfigError(f"the API key TTL must be above 0 seconds, not {ttl}")
        self.sources = dict(sources)
        self.ttl = ttl
        self._monotonic = monotonic
        self._clients = {"secretsmanager": secrets_client, "ssm": ssm_client}
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def load_all(self) -> None:
        """Read every key now (start-up): the first failure raises."""
        for tier in self.sources:
            self[tier]

    def __getitem__(self, tier: str) -> str:
        source = self.sources[tier]
        if source.kind == "env":
            return source.ref
        with self._lock:
            cached = self._cache.get(tier)
            now = self._monotonic()
            if cached is not None and now - cached[1] < self.ttl:
                return cached[0]
            try:
                value = self._read(source)
            except Exception as exc:
                if cached is None:
                    raise AuthorizerConfigError(
                        f"cannot read the API key of tier `{tier}` from {_where(source)}: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                LOG.warning(
                    "authorizer: re-reading the API key of tier %s from %s failed (%s); "
                    "serving the cached value",
                    tier,
                    _where(source),
                    type(exc).__name__,
                )
                self._cache[tier] = (cached[0], now)
                return cached[0]
            self._cache[tier] = (value, now)
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def _client(self, kind: str) -> Any:
        client = self._clients.get(kind)
        if client is None:
            import boto3

            client = self._clients[kind] = boto3.client(kind)  # type: ignore[call-overload]
        return client

    def _read(self, source: KeySource) -> str:
        if source.kind == "secretsmanager":
            response = self._client("secretsmanager").get_secret_value(SecretId=source.ref)
            value = response.get("SecretString")
        else:
            response = self._client("ssm").get_parameter(Name=source.ref, WithDecryption=True)
            value = response.get("Parameter", {}).get("Value")
        if not isinstance(value, str) or not value.strip():
            raise ValueError("the value is empty or not a string")
        return value.strip()


def _where(source: KeySource) -> str:
    what = "secret" if source.kind == "secretsmanager" else "SSM parameter"
    return f"{what} `{printable(source.ref, 256)}` (${source.variable})"


def _keys_from_env(
    catalog: Catalog,
    environ: Mapping[str, str] | None,
    *,
    secrets_client: Any = None,
    ssm_client: Any = None,
    ttl: float = API_KEY_TTL_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
) -> Mapping[str, str]:
    env = os.environ if environ is None else environ
    sources: dict[str, KeySource] = {}
    missing: list[str] = []
    for name, tier in catalog.tiers.items():
        var = tier.api_key_env
        if var is None:
            continue
        secret, parameter = var + SECRET_ARN_SUFFIX, var + PARAMETER_SUFFIX
        if env.get(var):
            sources[name] = KeySource("env", env[var], var)
        elif env.get(secret):
            sources[name] = KeySource("secretsmanager", env[secret], secret)
        elif env.get(parameter):
            sources[name] = KeySource("ssm", env[parameter], parameter)
        else:
            missing.append(f"`${var}`, `${secret}` or `${parameter}` (tier `{name}`)")
    if missing:
        raise AuthorizerConfigError(
            "usage-plan API keys come from environment variables that are not set: "
            + ", ".join(missing)
        )
    if all(s.kind == "env" for s in sources.values()):
        return {name: s.ref for name, s in sources.items()}
    store = ApiKeyStore(
        sources, secrets_client=secrets_client, ssm_client=ssm_client, ttl=ttl, monotonic=monotonic
    )
    store.load_all()
    return store


# -- events ---------------------------------------------------------------------------


def event_kind(event: Mapping[str, Any]) -> EventKind:
    """Which authorizer sent ``event``: REST TOKEN/REQUEST or HTTP API payload 1.0/2.0."""
    if event.get("version") == "2.0":
        return "http-v2"
    if event.get("type") == "TOKEN":
        return "rest-token"
    if event.get("version") == "1.0":
        return "http-v1"
    return "rest-request"


def _route_arn(event: Mapping[str, Any], kind: EventKind) -> str | None:
    value = event.get("routeArn" if kind == "http-v2" else "methodArn")
    return value if isinstance(value, str) and value.startswith("arn:") else None


_ENCODED_SEPARATOR = re.compile(r"%(2e|2f|5c|25)", re.IGNORECASE)
#: what :func:`_unnormalised_path` refuses, as execute-api ARN patterns (after the
#: API's ``arn:<partition>:execute-api:*:*:``): `*` matches any text, `/` included
_ODD_PATH_PATTERNS = (
    "*/../*",
    "*/..",
    "*/./*",
    "*/.",
    "*//*",
    "*/*/*/*/",  # a trailing `/` below the root resource (`api/stage/GET/` is the root)
    "*\\*",
    *(f"*%{code}*" for code in ("2e", "2E", "2f", "2F", "5c", "5C", "25")),
)


def _odd_paths_denied(catalog: Catalog) -> dict[str, Any]:
    """The statement every REST (and HTTP API IAM) answer carries: method ARNs whose
    path a proxy or framework may read as another path are denied."""
    partition = str(catalog.constants.get("partition") or "aws")
    prefix = f"arn:{partition}:execute-api:*:*:"
    return {
        "Sid": "PolicyEngineUnnormalisedPaths",
        "Effect": "Deny",
        "Action": "execute-api:Invoke",
        "Resource": [prefix + pattern for pattern in _ODD_PATH_PATTERNS],
    }


def _unnormalised_path(route: str) -> bool:
    """Whether the path of a method or route ARN (``.../api/stage/METHOD/path``) is one
    a proxy, an integration or a framework may read as another path: a ``.`` or ``..``
    segment, an empty segment (``//``, a trailing ``/``; the root path ``/`` alone is
    fine), a backslash, or a percent-encoded ``.``, ``/``, ``\\`` or ``%``."""
    resource = route.split(":", 5)[-1]
    segments = resource.split("/")[3:]
    if segments == [""]:
        return False  # the root resource
    return (
        any(segment in ("", ".", "..") for segment in segments)
        or "\\" in resource
        or _ENCODED_SEPARATOR.search(resource) is not None
    )


def _token(event: Mapping[str, Any], kind: EventKind) -> str:
    """The bearer token of the request; :class:`TokenRejected` when there is none or
    the header is longer than any token accepted (refused before it is read)."""
    if kind == "rest-token":
        raw = event.get("authorizationToken")
    else:
        headers = event.get("headers") or {}
        raw = None
        if isinstance(headers, Mapping):
            raw = next((v for k, v in headers.items() if str(k).lower() == "authorization"), None)
        if raw is None and kind == "http-v2":
            sources = event.get("identitySource") or []
            raw = sources[0] if isinstance(sources, list) and sources else None
    if not isinstance(raw, str):
        raise TokenRejected("no bearer token in the request")
    if len(raw) > MAX_AUTHORIZATION_CHARS:
        raise TokenRejected(
            f"the Authorization header is {len(raw)} characters long; "
            f"tokens of at most {MAX_TOKEN_CHARS} characters are accepted"
        )
    scheme, _, value = raw.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        raise TokenRejected("no bearer token in the request")
    return value


def _header(segment: str) -> dict[str, Any]:
    """The JOSE header from its base64url segment, read only to pick the key and check
    the algorithm. Bounded before parsing: at most ``MAX_HEADER_BYTES`` decoded and
    ``MAX_HEADER_DEPTH`` levels of nesting (so no parser recursion is reachable)."""
    if len(segment) * 3 // 4 > MAX_HEADER_BYTES:
        raise TokenRejected(f"malformed token (the header is larger than {MAX_HEADER_BYTES} bytes)")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error):
        raise TokenRejected("malformed token (the header is not base64url)") from None
    if _nests_deeper(raw, MAX_HEADER_DEPTH):
        raise TokenRejected(
            f"malformed token (the header nests deeper than {MAX_HEADER_DEPTH} levels)"
        )
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise TokenRejected("malformed token (the header is not UTF-8 JSON)") from None
    if not isinstance(header, dict):
        raise TokenRejected("malformed token (the header is not a JSON object)")
    return header


def _nests_deeper(text: bytes, limit: int) -> bool:
    """Whether the JSON ``text`` opens more than ``limit`` arrays or objects inside
    each other (brackets inside strings do not count)."""
    if text.count(b"[") + text.count(b"{") <= limit:
        return False  # the usual header: one object, nothing to scan
    depth = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def _principal(claims: Mapping[str, Any], name: str, tenant: str) -> str:
    value = claims.get(name)
    return value if isinstance(value, str) and value else tenant


def _check_times(claims: Mapping[str, Any], now: float, leeway: int) -> None:
    """``exp``, ``nbf`` and ``iat`` against the authorizer's clock, with the leeway.
    Finite numbers only (RFC 7519 NumericDate): ``bool``, strings, ``null`` and the
    ``NaN`` / ``Infinity`` that JSON parsers accept are refused."""
    if "exp" not in claims:
        raise TokenRejected("a required claim is missing (`exp`)")
    for name in ("exp", "nbf", "iat"):
        if name not in claims:
            continue
        value = claims[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise TokenRejected(f"`{name}` is not a finite number (a NumericDate)")
    if now > claims["exp"] + leeway:
        raise TokenRejected("the token has expired")
    if "nbf" in claims and now + leeway < claims["nbf"]:
        raise TokenRejected("the token is not valid yet (`nbf` in the future)")
    if "iat" in claims and now + leeway < claims["iat"]:
        raise TokenRejected("the token was issued in the future (`iat`)")


def _jwt_reason(exc: Exception) -> str:
    names = {
        "ExpiredSignatureError": "the token has expired",
        "ImmatureSignatureError": "the token is not valid yet (`nbf` or `iat` in the future)",
        "InvalidIssuerError": "wrong issuer",
        "InvalidAudienceError": "wrong audience",
        "InvalidSignatureError": "the signature does not verify",
        "MissingRequiredClaimError": "a required claim is missing",
        "DecodeError": "malformed token",
        "InvalidAlgorithmError": "algorithm not accepted",
    }
    name = type(exc).__name__
    base = names.get(name, f"invalid token ({name})")
    if name == "MissingRequiredClaimError":
        base += f" (`{getattr(exc, 'claim', '?')}`)"
    return base


def _log(decision: Decision, logger: Any = LOG) -> None:
    """Log a decision. The reason is escaped and bounded where it is made; tenant and
    tier are validated; principal and route are escaped and bounded here."""
    enabled = getattr(logger, "isEnabledFor", None)
    if enabled is not None and not enabled(logging.INFO):
        return  # the hot path pays nothing when nobody listens
    logger.info(
        "authorizer %s: %s",
        "allow" if decision.allowed else "deny",
        decision.reason,
        extra={
            "tenant_id": decision.tenant,
            "tier": decision.tier,
            "principal": None if decision.principal is None else printable(decision.principal, 128),
            "route": None if decision.route is None else printable(decision.route, 256),
            "decision": "allow" if decision.allowed else "deny",
        },
    )


__all__ = [
    "ApiKeyStore",
    "Authorizer",
    "AuthorizerConfigError",
    "ClaimsRejected",
    "Decision",
    "JwksCache",
    "TokenRejected",
    "Unauthorized",
    "event_kind",
    "make_authorizer",
]
