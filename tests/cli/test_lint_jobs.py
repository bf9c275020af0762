"""`policy-engine lint --jobs N`: the tiers of a catalogue linted and proved in N worker
processes, with the serial run's report (every format), exit code and errors."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import default_catalog, load_catalog
from policy_engine.cli import run
from policy_engine.lint import run_catalog_lint

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._scaled import scaled_catalogue

FORMATS = ("text", "json", "sarif")


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def _untimed(text: str) -> str:
    """A report less its proof times (which differ between any two runs)."""
    text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    return re.sub(r"(\d+ checks?), [0-9.]+ m?s\b", r"\1, _", text)


def _same_as_serial(args: list[str], jobs: str, serial: tuple[int, str, str]) -> None:
    got = cli("lint", *args, "--jobs", jobs)
    assert got[0] == serial[0]
    assert _untimed(got[1]) == _untimed(serial[1])
    assert got[2] == serial[2]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bundled_catalogue_gives_the_serial_report(fmt: str) -> None:
    serial = cli("lint", "--format", fmt)
    assert serial[0] == 0
    assert re.search(r'"seconds": |\d+ checks, \d+ ms', serial[1])  # the masked part exists
    for jobs in ("1", "2", "3"):
        _same_as_serial(["--format", fmt], jobs, serial)


@pytest.fixture(scope="module")
def scaled_with_findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2x catalogue whose second copy leaks (PE090 in its tiers) and misspells an
    action (PE060 with a hint, an error in session templates), plus a template no
    tier uses (PE006, linted with the first tier)."""
    root = scaled_catalogue(2, tmp_path_factory.mktemp("lintjobs") / "c2")
    for file, old, new in (
        ("session/documents_2.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"'),
        ("session/orders_2.json.j2", '"dynamodb:Query"', '"dynamodb:Qurey"'),
    ):
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    manifest = root / "catalog.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n[templates.spare]\nfile = "session/orders.json.j2"\nkind = "session"\n',
        encoding="utf-8",
    )
    return root


def test_a_scaled_catalogue_with_findings_gives_the_serial_report(
    scaled_with_findings: Path,
) -> None:
    root = str(scaled_with_findings)
    serial = {fmt: cli("lint", "--catalog", root, "--format", fmt) for fmt in FORMATS}
    doc = json.loads(serial["json"][1])
    rules = {f["rule"] for f in doc["findings"]}
    assert {"PE006", "PE060", "PE090"} <= rules
    assert serial["json"][0] == 1
    tiers = [t["tier"] for t in doc["summary"]["catalogues"][0]["tiers"]]
    assert tiers == ["basic", "standard", "premium", "basic_2", "standard_2", "premium_2"]
    for fmt in FORMATS:
        _same_as_serial(["--catalog", root, "--format", fmt], "2", serial[fmt])
    _same_as_serial(["--catalog", root, "--format", "json"], "4", serial["json"])
    _same_as_serial(
        ["--catalog", root, "--format", "text", "-q"],
        "3",
        cli("lint", "--catalog", root, "--format", "text", "-q"),
    )


def test_the_workers_do_the_tiers_after_the_first(scaled_with_findings: Path) -> None:
    """The parallel path is taken (its progress lines) and its result is the serial
    one, finding by finding, tier summary by tier summary."""
    catalog = load_catalog(scaled_with_findings)
    lines: list[str] = []
    parallel = run_catalog_lint(catalog, jobs=2, progress=lines.append)
    serial = run_catalog_lint(catalog)
    assert lines[0] == "linted and proved tier basic (1/6, 2 jobs)"
    assert lines[-1] == "linted and proved tier premium_2 (6/6, 2 jobs)"
    assert parallel.findings == serial.findings

    def untimed(lint: Any) -> Any:
        return _untimed(json.dumps(lint.summary.to_json()))

    assert untimed(parallel) == untimed(serial)


def test_a_tier_whose_template_does_not_render_is_reported_not_proved(tmp_path: Path) -> None:
    """A template of the second copy that does not render: the lint reports it for
    each tier that uses it (PE004), and the proof of those tiers cannot run (PE091,
    status unknown): exit 1, a report, no traceback; the same with workers."""
    root = scaled_catalogue(2, tmp_path / "c2")
    path = root / "session" / "jobs_2.json.j2"
    path.write_text(path.read_text(encoding="utf-8").replace('"Effect"', '"Effect" "x"', 1))
    serial = cli("lint", "--catalog", str(root))
    assert serial[0] == 1, serial[2]
    assert serial[2] == ""
    assert "PE004" in serial[1]
    assert "session/jobs_2.json.j2: rendered output is not valid JSON" in serial[1]
    assert "PE091" in serial[1]
    assert "isolation proof not run" in serial[1]
    assert "NOT every tier proved isolated" in serial[1]
    for jobs in ("2", "3"):
        code, out, err = cli("lint", "--catalog", str(root), "--jobs", jobs)
        assert (code, _untimed(out), err) == (serial[0], _untimed(serial[1]), serial[2])


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_jobs_must_be_a_whole_number_of_processes(value: str) -> None:
    code, out, err = cli("lint", "--jobs", value)
    assert code == 2
    assert out == ""
    assert "--jobs" in err
    assert "whole number" in err


@pytest.mark.parametrize("value", [0, -1, 1.0, True, "2"])
def test_run_catalog_lint_refuses_a_bad_jobs_value(value: Any) -> None:
    with pytest.raises(ValueError, match="jobs must be a whole number"):
        run_catalog_lint(default_catalog(), jobs=value)


def test_without_fork_jobs_above_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    code, out, err = cli("lint", "--jobs", "2")
    assert (code, out) == (2, "")
    assert "--jobs above 1 needs worker processes started by fork" in err
    with pytest.raises(ValueError, match="needs processes started by fork"):
        run_catalog_lint(default_catalog(), jobs=2)
    assert cli("lint", "-q", "--jobs", "1")[0] == 0  # serial needs no fork
    code, out, err = cli("check-isolation", "--jobs", "2")
    assert (code, out) == (2, "")
    assert "--jobs above 1 needs worker processes started by fork" in err
