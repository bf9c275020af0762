"""Work split by name over a pool of forked worker processes (``--jobs N`` of
``lint`` and ``check-isolation``).

The caller's function must depend only on the name and on state that exists before
the call: a catalogue lint's tier part, or a tier's isolation proof, depends only on
the catalogue, the tier (and the probe tenant or catalogue-wide alphabet), never on
what another tier computed; the renderer and the module caches only remember results
keyed on every input they depend on. So each name can be done in any process; the
results come back pickled (plain frozen dataclasses) in the order of the serial run.

The first name is done here first, so what every one needs (the action data, the
rules' indexes, the schema validators, the template environment, the tenant-language
automaton) is built once and inherited by every worker; nothing is pickled on the
way in.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

_T = TypeVar("_T")

#: What this worker process calls: set by the pool's initializer in each worker (the
#: function is handed over in memory by the fork, never pickled; nothing is set in the
#: parent).
_FUNC: Callable[[str], Any] | None = None


def check_jobs(jobs: object) -> int:
    """``jobs`` as a worker count, or a ValueError saying what is accepted."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, 1 or more (got {jobs!r})")
    return jobs


def can_fork() -> bool:
    """Whether this platform starts worker processes by fork (Linux, macOS)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(
    func: Callable[[str], _T],
    names: Sequence[str],
    jobs: int,
    done: Callable[[int, str], None] | None = None,
) -> list[_T]:
    """``func`` of every name, in the order of ``names``: the first here, the rest in
    up to ``jobs`` forked workers. ``func`` must depend only on its name and on state
    that exists before the call, and should not raise (an exception that does not
    survive pickling breaks the pool); ``done(number, name)`` is called here as each
    result arrives, in order."""
    if not can_fork():
        raise ValueError(
            "jobs > 1 needs processes started by fork (Linux, macOS), which this platform "
            "lacks: use jobs=1"
        )
    out: list[_T] = []
    if not names:
        return out
    out.append(func(names[0]))  # here: warms what every worker inherits
    if done:
        done(1, names[0])
    rest = names[1:]
    if not rest:
        return out
    # What exists now is inherited by every worker and never freed there: kept out of
    # the workers' garbage collections (which would scan it and, by touching it, copy
    # its pages).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(rest)),
            mp_context=context,
            initializer=_set_func,
            initargs=(func,),
        ) as pool:
            for number, (name, result) in enumerate(
                zip(rest, pool.map(_call, rest), strict=True), 2
            ):
                out.append(result)
                if done:
                    done(number, name)
    finally:
        gc.unfreeze()
    return out


def _set_func(func: Callable[[str], Any]) -> None:
    global _FUNC
    _FUNC = func


def _call(name: str) -> Any:
    assert _FUNC is not None, "the worker was not forked from fork_map"
    return _FUNC(name)
