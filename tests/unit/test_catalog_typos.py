"""A misspelt manifest key is named, with the key it is closest to, before the required
key it leaves missing (before: `$.tiers.basic: missing `session_templates` (and 1
more)`, the misspelling hidden behind "1 more")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.errors import CatalogError, PolicyParseError
from policy_engine.parse import parse_policy

Edit = Callable[[Callable[[str], str]], Path]


def _first(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "session_templates = [",
            "sesion_templates = [",
            "$.tiers.basic",
            ["unknown key `sesion_templates` (did you mean `session_templates`?)", "missing"],
        ),
        (
            'partitions = [{ condition_key = "dynamodb:LeadingKeys"',
            'partitons = [{ condition_key = "dynamodb:LeadingKeys"',
            "$.resources.orders",
            ["unknown key `partitons` (did you mean `partitions`?)", "allowed are"],
        ),
        (
            'name = "example-saas"',
            'nmae = "example-saas"',
            "$",
            ["unknown key `nmae` (did you mean `name`?)", "unknown top-level key"],
        ),
        (
            "duration_seconds = 900",
            "session_length = 900",
            "$.tiers.basic",
            ["unknown key `session_length`", "allowed are"],
        ),
    ],
)
def test_a_misspelt_key_is_named_first(
    catalogue_copy: Edit, old: str, new: str, path: str, words: list[str]
) -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(catalogue_copy(_first(old, new)))
    message = str(info.value)
    assert f"{path}: unknown key" in message
    for word in words:
        assert word in message
    assert "was unexpected" not in message


def test_a_misspelt_statement_key_in_a_policy() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Actoin": "s3:GetObject",
                                                   "Resource": "*"}]}  # fmt: skip
    with pytest.raises(PolicyParseError) as info:
        parse_policy(doc, kind="identity")
    assert "did you mean `Action`?" in str(info.value)


def test_a_misspelt_tenant_placeholder_is_named(catalogue_copy: Edit) -> None:
    old = '{jobs_queue_prefix}-{tenant}" }]'
    with pytest.raises(CatalogError) as info:
        load_catalog(catalogue_copy(_first(old, old.replace("{tenant}", "{tenat}"))))
    message = str(info.value)
    assert "$.resources.jobs.partitions[0]" in message
    assert "`{tenat}`, which is neither `{tenant}` nor a constant" in message
    assert "did you mean `{tenant}`?" in message


def test_a_wrong_placement_is_quoted(catalogue_copy: Edit) -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(catalogue_copy(_first('jobs = "pooled"', 'jobs = "poled"')))
    message = str(info.value)
    assert "$.tiers.basic.resources.jobs" in message
    assert "`poled`: a tier holds each resource `pooled` or `silo`" in message
