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
    clear_tenant_keys,
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

        def remove_keys(self, keys: list[str]) -> None:
            for key in keys:
                self.keys.pop(key, None)

    base = PowertoolsLike()
    view = tenant_logger(base, TenantContext("acme", "basic"))
    assert view.keys is base.keys  # everything else is the logger's
    assert base.keys == {"tenant_id": "acme", "tier": "basic"}
    clear_tenant_keys(base)
    assert base.keys == {}


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
    aws_kwargs: dict[str, Any],
    orders_table: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
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
    # one EMF document per invocation, each with its tenant (or none for the 401)
    from emf_spec import assert_emf, emf_documents

    docs = [assert_emf(d) for d in emf_documents(capsys.readouterr().out)]
    assert [d.get("tenant_id") for d in docs] == ["acme", "globex", None, "acme"]
    assert docs[0]["OrdersRead"] == [1.0]
    assert docs[1]["OrderNotFound"] == [1.0]
    assert docs[2]["Unauthorized"] == [1.0]
    assert docs[3]["CredentialCacheHits"] == [1.0]


@pytest.mark.parametrize("claim", ["acme*", '"*"', "${aws:username}", "ACME", ""])
def test_jwt_claim_with_an_invalid_tenant_id(claim: str) -> None:
    event = {
        "requestContext": {
            "authorizer": {"jwt": {"claims": {"custom:tenantId": claim, "custom:tier": "basic"}}}
        }
    }
    with pytest.raises(UnauthorizedError, match="invalid tenant ID"):
        tenant_context_from_event(event, catalog=CATALOG)


# -- which names are read, and ambiguity (issue 17, item 10) ----------------------------------


def jwt_event(claims: dict[str, Any]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": None}}}}


def test_jwt_claims_are_read_under_the_catalogues_pinned_names_only() -> None:
    # `tenantId` is not the claim the catalogue pins: a token carrying it next to the
    # pinned `custom:tenantId` cannot choose the tenant with it
    event = jwt_event({"tenantId": "globex", "custom:tenantId": "acme", "custom:tier": "basic"})
    assert tenant_context_from_event(event, catalog=CATALOG) == TenantContext("acme", "basic")
    only_other = jwt_event({"tenantId": "globex", "tier": "premium"})
    with pytest.raises(UnauthorizedError, match="no tenant ID") as info:
        tenant_context_from_event(only_other, catalog=CATALOG)
    assert "`custom:tenantId` in `requestContext.authorizer.jwt.claims`" in str(info.value)


def test_jwt_claims_follow_the_catalogues_configured_claim_names(
    edit: Any, load: Any, catalog_copy: Path
) -> None:
    edit("catalog.toml", 'tenant_claim = "custom:tenantId"', 'tenant_claim = "org_id"')
    catalog = load(edit("catalog.toml", 'tier_claim = "custom:tier"', 'tier_claim = "plan"'))
    event = jwt_event({"org_id": "acme", "plan": "premium", "custom:tenantId": "globex"})
    assert tenant_context_from_event(event, catalog=catalog) == TenantContext("acme", "premium")
    # the Lambda authorizer's context keeps its own names, the configured ones come first
    rest = {"requestContext": {"authorizer": {"org_id": "acme", "plan": "basic"}}}
    assert tenant_context_from_event(rest, catalog=catalog) == TenantContext("acme", "basic")


@pytest.mark.parametrize(
    ("authorizer", "what"),
    [
        ({"tenantId": "acme", "tenant_id": "globex", "tier": "basic"}, "tenant ID"),
        ({"tenantId": "acme", "custom:tenantId": "globex", "tier": "basic"}, "tenant ID"),
        ({"tenantId": "acme", "tier": "basic", "custom:tier": "premium"}, "tier"),
        (
            {
                "tenantId": "acme",
                "tier": "basic",
                "lambda": {"tenantId": "globex", "tier": "basic"},
            },
            "tenant ID",
        ),
    ],
)
def test_ambiguous_contexts_are_refused(authorizer: dict[str, Any], what: str) -> None:
    event = {"requestContext": {"authorizer": authorizer}}
    with pytest.raises(UnauthorizedError, match=f"ambiguous {what}") as info:
        tenant_context_from_event(event, catalog=CATALOG)
    assert "acme" in str(info.value) or "basic" in str(info.value)


def test_ambiguity_shows_the_values_escaped_and_bounded() -> None:
    event = rest_event()
    event["requestContext"]["authorizer"]["tenant_id"] = "x\nforged line" + "y" * 5000
    with pytest.raises(UnauthorizedError, match="ambiguous tenant ID") as info:
        tenant_context_from_event(event, catalog=CATALOG)
    message = str(info.value)
    assert message.isprintable()
    assert len(message) < 400


def test_the_same_value_under_two_names_is_not_ambiguous() -> None:
    event = {"requestContext": {"authorizer": {"tenantId": "acme", "tenant_id": "acme"}}}
    event["requestContext"]["authorizer"]["tier"] = "basic"
    assert tenant_context_from_event(event, catalog=CATALOG) == TenantContext("acme", "basic")


def test_explicit_claim_names_apply_to_every_source_and_refuse_ambiguity() -> None:
    names = ClaimNames(tenant=("org", "team"), tier=("plan",))
    event = jwt_event({"org": "acme", "plan": "basic", "custom:tenantId": "globex"})
    assert tenant_context_from_event(event, catalog=CATALOG, claims=names).tenant_id == "acme"
    event = jwt_event({"org": "acme", "team": "globex", "plan": "basic"})
    with pytest.raises(UnauthorizedError, match="ambiguous tenant ID"):
        tenant_context_from_event(event, catalog=CATALOG, claims=names)


class OneTenantVendor:
    """A vendor stand-in that hands out a dummy session (no AWS call is made)."""

    catalog = CATALOG

    def __init__(self) -> None:
        from policy_engine.vend import VendorStats

        self.stats = VendorStats()

    def session_for(self, *args: Any, **kwargs: Any) -> Any:
        return object()


def test_a_401_after_a_tenant_logs_no_stale_tenant_with_a_powertools_logger() -> None:
    import io

    powertools = pytest.importorskip("aws_lambda_powertools")
    stream = io.StringIO()
    logger = powertools.Logger(service="stale-keys", logger_handler=logging.StreamHandler(stream))

    @tenant_handler(OneTenantVendor(), logger=logger)  # type: ignore[arg-type]
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        tenant.logger.info("served")
        return "ok"

    assert handler(rest_event("acme", "basic"), None) == "ok"
    assert handler({"requestContext": {}}, None)["statusCode"] == 401
    served, refused = (json.loads(line) for line in stream.getvalue().splitlines())
    assert served["tenant_id"] == "acme"
    assert refused["message"].startswith("unauthorized")  # through the user's logger
    assert "tenant_id" not in refused
    assert "tier" not in refused


def test_extra_cannot_overwrite_the_stamped_tenant(caplog: pytest.LogCaptureFixture) -> None:
    log = tenant_logger(logging.getLogger("svc"), TenantContext("acme", "basic"))
    with caplog.at_level(logging.INFO, logger="svc"):
        log.info("hello", extra={"tenant_id": "globex", "tier": "premium", "k": 1})
    (record,) = caplog.records
    assert record.tenant_id == "acme"  # type: ignore[attr-defined]
    assert record.tier == "basic"  # type: ignore[attr-defined]
    assert record.k == 1  # type: ignore[attr-defined]


def test_extra_cannot_overwrite_the_stamped_tenant_with_a_powertools_logger() -> None:
    import io

    powertools = pytest.importorskip("aws_lambda_powertools")
    stream = io.StringIO()
    base = powertools.Logger(service="no-overwrite", logger_handler=logging.StreamHandler(stream))
    log = tenant_logger(base, TenantContext("acme", "basic"))
    log.info("hello", extra={"tenant_id": "globex", "k": 1})
    record = json.loads(stream.getvalue())
    assert record["tenant_id"] == "acme"
    assert record["k"] == 1
    clear_tenant_keys(base)


def test_built_in_emf_by_default_one_document_per_invocation(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from emf_spec import assert_emf, emf_documents

    for name in ("POWERTOOLS_METRICS_NAMESPACE", "POLICY_ENGINE_METRICS_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)

    @tenant_handler(OneTenantVendor())  # type: ignore[arg-type]
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_metric("Work", 2)
        return "ok"

    handler(rest_event("acme", "basic"), None)
    handler(rest_event("globex", "standard"), None)
    docs = [assert_emf(d) for d in emf_documents(capsys.readouterr().out)]
    assert [(d["tenant_id"], d["tier"], d["Work"]) for d in docs] == [
        ("acme", "basic", 2),
        ("globex", "standard", 2),
    ]
    assert docs[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "PolicyEngine"


def test_metrics_can_be_turned_off(capsys: pytest.CaptureFixture[str]) -> None:
    @tenant_handler(OneTenantVendor(), metrics=False)  # type: ignore[arg-type]
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        assert tenant.metrics is None
        return "ok"

    handler(rest_event("acme", "basic"), None)
    assert '"_aws"' not in capsys.readouterr().out
