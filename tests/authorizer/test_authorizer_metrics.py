"""The authorizer's decisions as EMF metrics (by decision and reason code) and its
records through the caller's logger."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from emf_spec import assert_emf

from policy_engine.authorizer import Unauthorized, make_authorizer
from policy_engine.catalog import Catalog
from policy_engine.metrics import EmfMetrics, MetricsOptions

from .jwt_helpers import NOW, Keys, Sign

API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"


def token_event(token: str, route: str = f"{API}/GET/tenants/acme/orders") -> dict[str, Any]:
    return {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": route}


def test_decisions_by_reason_one_document_per_call(
    keys: Keys, catalog: Catalog, sign: Sign, caplog: pytest.LogCaptureFixture
) -> None:
    lines: list[str] = []
    mine = logging.getLogger("my.authorizer")
    handler = make_authorizer(
        catalog,
        jwks=keys.jwks(),
        api_keys={},
        clock=lambda: NOW,
        logger=mine,
        metrics=MetricsOptions(EmfMetrics("Auth", emit=lines.append)),
    )
    with caplog.at_level(logging.INFO, logger="my.authorizer"):
        handler(token_event(sign()), None)  # allowed
        handler(token_event(sign(), f"{API}/DELETE/admin"), None)  # not a route of the tier
        with pytest.raises(Unauthorized):
            handler(token_event("not-a-token"), None)
        handler(token_event(sign(changes={"custom:tier": "gold"})), None)
    docs = [assert_emf(json.loads(line)) for line in lines]
    assert [(d["decision"], d["reason"]) for d in docs] == [
        ("allow", "allowed"),
        ("deny", "route_denied"),
        ("deny", "token_rejected"),
        ("deny", "claims_rejected"),
    ]
    for doc in docs:
        assert doc["AuthorizerDecisions"] == 1
        assert sorted(set(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) - {"tier"}) == [
            "decision",
            "reason",
        ]
    assert docs[0]["tenant_id"] == "acme"
    assert "tenant_id" not in docs[2]
    assert len([r for r in caplog.records if r.name == "my.authorizer"]) == 4


def test_metrics_are_off_by_default(keys: Keys, catalog: Catalog, sign: Sign, capsys: Any) -> None:
    handler = make_authorizer(catalog, jwks=keys.jwks(), api_keys={}, clock=lambda: NOW)
    handler(token_event(sign()), None)
    assert '"_aws"' not in capsys.readouterr().out
