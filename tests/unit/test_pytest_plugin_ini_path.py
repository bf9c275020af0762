"""The pytest plugin's ini option `policy_catalog` names a folder of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TEST_FILE = """
def test_catalogue_is_the_projects(policy_catalog):
    assert policy_catalog.name == "adopter-app"
"""


def test_ini_policy_catalog_is_relative_to_the_ini_file(tmp_path: Path, catalog_copy: Path) -> None:
    """README (Test your tenant isolation): `policy_catalog = path` under
    `[tool.pytest.ini_options]`. A relative path in an ini file is the project's
    (pytest resolves its own ini paths, `testpaths` and `type="paths"` options, against
    the ini file's folder), so the fixture must find the project's catalogue when
    pytest runs from another folder (a monorepo root, an IDE). It was read against the
    working directory: `CatalogError: catalog: no such catalogue folder or manifest`
    where that has no `catalog`, and, as here, where it has one (`tmp_path/catalog`, the
    bundled copy), another catalogue silently (found adopting the library, branch
    h11-adopt)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(catalog_copy, project / "catalog")
    manifest = project / "catalog" / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('name = "example-saas"', 'name = "adopter-app"'), "utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npolicy_catalog = "catalog"\n', encoding="utf-8"
    )
    (project / "test_catalogue.py").write_text(TEST_FILE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "project"],
        cwd=tmp_path,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
