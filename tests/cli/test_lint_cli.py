"""`policy-engine lint` on a catalogue says what it checked and proved, in every format."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run
from policy_engine.lint import HOSTILE_IDS, RULES

Edit = Callable[[str, str, str], Path]
TIERS = ["basic", "standard", "premium"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*argv: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[int, str, str]]:
    """The bundled catalogue's lint in each format (one run each, shared)."""
    return {fmt: cli("lint", "--format", fmt) for fmt in ("text", "json", "sarif")}


def _check_summary(summary: dict[str, Any]) -> None:
    assert summary["isolation"] == "proved"
    assert summary["every_tier_proved"] is True
    (catalogue,) = summary["catalogues"]
    assert [t["tier"] for t in catalogue["tiers"]] == TIERS
    for tier in catalogue["tiers"]:
        assert tier["status"] == "proved"
        assert tier["checks"] > 0
        assert tier["seconds"] >= 0
        assert tier["templates"] >= 6
        assert tier["policies"] == tier["templates"] + 1  # plus the merged session policy
        assert tier["hostile_ids_refused"] == len(HOSTILE_IDS)
    assert catalogue["policies"] == sum(t["policies"] for t in catalogue["tiers"])
    assert catalogue["templates"] == 10
    assert catalogue["hostile_ids"] == {
        "tried": len(HOSTILE_IDS),
        "refused": 3 * len(HOSTILE_IDS),
        "renderings": 3 * len(HOSTILE_IDS),
    }
    assert len(catalogue["probe_tenant"]) == 32  # the longest ID of the language
    assert summary["rules"] == len(RULES) + 4  # + render, hostile IDs, proof (2)
    assert {"PE061", "PE090", "PE091", "PE005"} <= set(summary["rule_ids"])
    assert summary["action_data"]["released"] == "2026-04"


def test_text_report_ends_with_what_was_checked(reports: dict[str, tuple[int, str, str]]) -> None:
    code, out, err = reports["text"]
    assert code == 0
    assert err == ""  # stderr is not a terminal: no progress
    lines = out.rstrip("\n").splitlines()
    count = lines.index("0 errors, 0 warnings, 0 info, 1 suppressed")
    tail = "\n".join(lines[count + 1 :])
    for tier in TIERS:
        assert any(
            line.split()[:2] == [tier, "proved"] and line.split()[3] == "checks,"
            for line in lines[count:]
        ), tail
    assert "10 templates rendered as 26 policies" in tail
    assert f"{len(RULES) + 4} rules run" in tail
    hostile = len(HOSTILE_IDS)
    assert f"{hostile} hostile tenant IDs" in tail
    assert f"{3 * hostile} of {3 * hostile}" in tail
    assert "released 2026-04" in tail
    assert lines[-1] == "every tier proved isolated (3 of 3)"


def test_quiet_keeps_only_findings_and_the_count_line() -> None:
    code, out, _ = cli("lint", "-q")
    assert code == 0
    assert out.rstrip("\n").endswith("0 errors, 0 warnings, 0 info, 1 suppressed")
    assert "proved" not in out
    assert json.loads(cli("lint", "-q", "--format", "json")[1])["summary"]["isolation"] == (
        "proved"
    )  # -q shapes the text report only


def test_json_report_has_the_summary(reports: dict[str, tuple[int, str, str]]) -> None:
    code, out, _ = reports["json"]
    assert code == 0
    doc = json.loads(out)
    assert doc["counts"] == {"error": 0, "warning": 0, "info": 0, "suppressed": 1}
    _check_summary(doc["summary"])


def test_sarif_run_carries_the_summary(reports: dict[str, tuple[int, str, str]]) -> None:
    code, out, _ = reports["sarif"]
    assert code == 0
    (sarif_run,) = json.loads(out)["runs"]
    _check_summary(sarif_run["properties"]["summary"])
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    texts = [n["message"]["text"] for n in notes]
    assert {n["level"] for n in notes} == {"note"}
    for tier in TIERS:
        assert any(t.startswith(f"{tier} ") and " proved " in t for t in texts), texts
    assert texts[-1] == "every tier proved isolated (3 of 3)"


def test_summary_reports_a_violation(edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    code, out, _ = cli("lint", "--catalog", str(root))
    assert code == 1
    assert "NOT every tier proved isolated (basic: violation;" in out.splitlines()[-1]
    code, out, _ = cli("lint", "--catalog", str(root), "--format", "sarif")
    (sarif_run,) = json.loads(out)["runs"]
    summary = sarif_run["properties"]["summary"]
    assert summary["isolation"] == "violation"
    assert summary["every_tier_proved"] is False
    statuses = {t["tier"]: t["status"] for t in summary["catalogues"][0]["tiers"]}
    assert statuses["basic"] == "violation"
    notes = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["level"] == "error" and n["message"]["text"].startswith("basic ") for n in notes)


def test_a_finding_shared_by_tiers_counts_once(edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/*"')  # PE080 in 3 tiers
    _, out, _ = cli("lint", "--catalog", str(root), "--format", "json")
    doc = json.loads(out)
    reads = [f for f in doc["findings"] if f["rule"] == "PE080"]
    assert len(reads) == 1
    assert reads[0]["tiers"] == TIERS
    assert doc["counts"]["warning"] == len(
        [f for f in doc["findings"] if f["severity"] == "warning" and not f["suppressed"]]
    )
    _, text, _ = cli("lint", "--catalog", str(root), "-q")
    rows = [line for line in text.splitlines() if " PE080 " in line]
    assert len(rows) == 1
    warnings = int(text.splitlines()[-1].split(" warnings")[0].rsplit(" ", 1)[-1])
    assert warnings == doc["counts"]["warning"]
    _, sarif, _ = cli("lint", "--catalog", str(root), "--format", "sarif")
    results = json.loads(sarif)["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "PE080"]
    assert result["properties"]["tiers"] == TIERS


def test_progress_only_on_a_terminal() -> None:
    terminal = Terminal()
    code, _, err = cli("lint", "-q", stderr=terminal)
    assert code == 0
    for tier in TIERS:
        assert f"proving tier {tier} isolated" in err
        assert f"linting tier {tier}" in err
    assert err.endswith("\r\x1b[K")  # the progress line is cleared before the report
    assert cli("lint", "-q")[2] == ""


def test_plain_files_summary(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"}
                ],
            }
        ),
        "utf-8",
    )
    code, out, _ = cli("lint", str(policy), "--format", "json")
    assert code == 0
    summary = json.loads(out)["summary"]
    assert summary["files"] == 1
    assert summary["catalogues"] == []
    assert summary["isolation"] == "not checked"
    assert summary["rules"] == len(RULES) + 2  # + unreadable input, schema
    text = cli("lint", str(policy))[1]
    assert "checked 1 policy file" in text


def test_readme_shows_what_the_demo_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first screen is the real output of `scripts/demo.sh` (timings aside)."""
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```text\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(root)
    code, out, _ = cli("lint")
    assert code == 0

    def timeless(text: str) -> str:
        return re.sub(r"\d+ ms\b|\d+\.\d s\b", "T", text).rstrip("\n")

    assert timeless(shown) == timeless(out)
