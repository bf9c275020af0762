"""Round 9: two invocations open at once on one shared metrics back end bill each
other's figures.

The attack: a Powertools ``Metrics`` keeps its sets at class level, so every
invocation of the process writes into one back end (an ``EmfMetrics`` passed in
``MetricsOptions`` is one object too). The README promises that an ``async def``
handler's metrics are its tenant's "also with several invocations interleaved on one
event loop", and that a shared back end "carries only the invocation's own figures".
But each invocation's recorder wrote straight into the shared sets and stamped them:
when tenant B's invocation opened while tenant A's was still running it emptied the
sets (A's figures so far were lost) and stamped them with B; what both wrote
afterwards went into one set, flushed by whichever closed first under *its* tenant.
A tenant that makes its handler do work (``OrdersRead``, a dimension from its
request) while another tenant's request runs has that work metered as, or erased
from, the other tenant; concurrent threads of a local server mix the same way.

Why: the recorder's contents lived in the shared back end between its writes and its
flush. Fixed at the root: an invocation's recorder keeps what it records (metrics,
dimensions, properties, runtime figures) itself and hands it to the back end only in
its flush, under a process-wide lock, into a back end emptied first and emptied
again afterwards; so only that invocation's figures go out under its tenant whatever
runs concurrently.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import EmfMetrics, MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, tier: str = "basic", **extra: Any) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}, **extra}


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


@pytest.fixture
def powertools() -> Any:
    from aws_lambda_powertools import Metrics

    shared = Metrics(namespace="Round9Shared", service="orders")
    shared.clear_metrics()
    yield shared
    shared.clear_metrics()


def documents(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = capsys.readouterr().out.splitlines()
    return [json.loads(line) for line in out if line.startswith("{")]


def value(doc: dict[str, Any], name: str) -> Any:
    """A metric's value(s) as a list, whichever back end wrote the document."""
    got = doc.get(name)
    if got is None:
        return None
    return got if isinstance(got, list) else [got]


async def _gate(gate: dict[str, int], key: str, count: int) -> None:
    gate[key] += 1
    while gate[key] < count:
        await asyncio.sleep(0)


def run_interleaved(options: MetricsOptions) -> None:
    """Two async invocations, of acme and globex: both open, both write, then each
    closes (acme first)."""

    @tenant_handler(vendor(), metrics=options)
    async def handler(evt: Any, context: Any, tenant: Any) -> Any:
        gate = evt["gate"]
        await _gate(gate, "opened", 2)  # both scopes open before either writes
        tenant.metrics.add_metric("OrdersRead", evt["reads"])
        tenant.metrics.add_dimension("region_of_caller", evt["where"])
        await _gate(gate, "written", 2)  # both wrote before either closes
        if tenant.context.tenant_id == "globex":
            await asyncio.sleep(0.01)  # acme closes first
        return tenant.context.tenant_id

    async def main() -> list[Any]:
        gate = {"opened": 0, "written": 0}
        return await asyncio.gather(
            handler(event("acme", gate=gate, reads=3, where="eu"), None),
            handler(event("globex", "premium", gate=gate, reads=5, where="us"), None),
        )

    assert asyncio.run(main()) == ["acme", "globex"]


def test_interleaved_invocations_on_a_powertools_back_end_keep_their_figures(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run_interleaved(MetricsOptions(powertools))
    docs = documents(capsys)
    got = sorted(
        (
            d.get("tenant_id"),
            d.get("tier"),
            d.get("region_of_caller"),
            value(d, "OrdersRead"),
            value(d, "Invocations"),
        )
        for d in docs
    )
    assert got == [
        ("acme", "basic", "eu", [3.0], [1.0]),
        ("globex", "premium", "us", [5.0], [1.0]),
    ]


def test_variant_a_shared_builtin_writer_keeps_each_invocations_figures() -> None:
    lines: list[str] = []
    run_interleaved(MetricsOptions(EmfMetrics("Round9", emit=lines.append)))
    got = sorted(
        (d["tenant_id"], d["tier"], d.get("region_of_caller"), value(d, "OrdersRead"))
        for d in map(json.loads, lines)
    )
    assert got == [("acme", "basic", "eu", [3.0]), ("globex", "premium", "us", [5.0])]


def test_variant_concurrent_threads_on_a_powertools_back_end(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    barrier = threading.Barrier(2)
    v = vendor()

    @tenant_handler(v, metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        barrier.wait(5)  # both open
        tenant.metrics.add_metric("OrdersRead", evt["reads"])
        barrier.wait(5)  # both wrote
        return tenant.context.tenant_id

    results: dict[str, Any] = {}

    def run(tenant: str, tier: str, reads: int) -> None:
        results[tenant] = handler(event(tenant, tier, reads=reads), None)

    threads = [
        threading.Thread(target=run, args=("acme", "basic", 3)),
        threading.Thread(target=run, args=("globex", "premium", 5)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {"acme": "acme", "globex": "globex"}
    got = sorted((d.get("tenant_id"), value(d, "OrdersRead")) for d in documents(capsys))
    assert got == [("acme", [3.0]), ("globex", [5.0])]


def test_twin_sequential_invocations_and_direct_writes_are_unchanged(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_metric("OrdersRead", evt["reads"])
        # written straight to the Powertools object, as service code often does
        powertools.add_metric(name="DirectWrites", unit="Count", value=1)
        return tenant.context.tenant_id

    assert handler(event("acme", reads=3), None) == "acme"
    assert handler(event("globex", "premium", reads=5), None) == "globex"
    got = [
        (d.get("tenant_id"), value(d, "OrdersRead"), value(d, "DirectWrites"))
        for d in documents(capsys)
    ]
    assert got == [("acme", [3.0], [1.0]), ("globex", [5.0], [1.0])]


def test_variant_work_left_by_one_invocation_does_not_meter_into_the_next(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A thread acme's invocation left running in a copy of its context (as the README
    advises for handed-off work) records after acme's flush, while globex's
    invocation is open: never into globex's document."""
    import contextvars

    from policy_engine import metrics as pe_metrics

    release = threading.Event()
    done = threading.Event()
    v = vendor()

    def late_work() -> None:
        release.wait(5)
        pe_metrics.add_metric("RowsExported", 9)
        done.set()

    @tenant_handler(v, metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        if tenant.context.tenant_id == "acme":
            ctx = contextvars.copy_context()
            threading.Thread(target=ctx.run, args=(late_work,)).start()
        else:
            release.set()  # acme's work runs while globex's invocation is open
            assert done.wait(5)
        tenant.metrics.add_metric("OrdersRead", 1)
        return tenant.context.tenant_id

    assert handler(event("acme"), None) == "acme"
    assert handler(event("globex", "premium"), None) == "globex"
    got = sorted((d.get("tenant_id"), value(d, "RowsExported")) for d in documents(capsys))
    assert got == [("acme", None), ("globex", None)]


def test_variant_a_full_metric_set_written_by_powertools_itself_carries_the_tenant(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Powertools writes a document by itself when its metric set reaches 100 metrics:
    that document, too, is the invocation's, stamped with its tenant and tier."""

    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_dimension("region_of_caller", "eu")
        for i in range(120):
            tenant.metrics.add_metric(f"Step{i}", 1)
        return tenant.context.tenant_id

    assert handler(event("acme"), None) == "acme"
    docs = documents(capsys)
    assert len(docs) >= 2
    assert {(d.get("tenant_id"), d.get("tier"), d.get("region_of_caller")) for d in docs} == {
        ("acme", "basic", "eu")
    }
    steps = {k for d in docs for k in d if k.startswith("Step")}
    assert len(steps) == 120


def test_twin_a_powertools_back_end_still_takes_a_dimension_value_that_is_no_string(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_dimension("shard", 7)  # Powertools writes str(7)
        tenant.metrics.add_metric("OrdersRead", 1)
        return "ok"

    assert handler(event("acme"), None) == "ok"
    assert [(d["tenant_id"], d["shard"]) for d in documents(capsys)] == [("acme", "7")]
