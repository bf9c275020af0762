"""A listing-prefix partition declared without a trailing `*` (`value = "{tenant}/"`):
the proof and the guard must read it alike, as S3 lists: a listing prefix that extends
the tenant's (`acme/2026/`) lists that tenant's keys only, one that extends another
tenant's lists that tenant's keys. The catalogue reads such a value closed upward
(`{tenant}/*`, `catalog.LISTING_PREFIX_KEYS`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


def test_the_proof_finds_a_listing_below_another_tenants_prefix(
    edit: Edit, load: Callable[[Path], Catalog]
) -> None:
    """The leak this exposed: on the `{tenant}/` model the proof read a tenant's part of
    `s3:prefix` as exactly `globex/` (and the prefixes of it), so a session policy
    letting acme list `globex/2026/` (every key of globex under `2026/`) proved. A
    listing prefix touches every key it lists, so it touches globex's part whenever it
    begins with `globex/`: now a violation, with that listing as the counterexample."""
    _model(edit)
    root = edit(
        "session/documents.json.j2",
        '["{{ tenant }}/", "{{ tenant }}/*"]',
        '["{{ tenant }}/", "{{ tenant }}/*", "globex/2026/"]',
    )
    result = check_tier(load(root), "basic")
    assert result.status == "violation", result.status
    found = [
        v
        for v in result.violations
        if v.action == "s3:listbucket" and v.context.get("s3:prefix") == "globex/2026/"
    ]
    assert found, result.violations


def test_a_trailing_star_and_none_are_one_model(
    load: Callable[[Path], Catalog], edit: Edit
) -> None:
    """The value as loaded: `{tenant}/` is `{tenant}/*` for a listing-prefix key, and
    any other condition key keeps its value as written."""
    catalog = load(_model(edit))
    values = {
        (p.condition_key, p.value)
        for spec in catalog.resources.values()
        for p in spec.partitions
        if p.condition_key is not None
    }
    assert ("s3:prefix", "{tenant}/*") in values
    assert ("dynamodb:LeadingKeys", "{tenant}") in values
