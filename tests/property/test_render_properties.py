"""Rendering properties over the whole tenant-ID language."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_engine.catalog import Catalog, default_catalog
from policy_engine.errors import InvalidTenantId
from policy_engine.model import json_path_join, policy_to_obj
from policy_engine.render import Renderer
from policy_engine.testing import adversarial_tenant_ids, tenant_pairs, tiers

CATALOG = default_catalog()
RENDERER = Renderer(CATALOG)
FULL = Renderer(CATALOG, full_check=True)


def differing_paths(x: Any, y: Any, path: str = "$") -> set[str]:
    """JSON paths of the leaves where two documents of one skeleton differ."""
    if isinstance(x, list):
        return {
            p
            for i, (a, b) in enumerate(zip(x, y, strict=True))
            for p in differing_paths(a, b, json_path_join(path, i))
        }
    if isinstance(x, dict):
        return {p for k in x for p in differing_paths(x[k], y[k], json_path_join(path, k))}
    return set() if x == y else {path}


def skeleton(node: Any) -> Any:
    """Only the structure: types, keys and lengths of lists."""
    if isinstance(node, list):
        return [skeleton(x) for x in node]
    if isinstance(node, dict):
        return {k: skeleton(v) for k, v in node.items()}
    return type(node).__name__


@given(pair=tenant_pairs(CATALOG), tier=tiers(CATALOG))
def test_two_tenants_same_structure_differ_only_at_tenant_positions(
    pair: tuple[str, str], tier: str
) -> None:
    a, b = pair
    doc_a = policy_to_obj(RENDERER.render_tier(a, tier))
    doc_b = policy_to_obj(RENDERER.render_tier(b, tier))
    assert skeleton(doc_a) == skeleton(doc_b)
    symbolic = RENDERER.symbolic_tier(tier)
    from policy_engine.render import substitute

    assert doc_a == substitute(symbolic.document, a)
    assert doc_b == substitute(symbolic.document, b)
    # The two policies differ only at the strings that hold the tenant ID.
    assert differing_paths(doc_a, doc_b) <= set(symbolic.holes)
    # Quick and full checks agree on every tenant.
    assert FULL.render_tier(a, tier) == RENDERER.render_tier(a, tier)


@given(bad=adversarial_tenant_ids(catalog=CATALOG), tier=tiers(CATALOG))
def test_strings_outside_the_language_are_refused(bad: str, tier: str) -> None:
    with pytest.raises(InvalidTenantId) as info:
        RENDERER.render_tier(bad, tier)
    assert info.value.reason
    assert not CATALOG.language.is_valid(bad)


@given(text=st.text(max_size=40))
def test_validation_agrees_with_rendering(text: str) -> None:
    catalog: Catalog = CATALOG
    if catalog.language.is_valid(text):
        policy = RENDERER.render_tier(text, "basic")
        assert any(text in (s.resource or ("",))[0] for s in policy)
    else:
        with pytest.raises(InvalidTenantId):
            RENDERER.render_tier(text, "basic")
