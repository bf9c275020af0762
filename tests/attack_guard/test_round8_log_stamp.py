"""Round 8: log records of one invocation stamped with another invocation's tenant.

The attack: with a Powertools ``Logger`` the tenant stamp lived in one place for the
whole process (the keys appended on the shared logger, and the ``StampFilter`` on
its handler holding "the" stamp). Whatever invocation opened last owned every record
written meanwhile, from whichever thread: a thread that tenant acme's invocation left
running (an export, a fire-and-forget audit write: Lambda freezes it and thaws it in
the next invocation) writes its records while globex's invocation is open, and they
go out as globex's; two invocations open at once (a local server, a test harness,
handler threads) have each other's records. A tenant that can make its own work
outlive its request gets its log lines filed under another tenant, and can bury them
there (or plant them: their text is its request's).

Why: the stamp was process state, not the state of the invocation a record belongs
to. Fixed at the root: the stamp is a context variable of the invocation (as the
metrics tally already was); the filter sets each record's ``tenant_id`` and ``tier``
from the context the record is written in. A record written while an invocation is
open from a context that belongs to none (a thread not started in a copy of the
invocation's context) carries no tenant, never another invocation's.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import threading
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_scope
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

CATALOG = default_catalog()


def event(tenant: str, tier: str = "basic") -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": tier}}}


@pytest.fixture
def logged() -> tuple[Any, io.StringIO]:
    from aws_lambda_powertools import Logger

    out = io.StringIO()
    name = f"round8-stamp-{id(out)}"
    return Logger(service=name, logger_handler=logging.StreamHandler(out)), out


def records(out: io.StringIO) -> dict[str, dict[str, Any]]:
    docs = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return {doc["message"]: doc for doc in docs}


def vendor() -> CredentialVendor:
    return CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")


def test_a_thread_left_by_one_invocation_does_not_log_as_the_next_tenant(
    logged: tuple[Any, io.StringIO],
) -> None:
    base, out = logged
    v = vendor()
    go, done = threading.Event(), threading.Event()

    def export() -> None:  # started by acme's handler, not joined
        assert go.wait(30)
        base.info("acme export finished")
        done.set()

    with tenant_scope(event("acme"), v, logger=base):
        threading.Thread(target=export, daemon=True).start()
    with tenant_scope(event("globex", "premium"), v, logger=base) as t:
        go.set()
        assert done.wait(30)
        t.logger.info("globex order read")
    got = records(out)
    assert got["globex order read"]["tenant_id"] == "globex"
    leftover = got["acme export finished"]
    assert leftover.get("tenant_id") != "globex", "acme's record was filed under globex"
    assert leftover.get("tier") != "premium"


def test_variant_two_open_invocations_keep_their_own_records(
    logged: tuple[Any, io.StringIO],
) -> None:
    """acme's invocation logs (through the handed view and straight through the
    module's logger) while globex's is open on another thread."""
    base, out = logged
    v = vendor()
    acme_open, globex_open, globex_may_close = (threading.Event() for _ in range(3))

    def acme() -> None:
        with tenant_scope(event("acme"), v, logger=base) as t:
            acme_open.set()
            assert globex_open.wait(30)
            t.logger.info("acme via view")
            base.info("acme direct")
            globex_may_close.set()

    def globex() -> None:
        assert acme_open.wait(30)
        with tenant_scope(event("globex", "premium"), v, logger=base) as t:
            globex_open.set()
            assert globex_may_close.wait(30)
            t.logger.info("globex via view")

    threads = [threading.Thread(target=acme), threading.Thread(target=globex)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    got = records(out)
    assert {m: (d.get("tenant_id"), d.get("tier")) for m, d in got.items()} == {
        "acme via view": ("acme", "basic"),
        "acme direct": ("acme", "basic"),
        "globex via view": ("globex", "premium"),
    }


def test_twin_records_of_each_invocation_and_between_them(
    logged: tuple[Any, io.StringIO],
) -> None:
    """Ordinary use, one invocation after the other on one thread: each record of an
    invocation carries its tenant (view and module logger alike, whatever its extra
    fields say), and a record between invocations is left as written."""
    base, out = logged
    v = vendor()
    with tenant_scope(event("acme"), v, logger=base) as t:
        t.logger.info("acme via view")
        base.info("acme direct", extra={"tenant_id": "globex"})
    base.info("between invocations", extra={"tenant_id": "ops-batch"})
    with tenant_scope(event("globex", "premium"), v, logger=base) as t:
        base.info("globex direct")
    got = {m: (d.get("tenant_id"), d.get("tier")) for m, d in records(out).items()}
    assert got == {
        "acme via view": ("acme", "basic"),
        "acme direct": ("acme", "basic"),
        "between invocations": ("ops-batch", None),
        "globex direct": ("globex", "premium"),
    }


def test_variant_work_run_in_a_copy_of_the_invocations_context_keeps_its_tenant(
    logged: tuple[Any, io.StringIO],
) -> None:
    """The way to hand work to a thread (as for metrics): ``copy_context().run``.
    Its records carry the invocation's tenant, also after the invocation ended and
    another one is open; records between invocations are left as written."""
    base, out = logged
    v = vendor()
    go, done = threading.Event(), threading.Event()

    def export() -> None:
        assert go.wait(30)
        base.info("acme export finished")
        done.set()

    with tenant_scope(event("acme"), v, logger=base) as t:
        ctx = contextvars.copy_context()
        threading.Thread(target=ctx.run, args=(export,), daemon=True).start()
        t.logger.info("acme started the export")
    base.info("between invocations", extra={"tenant_id": "ops-batch"})
    with tenant_scope(event("globex", "premium"), v, logger=base):
        go.set()
        assert done.wait(30)
    got = records(out)
    assert got["acme started the export"]["tenant_id"] == "acme"
    assert (got["acme export finished"]["tenant_id"], got["acme export finished"]["tier"]) == (
        "acme",
        "basic",
    )
    assert got["between invocations"]["tenant_id"] == "ops-batch"
