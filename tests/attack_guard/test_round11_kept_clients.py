"""Round 11: a client kept from one tenant's invocation serves the next tenant's.

The attack: the "warm client" habit of Lambda code. A handler builds its S3 client on
first use and keeps it at module scope (``CACHE["s3"] = tenant.session.client("s3")``)
so later invocations skip the set-up. The first invocation of the warm process was
globex's: the cached client belongs to globex's guarded session. The next invocation
is acme's, and its request (``GET /documents/globex/contract.pdf``, or any key the
handler builds from the request) is decided by globex's guard, for globex, and
allowed: code running in acme's invocation reads globex's objects, with acme's log
stamp on every record and the call metered as acme's. The same holds for a thread or
task started with a copy of acme's context that holds on to globex's client.

Why: the guard decided each call for the tenant of the session it was installed on,
never asking in whose invocation the call was made. Fixed at the root: a guarded
session refuses any call (and any signing: presigned URLs, tokens) made while an
invocation of another tenant or tier is open in the calling context
(``policy_engine._invocation.current_invocation``, which the decorator and
``tenant_scope`` set for their invocation and tasks and copied contexts inherit).
Outside any invocation (module code, a worker that is no invocation's, a forked
child) a guarded session works as before.
"""

from __future__ import annotations

import contextvars
import threading
from typing import Any

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler, tenant_scope
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, OkSts, dead_client, outcome

CATALOG = default_catalog()


def event(tenant: str) -> dict[str, Any]:
    return {"requestContext": {"authorizer": {"tenantId": tenant, "tier": "basic"}}}


def vendor() -> CredentialVendor:
    return CredentialVendor(
        CATALOG, sts_client=OkSts(), region="eu-west-1", role_chaining=False, guard=True
    )


def test_a_client_kept_from_globexs_invocation_is_refused_in_acmes() -> None:
    cache: dict[str, Any] = {}

    @tenant_handler(vendor(), metrics=False)
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        if "s3" not in cache:  # built on first use, kept for the warm invocations
            cache["s3"] = dead_client(tenant.session, "s3")
        key = event["key"]
        return {
            "get": outcome(lambda: cache["s3"].get_object(Bucket=DOCS, Key=key)),
            "presign": outcome(
                lambda: cache["s3"].generate_presigned_url(
                    "get_object", Params={"Bucket": DOCS, "Key": key}
                )
            ),
        }

    assert handler({**event("globex"), "key": "globex/contract.pdf"}, None) == {
        "get": "sent",
        "presign": "returned",
    }
    assert handler({**event("acme"), "key": "globex/contract.pdf"}, None) == {
        "get": "denied",
        "presign": "denied",
    }


def test_a_thread_in_acmes_context_holding_globexs_client_is_refused() -> None:
    v = vendor()
    with tenant_scope(event("globex"), v) as globex:
        kept = dead_client(globex.session, "s3")
    results: list[str] = []
    with tenant_scope(event("acme"), v):
        read = lambda: kept.get_object(Bucket=DOCS, Key="globex/x")  # noqa: E731
        worker = threading.Thread(
            target=contextvars.copy_context().run, args=(lambda: results.append(outcome(read)),)
        )
        worker.start()
        worker.join()
    assert results == ["denied"]


def test_twin_the_invocations_own_session_and_a_per_tenant_cache_work() -> None:
    """Warm clients kept per tenant (keyed by the tenant) are reused by that tenant's
    later invocations; a guarded client used outside any invocation (module code) is
    decided as before, and from a plain thread while its own tenant's invocation is
    open (round 12: while only another tenant's is, it is refused,
    ``test_round12_kept_client_workers.py``)."""
    v = vendor()
    per_tenant: dict[str, Any] = {}

    @tenant_handler(v, metrics=False)
    def handler(event: Any, context: Any, tenant: Any) -> Any:
        me = tenant.context.tenant_id
        if me not in per_tenant:
            per_tenant[me] = dead_client(tenant.session, "s3")
        return outcome(lambda: per_tenant[me].get_object(Bucket=DOCS, Key=f"{me}/x"))

    assert [handler(event(t), None) for t in ("globex", "acme", "globex", "acme")] == ["sent"] * 4
    outside = dead_client(v.session_for("acme", "basic"), "s3")
    assert outcome(lambda: outside.get_object(Bucket=DOCS, Key="acme/x")) == "sent"
    assert outcome(lambda: outside.get_object(Bucket=DOCS, Key="globex/x")) == "denied"
    results: list[str] = []
    with tenant_scope(event("acme"), v):  # a plain thread runs in no invocation
        worker = threading.Thread(
            target=lambda: results.append(
                outcome(lambda: outside.get_object(Bucket=DOCS, Key="acme/x"))
            )
        )
        worker.start()
        worker.join()
    assert results == ["sent"]
