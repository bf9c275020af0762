"""The authorizer's route policies are linted and isolation-checked like any template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import Catalog, default_catalog
from policy_engine.errors import CatalogError
from policy_engine.isolation import check_api, check_tier
from policy_engine.lint import lint_catalog

Edit = Callable[[str, str, str], Path]
Load = Callable[[Path], Catalog]


def test_bundled_routes_are_proved_for_every_tier() -> None:
    catalog = default_catalog()
    for tier in catalog.tiers:
        result = check_api(catalog, tier)
        assert result.status == "proved", [v.describe() for v in result.violations]
        # 7 methods x (the tenant root, below it, the tenants folder with and without
        # its slash), the API's routes that are no tenant's partition (outside the
        # shared `products` route), and one coverage check of the grants
        assert result.checks == 30


def test_a_route_prefix_without_a_separator_reaches_another_tenant(edit: Edit, load: Load) -> None:
    root = edit("api/routes.json.j2", "/tenants/{{ tenant }}/orders/*", "/tenants/{{ tenant }}*")
    result = check_api(load(root), "basic")
    assert result.status == "violation"
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_b.startswith(cx.tenant_a)  # `acme` reaches `acme-...`
    assert f"/tenants/{cx.tenant_b}" in cx.resource
    assert all(ref.policy == "api(basic)" for ref in cx.statements)


def test_a_method_wildcard_crosses_path_segments(edit: Edit, load: Load) -> None:
    loop = '{%- for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] %}'
    root = edit("api/routes.json.j2", loop, '{%- for method in ["*"] %}')
    result = check_tier(load(root), "premium")
    assert result.status == "violation"
    cx = result.violations[0]
    # `prod/*/tenants/A/*` matches `prod/GET/tenants/<B>/A/...`: B's route
    assert "/tenants/" in cx.resource
    assert cx.tenant_b is not None
    assert f"/tenants/{cx.tenant_b}" in cx.resource
    findings = lint_catalog(load(root))
    assert {f.rule for f in findings if not f.suppressed} == {"PE090"}


def test_routes_need_an_execute_api_resource_in_the_model(edit: Edit, load: Load) -> None:
    root = edit("catalog.toml", 'service = "execute-api"', 'service = "apigateway"')
    # the model's ARNs name the resources' service (the catalogue refuses a mismatch)
    root = edit("catalog.toml", "arn:{partition}:execute-api:", "arn:{partition}:apigateway:")
    result = check_api(load(root), "basic")
    assert result.status == "unknown"
    assert "no `execute-api` resource" in result.unknown[0].construct


def test_hmac_algorithms_cannot_be_configured(edit: Edit, load: Load) -> None:
    root = edit("catalog.toml", 'algorithms = ["RS256", "ES256"]', 'algorithms = ["HS256"]')
    with pytest.raises(CatalogError, match="asymmetric"):
        load(root)


def test_api_templates_must_be_identity_templates(edit: Edit, load: Load) -> None:
    root = edit("catalog.toml", 'api_templates = ["api-routes"]', 'api_templates = ["orders"]')
    with pytest.raises(CatalogError, match="api_templates takes templates of kind identity"):
        load(root)


def test_the_shared_route_is_proved_only_because_it_is_declared_shared(
    edit: Edit, load: Load
) -> None:
    # Leaky twin of the bundled `products` route: without its `shared = true` resource
    # it is a name of the API that is no tenant's partition, so a request on it is
    # key-less (every tenant's data, as far as the model says).
    root = edit("catalog.toml", "shared = true", 'partitions = [{ arn = "{tenant}-x" }]')
    text = (root / "catalog.toml").read_text(encoding="utf-8")
    start = text.index("[resources.products]")
    end = text.index("# -- API Gateway authorizer")
    (root / "catalog.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    result = check_api(load(root), "basic")
    assert result.status == "violation"
    assert any(v.resource.endswith("/GET/products") for v in result.violations)
