"""Trust templates: a tier's role trust policy, rendered without a tenant, checked as
a trust policy and linted; a template kind with no place in a tier is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.errors import CatalogError, PolicyParseError, TenantOpacityError
from policy_engine.lint import lint_catalog
from policy_engine.render import Renderer

GOOD_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AppAssumes",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:{{ partition }}:iam::{{ account_id }}:role/saas-app"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        }
    ],
}


def add_trust(
    root: Path, document: Any, *, tier: str | None = "basic", kind: str = "trust"
) -> Path:
    """Add template `tier-trust` (file role/trust.json.j2) and name it in `tier`."""
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    (root / "role" / "trust.json.j2").write_text(text, encoding="utf-8")
    manifest = root / "catalog.toml"
    toml = manifest.read_text(encoding="utf-8")
    toml = toml.replace(
        "# -- tiers ---",
        f'[templates.tier-trust]\nfile = "role/trust.json.j2"\nkind = "{kind}"\n\n# -- tiers ---',
    )
    if tier is not None:
        marker = f'role_arn = "arn:{{partition}}:iam::{{account_id}}:role/saas-tenant-{tier}"'
        assert marker in toml
        toml = toml.replace(marker, f'{marker}\ntrust_template = "tier-trust"')
    manifest.write_text(toml, encoding="utf-8")
    return root


def test_a_tier_trust_template_renders_and_lints_clean(catalog_copy: Path) -> None:
    catalog = load_catalog(add_trust(catalog_copy, GOOD_TRUST))
    assert catalog.tier("basic").trust_template == "tier-trust"
    assert catalog.tier("basic").templates[-1] == "tier-trust"
    renderer = Renderer(catalog)
    trust = renderer.render_trust("basic")
    assert trust is not None
    assert trust.statements[0].principal is not None
    assert trust.statements[0].principal.values("AWS") == (
        "arn:aws:iam::111122223333:role/saas-app",
    )
    assert renderer.render_trust("standard") is None
    findings = [f for f in lint_catalog(catalog, isolation=False) if not f.suppressed]
    assert [f for f in findings if f.template == "tier-trust"] == []


def stmt(**changes: Any) -> dict[str, Any]:
    base = dict(GOOD_TRUST["Statement"][0])  # type: ignore[index]
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        (stmt(Principal=None, Resource="*"), "needs `Principal`"),
        (stmt(Resource="*"), "may not hold `Resource`"),
        (stmt(Action="sts:*"), "not a role-assumption action"),
        (stmt(Action="*"), "not a role-assumption action"),
        (stmt(Action="s3:GetObject"), "not a role-assumption action"),
    ],
)
def test_a_bad_trust_policy_is_refused_at_render_and_fails_the_lint(
    catalog_copy: Path, statement: dict[str, Any], fragment: str
) -> None:
    doc = {"Version": "2012-10-17", "Statement": [statement]}
    catalog = load_catalog(add_trust(catalog_copy, doc))
    with pytest.raises(PolicyParseError, match=r"role/trust\.json\.j2") as info:
        Renderer(catalog).render_trust("basic")
    assert fragment in str(info.value)
    findings = lint_catalog(catalog, isolation=False)
    assert any(f.rule == "PE004" and f.template == "tier-trust" for f in findings)


def test_an_unused_trust_template_is_still_linted(catalog_copy: Path) -> None:
    """The attack-review case: Resource `*`, no Principal, used by no tier: 0 findings."""
    doc = {"Version": "2012-10-17", "Statement": [stmt(Principal=None, Resource="*")]}
    catalog = load_catalog(add_trust(catalog_copy, doc, tier=None))
    findings = lint_catalog(catalog, isolation=False)
    rules = {f.rule for f in findings if f.template == "tier-trust"}
    assert rules == {"PE004", "PE006"}


def test_trust_policy_lint_rules(catalog_copy: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [stmt(Principal={"AWS": "*"}, Action="sts:AssumeRole")],
    }
    catalog = load_catalog(add_trust(catalog_copy, doc))
    assert Renderer(catalog).render_trust("basic") is not None  # valid, but open
    findings = {f.rule: f for f in lint_catalog(catalog, isolation=False)}
    assert findings["PE100"].severity == "error"
    assert "any AWS account" in findings["PE100"].message
    assert "`sts:TagSession`, `sts:SetSourceIdentity`" in findings["PE101"].message


def test_a_trust_template_may_not_use_the_tenant(catalog_copy: Path) -> None:
    text = json.dumps(GOOD_TRUST).replace("saas-app", "{{ tenant }}")
    catalog = load_catalog(add_trust(catalog_copy, text))
    with pytest.raises(TenantOpacityError, match="trust policy may not use"):
        Renderer(catalog).render_trust("basic")


def test_trust_template_slot_takes_only_trust_kind(catalog_copy: Path) -> None:
    with pytest.raises(CatalogError, match="trust_template takes templates of kind trust"):
        load_catalog(add_trust(catalog_copy, GOOD_TRUST, kind="identity"))


def test_resource_kind_goes_to_a_resource_policy(catalog_copy: Path) -> None:
    # A resource-kind template has its place as a resource's `policy`; one that no
    # resource names is loaded and reported by the lint as unused (PE006).
    catalog = load_catalog(add_trust(catalog_copy, GOOD_TRUST, tier=None, kind="resource"))
    assert catalog.templates["tier-trust"].kind == "resource"
