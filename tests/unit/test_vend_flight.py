"""Vending without a network: a fake STS client that counts calls.

Single flight under failure (the waiters share the leader's error), per-key back-off
on an injected monotonic clock, and injective session names. No timing asserts: the
back-off clock is a list the test moves by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import Catalog, default_catalog, load_catalog
from policy_engine.tenancy import session_name
from policy_engine.vend import (
    BACKOFF_MAX_SECONDS,
    CredentialVendor,
    StsAccessDenied,
    StsThrottled,
)

Edit = Callable[[str, str, str], Path]


class FakeSts:
    """``assume_role`` fails with ``code`` while ``failing`` is set, else succeeds;
    ``gate`` (if given) holds every call until it is set."""

    def __init__(self, code: str = "Throttling", gate: threading.Event | None = None) -> None:
        self.calls = 0
        self.params: list[dict[str, Any]] = []
        self.failing = True
        self.code = code
        self.gate = gate
        self._lock = threading.Lock()

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        with self._lock:
            self.calls += 1
            n = self.calls
            self.params.append(kwargs)
        if self.gate is not None:
            assert self.gate.wait(30), "the test never opened the gate"
        if self.failing:
            error = {
                "Error": {"Code": self.code, "Message": "Rate exceeded"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            raise ClientError(error, "AssumeRole")  # type: ignore[arg-type]
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n:016d}",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": datetime.now(UTC) + timedelta(hours=1),
            }
        }


def make_vendor(
    sts: FakeSts, now: list[float], catalog: Catalog | None = None, jitter: float = 0.999
) -> CredentialVendor:
    return CredentialVendor(
        catalog or default_catalog(),
        sts_client=sts,
        role_chaining=False,
        monotonic=lambda: now[0],
        jitter=lambda: jitter,
    )


def race(threads: int, gate: threading.Event, call: Callable[[], None]) -> None:
    """Run ``call`` on ``threads`` threads released at once, then open ``gate`` (the
    fake STS holds its calls until then) and wait for every thread."""
    start = threading.Barrier(threads + 1)

    def work() -> None:
        start.wait()
        call()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    gate.set()
    for t in pool:
        t.join(60)


def test_concurrent_misses_share_one_failed_sts_call() -> None:
    gate = threading.Event()
    sts = FakeSts(gate=gate)
    now = [1000.0]  # frozen: the back-off never runs out during the test
    vendor = make_vendor(sts, now)
    vendor.prepare("acme", "basic")  # warm the renderer outside the race
    threads = 200
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            vendor.credentials_for("acme", "basic")
        except BaseException as exc:  # collected and checked below
            with lock:
                errors.append(exc)

    race(threads, gate, work)
    assert len(errors) == threads
    assert all(isinstance(e, StsThrottled) for e in errors)
    assert all("tenant `acme`" in str(e) for e in errors)
    assert sts.calls == 1  # not 200 sequential calls
    assert vendor.cache_size() == 0  # nothing cached on failure
    assert vendor.stats.sts_errors == 1


def test_backoff_fails_fast_then_retries_once_and_grows_to_a_bound() -> None:
    sts = FakeSts()
    now = [0.0]
    vendor = make_vendor(sts, now, jitter=0.999)  # delay close to the top of [d/2, d]
    expected = 0.2
    for failure in range(1, 10):
        with pytest.raises(StsThrottled, match="Rate exceeded"):
            vendor.credentials_for("acme", "basic")
        assert sts.calls == failure
        remaining = vendor.backoff_remaining("acme", "basic")
        assert expected / 2 <= remaining <= expected
        # during the back-off: the same error class, no STS call
        now[0] += remaining / 2
        with pytest.raises(StsThrottled, match="backing off") as info:
            vendor.credentials_for("acme", "basic")
        assert info.value.code == "Throttling"
        assert sts.calls == failure
        now[0] += remaining  # past it: exactly one new STS call next time
        expected = min(BACKOFF_MAX_SECONDS, expected * 2)
    assert expected == BACKOFF_MAX_SECONDS
    assert vendor.cache_size() == 0
    sts.failing = False
    creds = vendor.credentials_for("acme", "basic")
    assert sts.calls == 10
    assert vendor.backoff_remaining("acme", "basic") == 0.0
    assert vendor.credentials_for("acme", "basic") is creds
    assert sts.calls == 10


def test_jitter_spreads_the_delay_within_bounds() -> None:
    for jitter, low, high in ((0.0, 0.1, 0.1), (0.5, 0.15, 0.15)):
        sts = FakeSts()
        vendor = make_vendor(sts, [0.0], jitter=jitter)
        with pytest.raises(StsThrottled):
            vendor.credentials_for("acme", "basic")
        assert low - 1e-9 <= vendor.backoff_remaining("acme", "basic") <= high + 1e-9


def test_backoff_is_per_key() -> None:
    sts = FakeSts(code="AccessDenied")
    now = [0.0]
    vendor = make_vendor(sts, now)
    with pytest.raises(StsAccessDenied):
        vendor.credentials_for("acme", "basic")
    sts.failing = False
    vendor.credentials_for("globex", "basic")  # another tenant is not held back
    vendor.credentials_for("acme", "standard")  # nor another tier
    assert sts.calls == 3
    with pytest.raises(StsAccessDenied, match="backing off"):
        vendor.credentials_for("acme", "basic")
    assert sts.calls == 3


def test_concurrent_success_is_one_call_and_counted_as_hits() -> None:
    gate = threading.Event()
    sts = FakeSts(gate=gate)
    sts.failing = False
    vendor = make_vendor(sts, [0.0])
    vendor.prepare("acme", "basic")
    keys: list[str] = []

    def work() -> None:
        keys.append(vendor.credentials_for("acme", "basic").get_frozen_credentials().access_key)

    race(32, gate, work)
    assert len(set(keys)) == 1
    assert len(keys) == 32
    assert sts.calls == 1
    assert vendor.stats.misses == 1
    assert vendor.stats.hits == 31


# -- session names -------------------------------------------------------------------


@pytest.fixture
def short_ids(edit: Edit) -> Catalog:
    """The bundled catalogue with one-character tenant IDs allowed."""
    return load_catalog(edit("catalog.toml", "min_length = 3", "min_length = 1"))


def test_short_and_prefixed_tenants_get_different_sessions(
    short_ids: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    sts = FakeSts()
    sts.failing = False
    vendor = make_vendor(sts, [0.0], catalog=short_ids)
    x, tx = vendor.prepare("x", "basic"), vendor.prepare("tenant-x", "basic")
    assert x.session_name != tx.session_name
    assert x.source_identity != tx.source_identity
    assert x.session_name == session_name("x", short_ids.language) == "x,"
    assert tx.session_name == "tenant-x"

    principals: list[str] = []

    def capture(session: Any, evaluator: Any, **kwargs: Any) -> None:
        principals.append(kwargs["principal"])

    monkeypatch.setattr("policy_engine.guard.guard_session", capture)
    for tenant in ("x", "tenant-x"):
        vendor.session_for(tenant, "basic", guard=True)
    assert principals == [
        "arn:aws:sts::111122223333:assumed-role/saas-tenant-basic/x,",
        "arn:aws:sts::111122223333:assumed-role/saas-tenant-basic/tenant-x",
    ]
    sent = [(p["RoleSessionName"], p["SourceIdentity"]) for p in sts.params]
    assert sent == [("x,", "x,"), ("tenant-x", "tenant-x")]


def test_bundled_catalogue_keeps_verbatim_session_names() -> None:
    vendor = make_vendor(FakeSts(), [0.0])
    assert vendor.prepare("acme-corp", "basic").session_name == "acme-corp"
