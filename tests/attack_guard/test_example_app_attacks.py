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


def test_example_post_cannot_choose_the_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    """The body names another tenant: refused (403) before anything is written (the
    twin below shows the same handler does write a body that names no tenant)."""
    handler, written = _load_example(monkeypatch)
    response: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        response = handler(_post({"order_id": "o-1", "total": "3", "tenant_id": "globex"}), None)
    assert {_tenant_of(item) for item in written} <= {"acme"}
    assert response.get("statusCode") == 403
    assert written == []


@pytest.mark.parametrize(
    "body",
    [
        {"order_id": "o-1", "tenant_id": ["globex"]},
        {"order_id": "o-1", "tenant_id": None},
        {"order_id": "o-1", "tenant_id": {"S": "globex"}},
        {"order_id": "o-1", "tenant_id": "ACME"},
    ],
    ids=["list", "null", "typed-attribute", "other-case"],
)
def test_example_post_refuses_any_other_partition_value(
    monkeypatch: pytest.MonkeyPatch, body: dict[str, Any]
) -> None:
    """Variant: not another tenant's plain ID but another value of the key (a list, a
    null, a DynamoDB-typed attribute, a case variant): refused, nothing written."""
    handler, written = _load_example(monkeypatch)
    response = handler(_post(body), None)
    assert response["statusCode"] == 403
    assert written == []


def test_example_post_naming_its_own_tenant_is_written_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, written = _load_example(monkeypatch)
    with contextlib.suppress(Exception):  # the write goes to a dead endpoint
        handler(_post({"order_id": "o-1", "total": 3.5, "tenant_id": "acme"}), None)
    assert [_tenant_of(item) for item in written] == ["acme"]


@pytest.mark.parametrize("raw", ["[1, 2]", "not json", '"acme"'])
def test_example_post_refuses_a_body_that_is_no_object(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    handler, written = _load_example(monkeypatch)
    event = {**_post({}), "body": raw}
    assert handler(event, None)["statusCode"] == 400
    assert written == []


def test_twin_example_post_writes_the_verified_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    handler, written = _load_example(monkeypatch)
    with contextlib.suppress(Exception):
        handler(_post({"order_id": "o-1", "total": "3"}), None)
    assert [_tenant_of(item) for item in written] == ["acme"]
