"""Credential vending: warm hits, cold-path overhead, STS calls under Zipf traffic,
memory of a full cache. STS is a stub here (in-process, instant) so that only our
code is measured; the functional tests use a real STS API (moto)."""

from __future__ import annotations

import itertools
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from bench._harness import Result, benchmark, median_us


class StubSTS:
    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.calls = 0
        self._ids = itertools.count()

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        n = next(self._ids)
        expires = datetime.fromtimestamp(self.clock(), UTC) + timedelta(
            seconds=kwargs["DurationSeconds"]
        )
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n:016d}",
                "SecretAccessKey": "s" * 40,
                "SessionToken": "t" * 600,
                "Expiration": expires,
            }
        }


def _vendor(clock: Any, **kwargs: Any) -> tuple[Any, StubSTS]:
    from policy_engine.catalog import default_catalog
    from policy_engine.vend import CredentialVendor

    sts = StubSTS(clock)
    return CredentialVendor(
        default_catalog(), sts_client=sts, role_chaining=False, clock=clock, **kwargs
    ), sts


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _zipf_tenants(n_tenants: int, n_requests: int, s: float = 1.1) -> list[int]:
    weights = [1 / (k**s) for k in range(1, n_tenants + 1)]
    rng = random.Random(7)
    return rng.choices(range(n_tenants), weights=weights, k=n_requests)


@benchmark("vend")
def vend_bench() -> list[Result]:
    now = [time.time()]
    clock = lambda: now[0]  # noqa: E731
    vendor, _ = _vendor(clock)
    vendor.session_for("acme-corp", "basic")
    hit = median_us(lambda: vendor.session_for("acme-corp", "basic"), batch=2000)
    creds = median_us(lambda: vendor.credentials_for("acme-corp", "basic"), batch=2000)

    counter = itertools.count()
    fresh, _ = _vendor(clock)

    def cold() -> None:
        fresh.prepare(f"tenant-{next(counter)}", "standard")

    cold_us = median_us(cold, batch=200)
    out = [
        Result("warm hit: session_for(tenant, tier), cached key", hit, "us", "<= 10 us"),
        Result("warm hit: credentials_for(tenant, tier)", creds, "us"),
        Result(
            "cold path without STS: validate, render, minify, prepare call",
            cold_us,
            "us",
            "<= 1000 us",
        ),
    ]

    # 100,000 requests over 1,000 tenants (Zipf), spread over two hours, basic tier
    # (900 s sessions, refreshed 300 s before expiry).
    tenants = [f"tenant-{i:04d}" for i in range(1000)]
    stream = _zipf_tenants(1000, 100_000)
    for label, kwargs in (
        ("default cache (1,024 entries)", {}),
        ("small cache (256 entries)", {"max_entries": 256}),
    ):
        now[0] = time.time()
        vendor, sts = _vendor(clock, **kwargs)
        step = 7200 / len(stream)
        for i in stream:
            now[0] += step
            vendor.credentials_for(tenants[i], "basic").get_frozen_credentials()
        out.append(
            Result(
                f"STS calls, 100,000 Zipf requests / 1,000 tenants, {label}",
                sts.calls,
                "",
                "",
                "no cache",
                len(stream),
            )
        )
    out.append(Result(f"  distinct tenants in the stream: {len(set(stream))}", 0, ""))

    tracemalloc.start()
    big, _ = _vendor(clock, max_entries=10_000)
    base = tracemalloc.get_traced_memory()[0]
    for i in range(10_000):
        big.credentials_for(f"tenant-{i:05d}", "basic")
    used = (tracemalloc.get_traced_memory()[0] - base) / 2**20
    tracemalloc.stop()
    big.session_for("tenant-99999", "basic")  # warm botocore's shared data loaders
    rss_before = _rss_mb()
    start = time.perf_counter()
    for i in range(20):
        big.session_for(f"tenant-{i:05d}", "basic")
    per_session_ms = (time.perf_counter() - start) / 20 * 1000
    per_session_mb = (_rss_mb() - rss_before) / 20
    out.append(
        Result("memory of a full cache, 10,000 tenants (credentials)", used, "MB", "<= 50 MB")
    )
    out.append(Result("  first session_for per tenant and thread: time", per_session_ms, "ms"))
    out.append(Result("  first session_for per tenant and thread: RSS", per_session_mb, "MB"))
    big.clear()
    return out
