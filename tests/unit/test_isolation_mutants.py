"""Known-leaky mutations of the bundled templates are each reported as violations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.isolation import check_tier
from policy_engine.testing._mutants import MUTANTS

Edit = Callable[[str, str, str], Path]
ORDERS = "session/orders.json.j2"


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_a_violation(name: str, edit: Edit) -> None:
    root = None
    for file, old, new in MUTANTS[name]:
        root = edit(file, old, new)
    assert root is not None
    result = check_tier(load_catalog(root), "basic")
    assert result.status == "violation", name
    assert all(cx.statements for cx in result.violations)


def test_scan_inside_the_guarded_statement_is_harmless(edit: Edit) -> None:
    """Adding Scan to the statement that carries `Null: false` leaks nothing: Scan has
    no leading keys, so the guard denies it. The proof says so, rightly."""
    root = edit(ORDERS, '"dynamodb:Query",', '"dynamodb:Query", "dynamodb:Scan",')
    assert check_tier(load_catalog(root), "basic").status == "proved"


def test_silo_arn_with_wildcard_region_and_account(edit: Edit) -> None:
    """`arn:aws:dynamodb:*:*:table/...-{tenant}`: a `*` that ends an ARN segment may
    cross colons, so the pattern also matches ARNs inside another tenant's silo."""
    root = edit(
        "session/premium-orders.json.j2",
        "arn:{{ partition }}:dynamodb:{{ region }}:{{ account_id }}:table",
        "arn:{{ partition }}:dynamodb:*:*:table",
    )
    result = check_tier(load_catalog(root), "premium")
    assert result.status == "violation"
    cx = next(v for v in result.violations if v.resource_name == "premium_orders")
    assert cx.tenant_b is not None
    assert cx.tenant_a != cx.tenant_b
    prefix = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-premium-orders-"
    assert cx.resource.startswith(f"{prefix}{cx.tenant_b}/")
    assert cx.resource.endswith(f"saas-premium-orders-{cx.tenant_a}")
