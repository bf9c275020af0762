"""API key values for the authorizer from the environment, Secrets Manager or SSM
Parameter Store: read at start-up, cached for a TTL, a failed re-read keeps serving
the cached value, a failed first read stops the start-up."""

from __future__ import annotations

from typing import Any

import pytest

from policy_engine.authorizer import (
    ApiKeyStore,
    AuthorizerConfigError,
    KeySource,
    make_authorizer,
)
from policy_engine.catalog import Catalog

from .jwt_helpers import NOW, Keys, Sign

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"


class FakeSecrets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.calls: list[str] = []
        self.fail = False

    def get_secret_value(self, SecretId: str) -> dict[str, Any]:
        self.calls.append(SecretId)
        if self.fail:
            raise RuntimeError("secrets manager is down")
        return {"SecretString": self.values[SecretId]}


class FakeSsm:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.calls: list[tuple[str, bool]] = []

    def get_parameter(self, Name: str, WithDecryption: bool) -> dict[str, Any]:
        self.calls.append((Name, WithDecryption))
        return {"Parameter": {"Name": Name, "Value": self.values[Name]}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def event(token: str) -> dict[str, Any]:
    return {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {token}",
        "methodArn": f"{API}/GET/tenants/acme/orders",
    }


ENV = {
    "SAAS_API_KEY_BASIC_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:k/basic",
    "SAAS_API_KEY_STANDARD_PARAMETER": "/saas/api-keys/standard",
    "SAAS_API_KEY_PREMIUM": "premium-key-from-env-000",
}


def build(
    catalog: Catalog, keys: Keys, secrets: Any, ssm: Any, clock: Clock, env: dict[str, str] = ENV
) -> Any:
    return make_authorizer(
        catalog,
        jwks=keys.jwks(),
        environ=env,
        clock=lambda: NOW,
        secrets_client=secrets,
        ssm_client=ssm,
        api_key_ttl_seconds=300,
        monotonic=clock,
    )


def test_keys_from_secrets_manager_ssm_and_env(catalog: Catalog, keys: Keys, sign: Sign) -> None:
    secrets = FakeSecrets({ENV["SAAS_API_KEY_BASIC_SECRET_ARN"]: "basic-key-from-secret-00\n"})
    ssm = FakeSsm({"/saas/api-keys/standard": "standard-key-from-ssm-00"})
    auth = build(catalog, keys, secrets, ssm, Clock())
    assert isinstance(auth.api_keys, ApiKeyStore)
    assert auth(event(sign()))["usageIdentifierKey"] == "basic-key-from-secret-00"
    standard = sign(changes={"custom:tier": "standard"})
    assert auth(event(standard))["usageIdentifierKey"] == "standard-key-from-ssm-00"
    premium = sign(changes={"custom:tier": "premium"})
    assert auth(event(premium))["usageIdentifierKey"] == "premium-key-from-env-000"
    assert ssm.calls == [("/saas/api-keys/standard", True)]  # decrypted (SecureString)


def test_values_are_cached_for_the_ttl(catalog: Catalog, keys: Keys, sign: Sign) -> None:
    arn = ENV["SAAS_API_KEY_BASIC_SECRET_ARN"]
    secrets = FakeSecrets({arn: "first-value-0000000000"})
    ssm = FakeSsm({"/saas/api-keys/standard": "standard-key-from-ssm-00"})
    clock = Clock()
    auth = build(catalog, keys, secrets, ssm, clock)
    assert secrets.calls == [arn]  # read at start-up
    for _ in range(5):
        auth(event(sign()))
    assert secrets.calls == [arn]  # cached
    secrets.values[arn] = "rotated-value-000000000"
    clock.now += 299
    assert auth(event(sign()))["usageIdentifierKey"] == "first-value-0000000000"
    clock.now += 2
    assert auth(event(sign()))["usageIdentifierKey"] == "rotated-value-000000000"
    assert secrets.calls == [arn, arn]


def test_failed_refresh_serves_the_cached_value(
    catalog: Catalog, keys: Keys, sign: Sign, caplog: pytest.LogCaptureFixture
) -> None:
    arn = ENV["SAAS_API_KEY_BASIC_SECRET_ARN"]
    secrets = FakeSecrets({arn: "cached-value-0000000000"})
    ssm = FakeSsm({"/saas/api-keys/standard": "standard-key-from-ssm-00"})
    clock = Clock()
    auth = build(catalog, keys, secrets, ssm, clock)
    secrets.fail = True
    clock.now += 301
    assert auth(event(sign()))["usageIdentifierKey"] == "cached-value-0000000000"
    assert "serving the cached value" in caplog.text
    assert "cached-value" not in caplog.text  # never the key itself


def test_failed_first_read_stops_the_start_up(catalog: Catalog, keys: Keys) -> None:
    secrets = FakeSecrets({})
    secrets.fail = True
    ssm = FakeSsm({"/saas/api-keys/standard": "x" * 20})
    with pytest.raises(AuthorizerConfigError) as info:
        build(catalog, keys, secrets, ssm, Clock())
    assert "tier `basic`" in str(info.value)
    assert "SAAS_API_KEY_BASIC_SECRET_ARN" in str(info.value)


def test_empty_value_is_refused(catalog: Catalog, keys: Keys) -> None:
    ssm = FakeSsm({"/saas/api-keys/standard": "   "})
    secrets = FakeSecrets({ENV["SAAS_API_KEY_BASIC_SECRET_ARN"]: "b" * 20})
    with pytest.raises(AuthorizerConfigError, match="empty"):
        build(catalog, keys, secrets, ssm, Clock())


def test_missing_key_names_every_variable(catalog: Catalog, keys: Keys) -> None:
    env = {k: v for k, v in ENV.items() if "BASIC" not in k}
    with pytest.raises(AuthorizerConfigError) as info:
        build(
            catalog,
            keys,
            FakeSecrets({}),
            FakeSsm({"/saas/api-keys/standard": "s" * 20}),
            Clock(),
            env,
        )
    message = str(info.value)
    for name in (
        "SAAS_API_KEY_BASIC",
        "SAAS_API_KEY_BASIC_SECRET_ARN",
        "SAAS_API_KEY_BASIC_PARAMETER",
    ):
        assert f"${name}`" in message


def test_plain_environment_needs_no_client(catalog: Catalog, keys: Keys) -> None:
    env = {
        "SAAS_API_KEY_BASIC": "b" * 20,
        "SAAS_API_KEY_STANDARD": "s" * 20,
        "SAAS_API_KEY_PREMIUM": "p" * 20,
    }
    auth = make_authorizer(catalog, jwks=keys.jwks(), environ=env, clock=lambda: NOW)
    assert auth.api_keys == {"basic": "b" * 20, "standard": "s" * 20, "premium": "p" * 20}


def test_store_ttl_must_be_positive() -> None:
    with pytest.raises(AuthorizerConfigError, match="above 0"):
        ApiKeyStore({"basic": KeySource("env", "k", "V")}, ttl=0)
