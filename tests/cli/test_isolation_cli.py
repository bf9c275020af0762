from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from policy_engine.cli import run

Edit = Callable[[str, str, str], Path]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_bundled_catalogue_is_proved_json() -> None:
    code, out, err = cli("check-isolation", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["tiers"]) == {"basic", "standard", "premium"}
    for tier in doc["tiers"].values():
        assert tier["status"] == "proved"
        assert tier["violations"] == []
        assert tier["unknown"] == []


def test_text_output_one_tier() -> None:
    code, out, _ = cli("check-isolation", "--tier", "premium")
    assert code == 0
    assert out.startswith("premium: proved (")


def test_violation_exits_1_with_counterexample(edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    code, out, _ = cli(
        "check-isolation", "--catalog", str(root), "--tier", "basic", "--format", "json"
    )
    assert code == 1
    result = json.loads(out)["tiers"]["basic"]
    assert result["status"] == "violation"
    cx = result["violations"][0]
    assert cx["tenant_b"].startswith(cx["tenant_a"])
    assert cx["action"].startswith("s3:")
    code, out, _ = cli("check-isolation", "--catalog", str(root), "--tier", "basic")
    assert code == 1
    assert "violation: tenant `" in out


def test_bad_input_exit_2() -> None:
    code, out, err = cli("check-isolation", "--tier", "gold")
    assert code == 2
    assert out == ""
    assert "unknown tier `gold`" in err
    code, out, err = cli("check-isolation", "--catalog", "/nonexistent")
    assert code == 2
    assert out == ""
