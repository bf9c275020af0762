"""Round 11: work an earlier invocation left running is metered as the next tenant's.

The attack: globex's invocation starts background work and returns without waiting
for it (a thread, an ``asyncio`` task that is not cancelled; in Lambda a frozen
process thaws with them for the next invocation). That work writes straight to the
service's Powertools ``Metrics`` (``metrics.add_metric("ExportedRows", 1000)``, the
usual Powertools call) while the next invocation, acme's, is open, alone in the
process. Round 9 kept what a lone invocation finds written on the back end *during*
its life as its own, so globex's figures went out in acme's document, under
``tenant_id: acme``: globex's usage billed to acme (or a tenant inflating another's
metering on purpose).

Why: a lone invocation claimed every direct write to the shared back end, whoever
made it. Fixed at the root: the runtime wraps the write methods of the Powertools
``Metrics`` it is given (``add_metric``, ``add_dimension``, ``add_dimensions``,
``add_metadata``); a write made while invocations are open on its storage from a
context that is none of theirs (a thread of no invocation, a task still holding a
closed invocation's context) is dropped, never attributed. Writes from the
invocation's own code, its tasks and threads run in a copy of its context go out with
it as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, **extra: Any) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": "basic"}}, **extra}


@pytest.fixture
def powertools() -> Any:
    from aws_lambda_powertools import Metrics

    shared = Metrics(namespace="Round11Leftover", service="orders")
    shared.clear_metrics()
    yield shared
    shared.clear_metrics()


def documents(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    out = capsys.readouterr().out.splitlines()
    docs = [json.loads(line) for line in out if line.startswith("{")]
    return {d["tenant_id"]: d for d in docs}


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), region="eu-west-1", role_chaining=False)


def test_a_thread_left_by_globex_is_not_metered_as_acme(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    go, done = threading.Event(), threading.Event()

    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        if evt.get("leave"):

            def later() -> None:
                go.wait(5)
                powertools.add_metric(name="ExportedRows", unit="Count", value=1000)
                done.set()

            threading.Thread(target=later, daemon=True).start()
        else:
            go.set()
            done.wait(5)
        return {}

    handler(event("globex", leave=True), None)
    handler(event("acme"), None)
    docs = documents(capsys)
    assert "ExportedRows" not in docs["acme"]
    assert "ExportedRows" not in docs["globex"]


def test_an_asyncio_task_left_by_globex_is_not_metered_as_acme(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks: list[Any] = []

    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    async def handler(evt: Any, context: Any, tenant: Any) -> Any:
        if evt.get("leave"):

            async def later() -> None:
                await asyncio.sleep(0.01)
                powertools.add_metric(name="ExportedRows", unit="Count", value=1000)

            tasks.append(asyncio.get_running_loop().create_task(later()))  # not awaited
        else:
            await asyncio.sleep(0.05)  # globex's task runs meanwhile
        return {}

    async def main() -> None:
        await handler(event("globex", leave=True), None)
        await handler(event("acme"), None)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    docs = documents(capsys)
    assert "ExportedRows" not in docs["acme"]


def test_twin_the_invocations_own_direct_writes_are_metered(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Direct writes from the handler, from a thread run in a copy of its context and
    from a task it awaits go out in its own document."""

    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        powertools.add_metric(name="OrdersRead", unit="Count", value=1)
        worker = threading.Thread(
            target=contextvars.copy_context().run,
            args=(lambda: powertools.add_metric(name="Resized", unit="Count", value=2),),
        )
        worker.start()
        worker.join()

        async def inner() -> None:
            powertools.add_dimension(name="source", value="api")

        asyncio.run(inner())
        return {}

    handler(event("acme"), None)
    acme = documents(capsys)["acme"]
    assert acme["OrdersRead"] == [1.0]
    assert acme["Resized"] == [2.0]
    assert acme["source"] == "api"


def test_variant_a_second_metrics_object_sharing_the_storage(
    powertools: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every Powertools ``Metrics`` object shares one class-level storage: the leftover
    work writes through another object than the one handed to the runtime."""
    from aws_lambda_powertools import Metrics

    go, done = threading.Event(), threading.Event()
    elsewhere = Metrics(namespace="Round11Leftover", service="exports")

    @tenant_handler(vendor(), metrics=MetricsOptions(powertools))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        if evt.get("leave"):

            def later() -> None:
                go.wait(5)
                elsewhere.add_metric(name="ExportedRows", unit="Count", value=1000)
                done.set()

            threading.Thread(target=later, daemon=True).start()
        else:
            go.set()
            done.wait(5)
        return {}

    handler(event("globex", leave=True), None)
    handler(event("acme"), None)
    assert "ExportedRows" not in documents(capsys)["acme"]
