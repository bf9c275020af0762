"""Credential vending against a real STS API (a moto server on 127.0.0.1).

moto does not enforce session policies: these tests prove the API contract, the
cache, refresh and error handling, not isolation (the proof and evaluator do that).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from policy_engine.catalog import default_catalog, load_catalog
from policy_engine.errors import InvalidTenantId, PolicySizeError, UnknownTier
from policy_engine.model import dumps
from policy_engine.render import Renderer
from policy_engine.vend import (
    CallerCredentialsExpired,
    CredentialVendor,
    IsolationNotProved,
    PackedPolicyTooLarge,
    StsAccessDenied,
    StsThrottled,
    StsUnavailable,
    StsValidationError,
)

pytestmark = pytest.mark.slow
Edit = Callable[[str, str, str], Path]


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def sts_error(code: str, message: str, status: int = 400) -> AWSResponse:
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
        f"<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>"
    ).encode()
    return AWSResponse("https://sts", status, {"content-type": "text/xml"}, _Raw(body))


class Calls:
    """Counts AssumeRole calls that reach the wire, and optionally fails some."""

    def __init__(self, sts: Any, fail: Callable[[int], Any] | None = None) -> None:
        self.sent = 0
        self.params: list[dict[str, Any]] = []
        self._fail = fail
        self._lock = threading.Lock()
        sts.meta.events.register("before-send.sts.AssumeRole", self._before_send)
        sts.meta.events.register("provide-client-params.sts.AssumeRole", self._params)

    def _params(self, params: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.params.append(dict(params))

    def _before_send(self, request: Any, **_: Any) -> Any:
        with self._lock:
            self.sent += 1
            n = self.sent
        if self._fail is not None:
            return self._fail(n)
        return None


def vendor_for(sts: Any, **kwargs: Any) -> CredentialVendor:
    kwargs.setdefault("role_chaining", False)
    return CredentialVendor(default_catalog(), sts_client=sts, **kwargs)


def test_vends_a_working_session_with_the_right_call(sts: Any, aws_kwargs: dict[str, Any]) -> None:
    calls = Calls(sts)
    vendor = vendor_for(sts)
    session = vendor.session_for("acme-corp", "standard")
    me = session.client(
        "sts", endpoint_url=aws_kwargs["endpoint_url"], region_name="eu-west-1"
    ).get_caller_identity()
    assert me["Arn"].endswith(":assumed-role/saas-tenant-standard/acme-corp")
    (params,) = calls.params
    assert params["RoleArn"] == "arn:aws:iam::111122223333:role/saas-tenant-standard"
    assert params["RoleSessionName"] == "acme-corp"
    assert params["SourceIdentity"] == "acme-corp"
    assert params["DurationSeconds"] == 3600
    assert params["Tags"] == [
        {"Key": "TenantId", "Value": "acme-corp"},
        {"Key": "Tier", "Value": "standard"},
    ]
    assert params["TransitiveTagKeys"] == ["TenantId", "Tier"]
    expected = dumps(Renderer(default_catalog()).render_tier("acme-corp", "standard"), minify=True)
    assert params["Policy"] == expected
    assert " " not in params["Policy"]
    assert "ExternalId" not in params


def test_cache_hits_and_tenants_never_share(sts: Any) -> None:
    calls = Calls(sts)
    vendor = vendor_for(sts)
    a1 = vendor.credentials_for("acme", "basic")
    a2 = vendor.credentials_for("acme", "basic")
    b = vendor.credentials_for("globex", "basic")
    assert a1 is a2
    assert a1.get_frozen_credentials().access_key != b.get_frozen_credentials().access_key
    assert calls.sent == 2
    assert vendor.stats.hits == 1
    assert vendor.stats.misses == 2
    assert vendor.stats.sts_calls == 2
    assert vendor.stats.sts_seconds > 0


def test_lru_is_bounded(sts: Any) -> None:
    vendor = vendor_for(sts, max_entries=2)
    for tenant in ("acme", "globex", "initech"):
        vendor.credentials_for(tenant, "basic")
    assert vendor.cache_size() == 2
    assert vendor.stats.evictions == 1
    vendor.credentials_for("acme", "basic")  # evicted: fetched again
    assert vendor.stats.misses == 4


def test_many_threads_one_sts_call_per_key(sts: Any) -> None:
    calls = Calls(sts)
    vendor = vendor_for(sts)
    tenants = [f"tenant-{i}" for i in range(8)]
    start = threading.Barrier(32)

    def work(i: int) -> tuple[str, str]:
        tenant = tenants[i % len(tenants)]
        start.wait()
        creds = vendor.credentials_for(tenant, "basic").get_frozen_credentials()
        return tenant, creds.access_key

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(work, range(32)))
    by_tenant: dict[str, set[str]] = {}
    for tenant, key in results:
        by_tenant.setdefault(tenant, set()).add(key)
    assert all(len(keys) == 1 for keys in by_tenant.values())  # one credential per tenant
    all_keys = [next(iter(k)) for k in by_tenant.values()]
    assert len(set(all_keys)) == len(tenants)  # and no two tenants share one
    assert calls.sent == len(tenants)
    assert vendor.stats.misses == len(tenants)
    assert vendor.stats.hits == 32 - len(tenants)


def test_throttling_is_retried_then_succeeds(sts: Any) -> None:
    calls = Calls(sts, lambda n: sts_error("Throttling", "Rate exceeded") if n <= 2 else None)
    vendor = vendor_for(sts)
    vendor.credentials_for("acme", "basic")
    assert calls.sent == 3  # two throttled attempts, then the real call


def test_throttling_forever_is_a_clear_error_and_nothing_is_cached(sts: Any) -> None:
    calls = Calls(sts, lambda n: sts_error("Throttling", "Rate exceeded") if n <= 4 else None)
    now = [0.0]
    vendor = vendor_for(sts, monotonic=lambda: now[0])
    with pytest.raises(StsThrottled, match="after botocore's standard retries") as info:
        vendor.credentials_for("acme", "basic")
    assert info.value.code == "Throttling"
    assert calls.sent == 4
    assert vendor.cache_size() == 0
    assert vendor.stats.sts_errors == 1
    with pytest.raises(StsThrottled, match="backing off"):  # fails fast during back-off
        vendor.credentials_for("acme", "basic")
    assert calls.sent == 4
    now[0] += 1.0  # the first back-off is at most 0.2 s
    vendor.credentials_for("acme", "basic")  # then the next call tries again
    assert vendor.cache_size() == 1


def test_5xx_is_retried(sts: Any) -> None:
    calls = Calls(sts, lambda n: sts_error("InternalFailure", "oops", 500) if n == 1 else None)
    vendor_for(sts).credentials_for("acme", "basic")
    assert calls.sent == 2


@pytest.mark.parametrize(
    ("code", "message", "error", "fragment"),
    [
        (
            "PackedPolicyTooLarge",
            "Packed size of policy and tags exceeds 100%",
            PackedPolicyTooLarge,
            "session tags were sent",
        ),
        (
            "AccessDenied",
            "not authorized to perform: sts:TagSession",
            StsAccessDenied,
            "sts:TagSession",
        ),
        (
            "ValidationError",
            "DurationSeconds exceeds the MaxSessionDuration",
            StsValidationError,
            "DurationSeconds",
        ),
        (
            "ExpiredToken",
            "The security token included in the request is expired",
            CallerCredentialsExpired,
            "expired",
        ),
    ],
)
def test_sts_errors_become_specific_exceptions(
    sts: Any, code: str, message: str, error: type[Exception], fragment: str
) -> None:
    Calls(sts, lambda n: sts_error(code, message))
    vendor = vendor_for(sts)
    with pytest.raises(error, match=fragment) as info:
        vendor.credentials_for("acme", "basic")
    assert "tenant `acme`" in str(info.value)
    assert vendor.cache_size() == 0


def test_timeouts_are_retried_then_unavailable(sts: Any) -> None:
    from botocore.exceptions import ReadTimeoutError

    def fail(n: int) -> Any:
        raise ReadTimeoutError(endpoint_url="http://sts")

    calls = Calls(sts, fail)
    with pytest.raises(StsUnavailable, match="cannot reach STS"):
        vendor_for(sts).credentials_for("acme", "basic")
    assert calls.sent == 4


def test_connection_refused_is_unavailable(aws_kwargs: dict[str, Any]) -> None:
    import socket

    import boto3
    from botocore.config import Config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    kwargs = {**aws_kwargs, "endpoint_url": f"http://127.0.0.1:{port}"}
    sts = boto3.client(
        "sts",
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=1),
        **kwargs,
    )
    with pytest.raises(StsUnavailable):
        vendor_for(sts).credentials_for("acme", "basic")


def test_refresh_before_expiry_with_a_fake_clock(sts: Any) -> None:
    calls = Calls(sts)
    now = [time.time()]
    vendor = vendor_for(sts, clock=lambda: now[0], refresh_margin=300)
    creds = vendor.credentials_for("acme", "basic")  # basic: 900 s sessions
    first = creds.get_frozen_credentials().access_key
    now[0] += 500  # 400 s left: outside the margin, no refresh
    assert creds.get_frozen_credentials().access_key == first
    assert calls.sent == 1
    now[0] += 200  # 200 s left: inside the 300 s margin
    second = creds.get_frozen_credentials().access_key
    assert calls.sent == 2
    assert vendor.stats.refreshes == 1
    assert second != first
    assert vendor.credentials_for("acme", "basic") is creds  # the cache holds the same object


@pytest.mark.parametrize(
    ("tenant", "tier", "error"),
    [
        ("acme*", "basic", InvalidTenantId),
        ("Acme", "basic", InvalidTenantId),
        ("acme", "gold", UnknownTier),
    ],
)
def test_bad_input_fails_before_any_sts_call(
    sts: Any, tenant: str, tier: str, error: type[Exception]
) -> None:
    calls = Calls(sts)
    with pytest.raises(error):
        vendor_for(sts).session_for(tenant, tier)
    assert calls.sent == 0


def test_policy_over_the_limit_fails_before_sts(sts: Any, edit: Edit) -> None:
    root = edit(
        "catalog.toml",
        'kms_key_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"',
        'kms_key_id = "' + "k" * 900 + '"',
    )
    calls = Calls(sts)
    vendor = CredentialVendor(load_catalog(root), sts_client=sts, role_chaining=False)
    with pytest.raises(PolicySizeError):
        vendor.credentials_for("acme", "basic")
    assert calls.sent == 0


def test_role_chaining_caps_the_duration(sts: Any, edit: Edit) -> None:
    root = edit("catalog.toml", "duration_seconds = 900", "duration_seconds = 7200")
    catalog = load_catalog(root)
    assert (
        CredentialVendor(catalog, sts_client=sts, role_chaining=True)
        .prepare("acme", "basic")
        .duration_seconds
        == 3600
    )
    assert (
        CredentialVendor(catalog, sts_client=sts, role_chaining=False)
        .prepare("acme", "basic")
        .duration_seconds
        == 7200
    )
    # Auto: moto's caller is an IAM user, not a role session.
    assert (
        CredentialVendor(catalog, sts_client=sts).prepare("acme", "basic").duration_seconds == 7200
    )


def test_external_id_is_sent(sts: Any) -> None:
    calls = Calls(sts)
    vendor_for(sts, external_id="saas-external-1").credentials_for("acme", "basic")
    assert calls.params[0]["ExternalId"] == "saas-external-1"


def test_require_proved_refuses_a_leaky_tier(sts: Any, edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    calls = Calls(sts)
    vendor = CredentialVendor(
        load_catalog(root), sts_client=sts, role_chaining=False, require_proved="prove"
    )
    with pytest.raises(IsolationNotProved, match="not proved isolated"):
        vendor.credentials_for("acme", "basic")
    assert calls.sent == 0
    proved = vendor_for(sts, require_proved="prove")
    proved.credentials_for("acme", "basic")


def test_require_proved_reads_the_certificate_not_the_proof(
    sts: Any, edit: Edit, tmp_path: Path
) -> None:
    import io

    from policy_engine.cli import run

    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    cert = tmp_path / "cert.json"
    out, err = io.StringIO(), io.StringIO()
    assert run(["check-isolation", "--catalog", str(root), "--certificate", str(cert)], out, err)
    calls = Calls(sts)

    def certified() -> CredentialVendor:
        """A vendor of the catalogue as it is now, requiring the certificate."""
        return CredentialVendor(
            load_catalog(root),
            sts_client=sts,
            role_chaining=False,
            require_proved=True,
            certificate=cert,
        )

    leaky = certified()
    with pytest.raises(IsolationNotProved, match=r"not proved isolated .* proof certificate"):
        leaky.credentials_for("acme", "basic")
    assert calls.sent == 0

    # the fixed catalogue has other content: the certificate is stale now
    (root / "session/documents.json.j2").write_text(
        (root / "session/documents.json.j2")
        .read_text()
        .replace('/{{ tenant }}*"', '/{{ tenant }}/*"')
    )
    fixed = certified()
    with pytest.raises(IsolationNotProved, match="stale"):
        fixed.credentials_for("acme", "basic")
    assert (
        run(["check-isolation", "--catalog", str(root), "--certificate", str(cert)], out, err) == 0
    )
    fixed = certified()
    fixed.credentials_for("acme", "basic")
    assert calls.sent == 1


def test_require_proved_without_a_certificate_is_refused(sts: Any, edit: Edit) -> None:
    root = edit("catalog.toml", "", "")
    vendor = CredentialVendor(
        load_catalog(root), sts_client=sts, role_chaining=False, require_proved=True
    )
    with pytest.raises(IsolationNotProved, match=r"no proof certificate at .*certificate"):
        vendor.credentials_for("acme", "basic")


def test_cli_vend(moto_url: str, roles: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from policy_engine.cli import run

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    vend = [
        "vend",
        "--tenant",
        "acme",
        "--tier",
        "premium",
        "--endpoint-url",
        moto_url,
        "--region",
        "eu-west-1",
    ]
    out, err = io.StringIO(), io.StringIO()
    code = run([*vend, "--format", "json"], out, err)
    assert code == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert doc["session_name"] == "acme"
    assert doc["role_arn"].endswith(":role/saas-tenant-premium")
    assert doc["access_key_id"]
    assert "secret_access_key" not in doc
    out = io.StringIO()
    run([*vend, "--show-secrets"], out, err)
    assert "secret_access_key: " in out.getvalue()
    err = io.StringIO()
    assert run(["vend", "--tenant", "acme*", "--tier", "basic"], io.StringIO(), err) == 2
    assert "invalid tenant ID" in err.getvalue()


def test_unknown_role_is_refused_when_the_catalogue_loads(edit: Edit) -> None:
    from policy_engine.errors import CatalogError

    root = edit(
        "catalog.toml",
        'role_arn = "arn:{partition}:iam::{account_id}:role/saas-tenant-basic"',
        'role_arn = "arn:aws:iam::12345:user/someone"',
    )
    with pytest.raises(CatalogError, match="role_arn"):
        load_catalog(root)


def test_cli_vend_defaults_to_the_catalogues_region(
    moto_url: str, roles: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """README: `policy-engine vend ... [--region R]`, the catalogue's `[constants]`
    `region` required. With no AWS region configured (a laptop, CI) the command failed,
    exit 2, `STS call failed for tenant `acme`: You must specify a region.`: no STS
    call was made, and the catalogue names the region (which the guard already uses
    for the session's ARNs). Found adopting (h11-adopt)."""
    import io

    from policy_engine.cli import run

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["vend", "--tenant", "acme", "--tier", "basic", "--endpoint-url", moto_url], out, err
    )
    assert code == 0, err.getvalue()
