"""Round 8: a request body that names a runtime metric switches off its invocation's
metering.

The attack: the runtime records ``Invocations``, ``Errors``, ``Duration`` and the
vendor's figures (``StsCalls``, ``GuardRefusals``...) on each invocation's document
when the invocation ends; per-tenant billing and noisy-neighbour queries sum them.
Handler code could take those names first: as a property or dimension (the careless
handler of round 6, copying request fields onto its metrics, with a body of
``{"Invocations": "0"}``), and then the runtime's own ``add_metric("Invocations")``
raised at the end of the invocation, so its document was never written at all: the
tenant's reads, writes and STS calls metered to no one. As a metric of the handler's
(``add_metric(name_from_body, 100)``), the runtime's figure was summed with the
handler's value.

Why: the stamped keys were reserved for the runtime, the runtime's own metric names
were not. Fixed at the root: those names are the runtime's as ``tenant_id`` is (handler
code cannot set them: ``MetricsError``), and the runtime writes them over anything
a direct write to the back end put under their name.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import EmfMetrics, MetricsError, MetricsOptions
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestContext": {"authorizer": {"tenantId": tenant, "tier": "basic"}},
        "body": json.dumps(body),
    }


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


@pytest.mark.parametrize("how", ["add_property", "add_dimension", "add_metric"])
@pytest.mark.parametrize("name", ["Invocations", "Duration", "StsCalls", "GuardRefusals"])
def test_a_body_naming_a_runtime_metric_does_not_unmeter_the_invocation(
    how: str, name: str
) -> None:
    lines: list[str] = []

    @tenant_handler(vendor(), metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append)))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        for key, value in json.loads(evt["body"]).items():  # careless: fields -> metrics
            if how == "add_metric":
                tenant.metrics.add_metric(key, 100)
            else:
                getattr(tenant.metrics, how)(key, str(value))
        return {"statusCode": 200}

    with contextlib.suppress(MetricsError):  # refusing the name is a correct answer
        handler(event("acme", {name: "0"}), None)
    docs = [json.loads(line) for line in lines]
    assert len(docs) == 1, "the invocation's document was not written"
    (doc,) = docs
    assert doc["tenant_id"] == "acme"
    assert doc["Invocations"] == 1
    assert doc["StsCalls"] == 1, "the STS call of the invocation is not metered"
    assert isinstance(doc["Duration"], float)
    assert doc["GuardRefusals"] == 0


def test_variant_a_direct_write_to_the_back_end_is_overwritten_by_the_runtime() -> None:
    """Service code far from the handler writes to the module's ``EmfMetrics``
    itself (no check of ``tenant.metrics`` on that path)."""
    lines: list[str] = []
    emf = EmfMetrics("Orders", emit=lines.append)

    @tenant_handler(vendor(), metrics=MetricsOptions(emf))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        emf.add_metadata("Invocations", "0")
        emf.add_dimension("Errors", "none")
        return {"statusCode": 200}

    assert handler(event("acme", {}), None) == {"statusCode": 200}
    (doc,) = [json.loads(line) for line in lines]
    assert (doc["Invocations"], doc["Errors"]) == (1, 0)
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["tier"]]


def test_twin_custom_metrics_and_properties_are_recorded() -> None:
    lines: list[str] = []

    @tenant_handler(vendor(), metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append)))
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        for key, value in json.loads(evt["body"]).items():
            tenant.metrics.add_property(key, value)
        tenant.metrics.add_metric("OrdersRead", 3)
        tenant.metrics.add_dimension("route", "GET /orders")
        return {"statusCode": 200}

    handler(event("acme", {"order_id": "o-1", "invocation_note": "first"}), None)
    (doc,) = [json.loads(line) for line in lines]
    assert (doc["order_id"], doc["invocation_note"], doc["OrdersRead"]) == ("o-1", "first", 3)
    assert (doc["route"], doc["Invocations"], doc["tenant_id"]) == ("GET /orders", 1, "acme")
