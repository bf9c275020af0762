"""Every command that reads the catalogue's constants takes `--stage` (before, only
lint and check-isolation did: `export` after `check-isolation --stage prod` wrote the
base constants' roles, and `lint --stage prod --catalog DIR template` compared the
deployment with the base constants); and `render --resource NAME` prints a resource's
policy as it must be deployed (the drift check wants it exactly; nothing printed it)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.render import Renderer

Edit = Callable[[Callable[[str], str]], Path]
PROD = "444455556666"


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def staged(catalogue_copy: Edit, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("POLICY_ENGINE_STAGE", raising=False)
    return catalogue_copy(
        lambda t: t.replace(
            "# -- templates", f'[stages.prod.constants]\naccount_id = "{PROD}"\n\n# -- templates', 1
        )
    )


def test_render_takes_the_stage(staged: Path) -> None:
    code, out, _ = _cli("render", "--catalog", str(staged), "--tenant", "acme", "--tier", "basic")
    assert code == 0
    assert PROD not in out
    code, out, _ = _cli(
        "render", "--catalog", str(staged), "--stage", "prod", "--tenant", "acme", "--tier", "basic"
    )
    assert code == 0
    assert f":{PROD}:" in out


def test_describe_export_and_plan_take_the_stage(staged: Path, tmp_path: Path) -> None:
    code, out, _ = _cli("describe", "--catalog", str(staged), "--stage", "prod")
    assert code == 0
    assert f"iam::{PROD}:role/saas-tenant-basic" in out
    out_file = tmp_path / "prod.json"
    code, _, _ = _cli(
        "export", "--catalog", str(staged), "--stage", "prod", "--output", str(out_file)
    )
    assert code == 0
    assert f":{PROD}:" in out_file.read_text(encoding="utf-8")
    code, out, _ = _cli(
        "plan", "--catalog", str(staged), "--stage", "prod", "--tenants", "basic=10",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)
    code, _, err = _cli("describe", "--catalog", str(staged), "--stage", "nosuch")
    assert code == 2
    assert "nosuch" in err


def test_lint_of_templates_compares_with_the_stage(staged: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "prod.json"
    assert (
        _cli("export", "--catalog", str(staged), "--stage", "prod", "--output", str(out_file))[0]
        == 0
    )
    # The catalogue's vendor role (vendor_roles), in the stage's account.
    vendor = f"ExecutionRoleArns=arn:aws:iam::{PROD}:role/saas-orders-service"
    code, out, _ = _cli(
        "lint", "--catalog", str(staged), "--stage", "prod", str(out_file), "--format", "json",
        "--parameter", vendor,
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0, [f["message"] for f in doc["findings"] if f["severity"] == "error"]
    assert doc["summary"]["every_tier_proved"] is True
    # the same deployment against the base constants is drift
    code, out, _ = _cli(
        "lint", "--catalog", str(staged), str(out_file), "--format", "json", "--parameter", vendor
    )
    assert code == 1
    assert {"PE120", "PE121"} & {f["rule"] for f in json.loads(out)["findings"]}


def test_render_resource_prints_the_policy_the_proof_reads() -> None:
    code, out, _ = _cli("render", "--resource", "tenant_key")
    assert code == 0
    expected = Renderer(load_catalog()).resource_policy("tenant_key")
    assert expected is not None
    assert json.loads(out) == json.loads(json.dumps(expected.document))


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--resource", "orders"), "has no `policy`"),
        (("--resource", "nope"), "unknown resource `nope`"),
        (("--resource", "documents", "--tier", "basic"), "drop --tenant and --tier"),
        (("--tenant", "acme"), "render needs --tier"),
    ],
)
def test_render_resource_errors(argv: tuple[str, ...], words: str) -> None:
    code, out, err = _cli("render", *argv)
    assert code == 2
    assert out == ""
    assert words in err
