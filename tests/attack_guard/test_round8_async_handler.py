"""Round 8: an ``async def`` handler ran outside its tenant scope.

The attack: ``tenant_handler`` called the decorated function and closed the scope
(flushed the metrics, reset the invocation's context, removed the log keys) when the
call returned. For an ``async def`` handler the call only creates a coroutine: the
service code ran afterwards (``asyncio.run(handler(event, context))``, an ASGI
adapter), outside the scope. Its metrics went out empty before any work was done (the
tenant's reads, refusals and custom metrics metered to no one; with a shared back end,
written into the next invocation's document), its log records carried no tenant, and
two such invocations of different tenants interleaved on one event loop shared
whatever stamp the process held last. The guard still held (the session is the
tenant's), but the tenant's traffic was not the tenant's in logs and metrics.

Why: the scope's lifetime was tied to the call, not to the handler's run. Fixed at
the root: a coroutine function gets an ``async`` wrapper that opens the scope in the
task that awaits it and closes it when the handler's run ends (context variables are
per task, so concurrent invocations keep their own); a synchronous handler that
returns an awaitable is refused with a ``TypeError`` instead of being let run
outside its scope.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import EmfMetrics, MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, OkSts, dead_client, outcome

CATALOG = default_catalog()


def event(tenant: str, tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}}


def powertools_logger() -> tuple[Any, io.StringIO]:
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    return Logger(service=f"round8-async-{id(out)}", logger_handler=logging.StreamHandler(out)), out


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


def records(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def test_an_async_handler_runs_inside_its_tenant_scope() -> None:
    base, out = powertools_logger()
    lines: list[str] = []
    v = vendor()

    @tenant_handler(
        v, logger=base, metrics=MetricsOptions(EmfMetrics("Async", emit=lines.append)), guard=True
    )
    async def handler(evt: Any, context: Any, tenant: Any) -> Any:
        await asyncio.sleep(0)
        s3 = dead_client(tenant.session, "s3")
        assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
        tenant.metrics.add_metric("OrdersRead", 2)
        base.info("orders read")
        return {"statusCode": 200}

    assert asyncio.run(handler(event("acme"), None)) == {"statusCode": 200}
    (doc,) = [json.loads(line) for line in lines]
    assert (doc["tenant_id"], doc.get("OrdersRead"), doc["GuardRefusals"]) == ("acme", 2, 1)
    (record,) = [r for r in records(out) if r["message"] == "orders read"]
    assert (record.get("tenant_id"), record.get("tier")) == ("acme", "basic")


def test_variant_interleaved_invocations_on_one_loop_keep_their_tenants() -> None:
    base, out = powertools_logger()
    lines: list[str] = []
    v = vendor()

    @tenant_handler(v, logger=base, metrics=MetricsOptions(EmfMetrics("Async", emit=lines.append)))
    async def handler(evt: Any, context: Any, tenant: Any) -> Any:
        gate = evt["gate"]
        gate["opened"] += 1
        while gate["opened"] < 2:  # both invocations open before either writes
            await asyncio.sleep(0)
        tenant.metrics.add_metric("OrdersRead", 1)
        base.info(f"read by {tenant.context.tenant_id}")
        return tenant.context.tenant_id

    async def main() -> list[Any]:
        gate = {"opened": 0}
        return await asyncio.gather(
            handler({**event("acme"), "gate": gate}, None),
            handler({**event("globex", "premium"), "gate": gate}, None),
        )

    assert asyncio.run(main()) == ["acme", "globex"]
    docs = sorted((d["tenant_id"], d["tier"], d.get("OrdersRead")) for d in map(json.loads, lines))
    assert docs == [("acme", "basic", 1), ("globex", "premium", 1)]
    got = {r["message"]: (r.get("tenant_id"), r.get("tier")) for r in records(out)}
    assert got == {"read by acme": ("acme", "basic"), "read by globex": ("globex", "premium")}


def test_variant_a_sync_handler_returning_a_coroutine_is_refused() -> None:
    v = vendor()

    async def work(tenant: Any) -> Any:
        return {"statusCode": 200}

    @tenant_handler(v, metrics=False)
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        return work(tenant)  # would run after the scope closed

    with pytest.raises(TypeError, match="returned an awaitable"):
        handler(event("acme"), None)


def test_variant_an_async_handler_without_a_tenant_is_answered_401_unrun() -> None:
    lines: list[str] = []

    @tenant_handler(vendor(), metrics=MetricsOptions(EmfMetrics("Async", emit=lines.append)))
    async def handler(evt: Any, context: Any, tenant: Any) -> Any:
        raise AssertionError("never called without a tenant")

    assert asyncio.run(handler({"requestContext": {}}, None))["statusCode"] == 401
    assert [json.loads(line).get("Unauthorized") for line in lines] == [1]


def test_twin_a_sync_handler_is_unchanged() -> None:
    lines: list[str] = []
    base, out = powertools_logger()

    @tenant_handler(
        vendor(), logger=base, metrics=MetricsOptions(EmfMetrics("Async", emit=lines.append))
    )
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_metric("OrdersRead", 1)
        base.info("orders read")
        return {"statusCode": 200}

    assert handler(event("acme"), None) == {"statusCode": 200}
    assert [(d["tenant_id"], d.get("OrdersRead")) for d in map(json.loads, lines)] == [("acme", 1)]
    assert [r.get("tenant_id") for r in records(out) if r["message"] == "orders read"] == ["acme"]
