"""Mutation run: does the property test find each known-leaky mutant, and how soon?

Ours (``assert_tenant_isolation``: every request shape swept in each example) beside
the one-request-per-example hunt it replaced (``cross_tenant_requests``), both under
the plugin's ``ci`` profile (derandomised, 500 examples), in the same run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark


def _one_request_hunt(catalog: Any, tier: str) -> tuple[int | None, int]:
    """The earlier search: one cross-tenant request per example. Returns the example
    that first found a leak (None if none did) and the examples tried."""
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    from policy_engine.isolation import as_tenant, effective_evaluator
    from policy_engine.testing import cross_tenant_requests, tenant_pairs

    tried = 0
    found: list[int] = []
    evaluators: dict[str, Any] = {}

    @settings(deadline=None, phases=[Phase.generate], database=None)
    @given(pair=tenant_pairs(catalog), data=st.data())
    def hunt(pair: tuple[str, str], data: Any) -> None:
        nonlocal tried
        tried += 1
        a, b = pair
        request = data.draw(cross_tenant_requests(a, b, catalog))
        evaluator = evaluators.get(a) or evaluators.setdefault(
            a, effective_evaluator(catalog, tier, a)
        )
        if evaluator.evaluate(as_tenant(request, a, tier)).allowed:
            found.append(tried)
            raise AssertionError("leak")

    try:
        hunt()
    except AssertionError:
        return found[0], tried
    return None, tried


@benchmark("mutants")
def mutants_bench() -> list[Result]:
    from hypothesis import settings

    from policy_engine._resources import bundled_catalog_dir
    from policy_engine.catalog import load_catalog
    from policy_engine.testing import TenantIsolationError, assert_tenant_isolation
    from policy_engine.testing._mutants import MUTANTS, make_mutant
    from policy_engine.testing.pytest_plugin import register_profiles

    register_profiles()
    settings.load_profile("ci")  # the plugin's CI profile: derandomised, 500 examples
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, edits) in enumerate(sorted(MUTANTS.items())):
            catalog = load_catalog(make_mutant(bundled_catalog_dir(), Path(tmp) / f"m{i}", edits))
            start = time.perf_counter()
            try:
                tried = assert_tenant_isolation(catalog, "basic", shrink=False)
            except TenantIsolationError as exc:
                ours: float | None = exc.found_after
            else:
                ours = None
            ours_s = time.perf_counter() - start
            start = time.perf_counter()
            theirs, theirs_tried = _one_request_hunt(catalog, "basic")
            theirs_s = time.perf_counter() - start
            if ours is None:
                out.append(Result(f"MISSED  {name}: examples tried", tried, ""))
                continue
            peer = "one request per example"
            out.append(
                Result(
                    f"found   {name}: examples until found",
                    ours,
                    "",
                    "",
                    peer if theirs is not None else f"{peer} (missed in {theirs_tried})",
                    float(theirs if theirs is not None else theirs_tried),
                )
            )
            out.append(
                Result(
                    "          seconds until found",
                    ours_s,
                    "s",
                    "",
                    "one request per example",
                    theirs_s,
                )
            )
    return out
