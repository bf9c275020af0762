"""Round 9: a tenant scope opened inside another one left the outer invocation's log
records without a tenant.

The attack: a handler that opens a scope inside its own (a router dispatching to a
decorated sub-handler, a batch that works per tenant with ``tenant_scope`` inside an
outer scope, a test harness calling one decorated handler from another) logs through
a Powertools ``Logger``. The inner scope appended its own keys and set the stamp of
the context with ``set``; when it closed it removed the keys and set the stamp to
"none" instead of giving back the outer one. Every record the outer invocation wrote
afterwards went out with no ``tenant_id`` and no ``tier``: the rest of tenant acme's
work (its refusals, its audit lines) cannot be found under acme, and whatever the
inner invocation did decides what the outer one's records say.

Why: the stamp and the appended keys were set and cleared, not restored: the inner
scope had no notion of the scope it was opened in. Fixed at the root: an invocation
keeps the stamp (a context-variable token) and the logger's stamped keys it found when
it opened, and gives both back when it closes.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler, tenant_scope
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
    return Logger(service=f"round9-nest-{id(out)}", logger_handler=logging.StreamHandler(out)), out


def records(out: io.StringIO) -> dict[str, tuple[Any, Any]]:
    docs = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return {d["message"]: (d.get("tenant_id"), d.get("tier")) for d in docs}


def test_the_outer_invocation_keeps_its_stamp_after_an_inner_scope_closes() -> None:
    base, out = powertools_logger()
    v = vendor()

    @tenant_handler(v, logger=base, metrics=False)
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        base.info("before")
        with tenant_scope(event("globex", "premium"), v, logger=base):
            base.info("inside")
        base.info("after")
        return "ok"

    assert handler(event("acme"), None) == "ok"
    base.info("between")
    assert records(out) == {
        "before": ("acme", "basic"),
        "inside": ("globex", "premium"),
        "after": ("acme", "basic"),
        "between": (None, None),
    }


def test_variant_a_decorated_handler_called_from_another() -> None:
    base, out = powertools_logger()
    v = vendor()

    @tenant_handler(v, logger=base, metrics=False)
    def inner(evt: Any, context: Any, tenant: Any) -> Any:
        base.info("inner")
        return "inner"

    @tenant_handler(v, logger=base, metrics=False)
    def outer(evt: Any, context: Any, tenant: Any) -> Any:
        assert inner(event("acme", "standard"), None) == "inner"
        base.info("outer after")
        return "outer"

    assert outer(event("acme"), None) == "outer"
    assert records(out) == {"inner": ("acme", "standard"), "outer after": ("acme", "basic")}


def test_variant_an_inner_unauthorized_call_does_not_unstamp_the_outer() -> None:
    base, out = powertools_logger()
    v = vendor()

    @tenant_handler(v, logger=base, metrics=False)
    def inner(evt: Any, context: Any, tenant: Any) -> Any:
        raise AssertionError("never run without a tenant")

    @tenant_handler(v, logger=base, metrics=False)
    def outer(evt: Any, context: Any, tenant: Any) -> Any:
        assert inner({"requestContext": {}}, None)["statusCode"] == 401
        base.info("outer after")
        return "outer"

    assert outer(event("acme"), None) == "outer"
    assert records(out)["outer after"] == ("acme", "basic")


def test_twin_consecutive_invocations_are_stamped_and_cleared() -> None:
    base, out = powertools_logger()
    v = vendor()

    @tenant_handler(v, logger=base, metrics=False)
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        base.info(f"by {tenant.context.tenant_id}")
        return "ok"

    handler(event("acme"), None)
    base.info("between")
    handler(event("globex", "premium"), None)
    assert records(out) == {
        "by acme": ("acme", "basic"),
        "between": (None, None),
        "by globex": ("globex", "premium"),
    }


class FakeTracer:
    """Stands in for the invocation's X-Ray subsegment: annotations by key, the last
    write of a key wins (as on a real segment)."""

    def __init__(self) -> None:
        self.annotations: dict[str, Any] = {}

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value


def test_variant_the_outer_invocations_trace_keeps_its_tenant() -> None:
    base, _ = powertools_logger()
    tracer = FakeTracer()
    v = vendor()

    @tenant_handler(v, logger=base, metrics=False, tracer=tracer)
    def handler(evt: Any, context: Any, tenant: Any) -> Any:
        with tenant_scope(event("globex", "premium"), v, logger=base, tracer=tracer):
            assert tracer.annotations == {"tenant_id": "globex", "tier": "premium"}
        return dict(tracer.annotations)

    assert handler(event("acme"), None) == {"tenant_id": "acme", "tier": "basic"}
