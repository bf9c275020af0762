from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import Catalog, load_catalog
from policy_engine.errors import CatalogError, UnknownTemplate, UnknownTier

Edit = Callable[[str, str, str], Path]


def test_bundled_catalogue_shape(catalog: Catalog) -> None:
    assert sorted(catalog.tiers) == ["basic", "premium", "standard"]
    basic = catalog.tier("basic")
    assert basic.role_arn == "arn:aws:iam::111122223333:role/saas-tenant-basic"
    assert basic.resources["orders"] == "pooled"
    assert catalog.tier("premium").resources["premium_orders"] == "silo"
    orders = catalog.resources["orders"]
    assert orders.arn == "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"
    assert orders.partitions[0].condition_key == "dynamodb:LeadingKeys"
    assert orders.partitions[0].for_tenant("acme").value == "acme"
    docs = catalog.resources["documents"]
    assert docs.partitions[0].arn == "arn:aws:s3:::saas-documents-111122223333/{tenant}/*"
    assert catalog.language.is_valid("acme-corp")
    assert not catalog.language.is_valid("Acme")


def test_loads_a_json_manifest(tmp_path: Path, catalog: Catalog) -> None:
    import json
    import shutil

    target = tmp_path / "c"
    shutil.copytree(catalog.root, target)
    (target / "catalog.toml").unlink()
    (target / "catalog.json").write_text(json.dumps(catalog._raw), encoding="utf-8")
    loaded = load_catalog(target)
    assert loaded.manifest.name == "catalog.json"
    assert loaded.tiers == catalog.tiers


def test_unknown_tier_and_template(catalog: Catalog) -> None:
    with pytest.raises(UnknownTier, match="unknown tier `gold`: the catalogue defines `basic`"):
        catalog.tier("gold")
    with pytest.raises(UnknownTemplate, match="unknown template `nope`"):
        catalog.template("nope")


@pytest.mark.parametrize(
    ("old", "new", "key_path", "fragment"),
    [
        (
            'alphabet = ["a-z", "0-9", "-"]',
            'alphabet = ["a-z", "0-9", "-", "*"]',
            "$.tenant_id.alphabet[3]",
            "can never be part of a tenant ID",
        ),
        (
            'alphabet = ["a-z", "0-9", "-"]',
            'alphabet = ["a-z", "/"]',
            "$.tenant_id.alphabet[1]",
            "can never be part of a tenant ID",
        ),
        (
            'alphabet = ["a-z", "0-9", "-"]',
            'alphabet = ["a-z", " "]',
            "$.tenant_id.alphabet[1]",
            "can never be part of a tenant ID",
        ),
        (
            'alphabet = ["a-z", "0-9", "-"]',
            'alphabet = ["a-z", "é"]',
            "$.tenant_id.alphabet[1]",
            "can never be part of a tenant ID",
        ),
        ("max_length = 32", "max_length = 65", "$.tenant_id.max_length", "at most 64"),
        (
            'account_id = "111122223333"',
            'account_id = "1111"',
            "$.constants.account_id",
            "12 digits",
        ),
        ('kind = "session"', 'kind = "sessions"', "$.templates.documents.kind", "`kind` is one of"),
        ("schema_version = 1", "schema_version = 2", "$.schema_version", "must be 1"),
        ('orders = "pooled"', 'orders = "shared"', "$.tiers.basic.resources.orders", "pooled"),
        ('examples = ["acme"', 'examples = ["Acme"', "$.tenant_id.examples[0]", "character `A`"),
        (
            'file = "session/orders.json.j2"',
            'file = "session/missing.json.j2"',
            "$.templates.orders.file",
            "does not exist",
        ),
        (
            'file = "session/orders.json.j2"',
            'file = "../outside.json.j2"',
            "$.templates.orders.file",
            "relative path inside",
        ),
        (
            'session_templates = ["orders", "documents", "jobs", "secrets", "kms"]\nrole_templates',
            'session_templates = ["orders", "nope"]\nrole_templates',
            "$.tiers.basic.session_templates[1]",
            "unknown template `nope`",
        ),
        (
            'session_templates = ["orders", "documents", "jobs", "secrets", "kms"]\nrole_templates',
            'session_templates = ["orders", "role-tier"]\nrole_templates',
            "$.tiers.basic.session_templates[1]",
            "of kind `identity`",
        ),
        (
            "table/{orders_table}",
            "table/{order_table}",
            "$.resources.orders.arn",
            "placeholder `{order_table}` names no constant",
        ),
        (
            '[tiers.basic.resources]\norders = "pooled"',
            '[tiers.basic.resources]\norderz = "pooled"',
            "$.tiers.basic.resources.orderz",
            "unknown resource `orderz`",
        ),
        (
            'value = "{tenant}" }',
            'value = "all" }',
            "$.resources.orders.partitions[0]",
            "partition",
        ),
    ],
)
def test_broken_manifests_name_file_and_key_path(
    edit: Edit, old: str, new: str, key_path: str, fragment: str
) -> None:
    root = edit("catalog.toml", old, new)
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    assert info.value.file.endswith("catalog.toml")
    assert info.value.key_path == key_path, str(info.value)
    assert fragment in info.value.detail, str(info.value)


def test_invalid_toml(edit: Edit) -> None:
    root = edit("catalog.toml", "schema_version = 1", "schema_version = = 1")
    with pytest.raises(CatalogError, match="invalid TOML"):
        load_catalog(root)


def test_missing_folder_and_manifest(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such catalogue"):
        load_catalog(tmp_path / "nope")
    with pytest.raises(CatalogError, match="no manifest found"):
        load_catalog(tmp_path)


def test_invalid_json_manifest_reports_line(tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text('{\n "name": }', encoding="utf-8")
    with pytest.raises(CatalogError, match="invalid JSON at line 2, column"):
        load_catalog(tmp_path)
