"""The Lambda runtime's logs, metrics and traces, run against a moto server: EMF
documents with the tenant (built-in writer and Powertools), X-Ray annotations through a
Powertools Tracer, and no tenant key outliving its invocation."""

from __future__ import annotations

import io
import json
import logging
import random
from decimal import Decimal
from typing import Any

import pytest
from emf_spec import assert_emf, emf_documents

from policy_engine import metrics as pe_metrics
from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.metrics import EmfMetrics, MetricsOptions
from policy_engine.vend import CredentialVendor

CATALOG = default_catalog()


def rest_event(tenant: str, tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}}


NO_TENANT: dict[str, Any] = {"requestContext": {}}


@pytest.fixture
def vendor(sts: Any, aws_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_kwargs["endpoint_url"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    return CredentialVendor(CATALOG, sts_client=sts, region="eu-west-1", role_chaining=False)


@pytest.fixture
def orders(orders_table: Any) -> Any:
    orders_table.put_item(Item={"tenant_id": "acme", "order_id": "o-7", "total": Decimal("3")})
    return orders_table


def deep_helper() -> None:
    """Code far from the handler: the module-level API reaches the invocation's metrics."""
    assert pe_metrics.add_metric("OrdersRead", 1)


def test_handler_emits_emf_documents_with_the_tenant(vendor: Any, orders: Any) -> None:
    lines: list[str] = []

    @tenant_handler(vendor, metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append)))
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        table = tenant.session.resource("dynamodb").Table("saas-orders")
        item = table.get_item(Key={"tenant_id": tenant.context.tenant_id, "order_id": "o-7"})
        tenant.metrics.add_metric("OrderTotal", float(item.get("Item", {}).get("total", 0)))
        deep_helper()
        if event.get("fail"):
            raise RuntimeError("boom")
        return {"statusCode": 200}

    assert handler(rest_event("acme"), None) == {"statusCode": 200}
    assert handler(rest_event("acme"), None) == {"statusCode": 200}
    assert handler(NO_TENANT, None)["statusCode"] == 401
    with pytest.raises(RuntimeError):
        handler({**rest_event("globex", "standard"), "fail": True}, None)
    docs = [assert_emf(json.loads(line)) for line in lines]
    assert len(docs) == 4  # one flush per invocation
    first, warm, unauthorized, failed = docs
    for doc in (first, warm):
        assert doc["tenant_id"] == "acme"
        assert doc["tier"] == "basic"
        assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["tier"]]
        assert doc["Invocations"] == 1
        assert doc["Errors"] == 0
        assert doc["OrdersRead"] == 1
        assert doc["OrderTotal"] == 3
        assert doc["Duration"] > 0
    units = {m["Name"]: m["Unit"] for m in first["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert units["Duration"] == "Milliseconds"
    assert units["StsLatency"] == "Milliseconds"
    assert first["CredentialCacheMisses"] == 1
    assert first["StsCalls"] == 1
    assert warm["CredentialCacheHits"] == 1
    assert warm["CredentialCacheMisses"] == 0
    assert "StsCalls" not in warm
    assert unauthorized["Unauthorized"] == 1
    assert "tenant_id" not in unauthorized
    assert failed["tenant_id"] == "globex"
    assert failed["Errors"] == 1
    assert pe_metrics.current() is None  # reset after every invocation


def test_guard_refusals_are_counted(vendor: Any, orders: Any) -> None:
    lines: list[str] = []

    @tenant_handler(
        vendor, guard=True, metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append))
    )
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        from botocore.exceptions import ClientError

        table = tenant.session.resource("dynamodb").Table("saas-orders")
        try:
            table.get_item(Key={"tenant_id": "globex", "order_id": "o-7"})
        except ClientError as exc:
            return exc.response["Error"]["Code"]
        return "sent"

    assert handler(rest_event("acme"), None) == "AccessDenied"
    (doc,) = [assert_emf(json.loads(line)) for line in lines]
    assert doc["GuardRefusals"] == 1


def test_partition_key_option_reaches_the_guard(vendor: Any, orders: Any) -> None:
    def make(pk: Any) -> Any:
        @tenant_handler(vendor, guard=True, dynamodb_partition_key=pk, metrics=False)
        def handler(event: Any, context: Any, tenant: Any) -> Any:
            from botocore.exceptions import ClientError

            table = tenant.session.resource("dynamodb").Table("saas-orders")
            try:
                return table.get_item(Key={"tenant_id": "acme", "order_id": "o-7"})["Item"]
            except ClientError as exc:
                return exc.response["Error"]["Message"]

        return handler

    assert make({"saas-orders": "tenant_id"})(rest_event("acme"), None)["order_id"] == "o-7"
    # a guard told the key is named otherwise reads no partition key, and says so
    message = make("tenantId")(rest_event("acme"), None)
    assert "it looks for attribute `tenantId` in table `saas-orders`" in message
    assert "dynamodb_partition_key=" in message


def test_no_stale_keys_across_a_thousand_mixed_invocations(vendor: Any, orders: Any) -> None:
    powertools = pytest.importorskip("aws_lambda_powertools")
    stream = io.StringIO()
    logger = powertools.Logger(service="thousand", logger_handler=logging.StreamHandler(stream))
    lines: list[str] = []
    rng = random.Random(16)
    tenants = [("acme", "basic"), ("globex", "standard"), ("initech", "premium")]

    @tenant_handler(
        vendor, logger=logger, metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append))
    )
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        n = event["n"]
        # the caller tries to overwrite the stamped tenant: it cannot
        tenant.logger.info("in handler", extra={"tenant_id": "evil", "tier": "evil", "n": n})
        logger.info("direct", extra={"n": n})  # the user's logger itself carries the keys
        if event.get("fail"):
            raise RuntimeError("boom")
        if n % 100 == 0:  # now and then a real call against moto
            tenant.session.resource("dynamodb").Table("saas-orders").get_item(
                Key={"tenant_id": tenant.context.tenant_id, "order_id": "o-7"}
            )
        return n

    expected: dict[int, tuple[str, str] | None] = {}
    for n in range(1000):
        kind = rng.choice(("ok", "ok", "unauthorized", "error"))
        if kind == "unauthorized":
            expected[n] = None
            event: dict[str, Any] = {"n": n, **NO_TENANT}
            assert handler(event, None)["statusCode"] == 401
            continue
        tenant, tier = rng.choice(tenants)
        expected[n] = (tenant, tier)
        event = {"n": n, **rest_event(tenant, tier), "fail": kind == "error"}
        if kind == "error":
            with pytest.raises(RuntimeError):
                handler(event, None)
        else:
            assert handler(event, None) == n

    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    unauthorized = [r for r in records if str(r["message"]).startswith("unauthorized")]
    assert len(unauthorized) == sum(1 for v in expected.values() if v is None)
    for record in unauthorized:  # the 401 warning went through the user's logger, keyless
        assert "tenant_id" not in record
        assert "tier" not in record
    stamped = [r for r in records if r["message"] in ("in handler", "direct")]
    assert len(stamped) == 2 * sum(1 for v in expected.values() if v is not None)
    for record in stamped:
        assert (record["tenant_id"], record["tier"]) == expected[record["n"]]
    assert "tenant_id" not in logger.get_current_keys()

    docs = [assert_emf(json.loads(line)) for line in lines]
    assert len(docs) == 1000  # one flush per invocation
    for n, doc in enumerate(docs):
        if expected[n] is None:
            assert "tenant_id" not in doc
            assert doc["Unauthorized"] == 1
        else:
            assert (doc["tenant_id"], doc["tier"]) == expected[n]


def test_powertools_logger_metrics_and_tracer(
    vendor: Any, orders: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    powertools = pytest.importorskip("aws_lambda_powertools")
    xray = pytest.importorskip("aws_xray_sdk.core")
    from aws_xray_sdk.core.context import Context

    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")  # Powertools traces in Lambda only
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)

    class Emitter:
        def __init__(self) -> None:
            self.sent: list[dict[str, Any]] = []

        def send_entity(self, entity: Any) -> None:
            self.sent.append(json.loads(entity.serialize()))

        def set_daemon_address(self, address: Any) -> None:
            pass

    emitter = Emitter()
    recorder = xray.xray_recorder
    recorder.configure(emitter=emitter, context=Context(), sampling=False)
    # Powertools caches "disabled" on the class, and turns the X-Ray SDK off, once any
    # Tracer was made outside Lambda (as the README handler's is, in the tests)
    from aws_xray_sdk import global_sdk_config

    powertools.Tracer._reset_config()
    global_sdk_config.set_sdk_enabled(True)
    tracer = powertools.Tracer(service="orders", auto_patch=False)
    stream = io.StringIO()
    # a service name of its own: Powertools loggers of one name share their set-up
    logger = powertools.Logger(service="traced", logger_handler=logging.StreamHandler(stream))
    metrics = powertools.Metrics(namespace="Orders", service="orders")
    metrics.clear_metrics()

    @tracer.capture_lambda_handler
    @tenant_handler(vendor, logger=logger, metrics=metrics, tracer=tracer)
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        tenant.logger.info("hello")
        tenant.metrics.add_metric("OrdersRead", 1)
        return "ok"

    class LambdaContext:
        function_name = "orders"
        aws_request_id = "req-1"

    for event in (rest_event("acme"), NO_TENANT):
        recorder.begin_segment("invocation")
        handler(event, LambdaContext())
        recorder.end_segment()

    powertools.Tracer._reset_config()
    handlers = [e for e in emitter.sent if e.get("name") == "## handler"]
    assert handlers[0]["annotations"]["tenant_id"] == "acme"
    assert handlers[0]["annotations"]["tier"] == "basic"
    assert "tenant_id" not in handlers[1].get("annotations", {})  # the 401 had no tenant

    docs = [assert_emf(d) for d in emf_documents(capsys.readouterr().out)]
    assert len(docs) == 2
    assert docs[0]["tenant_id"] == "acme"
    assert docs[0]["OrdersRead"] == [1.0]
    assert docs[0]["Invocations"] == [1.0]
    assert "tenant_id" not in docs[1]
    logs = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert logs[0]["tenant_id"] == "acme"
    assert logs[1]["message"].startswith("unauthorized")
    assert "tenant_id" not in logs[1]
