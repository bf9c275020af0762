"""Shared fixtures and the Hypothesis profiles (``dev`` fast, ``ci`` thorough)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from policy_engine.catalog import Catalog, default_catalog, load_catalog
from policy_engine.render import Renderer
from policy_engine.testing.pytest_plugin import register_profiles

# The project's tests use the profiles its pytest plugin offers users.
register_profiles()
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)

BUNDLED = Path(__file__).resolve().parents[1] / "policy_templates"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def renderer(catalog: Catalog) -> Renderer:
    return Renderer(catalog)


@pytest.fixture(scope="session")
def exported_template(catalog: Catalog) -> dict[str, Any]:
    """`policy-engine export` of the bundled catalogue (CloudFormation), built once:
    read it, or change a copy (``json.loads(json.dumps(...))``)."""
    from policy_engine.deploy.export import build_template

    return build_template(catalog)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalogue."""
    target = tmp_path / "catalog"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def catalogue_copy(catalog_copy: Path) -> Callable[[Callable[[str], str]], Path]:
    """The catalogue copy with its manifest text changed by the function given."""

    def make(edit: Callable[[str], str]) -> Path:
        manifest = catalog_copy / "catalog.toml"
        manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
        return catalog_copy

    return make


@pytest.fixture
def edit(catalog_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace text in a file of the catalogue copy; returns the catalogue folder."""

    def _edit(relative: str, old: str, new: str) -> Path:
        path = catalog_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return catalog_copy

    return _edit


@pytest.fixture
def load() -> Callable[[Path], Catalog]:
    return load_catalog
