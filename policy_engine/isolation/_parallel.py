"""The proof of several tiers in a pool of worker processes (``--jobs N``).

Each tier's result depends only on the catalogue, the tier and the catalogue-wide
alphabet (``sigma_hint``), never on what another tier computed: the module caches
only remember results keyed on every input they depend on. So the tiers can be
checked in any process, in any order; the results are put back in the order of the
serial run. The workers are forked from this process, so they start with its loaded
catalogue, its symbolic renders and its warm caches (the first tier is checked
here first), and nothing of the catalogue is pickled; the results come back
pickled (plain frozen dataclasses).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from ..catalog import Catalog
from ..render import Renderer
from ._report import TierResult

#: What a forked worker reads: set in the parent just before the pool starts.
_STATE: tuple[Catalog, Renderer, frozenset[str]] | None = None


def check_jobs(jobs: object) -> int:
    """``jobs`` as a worker count, or a ValueError saying what is accepted."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, 1 or more (got {jobs!r})")
    return jobs


def check_tiers_parallel(
    catalog: Catalog, names: Sequence[str], renderer: Renderer, hint: frozenset[str], jobs: int
) -> dict[str, TierResult]:
    """Every tier of ``names`` checked by up to ``jobs`` forked workers; the results in
    the order of ``names``."""
    global _STATE
    if "fork" not in multiprocessing.get_all_start_methods():
        raise ValueError(
            "jobs > 1 needs processes started by fork (Linux, macOS), which this platform "
            "lacks: use jobs=1"
        )
    _STATE = (catalog, renderer, hint)
    try:
        # The first tier here: what every tier needs first (the tenant-language
        # automaton, the action data, the automata of shared templates) is built once
        # and inherited by every worker.
        found = dict([_check_one(names[0])])
        rest = names[1:]
        if rest:
            context = multiprocessing.get_context("fork")
            workers = min(jobs, len(rest))
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                found.update(pool.map(_check_one, rest))
    finally:
        _STATE = None
    return {name: found[name] for name in names}


def _check_one(name: str) -> tuple[str, TierResult]:
    from . import check_tier

    assert _STATE is not None, "the worker was not forked from check_tiers_parallel"
    catalog, renderer, hint = _STATE
    return name, check_tier(catalog, name, renderer=renderer, sigma_hint=hint)
