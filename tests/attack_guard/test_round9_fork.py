"""Round 9: a process forked while the vendor was fetching credentials hung, and
carried every tenant's cached credentials into the child.

The attack: Lambda code may fork (``multiprocessing`` with the default ``fork`` start
method on Linux, a worker per job, a sandbox for one tenant's plugin code). The child
is a copy of the parent's memory: the vendor's cache with the credentials of every
tenant the process served, and its bookkeeping of STS calls under way. A fetch in
flight in another thread at the moment of the fork never finishes in the child (that
thread does not exist there), yet the child finds its record and waits for it without
end: the child's first request for that tenant hangs until the function times out. A
lock held by another thread at the fork hangs the child the same way. And a child
forked to work for one tenant holds other tenants' credentials (live, refreshable)
that nothing in it should reach.

Why: the vendor's state was made for threads, not for a copy of the process. Fixed at
the root: after a fork, in the child, every vendor starts empty (no cached
credentials, no flights, no back-offs, fresh locks) and makes its own STS client if it
made the parent's.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.vend import CredentialVendor

CATALOG = default_catalog()

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


class SlowInOneThreadSts:
    """``assume_role`` answers at once, except in the thread named ``slow``, where it
    waits until ``release`` is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        if threading.current_thread().name == "slow":
            self.entered.set()
            self.release.wait(10)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA-{kwargs['RoleSessionName']}-{os.getpid()}",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": datetime.now(UTC) + timedelta(hours=1),
            }
        }


def in_child(body: Any, timeout: int = 5) -> int:
    """Run ``body()`` in a forked child; its exit status (99: it hung)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            signal.signal(signal.SIGALRM, lambda *_: os._exit(99))
            signal.alarm(timeout)
            code = int(body())
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_fork_during_a_fetch_does_not_hang_the_child() -> None:
    sts = SlowInOneThreadSts()
    vendor = CredentialVendor(CATALOG, sts_client=sts, role_chaining=False, region="eu-west-1")
    slow = threading.Thread(
        target=vendor.credentials_for, args=("acme", "basic"), name="slow", daemon=True
    )
    slow.start()
    assert sts.entered.wait(5)  # the fetch for acme is in flight in the parent

    def child() -> int:
        creds = vendor.credentials_for("acme", "basic")
        return 0 if creds.get_frozen_credentials().access_key.endswith(str(os.getpid())) else 2

    try:
        assert in_child(child) == 0
    finally:
        sts.release.set()
        slow.join(5)


def test_variant_the_child_holds_no_other_tenants_credentials() -> None:
    sts = SlowInOneThreadSts()
    vendor = CredentialVendor(CATALOG, sts_client=sts, role_chaining=False, region="eu-west-1")
    vendor.credentials_for("acme", "basic")
    vendor.credentials_for("globex", "premium")
    assert vendor.cache_size() == 2

    def child() -> int:
        return vendor.cache_size()

    assert in_child(child) == 0
    assert vendor.cache_size() == 2  # the parent keeps its cache


def test_variant_the_child_vends_and_caches_for_itself() -> None:
    sts = SlowInOneThreadSts()
    vendor = CredentialVendor(CATALOG, sts_client=sts, role_chaining=False, region="eu-west-1")
    vendor.credentials_for("acme", "basic")

    def child() -> int:
        first = vendor.credentials_for("acme", "basic")
        again = vendor.credentials_for("acme", "basic")
        mine = first.get_frozen_credentials().access_key.endswith(str(os.getpid()))
        return 0 if first is again and mine and vendor.cache_size() == 1 else 3

    assert in_child(child) == 0
