"""Round 10: a worker process forked during one tenant's invocation logs the next
tenant's work as the first tenant.

The attack: a service hands CPU-bound work to a process pool (``ProcessPoolExecutor``
or ``multiprocessing.Pool`` with the ``fork`` start method, Linux's default before
Python 3.14), made on first use and kept at module scope like the vendor. The workers
are forked during the invocation that first used the pool, say acme's, and a fork
copies the forking thread's context variables: the invocation's log stamp, its
metrics recorder, its tally. The workers live on; globex's invocation submits its
work to them, and every record they write through the service's Powertools logger is
stamped ``tenant_id: acme`` by the runtime itself (the ``StampFilter`` reads the
stamp of the context the record is written in, acme's copy), whatever the work says.

Why: round 9 emptied the vendor in the child of a fork, not the invocation the child
inherited. Fixed at the root: after a fork, in the child, the context variables of
the invocation (stamp, logger, metrics, tally, open invocation) are cleared. A child
cannot tell whose work it runs, so its records carry no tenant (the logger's filter
stays armed: ``null``, never another invocation's) and its metrics go nowhere.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_scope
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

CATALOG = default_catalog()


def event(tenant: str) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": "basic"}}}


def _powertools(path: Path) -> Any:
    from aws_lambda_powertools import Logger

    handler = logging.FileHandler(path)
    return Logger(service=f"orders-{path.parent.name}", logger_handler=handler)


LOGGER: Any = None


def work(label: str) -> str:
    """Runs in a worker: logs through the service's logger (inherited by the fork)."""
    from policy_engine import _invocation

    assert LOGGER is not None
    LOGGER.info(label)
    stamp = _invocation.current_stamp.get()
    return "none" if stamp is None else str(stamp.get("tenant_id"))


def records(path: Path) -> dict[str, Any]:
    return {
        line["message"]: line.get("tenant_id")
        for line in map(json.loads, path.read_text().splitlines())
    }


def test_a_pool_forked_in_acmes_invocation_does_not_log_globexs_work_as_acme(
    tmp_path: Path,
) -> None:
    global LOGGER
    path = tmp_path / "log.jsonl"
    LOGGER = _powertools(path)
    vendor = CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=True)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        with tenant_scope(event("acme"), vendor, logger=LOGGER):
            LOGGER.info("acme in the parent")
            pool.submit(work, "warm-up").result(timeout=30)  # the worker forks here
        with tenant_scope(event("globex"), vendor, logger=LOGGER):
            seen = pool.submit(work, "globex's work").result(timeout=30)
    finally:
        pool.shutdown()
        LOGGER = None
    got = records(path)
    assert got["acme in the parent"] == "acme"  # twin: the parent's own records
    assert got["globex's work"] != "acme"
    assert got["globex's work"] is None  # no tenant: the child cannot tell whose
    assert got["warm-up"] is None
    assert seen == "none"


def test_twin_a_fork_outside_any_invocation_logs_as_before(tmp_path: Path) -> None:
    global LOGGER
    path = tmp_path / "log.jsonl"
    LOGGER = _powertools(path)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        pool.submit(work, "outside").result(timeout=30)
    finally:
        pool.shutdown()
        LOGGER = None
    assert records(path) == {"outside": None}
