"""Authorizer: what the declared dependency range lets in."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
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


@pytest.mark.xfail(
    strict=True,
    reason="the authorizer extra allows pyjwt>=2.8, which admits PyJWT 2.10.0, whose "
    "issuer check is a substring test for a string issuer (CVE-2024-53861: "
    "iss='https://cognito-idp.eu-west-1.amazonaws.com/' passes the pinned pool "
    "issuer); the authorizer relies on PyJWT alone for `iss`",
)
def test_declared_pyjwt_range_excludes_the_issuer_substring_release() -> None:
    for requirement in _pyjwt_requirements():
        assert Version("2.10.0") not in requirement.specifier


def test_twin_installed_pyjwt_compares_the_issuer_exactly() -> None:
    """The PyJWT installed here is past the fix: a substring issuer is refused."""
    import jwt

    assert Version(jwt.__version__) >= Version("2.10.1")
