"""Attacks on the client-side guard (`policy_engine.guard`) through real boto3
clients whose calls go to a dead endpoint: ``denied`` is the guard refusing before
anything is sent, ``sent`` is the request leaving the process (so the guard let it
through), ``returned`` a client method that produced something without sending
(a presigned URL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import Catalog, default_catalog
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, REPORTS, OkSts, dead_client, outcome

Edit = Callable[[str, str, str], Path]


def guarded(catalog: Catalog, tenant: str = "acme", tier: str = "basic") -> Any:
    vendor = CredentialVendor(catalog, sts_client=OkSts(), role_chaining=False, region="eu-west-1")
    return vendor.session_for(tenant, tier, guard=True)


# -- defence in depth against a misconfigured session policy ----------------------------


@pytest.mark.xfail(
    strict=True,
    reason="the guard decides with the catalogue's own session policy, so a misconfigured "
    "session template (`{{ tenant }}*`, the prefix-collision trap) is what it enforces: "
    "acme reads acme-corp's objects although the README promises that 'even with a "
    "misconfigured role or session policy, a guarded session refuses a cross-tenant "
    "call'; the resource model's partitions (`documents_bucket/{tenant}/*`), which "
    "the guard could check independently, are not consulted",
)
def test_guard_refuses_cross_tenant_call_despite_a_misconfigured_session_policy(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    folder = edit(
        "session/documents.json.j2",
        '{{ documents_bucket }}/{{ tenant }}/*"',
        '{{ documents_bucket }}/{{ tenant }}*"',
    )
    s3 = dead_client(guarded(load(folder)), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme-corp/a.txt")) == "denied"


def test_twin_misconfigured_role_policy_is_narrowed_by_the_session_policy(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """The other half of the README's promise holds: a role template that grants every
    object of the bucket is narrowed to acme's prefix by the session policy."""
    folder = edit("role/tier.json.j2", '"arn:{{ partition }}:s3:::{{ documents_bucket }}/*"', '"*"')
    s3 = dead_client(guarded(load(folder)), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme-corp/a.txt")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


# -- presigned URLs: the action the URL performs ------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="generate_presigned_url(..., HttpMethod=...) is decided as the client method's "
    "action (s3:GetObject) while the URL performs the HTTP method's (DELETE is "
    "s3:DeleteObject): the standard tier may not delete reports, the guard signs a "
    "URL that does",
)
def test_presigned_url_is_decided_for_the_http_method_it_signs() -> None:
    s3 = dead_client(guarded(default_catalog(), tier="standard"), "s3")
    params = {"Bucket": REPORTS, "Key": "acme/r.csv"}
    assert (
        outcome(lambda: s3.generate_presigned_url("get_object", Params=params, HttpMethod="DELETE"))
        == "denied"
    )


def test_twin_presigned_urls_the_tier_allows_and_refuses() -> None:
    s3 = dead_client(guarded(default_catalog(), tier="standard"), "s3")
    own = {"Bucket": REPORTS, "Key": "acme/r.csv"}
    other = {"Bucket": REPORTS, "Key": "globex/r.csv"}
    assert outcome(lambda: s3.generate_presigned_url("get_object", Params=own)) == "returned"
    assert outcome(lambda: s3.generate_presigned_url("get_object", Params=other)) == "denied"
    assert outcome(lambda: s3.delete_object(**own)) == "denied"  # the action itself


# -- what the refusal says ---------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="the guard's AccessDenied message quotes the key (in the refused parameter and "
    "in the resource ARN) raw: a key built from a request path holding a newline puts "
    "attacker-written lines into the service's error log (the authorizer escapes such "
    "values with printable(); the guard does not)",
)
@pytest.mark.parametrize(
    "key",
    [
        'acme/../x\n{"level":"INFO","tenant_id":"globex","message":"export done"}',
        'globex/x\n{"level":"INFO","tenant_id":"globex","message":"export done"}',
    ],
    ids=["refused-parameter", "denied-resource"],
)
def test_refusal_message_escapes_the_identifiers_it_quotes(key: str) -> None:
    from botocore.exceptions import ClientError

    s3 = dead_client(guarded(default_catalog()), "s3")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=DOCS, Key=key)
    message = info.value.response["Error"]["Message"]
    assert "tenant `acme`" in message
    assert "\n" not in message
