"""The built wheel carries the catalogue and schemas and works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_ships_catalogue_and_works_from_elsewhere(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheel_dir.glob("policy_engine-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policy_engine/py.typed" in names
    assert "policy_engine/_bundled/policy_templates/catalog.toml" in names
    assert "policy_engine/_bundled/schemas/iam-policy.schema.json" in names
    assert "policy_engine/_bundled/schemas/catalog.schema.json" in names

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import policy_engine._resources as r, policy_engine as p;"
            "print(p.__file__); print(r.bundled_catalog_dir())",
        ],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    module_file, catalog_dir = probe.stdout.split()
    assert module_file.startswith(str(site))
    assert catalog_dir.startswith(str(site))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_engine",
            "render",
            "--tenant",
            "acme-corp",
            "--tier",
            "standard",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["Statement"]) == 7
    assert "policy_engine/iam_data.json.gz" in names
    assert "policy_engine/iam_index.bin" in names  # the per-service action index
    assert "policy_engine/_schema_compiled.py" in names  # the schema compiled ahead of time
    assert "policy_engine/_bundled/policy_templates/api/routes.json.j2" in names
    # the installed lint: action data and the whole bundled catalogue, clean and proved
    version = subprocess.run(
        [sys.executable, "-m", "policy_engine", "--version"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0, version.stderr
    assert "policy_sentry 0.15.2" in version.stdout
    lint = subprocess.run(
        [sys.executable, "-m", "policy_engine", "lint"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "\n0 errors, 0 warnings, 0 info, 1 suppressed\n" in lint.stdout
    assert lint.stdout.strip().endswith("every tier proved isolated (3 of 3)")
