"""Authorizer: what the declared dependency range lets in."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _pyjwt_requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = [
        Requirement(text)
        for text in project["optional-dependencies"]["authorizer"]
        if Requirement(text).name.lower() == "pyjwt"
    ]
    assert found, "the authorizer extra names no PyJWT"
    return found


def test_declared_pyjwt_range_excludes_the_issuer_substring_release() -> None:
    for requirement in _pyjwt_requirements():
        assert Version("2.10.0") not in requirement.specifier


def test_twin_installed_pyjwt_compares_the_issuer_exactly() -> None:
    """The PyJWT installed here is past the fix: a substring issuer is refused."""
    import jwt

    assert Version(jwt.__version__) >= Version("2.10.1")
