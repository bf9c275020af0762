"""Round 10: boto3's CRT transfer manager sends a guarded session's S3 transfers past
the guard.

The attack: a service developer speeds up uploads and downloads as boto3 documents
it, ``pip install boto3[crt]`` and ``TransferConfig(preferred_transfer_client="crt")``
(or nothing at all on an instance type boto3 deems optimised, where the default
``"auto"`` picks the CRT). ``s3.download_file(DOCS, "globex/contract.pdf", ...)`` on a
client of acme's guarded session is then never decided: boto3 takes the client's
credentials (``client._get_credentials()``), serialises the request with a client of
a fresh botocore session (none of the guard's hooks) and the CRT signs and sends it.
Acme's key prefix, the partition check, the snapshot at ``before-sign``: none of it
runs. The same call through the classic transfer manager is refused.

Why: the guard hooks the session's event system, and the CRT path leaves it. Fixed
at the root (:mod:`policy_engine._transfers`): a guarded S3 client's transfer methods
run with the classic manager (a configuration saying ``crt`` by name is refused, one
saying ``auto`` or none is made ``classic``), and its ``_get_credentials``, the one
door through which boto3 hands credentials to the CRT, refuses, so a transfer manager
made directly (``S3Transfer``, ``create_transfer_manager``) is refused too.
"""

from __future__ import annotations

import io
from typing import Any

import boto3
import boto3.s3.inject as inject
import boto3.s3.transfer as transfer_module
import pytest
from boto3.s3.transfer import S3Transfer, TransferConfig

from policy_engine.catalog import default_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator

from ._fakes import ACCOUNT, DEAD_ENDPOINT, DOCS, outcome

CATALOG = default_catalog()
CRT = TransferConfig(preferred_transfer_client="crt")


def guarded() -> Any:
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="AKIAX", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        catalog=CATALOG,
    )
    return session


def s3(endpoint: str | None = None) -> Any:
    from botocore.config import Config

    return guarded().client(
        "s3",
        region_name="eu-west-1",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 0}, connect_timeout=0.2, read_timeout=0.2),
    )


def test_crt_transfers_of_another_tenants_key_are_refused(tmp_path: Any) -> None:
    pytest.importorskip("awscrt")  # the test extra installs it
    c = s3()
    target = tmp_path / "out"
    assert outcome(lambda: c.download_file(DOCS, "globex/x", str(target), Config=CRT)) == "denied"
    assert (
        outcome(lambda: c.upload_fileobj(io.BytesIO(b"x"), DOCS, "globex/x", Config=CRT))
        == "denied"
    )
    # a transfer manager made directly takes the client's credentials the same way
    assert (
        outcome(lambda: S3Transfer(c, CRT).download_file(DOCS, "globex/x", str(target))) == "denied"
    )
    assert not target.exists()


def test_crt_is_refused_by_name_even_for_the_own_tenant() -> None:
    """A configuration asking for the CRT is refused whatever the key: the guard could
    not decide any of its requests (awscrt installed or not)."""
    c = s3(DEAD_ENDPOINT)
    got = outcome(lambda: c.upload_fileobj(io.BytesIO(b"x"), DOCS, "acme/x", Config=CRT))
    assert got == "denied"


def test_auto_on_an_optimised_instance_transfers_classic(monkeypatch: Any) -> None:
    """boto3's default (``auto``) picks the CRT on optimised instance types; a guarded
    client transfers with the classic manager there, whose requests the guard decides
    (another tenant's key refused, the own one sent)."""

    def crt_when_auto(config: Any) -> bool:  # what boto3 answers on such an instance
        return str(config.preferred_transfer_client).lower() in ("auto", "crt")

    monkeypatch.setattr(transfer_module, "_should_use_crt", crt_when_auto)
    c = s3(DEAD_ENDPOINT)

    def upload(key: str, config: Any) -> str:
        return outcome(lambda: c.upload_fileobj(io.BytesIO(b"x"), DOCS, key, Config=config))

    for config in (None, TransferConfig(), TransferConfig(preferred_transfer_client="auto")):
        assert upload("globex/x", config) == "denied"
        assert upload("acme/x", config) == "sent"
    # the caller's configuration is left as it was
    mine = TransferConfig(preferred_transfer_client="auto", max_concurrency=3)
    upload("acme/x", mine)
    assert mine.preferred_transfer_client == "auto"


def test_twin_classic_transfers_are_decided_as_before(tmp_path: Any) -> None:
    c = s3(DEAD_ENDPOINT)
    target = str(tmp_path / "out")
    classic = TransferConfig(preferred_transfer_client="classic")
    assert outcome(lambda: c.download_file(DOCS, "globex/x", target, Config=classic)) == "denied"
    assert outcome(lambda: c.download_file(DOCS, "acme/x", target, Config=classic)) == "sent"
    bucket = guarded().resource("s3", endpoint_url=DEAD_ENDPOINT).Bucket(DOCS)
    assert outcome(lambda: bucket.upload_fileobj(io.BytesIO(b"x"), "globex/x")) == "denied"
    assert outcome(lambda: bucket.upload_fileobj(io.BytesIO(b"x"), "acme/x")) == "sent"


def test_twin_an_unguarded_session_keeps_boto3s_choice() -> None:
    """Only guarded sessions are changed: another session's clients keep
    ``_get_credentials`` and the transfer methods as boto3 made them."""
    plain = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="AKIAX", aws_secret_access_key="x"
    ).client("s3")
    assert plain._get_credentials().access_key == "AKIAX"
    assert type(plain).upload_file is inject.upload_file
    assert type(s3()).upload_file is not inject.upload_file  # the guarded client's
