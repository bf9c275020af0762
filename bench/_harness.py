"""A tiny benchmark harness: warm up, time repeated batches, report medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BENCHMARKS: dict[str, Callable[[], list[Result]]] = {}


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: str = ""
    peer: str = ""
    peer_value: float | None = None

    def line(self) -> str:
        text = f"{self.name:<58} {self.value:>12.2f} {self.unit:<5}"
        if self.peer_value is not None:
            ratio = self.peer_value / self.value
            text += f"  vs {self.peer} {self.peer_value:.2f} {self.unit} (x{ratio:.1f})"
        if self.target:
            text += f"  [target {self.target}]"
        return text


def benchmark(name: str) -> Callable[[Callable[[], list[Result]]], Callable[[], list[Result]]]:
    def register(func: Callable[[], list[Result]]) -> Callable[[], list[Result]]:
        BENCHMARKS[name] = func
        return func

    return register


def median_us(func: Callable[[], object], *, batch: int = 200, batches: int = 25) -> float:
    """Median time of one call in microseconds, over ``batches`` batches after warm-up."""
    for _ in range(batch):
        func()
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(batch):
            func()
        samples.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(samples)


def interleaved_us(
    runs: Sequence[tuple[Callable[[], object], int]],
    *,
    batches: int = 15,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Median time of one call of each ``(func, batch)`` in microseconds, as
    :func:`median_us`, with the functions' batches taken in turn (ours, the peer's,
    ours...): a change in the machine's speed during the run touches each alike, so
    their ratio holds."""
    for func, batch in runs:  # warm-up
        for _ in range(batch):
            func()
    samples: list[list[float]] = [[] for _ in runs]
    for _ in range(batches):
        for out, (func, batch) in zip(samples, runs, strict=True):
            start = clock()
            for _ in range(batch):
                func()
            out.append((clock() - start) / batch * 1e6)
    return [statistics.median(s) for s in samples]
