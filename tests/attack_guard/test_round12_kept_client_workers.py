"""Round 12: a client kept from globex's invocation, used in acme's through a thread
of no invocation.

Round 11 refused a guarded session's calls made while an invocation of another tenant
is open *in the calling context*. A thread that does not copy the context runs in
none, and there the session "works as before". The same warm-client habit then still
reached globex's objects from acme's invocation without any thread of the service's
own: boto3's managed transfers (``download_fileobj``, ``download_file``,
``upload_fileobj``...) run their ``HeadObject``/``GetObject``/``PutObject`` in
s3transfer's worker threads (a ``ThreadPoolExecutor``, which copies no context), so
``CACHE["s3"].download_fileobj(DOCS, "globex/contract.pdf", out)`` in acme's
invocation, with the client built in globex's, was decided for globex and sent with
globex's credentials; ``upload_fileobj`` wrote acme's data into globex's prefix. A
plain ``threading.Thread`` did the same.

Fix (``Guard._own_invocation``): the runtime keeps the set of invocations open in the
process (``policy_engine._invocation``: the decorator and ``tenant_scope`` add theirs
when they open and remove it when they close); a call made from a context of no
invocation while invocations are open, none of them the session's tenant's (and
tier's), is refused. Outside any invocation (module code, a cold start), and from the
workers of the tenant's own invocation (its transfers, its plain threads), a guarded
session works as before.
"""

from __future__ import annotations

import contextvars
import io
import queue
import threading
from typing import Any

from policy_engine.lambda_ import tenant_handler, tenant_scope

from ._fakes import DOCS, dead_client, outcome
from .test_round11_kept_clients import event, vendor


def test_a_kept_clients_transfer_in_another_tenants_invocation_is_refused() -> None:
    cache: dict[str, Any] = {}

    @tenant_handler(vendor(), metrics=False)
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        if "s3" not in cache:  # built on first use, kept for the warm invocations
            cache["s3"] = dead_client(tenant.session, "s3")
        s3, key = cache["s3"], event["key"]
        return {
            "download": outcome(lambda: s3.download_fileobj(DOCS, key, io.BytesIO())),
            "upload": outcome(lambda: s3.upload_fileobj(io.BytesIO(b"acme's"), DOCS, key)),
        }

    first = handler({**event("globex"), "key": "globex/contract.pdf"}, None)
    assert first == {"download": "sent", "upload": "sent"}
    assert handler({**event("acme"), "key": "globex/contract.pdf"}, None) == {
        "download": "denied",
        "upload": "denied",
    }


def test_a_plain_thread_with_a_kept_client_in_another_tenants_invocation_is_refused() -> None:
    v = vendor()
    with tenant_scope(event("globex"), v) as globex:
        kept = dead_client(globex.session, "s3")
    results: list[str] = []
    with tenant_scope(event("acme"), v):
        worker = threading.Thread(
            target=lambda: results.append(
                outcome(lambda: kept.get_object(Bucket=DOCS, Key="globex/contract.pdf"))
            )
        )
        worker.start()
        worker.join()
    assert results == ["denied"]


def test_twin_transfers_and_plain_threads_of_the_tenants_own_invocation_work() -> None:
    v = vendor()
    results: list[str] = []
    with tenant_scope(event("acme"), v) as acme:
        s3 = dead_client(acme.session, "s3")
        results.append(outcome(lambda: s3.download_fileobj(DOCS, "acme/a", io.BytesIO())))
        results.append(outcome(lambda: s3.upload_fileobj(io.BytesIO(b"x"), DOCS, "acme/b")))
        worker = threading.Thread(
            target=lambda: results.append(outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/c")))
        )
        worker.start()
        worker.join()
        # still decided: acme's own worker cannot reach globex's key
        results.append(outcome(lambda: s3.download_fileobj(DOCS, "globex/x", io.BytesIO())))
    assert results == ["sent", "sent", "sent", "denied"]


def test_twin_a_kept_client_outside_any_invocation_works_as_before() -> None:
    """Module code (no invocation open anywhere): decided for its tenant, as before;
    also once the other tenant's invocation has closed."""
    v = vendor()
    with tenant_scope(event("globex"), v) as globex:
        kept = dead_client(globex.session, "s3")
    with tenant_scope(event("acme"), v):
        pass
    assert outcome(lambda: kept.download_fileobj(DOCS, "globex/x", io.BytesIO())) == "sent"
    assert outcome(lambda: kept.get_object(Bucket=DOCS, Key="acme/x")) == "denied"


def _worker(jobs: queue.Queue[Any]) -> threading.Thread:
    """A worker started on first use with a copy of the current context (to keep the
    log stamp), kept to serve later invocations."""

    def loop() -> None:
        while True:
            job, out = jobs.get()
            if job is None:
                return
            out.append(outcome(job))

    worker = threading.Thread(target=contextvars.copy_context().run, args=(loop,), daemon=True)
    worker.start()
    return worker


def test_a_kept_worker_of_globexs_closed_invocation_in_acmes_is_refused() -> None:
    """Its context is globex's closed invocation, which round 11 let use globex's
    session: the work it runs is acme's (round 11 finding 3 drops metrics written
    from such a context for the same reason)."""
    v = vendor()
    jobs: queue.Queue[Any] = queue.Queue()
    with tenant_scope(event("globex"), v) as globex:
        kept = dead_client(globex.session, "s3")
        worker = _worker(jobs)
    out: list[str] = []
    with tenant_scope(event("acme"), v):
        jobs.put((lambda: kept.get_object(Bucket=DOCS, Key="globex/contract.pdf"), out))
        jobs.put((None, None))
        worker.join()
    assert out == ["denied"]


def test_twin_a_closed_invocations_work_runs_on_alone_or_in_its_tenants_next() -> None:
    v = vendor()
    jobs: queue.Queue[Any] = queue.Queue()
    with tenant_scope(event("acme"), v) as acme:
        kept = dead_client(acme.session, "s3")
        worker = _worker(jobs)
    out: list[str] = []
    read = lambda: kept.get_object(Bucket=DOCS, Key="acme/x")  # noqa: E731
    jobs.put((read, out))  # no invocation open: its own tenant's work goes on
    with tenant_scope(event("acme"), v):  # the same tenant's next invocation
        jobs.put((read, out))
        jobs.put((None, None))
        worker.join()
    assert out == ["sent", "sent"]
