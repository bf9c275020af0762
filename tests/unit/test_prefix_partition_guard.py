"""A listing-prefix partition declared without a trailing `*` (`value = "{tenant}/"`):
the proof and the guard must read it alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine._partitions import TenantPartitions
from policy_engine.catalog import Catalog
from policy_engine.isolation import check_tier

Edit = Callable[[str, str, str], Path]
DOCS = "arn:aws:s3:::saas-documents-111122223333"
SLASH = '{ condition_key = "s3:prefix", value = "{tenant}/" },'


def _model(edit: Edit) -> Path:
    return edit("catalog.toml", '{ condition_key = "s3:prefix", value = "{tenant}/*" },', SLASH)


def test_the_proof_proves_the_slash_prefix_model(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """The model is accepted and the bundled `basic` tier (listing with `s3:prefix`
    `acme/` or `acme/*`) is proved on it: the guard below must not contradict that."""
    assert check_tier(load(_model(edit)), "basic").status == "proved"


@pytest.mark.xfail(
    strict=True,
    reason="open bug: the guard refuses every listing under a `{tenant}/` prefix partition",
)
def test_the_guard_lets_a_tenant_list_its_own_prefix(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """Found adopting (h11-adopt): with `value = "{tenant}/"` the guard answered
    ``s3:prefix` = `acme/` ... is not in tenant `acme`'s partition `{tenant}/``: its
    prefix check needs the value to end with `*` (`_Slot.holds_all`), while the proof
    reads a listing prefix as prefix-closed (README, The catalogue format) and proves
    the tier. S3 lists the keys that begin with the prefix (`Prefix`: "Limits the
    response to keys that begin with the specified prefix",
    https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3.model/-list-objects-request/prefix.html)."""
    acme = TenantPartitions(load(_model(edit)), "acme")
    assert acme.refusal(DOCS, {"s3:prefix": "acme/"}) is None
    assert acme.refusal(DOCS, {"s3:prefix": "acme/2026/"}) is None


def test_the_guard_still_refuses_other_prefixes_on_that_model(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """The sound twin: whatever the fix, `acme` (lists `acme-corp/`), the empty prefix
    and another tenant's prefix stay refused."""
    acme = TenantPartitions(load(_model(edit)), "acme")
    for prefix in ("acme", "", "acme-corp/", "globex/"):
        assert acme.refusal(DOCS, {"s3:prefix": prefix}) is not None, prefix
