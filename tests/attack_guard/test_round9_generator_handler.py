"""Round 9: a generator handler ran outside its tenant scope, inside the next one.

The attack: ``tenant_handler`` refused a synchronous handler that returns an
awaitable (round 8), but not one that returns a generator: a handler written with
``yield`` (a streamed export, rows produced lazily) or an ``async def`` with
``yield`` (an async generator, which is no coroutine function) only *creates* its
generator inside the scope. Its body runs when the generator is consumed: after the
scope closed, and in whatever context consumes it. Consumed while another tenant's
invocation is open (a local server, a framework that streams the body after the
next request started), its log records carried that other tenant, its
``policy_engine.metrics.add_metric`` calls went into the other tenant's document, and
its guard refusals were counted on the other tenant. Nothing of the tenant's own
work was metered to it.

Why: the round-8 check looked at one kind of deferred work (awaitables), not at the
class: any result whose body runs later. Fixed at the root: generator functions and
async generator functions are refused when decorated (``TypeError``), and a handler
that returns a generator, an async generator or an awaitable has it closed unrun and
the call refused with ``TypeError``.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from policy_engine import metrics as pe_metrics
from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import EmfMetrics, MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}}


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


def powertools_logger() -> tuple[Any, io.StringIO]:
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    return Logger(service=f"round9-gen-{id(out)}", logger_handler=logging.StreamHandler(out)), out


def records(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def test_a_generator_handler_does_not_run_as_the_next_tenant() -> None:
    base, out = powertools_logger()
    lines: list[str] = []
    v = vendor()
    options = MetricsOptions(EmfMetrics("Round9", emit=lines.append))
    ran: list[str] = []

    def export(evt: Any, context: Any, tenant: Any) -> Iterator[str]:
        ran.append(tenant.context.tenant_id)
        base.info("rows exported")
        pe_metrics.add_metric("RowsExported", 7)
        yield "row"

    try:
        decorated = tenant_handler(v, logger=base, metrics=options)(export)
        rows = decorated(event("acme"), None)
    except TypeError:
        rows = iter(())  # refused: nothing deferred

    @tenant_handler(v, logger=base, metrics=options)
    def consumer(evt: Any, context: Any, tenant: Any) -> Any:
        return list(rows)  # the other tenant's invocation consumes acme's rows

    consumer(event("globex", "premium"), None)
    globex_docs = [d for d in map(json.loads, lines) if d["tenant_id"] == "globex"]
    assert [d.get("RowsExported") for d in globex_docs] == [None]
    assert [r.get("tenant_id") for r in records(out) if r["message"] == "rows exported"] in (
        [],
        ["acme"],
    )
    assert ran in ([], ["acme"])


def test_variant_generator_functions_are_refused_when_decorated() -> None:
    def sync_rows(evt: Any, context: Any, tenant: Any) -> Iterator[str]:
        yield "row"

    async def async_rows(evt: Any, context: Any, tenant: Any) -> AsyncIterator[str]:
        yield "row"

    for func in (sync_rows, async_rows):
        with pytest.raises(TypeError, match="generator"):
            tenant_handler(vendor(), metrics=False)(func)


def test_variant_a_handler_returning_a_generator_is_refused_unrun() -> None:
    ran: list[str] = []

    def rows() -> Iterator[str]:
        ran.append("ran")
        yield "row"

    async def arows() -> AsyncIterator[str]:
        ran.append("ran")
        yield "row"

    for make in (rows, arows):

        @tenant_handler(vendor(), metrics=False)
        def handler(evt: Any, context: Any, tenant: Any, make: Any = make) -> Any:
            return make()

        with pytest.raises(TypeError, match="generator"):
            handler(event("acme"), None)

    @tenant_handler(vendor(), metrics=False)
    async def async_handler(evt: Any, context: Any, tenant: Any) -> Any:
        return rows()

    with pytest.raises(TypeError, match="generator"):
        asyncio.run(async_handler(event("acme"), None))
    assert ran == []


def test_twin_handlers_returning_values_and_lists_are_unchanged() -> None:
    @tenant_handler(vendor(), metrics=False)
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        return [row.upper() for row in ("a", "b")]  # a list built inside the scope

    @tenant_handler(vendor(), metrics=False)
    async def async_handler(evt: Any, context: Any, tenant: Any) -> Any:
        return {"statusCode": 200}

    assert handler(event("acme"), None) == ["A", "B"]
    assert asyncio.run(async_handler(event("acme"), None)) == {"statusCode": 200}
