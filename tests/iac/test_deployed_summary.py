"""`lint --catalog DIR template`: the run summary carries the isolation proof of the
deployed tier roles (it ran, but the summary said `not checked` and
`every_tier_proved: false` for a clean deployment, so the README's
`jq -e .summary.every_tier_proved` gate could never pass on templates)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import yaml

from policy_engine.cli import run

CATALOG = str(Path(__file__).resolve().parents[2] / "policy_templates")


def _cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue()


def _export(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "stack.yaml"
    code, _ = _cli("export", "--format", "cloudformation", "--output", str(out), *extra)
    assert code == 0
    return out


def _summary(*paths: Path) -> dict[str, Any]:
    _, out = _cli("lint", "--catalog", CATALOG, *map(str, paths), "--format", "json")
    summary: dict[str, Any] = json.loads(out)["summary"]
    return summary


def _statuses(summary: dict[str, Any]) -> dict[str, str]:
    (deployed,) = summary["deployed"]
    return {t["tier"]: t["status"] for t in deployed["tiers"]}


def test_a_clean_deployment_is_proved_in_the_summary(tmp_path: Path) -> None:
    summary = _summary(_export(tmp_path))
    assert _statuses(summary) == {"basic": "proved", "standard": "proved", "premium": "proved"}
    assert summary["isolation"] == "proved"
    assert summary["every_tier_proved"] is True
    assert all(t["checks"] > 0 for t in summary["deployed"][0]["tiers"])


def test_a_managed_policy_out_of_sight_makes_the_tier_unknown(tmp_path: Path) -> None:
    path = _export(tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["Resources"]["BasicTierRole"]["Properties"]["ManagedPolicyArns"] = [
        "arn:aws:iam::aws:policy/AdministratorAccess"
    ]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    summary = _summary(path)
    assert _statuses(summary)["basic"] == "unknown"
    assert summary["every_tier_proved"] is False


def test_templates_without_the_tier_roles_are_not_checked(tmp_path: Path) -> None:
    out = tmp_path / "silo.yaml"
    code, _ = _cli("export", "--tenant", "acme", "--tier", "premium", "--output", str(out))
    assert code == 0
    summary = _summary(out)
    assert set(_statuses(summary).values()) == {"not checked"}
    assert summary["every_tier_proved"] is False


def test_the_text_report_names_each_deployed_tier(tmp_path: Path) -> None:
    _, out = _cli("lint", "--catalog", CATALOG, str(_export(tmp_path)))
    assert "checked the deployed tier roles against catalogue" in out
    assert "every tier proved isolated (3 of 3)" in out


def test_without_a_catalogue_there_is_no_deployed_section(tmp_path: Path) -> None:
    _, out = _cli("lint", str(_export(tmp_path)), "--format", "json")
    summary = json.loads(out)["summary"]
    assert "deployed" not in summary
    assert summary["isolation"] == "not checked"
