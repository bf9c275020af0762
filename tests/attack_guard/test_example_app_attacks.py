"""The shipped example service (`examples/sam-app/src/orders/app.py`) attacked as a
tenant would: through the request body, which the tenant writes. The handler runs as
written; its vendor gets a fake STS and its clients a dead endpoint, and a hook on
the vended session records what the handler asks DynamoDB to write."""

from __future__ import annotations

import contextlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from ._fakes import DEAD_ENDPOINT, OkSts

APP = Path(__file__).resolve().parents[2] / "examples" / "sam-app" / "src" / "orders" / "app.py"


def _load_example(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[dict[str, Any]]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", DEAD_ENDPOINT)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    spec = importlib.util.spec_from_file_location("attack_guard_orders_app", APP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vendor = module.VENDOR
    vendor._sts = OkSts()
    vendor._role_chaining = False
    written: list[dict[str, Any]] = []
    session_for = vendor.session_for

    def recording_session_for(*args: Any, **kwargs: Any) -> Any:
        session = session_for(*args, **kwargs)
        session.events.register(
            "before-parameter-build.dynamodb.PutItem",
            lambda params, **_: written.append(dict(params["Item"])),
            unique_id="attack-guard-recorder",
        )
        return session

    vendor.session_for = recording_session_for
    return module.handler, written


def _post(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "httpMethod": "POST",
        "body": json.dumps(body),
        "requestContext": {"authorizer": {"tenantId": "acme", "tier": "basic"}},
    }


def _tenant_of(item: dict[str, Any]) -> Any:
    value = item["tenant_id"]
    return value.get("S") if isinstance(value, dict) else value


@pytest.mark.xfail(
    strict=True,
    reason="the example orders handler builds the item as {'tenant_id': <verified tenant>, "
    "**body}: a `tenant_id` in the request body (written by the tenant) overrides the "
    "verified one, so tenant acme's POST writes into globex's partition; only the IAM "
    "session policy stops it in AWS (the example vends without the guard), and nothing "
    "stops it in moto-based tests",
)
def test_example_post_cannot_choose_the_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    handler, written = _load_example(monkeypatch)
    with contextlib.suppress(Exception):
        handler(_post({"order_id": "o-1", "total": "3", "tenant_id": "globex"}), None)
    assert written, "the handler never asked DynamoDB to write"
    assert {_tenant_of(item) for item in written} == {"acme"}


def test_twin_example_post_writes_the_verified_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    handler, written = _load_example(monkeypatch)
    with contextlib.suppress(Exception):
        handler(_post({"order_id": "o-1", "total": "3"}), None)
    assert [_tenant_of(item) for item in written] == ["acme"]
