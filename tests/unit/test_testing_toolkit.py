from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from policy_engine._resources import bundled_catalog_dir
from policy_engine.catalog import default_catalog, load_catalog
from policy_engine.evaluate import Request
from policy_engine.tenancy import TenantIdLanguage
from policy_engine.testing import (
    TenantIsolationError,
    adversarial_tenant_ids,
    assert_tenant_isolation,
    cross_tenant_requests,
    cross_tenant_sweeps,
    keyless_requests,
    requests_on,
    tenant_ids,
    tenant_pairs,
    tiers,
)
from policy_engine.testing._mutants import MUTANTS, make_mutant

CATALOG = default_catalog()
EMPTY = TenantIdLanguage.from_spec(
    {"alphabet": ["a-z"], "min_length": 3, "max_length": 5, "pattern": "x{9}"}
)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: tenant_ids(), "need catalog= or language="),
        (lambda: tenant_ids(catalog="policy_templates"), "catalog must be a Catalog"),
        (lambda: tenant_ids(language="a-z"), "language must be a TenantIdLanguage"),
        (lambda: tenant_ids(catalog=CATALOG, language=CATALOG.language), "not both"),
        (lambda: tenant_ids(language=EMPTY), "tenant-ID language is empty"),
        (lambda: tiers(42), "catalog must be a Catalog"),  # type: ignore[arg-type]
        (lambda: requests_on("Acme", CATALOG), "not a tenant ID of the catalogue"),
        (lambda: requests_on(7, CATALOG), "tenant must be a str"),  # type: ignore[arg-type]
        (lambda: cross_tenant_requests("acme", "acme", CATALOG), "distinct tenants"),
        (lambda: cross_tenant_sweeps("acme", "acme", CATALOG), "distinct tenants"),
        (lambda: cross_tenant_sweeps("acme", "Globex", CATALOG), "not a tenant ID"),
        (lambda: assert_tenant_isolation(CATALOG, "gold"), "unknown tier `gold`"),
        (lambda: assert_tenant_isolation(CATALOG, max_examples=0), "positive int"),
    ],
)
def test_misuse_fails_at_definition_time(make: Any, fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        make()


@given(t=tenant_ids(catalog=CATALOG))
def test_tenant_ids_are_valid(t: str) -> None:
    assert CATALOG.language.is_valid(t)


@given(bad=adversarial_tenant_ids())
def test_adversarial_without_arguments_is_refused_by_the_bundled_language(bad: str) -> None:
    assert not CATALOG.language.is_valid(bad)


@given(pair=tenant_pairs(CATALOG))
def test_pairs_are_distinct_and_valid(pair: tuple[str, str]) -> None:
    a, b = pair
    assert a != b
    assert CATALOG.language.is_valid(a)
    assert CATALOG.language.is_valid(b)


@given(request=requests_on("acme", CATALOG))
def test_requests_on_name_the_tenant(request: Request) -> None:
    values = [v for vs in request.context.values() for v in ([vs] if isinstance(vs, str) else vs)]
    assert "acme" in request.resource or any(v.startswith("acme") for v in values)


@given(request=keyless_requests(CATALOG))
def test_keyless_requests_name_no_partition(request: Request) -> None:
    assert all(v == "" for v in request.context.values())


@given(requests=cross_tenant_sweeps("acme", "globex", CATALOG))
def test_a_sweep_covers_every_partition_on_b_or_on_none(requests: list[Request]) -> None:
    seen: set[str] = set()
    for request in requests:
        values = [
            v for vs in request.context.values() for v in ([vs] if isinstance(vs, str) else vs)
        ]
        on_b = "globex" in request.resource or any(v.startswith("globex") for v in values)
        keyless = all(v == "" for v in request.context.values())
        assert on_b or keyless, request
        assert "acme" not in request.resource
        seen.add(request.action.split(":")[0])
    modelled = {r.service for r in CATALOG.resources.values() if r.partitions}
    assert seen == modelled


def test_bundled_catalogue_passes() -> None:
    assert assert_tenant_isolation(CATALOG, "basic", max_examples=60) >= 60


@contextmanager
def _profile(name: str, **changes: Any) -> Iterator[None]:
    """The Hypothesis settings in effect for the block: profile ``name`` (registered
    by the caller) or the current settings with ``changes``; restored after."""
    previous = settings.default
    if changes:
        settings.register_profile(name, parent=previous, **changes)
    settings.load_profile(name)
    try:
        yield
    finally:
        settings.register_profile("_restore", previous)
        settings.load_profile("_restore")


def test_failure_is_a_readable_counterexample(tmp_path: Path) -> None:
    root = make_mutant(
        bundled_catalog_dir(), tmp_path / "c", MUTANTS["anchored prefix -> open prefix"]
    )
    # One tenant must extend the other's ID (half of the pairs); every example sweeps
    # every request shape, so the leak is found within a few examples. Derandomised
    # (which --hypothesis-seed and the example database do not change), the search is
    # one fixed sequence.
    with _profile("_derandomized", derandomize=True), pytest.raises(TenantIsolationError) as info:
        assert_tenant_isolation(load_catalog(root), "basic", max_examples=300)
    cx = info.value.counterexample
    assert cx.tenant_b.startswith(cx.tenant_a)
    assert cx.request.resource.startswith(f"arn:aws:s3:::saas-documents-111122223333/{cx.tenant_b}")
    message = str(info.value)
    assert f"tenant `{cx.tenant_a}` is allowed a request on tenant `{cx.tenant_b}`" in message
    assert "allowed by role[0]" not in message or "session" in message
    assert info.value.found_after >= 1


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mutant_is_found_within_the_dev_profile(name: str, tmp_path: Path) -> None:
    # 50 examples (the dev profile), derandomised and without the example database: a
    # user's fast test run finds each known leak from scratch.
    root = make_mutant(bundled_catalog_dir(), tmp_path / "c", MUTANTS[name])
    with (
        _profile("_dev_fixed", derandomize=True, database=None),
        pytest.raises(TenantIsolationError) as info,
    ):
        assert_tenant_isolation(load_catalog(root), "basic", max_examples=50, shrink=False)
    assert 1 <= info.value.found_after <= 50


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mutant_is_found_in_the_ci_profile(name: str, tmp_path: Path) -> None:
    from policy_engine.testing.pytest_plugin import register_profiles

    register_profiles()
    root = make_mutant(bundled_catalog_dir(), tmp_path / "c", MUTANTS[name])
    with _profile("ci"), pytest.raises(TenantIsolationError):
        assert_tenant_isolation(load_catalog(root), "basic", shrink=False)
