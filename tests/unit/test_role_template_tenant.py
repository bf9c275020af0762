"""A role template that interpolates the tenant: one role serves every tenant of the
tier, so it has no deployable policy (export and render refuse it). The lint and
`check-isolation` said `proved` (0 errors), reading the role as if it were per tenant;
now the lint reports PE004 at the template line and the proof as not run (PE091), and
`check-isolation` exits 2 naming the template."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from policy_engine.cli import run

Edit = Callable[[str, str, str], Path]

_OLD = '"arn:{{ partition }}:sqs:{{ region }}:{{ account_id }}:{{ jobs_queue_prefix }}-*"'
_NEW = (
    '"arn:{{ partition }}:sqs:{{ region }}:{{ account_id }}:{{ jobs_queue_prefix }}-{{ tenant }}"'
)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_lint_refuses_it_and_does_not_prove(edit: Edit) -> None:
    root = edit("role/tier.json.j2", _OLD, _NEW)
    code, out, _ = _cli("lint", "--catalog", str(root), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    pe004 = [f for f in doc["findings"] if f["rule"] == "PE004"]
    assert pe004
    assert "a role template may not use `{{ tenant }}`" in pe004[0]["message"]
    text = (root / "role" / "tier.json.j2").read_text(encoding="utf-8").splitlines()
    assert "{{ tenant }}" in text[pe004[0]["line"] - 1]
    assert any(f["rule"] == "PE091" for f in doc["findings"])
    assert doc["summary"]["every_tier_proved"] is False


def test_check_isolation_exits_2(edit: Edit) -> None:
    root = edit("role/tier.json.j2", _OLD, _NEW)
    code, out, err = _cli("check-isolation", "--catalog", str(root))
    assert code == 2
    assert out == ""
    assert "role/tier.json.j2" in err
    assert "may not use `{{ tenant }}`" in err


def test_the_bundled_catalogue_is_still_proved() -> None:
    code, out, _ = _cli("check-isolation")
    assert code == 0
    assert out.count(": proved") == 3


def test_the_library_proof_refuses_it_too(edit: Edit) -> None:
    """The library calls (role_documents, check_tier, check_catalog) read the role's
    policies too: they raise naming the template and the path, never prove (the lint
    and the CLI were guarded, `role_documents` read the tenant as if per tenant)."""
    import pytest

    from policy_engine.catalog import load_catalog
    from policy_engine.errors import TemplateError
    from policy_engine.isolation import check_catalog, check_tier, role_documents

    root = edit("role/tier.json.j2", _OLD, _NEW)
    catalog = load_catalog(root / "catalog.toml")
    for tier in catalog.tiers:
        if "tier" not in catalog.tier(tier).role_templates:
            continue
        with pytest.raises(TemplateError, match=r"role/tier\.json\.j2.*\$\.Statement"):
            role_documents(catalog, tier)
        with pytest.raises(TemplateError, match=re.escape("may not use `{{ tenant }}`")):
            check_tier(catalog, tier)
    with pytest.raises(TemplateError):
        check_catalog(catalog)


def test_a_template_that_fails_to_render_is_reported_once(edit: Edit) -> None:
    """A session template whose output is not JSON: PE004 at the template, once per
    tier, not again at the manifest for the tier's merged session policy (which fails
    only because that template does; found adopting, branch h11-adopt)."""
    root = edit(
        "session/documents.json.j2",
        '"Effect": "Allow"',
        '"Effect": "Allow",,',
    )
    code, out, _ = _cli("lint", "--catalog", str(root), "--format", "json")
    assert code == 1
    pe004 = [f for f in json.loads(out)["findings"] if f["rule"] == "PE004"]
    assert pe004
    assert all(f["file"].endswith("documents.json.j2") for f in pe004), pe004
    per_tier = [(f["tier"], f["template"]) for f in pe004]
    assert len(per_tier) == len(set(per_tier)), per_tier
