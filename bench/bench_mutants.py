"""Mutation run: does the property test find each known-leaky mutant, and how soon?"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench._harness import Result, benchmark


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
            root = make_mutant(bundled_catalog_dir(), Path(tmp) / f"m{i}", edits)
            try:
                tried = assert_tenant_isolation(load_catalog(root), "basic", shrink=False)
            except TenantIsolationError as exc:
                out.append(Result(f"found   {name}: examples until found", exc.found_after, ""))
            else:
                out.append(Result(f"MISSED  {name}: examples tried", tried, ""))
    return out
