"""The README's example test file runs as written, under the plugin, as a user would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name}:start -->\s*```python\n(.*?)```\s*<!-- {name}:end -->", text, re.S)
    assert m, f"README block {name} not found"
    return m.group(1)


@pytest.mark.slow
def test_test_your_isolation_example_runs(tmp_path: Path) -> None:
    (tmp_path / "test_isolation.py").write_text(_block("test-your-isolation"), encoding="utf-8")
    env = {**os.environ, "HYPOTHESIS_PROFILE": "dev"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--policy-engine-profiles",
            str(tmp_path / "test_isolation.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_authorizer_example_runs_and_prints_what_the_readme_says(tmp_path: Path) -> None:
    pytest.importorskip("jwt")
    script = tmp_path / "try_authorizer.py"
    script.write_text(_block("authorizer-example"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    text = README.read_text(encoding="utf-8")
    shown = text.split("<!-- authorizer-example:end -->", 1)[1].split("```")[1].strip()
    assert result.stdout.strip() == shown


UUID_TENANT_ID = """[tenant_id]
alphabet = ["a-f", "0-9", "-"]
min_length = 36
max_length = 36
pattern = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
examples = ["3f2b8c1e-9d4a-4e6b-8f0c-1a2b3c4d5e6f"]
"""


@pytest.mark.slow
def test_the_isolation_example_passes_a_uuid_catalogue_twenty_runs_out_of_twenty(
    tmp_path: Path, catalog_copy: Path
) -> None:
    manifest = catalog_copy / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index("[tenant_id]")
    end = text.index("\n[", start + 1)
    manifest.write_text(text[:start] + UUID_TENANT_ID + text[end:], encoding="utf-8")
    (tmp_path / "test_isolation.py").write_text(_block("test-your-isolation"), encoding="utf-8")
    # the example's `load_catalog()` finds the catalogue through the environment
    env = {**os.environ, "HYPOTHESIS_PROFILE": "dev", "POLICY_ENGINE_CATALOG": str(catalog_copy)}
    for seed in range(20):
        result = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "--policy-engine-profiles", "--policy-catalog", str(catalog_copy),
                f"--hypothesis-seed={seed}", str(tmp_path / "test_isolation.py"),
            ],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, (seed, result.stdout + result.stderr)
        assert "4 passed" in result.stdout, (seed, result.stdout)
