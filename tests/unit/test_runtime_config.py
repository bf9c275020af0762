"""Runtime configuration: $POLICY_ENGINE_CATALOG, per-stage constants (also in lint and
the proof through the CLI), and proof certificates."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.certificate import (
    CertificateError,
    build_certificate,
    catalog_hash,
    tier_status,
    write_certificate,
)
from policy_engine.cli import run
from policy_engine.errors import CatalogError
from policy_engine.vend import CredentialVendor, IsolationNotProved

Edit = Callable[[str, str, str], Path]
PROD = """
[stages.prod]
description = "production account"
[stages.prod.constants]
account_id = "999988887777"
region = "eu-central-1"
"""


def with_stages(catalog_copy: Path, text: str = PROD) -> Path:
    manifest = catalog_copy / "catalog.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + text, encoding="utf-8")
    return catalog_copy


# -- POLICY_ENGINE_CATALOG ---------------------------------------------------------------


def test_the_environment_names_the_catalogue(
    catalog_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_stages(catalog_copy)
    monkeypatch.setenv("POLICY_ENGINE_CATALOG", str(catalog_copy))
    assert load_catalog().root == catalog_copy
    assert CredentialVendor(role_chaining=False).catalog.root == catalog_copy


def test_the_authorizer_reads_the_environments_catalogue(
    catalog_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("jwt")
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from policy_engine.authorizer import make_authorizer

    monkeypatch.setenv("POLICY_ENGINE_CATALOG", str(catalog_copy))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    handler = make_authorizer(jwks={"keys": [{**jwk, "kid": "k1"}]}, api_keys={})
    assert handler.catalog.root == catalog_copy


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_catalogue_variable_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_ENGINE_CATALOG", value)
    with pytest.raises(CatalogError, match=r"POLICY_ENGINE_CATALOG.*set but empty"):
        load_catalog()


def test_a_missing_catalogue_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_ENGINE_CATALOG", str(tmp_path / "nowhere"))
    with pytest.raises(CatalogError, match="no such catalogue"):
        load_catalog()


# -- stages ------------------------------------------------------------------------------


def test_a_stage_overrides_constants(catalog_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = with_stages(catalog_copy)
    base = load_catalog(root)
    prod = load_catalog(root, stage="prod")
    assert base.stage is None
    assert base.constants["account_id"] == "111122223333"
    assert prod.stage == "prod"
    assert prod.constants["account_id"] == "999988887777"
    assert prod.constants["region"] == "eu-central-1"
    assert "999988887777" in prod.tier("basic").role_arn
    monkeypatch.setenv("POLICY_ENGINE_STAGE", "prod")
    assert load_catalog(root).constants["account_id"] == "999988887777"


def test_rendered_policies_follow_the_stage(catalog_copy: Path) -> None:
    from policy_engine.model import dumps
    from policy_engine.render import Renderer

    prod = load_catalog(with_stages(catalog_copy), stage="prod")
    text = dumps(Renderer(prod).render_tier("acme", "basic"))
    assert "arn:aws:dynamodb:eu-central-1:999988887777:table/" in text
    assert ":111122223333:" not in text


@pytest.mark.parametrize(
    ("text", "stage", "fragment"),
    [
        (PROD, "staging", "unknown stage `staging`"),
        ("", "prod", "unknown stage `prod`"),
        ("[stages.prod.constants]\nacount_id = '999988887777'\n", "prod", "not a constant"),
        ("[stages.prod.constants]\naccount_id = '9999'\n", "prod", "12 digits"),
        ("[stages.prod]\ndescription = 'x'\n", None, "needs `constants`"),
        ("[stages.'bad stage'.constants]\nregion = 'eu-west-1'\n", None, "stage names"),
    ],
)
def test_bad_stages_are_refused_with_the_key_path(
    catalog_copy: Path, text: str, stage: str | None, fragment: str
) -> None:
    root = with_stages(catalog_copy, text)
    with pytest.raises(CatalogError, match=fragment) as info:
        load_catalog(root, stage=stage)
    assert "stages" in str(info.value)


def test_lint_and_proof_take_the_stage(catalog_copy: Path) -> None:
    root = with_stages(catalog_copy, PROD.replace('"eu-central-1"', '"eu-central-1"'))
    for command in (["lint", "--catalog"], ["check-isolation", "--catalog"]):
        out, err = io.StringIO(), io.StringIO()
        code = run([*command, str(root), "--stage", "nope"], out, err)
        assert code == 2
        assert "unknown stage `nope`" in err.getvalue()
        out, err = io.StringIO(), io.StringIO()
        assert run([*command, str(root), "--stage", "prod", "--format", "json"], out, err) == 0


# -- proof certificates -------------------------------------------------------------------


class Result:
    def __init__(self, status: str) -> None:
        self.status = status
        self.checks = 3


def test_the_hash_covers_every_file_the_stage_and_not_the_certificate(
    catalog_copy: Path, edit: Edit
) -> None:
    root = with_stages(catalog_copy)
    base = catalog_hash(load_catalog(root))
    assert catalog_hash(load_catalog(root, stage="prod")) != base
    (root / "isolation-certificate.json").write_text("{}")
    assert catalog_hash(load_catalog(root)) == base
    (root / "session" / "notes.txt").write_text("a file a template could include")
    assert catalog_hash(load_catalog(root)) != base


def test_certificate_checks(catalog_copy: Path, tmp_path: Path) -> None:
    catalog = load_catalog(catalog_copy)
    cert = tmp_path / "cert.json"
    with pytest.raises(CertificateError, match="no proof certificate"):
        tier_status(catalog, "basic", cert)
    write_certificate(catalog, {"basic": Result("proved"), "premium": Result("violation")}, cert)
    assert tier_status(catalog, "basic", cert) == "proved"
    assert tier_status(catalog, "premium", cert) == "violation"
    with pytest.raises(CertificateError, match="does not cover tier `standard`"):
        tier_status(catalog, "standard", cert)
    doc = json.loads(cert.read_text())
    cert.write_text(json.dumps({**doc, "policy_engine": "0.0.1"}))
    with pytest.raises(CertificateError, match=r"written by policy-engine 0\.0\.1"):
        tier_status(catalog, "basic", cert)
    cert.write_text(json.dumps({**doc, "catalog_hash": "sha256:" + "0" * 64}))
    with pytest.raises(CertificateError, match="stale"):
        tier_status(catalog, "basic", cert)
    cert.write_text("[1, 2]")
    with pytest.raises(CertificateError, match="not a proof certificate"):
        tier_status(catalog, "basic", cert)


def test_the_certificate_is_found_next_to_the_catalogue_or_by_the_environment(
    catalog_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(catalog_copy)
    results: dict[str, Any] = {"basic": Result("proved")}
    write_certificate(catalog, results, catalog_copy / "isolation-certificate.json")
    assert tier_status(catalog, "basic") == "proved"
    elsewhere = tmp_path / "elsewhere.json"
    doc = build_certificate(catalog, {"basic": Result("unknown")})
    elsewhere.write_text(json.dumps(doc))
    monkeypatch.setenv("POLICY_ENGINE_CERTIFICATE", str(elsewhere))
    assert tier_status(catalog, "basic") == "unknown"


def test_cli_writes_a_certificate_the_vendor_accepts(catalog_copy: Path) -> None:
    cert = catalog_copy / "isolation-certificate.json"
    out, err = io.StringIO(), io.StringIO()
    assert run(["check-isolation", "--catalog", str(catalog_copy), "--certificate", str(cert)],
               out, err) == 0  # fmt: skip
    doc = json.loads(cert.read_text())
    assert set(doc["tiers"]) == {"basic", "standard", "premium"}
    assert all(t["status"] == "proved" for t in doc["tiers"].values())
    vendor = CredentialVendor(load_catalog(catalog_copy), role_chaining=False, require_proved=True)
    vendor.prepare("acme", "basic")  # certified: no error, and no proof run


def test_require_proved_refuses_a_stale_certificate_before_any_sts_call(
    catalog_copy: Path, edit: Edit
) -> None:
    catalog = load_catalog(catalog_copy)
    write_certificate(
        catalog, {"basic": Result("proved")}, catalog_copy / "isolation-certificate.json"
    )
    edit("catalog.toml", 'name = "', 'name = "changed-')
    vendor = CredentialVendor(load_catalog(catalog_copy), role_chaining=False, require_proved=True)
    with pytest.raises(IsolationNotProved, match="stale"):
        vendor.prepare("acme", "basic")


def test_require_proved_takes_only_known_values() -> None:
    with pytest.raises(ValueError, match="require_proved"):
        CredentialVendor(role_chaining=False, require_proved="yes")


# -- what the runtime imports --------------------------------------------------------------

HEAVY = (
    "jsonschema",
    "referencing",
    "jinja2",
    "policy_engine.lint",
    "policy_engine.isolation",
    "policy_engine.iac",
    "policy_engine.deploy",
    "policy_engine.evaluate",
    "policyuniverse",
    "fastjsonschema",
    "aws_xray_sdk",
    "aws_lambda_powertools",
    "hypothesis",
)


def test_runtime_modules_import_nothing_heavy() -> None:
    code = (
        "import sys, json\n"
        "import policy_engine.lambda_, policy_engine.vend, policy_engine.metrics\n"
        "import policy_engine.certificate, policy_engine.guard\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    # the guard decides with the evaluator: it is loaded with the guard, and only then
    assert heavy == [m for m in heavy if m.startswith("policy_engine.evaluate")], heavy


def test_lambda_and_vend_alone_do_not_load_the_evaluator() -> None:
    code = (
        "import sys, json\n"
        "import policy_engine.lambda_, policy_engine.vend, policy_engine.metrics\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)] == []


def test_a_certified_cold_start_loads_neither_the_proof_nor_the_lint(catalog_copy: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    cert = catalog_copy / "isolation-certificate.json"
    run(["check-isolation", "--catalog", str(catalog_copy), "--certificate", str(cert)], out, err)
    code = (
        "import sys, json\n"
        "from policy_engine.vend import CredentialVendor\n"
        "from policy_engine.catalog import load_catalog\n"
        f"v = CredentialVendor(load_catalog({str(catalog_copy)!r}), role_chaining=False,"
        " require_proved=True)\n"
        "v.prepare('acme', 'basic')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert not [
        m for m in loaded if m.startswith(("policy_engine.isolation", "policy_engine.lint"))
    ]
