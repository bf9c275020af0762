"""Round 8: the authorizer metered one request's decision under another tenant.

The attack: ``Authorizer.__call__`` kept the decision of the request it was handling
on the handler object itself (``self._decision``), which one authorizer serves to
every request of its process, and read it back when recording the request's
``AuthorizerDecisions`` document. Two requests handled at once (a local server, a
test harness, any host that calls the handler from threads) overwrote each other's:
tenant acme's allowed request was recorded as globex's, with globex's tier and
reason, and globex's not at all (or twice). A tenant that times its requests against
another's gets its decisions counted, and its denials hidden, under that tenant.

Why: per-request state on a shared object. Fixed at the root: the decision of a
request lives in that call (handed down and back), never on the handler.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

pytest.importorskip("jwt")

from authorizer.jwt_helpers import NOW, Keys, make_signer

from policy_engine.authorizer import make_authorizer
from policy_engine.catalog import default_catalog
from policy_engine.metrics import EmfMetrics, MetricsOptions

CATALOG = default_catalog()
API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"


def token_event(token: str, tenant: str) -> dict[str, Any]:
    route = f"{API}/GET/tenants/{tenant}/orders"
    return {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": route}


class _HoldingLogger:
    """Logs nothing; holds acme's request at its decision record until globex's
    request has been handled completely."""

    def __init__(self) -> None:
        self.acme_decided = threading.Event()
        self.globex_done = threading.Event()

    def isEnabledFor(self, level: int) -> bool:
        return True

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("extra", {}).get("tenant_id") == "acme":
            self.acme_decided.set()
            assert self.globex_done.wait(30)


def test_concurrent_requests_record_their_own_decisions() -> None:
    keys = Keys()
    sign = make_signer(keys, CATALOG)
    lines: list[str] = []
    logger = _HoldingLogger()
    handler = make_authorizer(
        CATALOG,
        jwks=keys.jwks(),
        api_keys={},
        clock=lambda: NOW,
        logger=logger,
        metrics=MetricsOptions(EmfMetrics("Auth", emit=lines.append)),
    )
    acme = sign(changes={"custom:tenantId": "acme", "custom:tier": "basic"})
    globex = sign(changes={"custom:tenantId": "globex", "custom:tier": "premium"})

    def acme_request() -> None:
        handler(token_event(acme, "acme"), None)

    def globex_request() -> None:
        assert logger.acme_decided.wait(30)
        # globex calls a route of another tenant: denied, and must be counted so
        handler(token_event(globex, "acme"), None)
        logger.globex_done.set()

    threads = [threading.Thread(target=acme_request), threading.Thread(target=globex_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    got = sorted(
        (d.get("tenant_id"), d.get("tier"), d["decision"], d["reason"])
        for d in map(json.loads, lines)
    )
    assert got == [
        ("acme", "basic", "allow", "allowed"),
        ("globex", "premium", "deny", "route_denied"),
    ]


def test_twin_sequential_requests_record_their_decisions() -> None:
    keys = Keys()
    sign = make_signer(keys, CATALOG)
    lines: list[str] = []
    handler = make_authorizer(
        CATALOG,
        jwks=keys.jwks(),
        api_keys={},
        clock=lambda: NOW,
        metrics=MetricsOptions(EmfMetrics("Auth", emit=lines.append)),
    )
    handler(token_event(sign(), "acme"), None)
    handler(token_event(sign(changes={"custom:tenantId": "globex"}), "acme"), None)
    got = [(d.get("tenant_id"), d["decision"]) for d in map(json.loads, lines)]
    assert got == [("acme", "allow"), ("globex", "deny")]
