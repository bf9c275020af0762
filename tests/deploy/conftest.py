"""Helpers for the deploy tests: a writable copy of the bundled catalogue."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine._resources import bundled_catalog_dir


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Callable[[Callable[[str], str]], Path]:
    """A copy of the bundled catalogue with its manifest text edited by ``edit``."""

    def make(edit: Callable[[str], str]) -> Path:
        root = tmp_path / "catalogue"
        shutil.copytree(bundled_catalog_dir(), root)
        manifest = root / "catalog.toml"
        manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
        return root

    return make
