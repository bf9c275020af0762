"""Tier limits in the catalogue: usage plan, reserved concurrency; schema errors with
their paths; the describe view."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.errors import CatalogError

Edit = Callable[[Callable[[str], str]], Path]
BASIC_PLAN = """[tiers.basic.usage_plan]
description = "basic: shared, modest rate"
quota = { limit = 1000000, period = "MONTH", offset = 0 }
"""


def test_bundled_tiers_have_limits() -> None:
    catalog = load_catalog()
    basic = catalog.tier("basic")
    assert basic.reserved_concurrency == 20
    assert basic.usage_plan is not None
    assert basic.usage_plan.throttle is not None
    assert (basic.usage_plan.throttle.rate, basic.usage_plan.throttle.burst) == (50.0, 100)
    assert basic.usage_plan.quota is not None
    assert basic.usage_plan.quota.period == "MONTH"
    method = basic.usage_plan.methods["/tenants/{tenantId}/orders/POST"]
    assert (method.rate, method.burst) == (10.0, 20)
    premium = catalog.tier("premium")
    assert premium.usage_plan is not None
    assert premium.usage_plan.quota is None


@pytest.mark.parametrize(
    ("replacement", "path", "words"),
    [
        (
            'quota = { limit = 1000000, period = "YEAR" }',
            "$.tiers.basic.usage_plan.quota.period",
            "DAY, WEEK or MONTH",
        ),
        (
            'quota = { limit = 0, period = "DAY" }',
            "$.tiers.basic.usage_plan.quota.limit",
            "at least 1",
        ),
        (
            'quota = { period = "DAY" }',
            "$.tiers.basic.usage_plan.quota",
            "needs `limit`",
        ),
        (
            'quota = { limit = 10, period = "DAY", offset = 10 }',
            "$.tiers.basic.usage_plan.quota.offset",
            "smaller than `limit`",
        ),
        (
            'quota = { limit = 10, period = "DAY", start = 1 }',
            "$.tiers.basic.usage_plan.quota",
            "`limit`, `period` and `offset`",
        ),
    ],
)
def test_quota_errors_name_the_path(
    catalogue_copy: Edit, replacement: str, path: str, words: str
) -> None:
    root = catalogue_copy(
        lambda text: text.replace(
            'quota = { limit = 1000000, period = "MONTH", offset = 0 }', replacement
        )
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    assert info.value.key_path == path
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("rate = 50\n", "rate = 0\n", "$.tiers.basic.usage_plan.throttle.rate", "above 0"),
        ("burst = 100\n", "", "$.tiers.basic.usage_plan.throttle", "needs `rate`"),
        (
            '"/tenants/{tenantId}/orders/POST" = { rate = 10, burst = 20 }',
            '"/tenants/{tenantId}/orders/FETCH" = { rate = 10, burst = 20 }',
            '$.tiers.basic.usage_plan.throttle.methods["/tenants/{tenantId}/orders/FETCH"]',
            "a method key is a resource path and an HTTP method",
        ),
        (
            '"/tenants/{tenantId}/orders/POST" = { rate = 10, burst = 20 }',
            '"/tenants/{tenantId}/orders/POST" = { rate = 60, burst = 20 }',
            '$.tiers.basic.usage_plan.throttle.methods["/tenants/{tenantId}/orders/POST"]',
            "exceeds the plan's",
        ),
        (
            "reserved_concurrency = 20\n",
            "reserved_concurrency = -1\n",
            "$.tiers.basic.reserved_concurrency",
            "0 to 100000",
        ),
        (
            BASIC_PLAN,
            BASIC_PLAN + "period = 1\n",
            "$.tiers.basic.usage_plan",
            "a usage plan has `throttle`, `quota` and `description`",
        ),
    ],
)
def test_throttle_and_concurrency_errors(
    catalogue_copy: Edit, old: str, new: str, path: str, words: str
) -> None:
    root = catalogue_copy(lambda text: text.replace(old, new, 1))
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    assert info.value.key_path == path
    assert words in str(info.value)


def test_tier_without_limits_loads(catalogue_copy: Edit) -> None:
    def strip(text: str) -> str:
        start = text.index("[tiers.premium.usage_plan]")
        end = text.index("[tiers.premium.resources]")
        return (text[:start] + text[end:]).replace("reserved_concurrency = 50\n", "")

    root = catalogue_copy(strip)
    premium = load_catalog(root).tier("premium")
    assert premium.usage_plan is None
    assert premium.reserved_concurrency is None


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_describe_text_shows_limits() -> None:
    code, out, _ = cli("describe", "--tier", "basic")
    assert code == 0
    assert "session duration: 900 s" in out
    assert "reserved concurrency per function: 20" in out
    assert "usage plan: rate 50/s, burst 100; quota 1,000,000 per MONTH" in out
    assert "/tenants/{tenantId}/orders/POST: rate 10/s, burst 20" in out
    assert "tier premium" not in out


def test_describe_json() -> None:
    code, out, _ = cli("describe", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc["tiers"]) == ["basic", "standard", "premium"]
    standard = doc["tiers"]["standard"]
    assert standard["usage_plan"]["quota"] == {"limit": 2000000, "period": "WEEK", "offset": 0}
    assert standard["reserved_concurrency"] == 30
    assert standard["session_duration_seconds"] == 3600


def test_describe_unknown_tier_is_usage_error() -> None:
    code, out, err = cli("describe", "--tier", "gold")
    assert code == 2
    assert out == ""
    assert "gold" in err
