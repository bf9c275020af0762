"""The proof against brute force: for proved tiers, the evaluator denies every
cross-tenant and key-less request that Hypothesis can find."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine.catalog import default_catalog
from policy_engine.isolation import as_tenant, check_catalog, effective_evaluator
from policy_engine.render import Renderer
from policy_engine.testing import cross_tenant_requests, tenant_pairs, tiers

CATALOG = default_catalog()
RENDERER = Renderer(CATALOG)
RESULTS = check_catalog(CATALOG, renderer=RENDERER)
EXAMPLES = 5000 if os.environ.get("CI") == "true" else 300


def test_bundled_catalogue_is_proved() -> None:
    assert {t: r.status for t, r in RESULTS.items()} == dict.fromkeys(CATALOG.tiers, "proved")


@settings(max_examples=EXAMPLES, deadline=None)
@given(tier=tiers(CATALOG), pair=tenant_pairs(CATALOG), data=st.data())
def test_proved_tiers_deny_every_cross_tenant_request(
    tier: str, pair: tuple[str, str], data: st.DataObject
) -> None:
    a, b = pair
    assert RESULTS[tier].status == "proved"
    request = data.draw(cross_tenant_requests(a, b, CATALOG))
    decision = effective_evaluator(CATALOG, tier, a, renderer=RENDERER).evaluate(
        as_tenant(request, a, tier)
    )
    assert not decision.allowed, (tier, a, b, request, decision)


def test_each_tier_allows_its_tenants_something() -> None:
    from policy_engine.evaluate import Request

    table = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"
    bucket = "arn:aws:s3:::saas-documents-111122223333"
    for tier in CATALOG.tiers:
        evaluator = effective_evaluator(CATALOG, tier, "acme", renderer=RENDERER)
        get = as_tenant(Request("s3:GetObject", f"{bucket}/acme/report.pdf"), "acme", tier)
        assert evaluator.evaluate(get).allowed, tier
        listing = as_tenant(Request("s3:ListBucket", bucket, {"s3:prefix": "acme/"}), "acme", tier)
        assert evaluator.evaluate(listing).allowed, tier
        if tier != "premium":
            item = as_tenant(
                Request("dynamodb:GetItem", table, {"dynamodb:LeadingKeys": ["acme"]}), "acme", tier
            )
            assert evaluator.evaluate(item).allowed, tier
