"""Attacks on the Lambda runtime (`policy_engine.lambda_`, `policy_engine.metrics`):
where the tenant stamp on logs and metrics can be replaced or mixed with another
tenant's, and where a value from the authorizer context reaches a log line
unescaped. No network: a fake STS, clients sending to a dead endpoint."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler, tenant_logger, tenant_scope
from policy_engine.metrics import EmfMetrics, MetricsOptions
from policy_engine.tenancy import TenantContext
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, OkSts, dead_client, outcome

CATALOG = default_catalog()


def rest_event(tenant: str, tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}}


def make_vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


# -- metrics: the tenant stamp ----------------------------------------------------------


@pytest.mark.parametrize("how", ["add_property", "add_dimension"])
def test_handler_code_cannot_restamp_metrics_with_another_tenant(how: str) -> None:
    lines: list[str] = []
    vendor = make_vendor()

    @tenant_handler(vendor, metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append)))
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        # e.g. a careless handler copying request fields onto its metrics
        for key, value in event["body_tags"].items():
            getattr(tenant.metrics, how)(key, value)
        tenant.metrics.add_metric("OrdersRead", 1)
        return {"statusCode": 200}

    event = {**rest_event("acme"), "body_tags": {"tenant_id": "globex"}}
    with contextlib.suppress(Exception):  # refusing the key is a correct answer
        handler(event, None)
    documents = [json.loads(line) for line in lines]
    assert documents, "the invocation wrote no metric document"
    assert {doc.get("tenant_id") for doc in documents} == {"acme"}


@pytest.mark.parametrize(
    "write",
    ["add_metadata", "add_dimension", "add_dimensions", "add_metric"],
)
def test_direct_writes_to_the_powertools_metrics_cannot_restamp_the_tenant(
    write: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Variant: not through ``tenant.metrics`` but straight on the Powertools
    ``Metrics`` the handler module holds (service code far from the handler), and as
    a metric or an extra dimension set as well as a property or dimension: every
    document still carries the invocation's tenant and tier."""
    from aws_lambda_powertools import Metrics

    metrics = Metrics(namespace="AttackDirect", service="orders")
    metrics.clear_metrics()  # Powertools keeps its sets at class level
    vendor = make_vendor()
    writes = {
        "add_metadata": lambda: metrics.add_metadata(key="tenant_id", value="globex"),
        "add_dimension": lambda: metrics.add_dimension(name="tenant_id", value="globex"),
        "add_dimensions": lambda: metrics.add_dimensions(tenant_id="globex", tier="premium"),
        "add_metric": lambda: metrics.add_metric(name="tier", unit="Count", value=7),
    }

    @tenant_handler(vendor, metrics=MetricsOptions(metrics, tier_as="dimension"))
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        writes[write]()
        tenant.metrics.add_metric("OrdersRead", 1)
        return {"statusCode": 200}

    try:
        assert handler(rest_event("acme"), None) == {"statusCode": 200}
    finally:
        metrics.clear_metrics()
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    documents = [json.loads(line) for line in lines]
    assert documents, "the invocation wrote no metric document"
    assert {(doc.get("tenant_id"), doc.get("tier")) for doc in documents} == {("acme", "basic")}


def test_twin_metrics_of_an_invocation_carry_its_tenant() -> None:
    lines: list[str] = []
    vendor = make_vendor()

    @tenant_handler(vendor, metrics=MetricsOptions(EmfMetrics("Orders", emit=lines.append)))
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        tenant.metrics.add_property("order_id", "o-1")
        return {"statusCode": 200}

    handler(rest_event("acme"), None)
    assert {json.loads(line).get("tenant_id") for line in lines} == {"acme"}


def test_guard_refusals_of_one_tenant_are_not_recorded_on_another(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = MetricsOptions()  # a built-in writer per invocation: documents never mix
    vendor = make_vendor()
    vendor.session_for("acme", "basic", guard=True)  # warm both cache entries
    vendor.session_for("globex", "basic", guard=True)
    acme_inside = threading.Event()
    globex_done = threading.Event()

    def acme() -> None:
        with tenant_scope(rest_event("acme"), vendor, metrics=options, guard=True):
            acme_inside.set()
            assert globex_done.wait(30)

    def globex() -> None:
        assert acme_inside.wait(30)
        with tenant_scope(rest_event("globex"), vendor, metrics=options, guard=True) as t:
            s3 = dead_client(t.session, "s3")
            assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "denied"
        globex_done.set()

    threads = [threading.Thread(target=acme), threading.Thread(target=globex)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    refusals = {doc["tenant_id"]: doc.get("GuardRefusals") for doc in map(json.loads, lines)}
    assert refusals["globex"] == 1
    assert refusals["acme"] == 0


def test_vendor_figures_are_per_invocation_not_per_tenant_or_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Variant: while one invocation of acme is open, a second invocation of the same
    tenant is refused by the guard and an invocation of a tenant not cached yet calls
    STS. Each document carries what its own invocation did: counters keyed by tenant
    would still blame the first acme invocation for the second one's refusal."""
    options = MetricsOptions()
    vendor = make_vendor()
    vendor.session_for("acme", "basic", guard=True)  # warm: the invocations hit
    first_inside = threading.Event()
    others_done = threading.Event()

    def first() -> None:
        with tenant_scope(rest_event("acme"), vendor, metrics=options, guard=True) as t:
            t.metrics.add_property("which", "first")  # type: ignore[union-attr]
            first_inside.set()
            assert others_done.wait(30)

    def others() -> None:
        assert first_inside.wait(30)
        with tenant_scope(rest_event("acme"), vendor, metrics=options, guard=True) as t:
            t.metrics.add_property("which", "second")  # type: ignore[union-attr]
            s3 = dead_client(t.session, "s3")
            assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
            assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/b.txt")) == "denied"
        with tenant_scope(rest_event("initech"), vendor, metrics=options, guard=True) as t:
            t.metrics.add_property("which", "cold")  # type: ignore[union-attr]
        others_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    docs = {doc["which"]: doc for doc in map(json.loads, lines)}
    assert set(docs) == {"first", "second", "cold"}
    figures = ("GuardRefusals", "CredentialCacheHits", "CredentialCacheMisses", "StsCalls")
    got = {which: tuple(doc.get(name, 0) for name in figures) for which, doc in docs.items()}
    assert got == {"first": (0, 1, 0, 0), "second": (2, 1, 0, 0), "cold": (0, 0, 1, 1)}
    assert vendor.stats.guard_refusals == 2  # the vendor-wide counters are still kept
    assert vendor.stats.sts_calls == 2


# -- logs ---------------------------------------------------------------------------------


def test_powertools_logger_direct_record_keeps_the_stamped_tenant() -> None:
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    base = Logger(service="attack-direct", logger_handler=logging.StreamHandler(out))
    tenant_logger(base, TenantContext("acme", "basic"))  # what the decorator does
    # service code far from the handler logs through the module-level logger, with a
    # field copied from the request
    base.info("order read", extra={"tenant_id": "globex"})
    record = json.loads(out.getvalue().splitlines()[-1])
    assert record["tenant_id"] == "acme"


@pytest.mark.parametrize("path", ["keyword", "child-logger", "standard-logger", "exception"])
def test_every_record_path_of_a_powertools_logger_keeps_the_stamped_tenant(path: str) -> None:
    """Variant: the tenant through a keyword argument, a Powertools child logger (its
    records go to the parent's handler), the standard logger under the Powertools
    one, and ``exception``, all during a decorated invocation; after it, the keys are
    gone and a record's own field passes unchanged (no stale stamp)."""
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    service = f"attack-paths-{path}"
    base = Logger(service=service, logger_handler=logging.StreamHandler(out))
    writes = {
        "keyword": lambda: base.info("order read", tenant_id="globex", tier="premium"),
        "child-logger": lambda: Logger(service=service, child=True).info(
            "order read", extra={"tenant_id": "globex", "tier": "premium"}
        ),
        "standard-logger": lambda: logging.getLogger(service).warning(
            "order read", extra={"tenant_id": "globex", "tier": "premium"}
        ),
        "exception": lambda: base.exception("order failed", extra={"tenant_id": "globex"}),
    }

    @tenant_handler(make_vendor(), logger=base, metrics=False)
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        writes[path]()
        return {"statusCode": 200}

    assert handler(rest_event("acme"), None) == {"statusCode": 200}
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records, "nothing was logged"
    assert {(r.get("tenant_id"), r.get("tier")) for r in records} == {("acme", "basic")}
    base.info("after the invocation", extra={"tenant_id": "someone"})
    assert json.loads(out.getvalue().splitlines()[-1])["tenant_id"] == "someone"


def test_twin_the_handed_view_keeps_the_stamped_tenant() -> None:
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    base = Logger(service="attack-view", logger_handler=logging.StreamHandler(out))
    view = tenant_logger(base, TenantContext("acme", "basic"))
    view.info("order read", extra={"tenant_id": "globex"})
    assert json.loads(out.getvalue().splitlines()[-1])["tenant_id"] == "acme"


def test_unknown_tier_is_escaped_in_the_refusal_log() -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    log = logging.getLogger("attack_guard.tier_injection")
    log.addHandler(Keep())
    log.propagate = False
    forged = 'basic\n{"level":"INFO","tenant_id":"globex","message":"order deleted"}'
    handler = tenant_handler(make_vendor(), logger=log, metrics=False)(
        lambda event, context, tenant: {"statusCode": 200}
    )
    response = handler(rest_event("acme", tier=forged + "x" * 10_000), None)
    assert response["statusCode"] == 401
    message = records[-1].getMessage()
    assert "\n" not in message
    assert len(message) < 2_000


@pytest.mark.parametrize(
    "tier",
    ["gold\u2028forged", "\x1b[2Jgold", "gold\r\n" + "y" * 100_000],
    ids=["line-separator", "ansi-escape", "crlf-and-long"],
)
def test_unknown_tier_from_a_jwt_claim_is_escaped_in_the_error(tier: str) -> None:
    """Variant: the plain-function twin, the HTTP API JWT-claims source, separators
    other than ``\n``: the error itself (what an ``unauthorized`` callback or a
    caller's own log sees) is escaped and bounded, not only the 401 warning."""
    from policy_engine.lambda_ import UnauthorizedError

    event = {
        "requestContext": {
            "authorizer": {"jwt": {"claims": {"custom:tenantId": "acme", "custom:tier": tier}}}
        }
    }
    with pytest.raises(UnauthorizedError) as info:
        tenant_scope(event, make_vendor(), metrics=False)
    message = str(info.value)
    assert message.isprintable(), message[:200]
    assert len(message) < 500
    assert "unknown tier" in message


def test_twin_invalid_tenant_is_escaped_in_the_refusal_log() -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    log = logging.getLogger("attack_guard.tenant_injection")
    log.addHandler(Keep())
    log.propagate = False
    handler = tenant_handler(make_vendor(), logger=log, metrics=False)(
        lambda event, context, tenant: {"statusCode": 200}
    )
    assert handler(rest_event("acme\nforged"), None)["statusCode"] == 401
    assert "\n" not in records[-1].getMessage()
