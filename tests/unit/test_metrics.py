"""Tenant-aware metrics: every document checked against the EMF specification, with
the built-in writer and with Powertools' Metrics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emf_spec import assert_emf, emf_documents, emf_problems

from policy_engine import metrics as pe_metrics
from policy_engine.metrics import (
    EmfMetrics,
    MetricsError,
    MetricsOptions,
    TenantMetrics,
    record_vendor_delta,
)


def writer(lines: list[str], **kwargs: Any) -> EmfMetrics:
    return EmfMetrics("Orders", emit=lines.append, clock=lambda: 1700000000.5, **kwargs)


def test_the_checker_refuses_what_the_specification_refuses() -> None:
    good = {
        "_aws": {
            "Timestamp": 1,
            "CloudWatchMetrics": [
                {"Namespace": "N", "Dimensions": [["tier"]], "Metrics": [{"Name": "M"}]}
            ],
        },
        "tier": "basic",
        "M": 1,
    }
    assert emf_problems(good) == []
    assert emf_problems({**good, "M": "1"})  # a string value
    assert emf_problems({k: v for k, v in good.items() if k != "tier"})  # dimension missing
    assert emf_problems({**good, "tier": 3})  # dimension value not a string
    bad_unit = json.loads(json.dumps(good))
    bad_unit["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Things"
    assert emf_problems(bad_unit)
    many = json.loads(json.dumps(good))
    many["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = [[f"d{i}" for i in range(31)]]
    assert emf_problems(many)


@pytest.mark.parametrize(
    ("tenant_as", "tier_as", "dimensions"),
    [
        ("property", "dimension", [["tier"]]),
        ("dimension", "dimension", [["tenant_id", "tier"]]),
        ("property", "property", [[]]),
        ("dimension", "property", [["tenant_id"]]),
    ],
)
def test_tenant_and_tier_as_dimensions_or_properties(
    tenant_as: Any, tier_as: Any, dimensions: list[list[str]]
) -> None:
    lines: list[str] = []
    m = TenantMetrics(
        writer(lines), tenant="acme", tier="basic", tenant_as=tenant_as, tier_as=tier_as
    )
    m.add_metric("OrdersRead", 2)
    m.add_metric("Latency", 12.5, "Milliseconds")
    m.add_property("order_id", "o-1")
    assert m.flush()
    assert m.flush() == []
    (line,) = lines
    doc = assert_emf(json.loads(line))
    directive = doc["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Orders"
    assert sorted(map(sorted, directive["Dimensions"])) == dimensions
    assert doc["tenant_id"] == "acme"
    assert doc["tier"] == "basic"
    assert doc["OrdersRead"] == 2.0
    assert doc["Latency"] == 12.5
    assert doc["order_id"] == "o-1"
    assert doc["_aws"]["Timestamp"] == 1700000000500


def test_service_dimension_and_environment_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Shop")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "orders")
    lines: list[str] = []
    m = TenantMetrics(EmfMetrics(emit=lines.append), tenant="acme", tier="basic")
    m.add_metric("X")
    m.flush()
    doc = assert_emf(json.loads(lines[0]))
    assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Shop"
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service", "tier"]]
    assert doc["service"] == "orders"


def test_more_than_a_hundred_metrics_or_values_split_into_valid_documents() -> None:
    lines: list[str] = []
    m = TenantMetrics(writer(lines), tenant="acme", tier="basic")
    for i in range(150):
        m.add_metric(f"M{i}", i)
    for i in range(250):
        m.add_metric("Repeated", i)
    docs = [assert_emf(json.loads(line)) for line in lines] if m.flush() else []
    assert len(docs) >= 3
    assert sum(len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in docs) == 150 + 3
    repeated = [v for d in docs if "Repeated" in d for v in d["Repeated"]]
    assert repeated == [float(i) for i in range(250)]


@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [("", 1, "Count"), ("M", "1", "Count"), ("M", float("nan"), "Count"), ("M", 1, "Things"),
     ("M", True, "Count"), ("_aws", 1, "Count")],
)  # fmt: skip
def test_bad_metrics_are_refused_with_a_clear_error(name: str, value: Any, unit: str) -> None:
    m = TenantMetrics(writer([]), tenant="acme", tier="basic")
    with pytest.raises(MetricsError):
        m.add_metric(name, value, unit)


def test_a_metric_cannot_take_the_name_of_the_tenant_member() -> None:
    m = TenantMetrics(writer([]), tenant="acme", tier="basic")
    with pytest.raises(MetricsError, match="stamped by the runtime"):
        m.add_metric("tenant_id", 1)


@pytest.mark.parametrize("key", ["tenant_id", "tier"])
def test_a_shared_built_in_sink_refuses_direct_writes_of_the_stamped_keys(key: str) -> None:
    lines: list[str] = []
    sink = writer(lines)
    m = TenantMetrics(sink, tenant="acme", tier="basic")
    for write in (
        lambda: sink.add_metadata(key, "globex"),
        lambda: sink.add_dimension(key, "globex"),
        lambda: sink.add_metric(key, "Count", 1),
    ):
        with pytest.raises(MetricsError, match="stamped by the runtime"):
            write()
    m.add_metric("OrdersRead", 1)
    (doc,) = m.flush()
    assert (doc["tenant_id"], doc["tier"]) == ("acme", "basic")
    sink.add_metadata(key, "free again")  # the stamp ends with the flush
    assert sink.serialize_metric_set() == []  # (no metric: nothing to write)


def test_bad_placement_is_refused() -> None:
    with pytest.raises(MetricsError, match="dimension` or `property"):
        MetricsOptions(tenant_as="label")  # type: ignore[arg-type]
    with pytest.raises(MetricsError, match="Powertools Metrics"):
        MetricsOptions(object())


def test_vendor_delta() -> None:
    lines: list[str] = []
    m = TenantMetrics(writer(lines), tenant="acme", tier="basic")
    before = {"hits": 3, "misses": 1, "sts_calls": 1, "sts_seconds": 0.1, "guard_refusals": 0}
    after = {"hits": 3, "misses": 2, "sts_calls": 3, "sts_seconds": 0.3, "sts_errors": 1,
             "guard_refusals": 2}  # fmt: skip
    record_vendor_delta(m, before, after)
    m.flush()
    doc = assert_emf(json.loads(lines[0]))
    assert doc["CredentialCacheHits"] == 0
    assert doc["CredentialCacheMisses"] == 1
    assert doc["StsCalls"] == 2
    assert doc["StsErrors"] == 1
    assert doc["GuardRefusals"] == 2
    assert doc["StsLatency"] == pytest.approx(100.0)


def test_module_level_api_outside_an_invocation_records_nothing() -> None:
    assert pe_metrics.add_metric("Anything") is False
    assert pe_metrics.current() is None


def test_powertools_metrics_back_end(capsys: pytest.CaptureFixture[str]) -> None:
    powertools = pytest.importorskip("aws_lambda_powertools")
    metrics = powertools.Metrics(namespace="Orders", service="orders")
    metrics.clear_metrics()
    options = MetricsOptions(metrics)
    m = options.recorder("acme", "basic")
    m.add_metric("OrdersRead", 1)
    m.add_metric("Latency", 5, "Milliseconds")
    m.flush()
    (doc,) = emf_documents(capsys.readouterr().out)
    assert_emf(doc)
    assert sorted(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == ["service", "tier"]
    assert doc["tenant_id"] == "acme"
    assert doc["tier"] == "basic"
    assert doc["OrdersRead"] == [1.0]
    # the next invocation starts clean: Powertools clears dimensions and metadata at flush
    m = options.recorder(None, None)
    m.record_runtime("Unauthorized", 1)  # what the runtime records on a 401
    m.flush()
    (doc,) = emf_documents(capsys.readouterr().out)
    assert_emf(doc)
    assert "tenant_id" not in doc
    assert "tier" not in doc


def test_the_library_logger_follows_the_current_invocation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from policy_engine import _invocation

    proxy = _invocation.InvocationLogger(logging.getLogger("policy_engine.guard"))
    mine = logging.getLogger("users.own")
    with caplog.at_level(logging.WARNING):
        proxy.warning("outside")
        token = _invocation.current_logger.set(mine)
        try:
            proxy.warning("inside")
        finally:
            _invocation.current_logger.reset(token)
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("policy_engine.guard", "outside"),
        ("users.own", "inside"),
    ]
