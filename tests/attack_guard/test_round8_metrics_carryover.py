"""Round 8: one invocation's metrics billed to the next tenant through a shared
metrics back end.

The attack: a Powertools ``Metrics`` keeps its metric, dimension and property sets
at class level, shared by every invocation of the container. The runtime flushes it
once at the end of each invocation, stamped with that invocation's tenant. When the
flush of tenant A's invocation fails (a property JSON cannot write: a ``Decimal``
from a body parsed with ``parse_float=Decimal``, as DynamoDB code does; an output
that raises), Powertools never clears its sets, and the next invocation, of tenant B,
flushes A's ``Invocations``, ``Duration``, ``StsCalls`` and custom metrics and
properties stamped with B's tenant and tier. What was written to the shared object
between invocations (a background thread, module code) goes out under the next
tenant the same way. A tenant who controls a number in its request body gets its
usage metered as, and its properties logged under, another tenant.

Why: the stamp made sure the *keys* ``tenant_id`` and ``tier`` are the invocation's,
not that the *contents* of a shared back end are. Fixed at the root: an invocation's
recorder empties a shared back end when it opens and again when it flushes, whether
the flush succeeded or not; ``add_property`` refuses a value the Powertools back end
cannot write, where it is added.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import MetricsError, MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, body: str = "{}", tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}, "body": body}


@pytest.fixture
def metrics() -> Any:
    from aws_lambda_powertools import Metrics

    shared = Metrics(namespace="Round8Carryover", service="orders")
    shared.clear_metrics()  # class-level sets: start and end clean
    yield shared
    shared.clear_metrics()


def documents(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = capsys.readouterr().out.splitlines()
    return [json.loads(line) for line in out if line.startswith("{")]


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


def by_tenant(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        out.setdefault(doc.get("tenant_id", "<none>"), []).append(doc)
    return out


def test_a_failed_flush_is_not_billed_to_the_next_tenant(
    metrics: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Service code writes straight to the module's Powertools ``Metrics`` (no check
    of ours on that path) a total from the body: the flush of acme's invocation
    fails. globex's invocation, next in the container, must carry globex's figures
    only: one ``Invocations``, none of acme's properties."""
    v = vendor()

    @tenant_handler(v, metrics=MetricsOptions(metrics))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        body = json.loads(evt["body"], parse_float=Decimal)
        if "total" in body:
            metrics.add_metadata(key="order_total", value=body["total"])
        tenant.metrics.add_metric("OrdersCreated", 1)
        return {"statusCode": 201}

    with pytest.raises(TypeError):  # acme's own flush cannot write the Decimal
        handler(event("acme", '{"total": 12.5}'), None)
    assert handler(event("globex", tier="premium"), None) == {"statusCode": 201}
    docs = by_tenant(documents(capsys))
    assert set(docs) == {"globex"}, "acme's failed flush wrote nothing of its own"
    (globex,) = docs["globex"]
    assert globex["tier"] == "premium"
    assert globex["Invocations"] == [1.0], "acme's invocation was billed to globex"
    assert globex["StsCalls"] == [1.0]
    assert "order_total" not in globex, "acme's property was logged under globex"


def test_variant_a_property_the_back_end_cannot_write_is_refused_where_it_is_added(
    metrics: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through ``tenant.metrics``: the Decimal is refused at ``add_property`` (a clear
    ``MetricsError``), so acme's invocation still flushes its own document (with
    ``Errors`` 1) and globex's carries globex's figures only."""
    v = vendor()

    @tenant_handler(v, metrics=MetricsOptions(metrics))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_metric("OrdersCreated", 1)
        body = json.loads(evt["body"], parse_float=Decimal)
        if "total" in body:
            tenant.metrics.add_property("order_total", body["total"])
        return {"statusCode": 201}

    with pytest.raises(MetricsError, match=r"order_total.*Decimal"):
        handler(event("acme", '{"total": 12.5}'), None)
    handler(event("globex"), None)
    docs = by_tenant(documents(capsys))
    (acme,) = docs["acme"]
    (globex,) = docs["globex"]
    assert (acme["Invocations"], acme["Errors"]) == ([1.0], [1.0])
    assert (globex["Invocations"], globex["Errors"]) == ([1.0], [0.0])
    assert "order_total" not in acme
    assert "order_total" not in globex


def test_variant_what_was_written_between_invocations_is_not_the_next_tenants(
    metrics: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write to the shared object outside any invocation (a thread left running by
    acme's invocation, module code) is no one's: it must not go out as globex's."""
    v = vendor()

    @tenant_handler(v, metrics=MetricsOptions(metrics))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        return {"statusCode": 200}

    handler(event("acme"), None)
    metrics.add_metric(name="ExportedRows", unit="Count", value=5000)  # acme's late work
    metrics.add_metadata(key="export_of", value="acme")
    handler(event("globex"), None)
    docs = by_tenant(documents(capsys))
    (globex,) = docs["globex"]
    assert "ExportedRows" not in globex
    assert "export_of" not in globex


def test_twin_consecutive_invocations_each_carry_their_own_figures(
    metrics: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    v = vendor()

    @tenant_handler(v, metrics=MetricsOptions(metrics))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        body = json.loads(evt["body"])
        tenant.metrics.add_property("order_total", body["total"])  # a float: fine
        tenant.metrics.add_property("lines", [1, 2])
        metrics.add_metadata(key="region_hint", value="eu")  # direct, JSON-writable
        tenant.metrics.add_metric("OrdersCreated", 1)
        return {"statusCode": 201}

    handler(event("acme", '{"total": 12.5}'), None)
    handler(event("globex", '{"total": 3}'), None)
    docs = by_tenant(documents(capsys))
    assert [d["order_total"] for d in docs["acme"]] == [12.5]
    assert [d["order_total"] for d in docs["globex"]] == [3]
    for doc in (*docs["acme"], *docs["globex"]):
        assert doc["Invocations"] == [1.0]
        assert doc["OrdersCreated"] == [1.0]
        assert doc["region_hint"] == "eu"
        assert doc["lines"] == [1, 2]
