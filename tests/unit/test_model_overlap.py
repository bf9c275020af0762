"""PE092: a resource model whose partition lets two tenants' parts overlap is named at
the model (found adopting, branch h11-adopt: `{tenant}*` in `catalog.toml` surfaced only
as PE090 at a correct template)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from policy_engine.cli import run

Edit = Callable[[str, str, str], Path]
OBJECTS = '{ arn = "arn:{partition}:s3:::{documents_bucket}/{tenant}/*" }'


def _lint(root: Path) -> list[dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    run(["lint", "--catalog", str(root), "--format", "json"], out, err)
    findings: list[dict[str, object]] = json.loads(out.getvalue())["findings"]
    return findings


def test_an_unseparated_tenant_in_the_model_is_pe092_at_the_model(edit: Edit) -> None:
    root = edit("catalog.toml", OBJECTS, OBJECTS.replace("{tenant}/*", "{tenant}*"))
    found = [f for f in _lint(root) if f["rule"] == "PE092"]
    assert len(found) == 1, found
    (finding,) = found
    assert str(finding["file"]).endswith("catalog.toml")
    assert str(finding["path"]).startswith("$.resources.documents.partitions[")
    assert "{tenant}*" in str(finding["message"])
    assert finding["severity"] == "error"


def test_the_bundled_model_and_a_separated_twin_have_none(edit: Edit) -> None:
    """The sound twins: the bundled model (`{tenant}/*`, `{tenant}`), and a listing
    prefix written `{tenant}/` (read `{tenant}/*`)."""
    root = edit(
        "catalog.toml",
        '{ condition_key = "s3:prefix", value = "{tenant}/*" }',
        '{ condition_key = "s3:prefix", value = "{tenant}/" }',
    )
    assert not [f for f in _lint(root) if f["rule"] == "PE092"]
