"""Lambda integration: the README handler runs as written, against moto."""

from __future__ import annotations

import json
import logging
import re
import runpy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import (
    ClaimNames,
    UnauthorizedError,
    tenant_context_from_event,
    tenant_handler,
    tenant_logger,
)
from policy_engine.tenancy import TenantContext

README = Path(__file__).resolve().parents[2] / "README.md"
CATALOG = default_catalog()


def rest_event(tenant: Any = "acme", tier: Any = "basic") -> dict[str, Any]:
    return {
        "requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}},
        "pathParameters": {"orderId": "o-42"},
    }


def test_rest_api_authorizer_context() -> None:
    assert tenant_context_from_event(rest_event(), catalog=CATALOG) == TenantContext(
        "acme", "basic"
    )


def test_http_api_jwt_claims_and_lambda_context() -> None:
    jwt = {
        "requestContext": {
            "authorizer": {
                "jwt": {"claims": {"custom:tenantId": "globex", "custom:tier": "premium"}}
            }
        }
    }
    assert tenant_context_from_event(jwt, catalog=CATALOG) == TenantContext("globex", "premium")
    lam = {
        "requestContext": {"authorizer": {"lambda": {"tenantId": "initech", "tier": "standard"}}}
    }
    assert tenant_context_from_event(lam, catalog=CATALOG).tenant_id == "initech"
    custom = {"requestContext": {"authorizer": {"org": "acme", "plan": "basic"}}}
    names = ClaimNames(tenant=("org",), tier=("plan",))
    assert tenant_context_from_event(custom, catalog=CATALOG, claims=names).tier == "basic"


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ({}, "no `requestContext.authorizer`"),
        ({"requestContext": {}}, "no `requestContext.authorizer`"),
        ({"requestContext": {"authorizer": {"tier": "basic"}}}, "no tenant ID"),
        ({"requestContext": {"authorizer": {"tenantId": "acme"}}}, "no tier"),
        (rest_event(tenant="acme*"), "invalid tenant ID"),
        (rest_event(tenant='"*"'), "invalid tenant ID"),
        (rest_event(tenant=["acme"]), "not a string"),
        (rest_event(tier="gold"), "unknown tier `gold`"),
    ],
)
def test_missing_or_malformed_context(event: Any, fragment: str) -> None:
    with pytest.raises(UnauthorizedError, match=re.escape(fragment)):
        tenant_context_from_event(event, catalog=CATALOG)


def test_tenant_logger_stamps_records(caplog: pytest.LogCaptureFixture) -> None:
    log = tenant_logger(logging.getLogger("svc"), TenantContext("acme", "basic"))
    with caplog.at_level(logging.INFO, logger="svc"):
        log.info("hello", extra={"order_id": "o-1"})
    (record,) = caplog.records
    assert record.tenant_id == "acme"  # type: ignore[attr-defined]
    assert record.tier == "basic"  # type: ignore[attr-defined]
    assert record.order_id == "o-1"  # type: ignore[attr-defined]


def test_powertools_style_logger_gets_keys_appended() -> None:
    class PowertoolsLike:
        def __init__(self) -> None:
            self.keys: dict[str, str] = {}

        def append_keys(self, **kw: str) -> None:
            self.keys.update(kw)

    base = PowertoolsLike()
    assert tenant_logger(base, TenantContext("acme", "basic")) is base
    assert base.keys == {"tenant_id": "acme", "tier": "basic"}


class NoCalls:
    """A vendor stand-in that fails the test if asked for credentials."""

    catalog = CATALOG

    def session_for(self, *args: Any) -> Any:  # pragma: no cover - must not be reached
        raise AssertionError("no AWS call may be made without a tenant context")


def test_decorator_answers_401_without_aws_calls() -> None:
    @tenant_handler(NoCalls())  # type: ignore[arg-type]
    def handler(event: Any, context: Any, tenant: Any) -> Any:  # pragma: no cover
        raise AssertionError("not reached")

    response = handler({"requestContext": {}}, None)
    assert response["statusCode"] == 401
    assert json.loads(response["body"]) == {"message": "Unauthorized"}


@pytest.mark.slow
def test_readme_handler_runs_against_moto(
    aws_kwargs: dict[str, Any], orders_table: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = aws_kwargs["endpoint_url"]
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_STS": url,
        "AWS_ENDPOINT_URL_DYNAMODB": url,
    }.items():
        monkeypatch.setenv(name, value)
    orders_table.put_item(Item={"tenant_id": "acme", "order_id": "o-42", "total": Decimal("12.50")})

    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- use-from-lambda:start -->\s*```python\n(.*?)```", text, re.S)
    assert block
    module = tmp_path / "orders_handler.py"
    module.write_text(block.group(1), encoding="utf-8")
    namespace = runpy.run_path(str(module))
    handler = namespace["handler"]

    ok = handler(rest_event("acme", "basic"), None)
    assert ok["statusCode"] == 200, ok
    assert json.loads(ok["body"]) == {"order": "o-42", "total": "12.50"}
    missing = handler(rest_event("globex", "basic"), None)
    assert missing["statusCode"] == 404  # globex has no such order (key includes the tenant)
    assert handler({"requestContext": {}}, None)["statusCode"] == 401
    vendor = namespace["VENDOR"]
    assert vendor.stats.misses == 2
    handler(rest_event("acme", "basic"), None)  # warm invocation: cached credentials
    assert vendor.stats.hits == 1


@pytest.mark.parametrize("claim", ["acme*", '"*"', "${aws:username}", "ACME", ""])
def test_jwt_claim_with_an_invalid_tenant_id(claim: str) -> None:
    event = {
        "requestContext": {
            "authorizer": {"jwt": {"claims": {"custom:tenantId": claim, "custom:tier": "basic"}}}
        }
    }
    with pytest.raises(UnauthorizedError, match="invalid tenant ID"):
        tenant_context_from_event(event, catalog=CATALOG)
