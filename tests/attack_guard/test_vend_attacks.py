"""Credential vending attacks: error paths that hand out a wider session.

No network: a fake STS that always succeeds, and clients that send to a dead
endpoint (the guard's decision is all that is judged: ``denied`` is the guard
refusing before anything is sent, ``sent`` is the call leaving the process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import Catalog
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, OkSts, dead_client, outcome

Edit = Callable[[str, str, str], Path]


def _broken_resource_policy_catalogue(edit: Edit, load: Callable[[Path], Catalog]) -> Catalog:
    """The bundled catalogue with a resource policy (documents bucket) whose condition
    the evaluator refuses to compile. The catalogue loads and every session policy
    renders and vends; only building the guard's evaluator fails."""
    folder = edit(
        "resource/documents-bucket.json.j2",
        '"Bool": {"aws:SecureTransport": "false"}',
        '"DateGreaterThan": {"aws:CurrentTime": "not-a-date"}',
    )
    return load(folder)


def test_failed_guard_install_never_yields_an_unguarded_session(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    catalog = _broken_resource_policy_catalogue(edit, load)
    vendor = CredentialVendor(catalog, sts_client=OkSts(), role_chaining=False, region="eu-west-1")
    # First invocation of a warm Lambda: the guard cannot be built, the call fails.
    with pytest.raises(Exception):  # noqa: B017, PT011 - any error is a refusal here
        vendor.session_for("acme", "basic", guard=True)
    # Second invocation on the same (main) thread asks for a guarded session again: it
    # must either fail again or be guarded; it gets the cached unguarded session, and
    # tenant acme's call on tenant globex's object leaves the process.
    try:
        session = vendor.session_for("acme", "basic", guard=True)
    except Exception:
        return
    s3 = dead_client(session, "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"


def test_twin_guard_install_that_succeeds_refuses_the_cross_tenant_call() -> None:
    """Sound twin: with the bundled catalogue the guarded session refuses the call, so
    the test above judges only the error path."""
    from policy_engine.catalog import default_catalog

    vendor = CredentialVendor(
        default_catalog(), sts_client=OkSts(), role_chaining=False, region="eu-west-1"
    )
    session = vendor.session_for("acme", "basic", guard=True)
    s3 = dead_client(session, "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


def test_transient_guard_install_failure_is_not_cached_on_any_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Variant: installing the guard fails once (on a worker thread, after the
    credentials were vended and cached), then works. The failure left nothing in the session cache,
    every later guarded session is a guarded one, and the credentials stay shared (one
    STS call)."""
    import policy_engine.guard as guard_module
    from policy_engine.catalog import default_catalog

    real = guard_module.guard_session
    failures = [RuntimeError("evaluator could not be built")]

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(guard_module, "guard_session", flaky)
    sts = OkSts()
    vendor = CredentialVendor(
        default_catalog(), sts_client=sts, role_chaining=False, region="eu-west-1"
    )
    errors: list[BaseException] = []

    def first() -> None:
        try:
            vendor.session_for("acme", "basic", guard=True)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=first)
    worker.start()
    worker.join()
    assert [str(e) for e in errors] == ["evaluator could not be built"]
    assert all(not entry.sessions for entry in vendor._entries.values())
    for _ in range(2):  # a fresh session, then the cached one
        s3 = dead_client(vendor.session_for("acme", "basic", guard=True), "s3")
        assert outcome(lambda c=s3: c.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
        assert outcome(lambda c=s3: c.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"
    assert len(sts.calls) == 1


class _MalformedSts(OkSts):
    """``assume_role`` answers without an ``Expiration`` the first time."""

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        response = super().assume_role(**kwargs)
        if len(self.calls) == 1:
            del response["Credentials"]["Expiration"]
        return response


def test_malformed_sts_answer_caches_nothing_and_releases_waiters() -> None:
    """Variant (the credential cache): an STS answer that cannot be turned into
    credentials fails the call and leaves the cache empty; the next call vends anew."""
    from policy_engine.catalog import default_catalog

    sts = _MalformedSts()
    vendor = CredentialVendor(
        default_catalog(), sts_client=sts, role_chaining=False, region="eu-west-1"
    )
    with pytest.raises(KeyError):
        vendor.session_for("acme", "basic", guard=True)
    assert vendor.cache_size() == 0
    assert not vendor._flights
    session = vendor.session_for("acme", "basic", guard=True)
    assert vendor.cache_size() == 1
    s3 = dead_client(session, "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
