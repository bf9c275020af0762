"""Where the bundled example catalogue and the JSON Schemas live.

In a wheel they are packaged under ``policy_engine/_bundled/``; in a source checkout
(or an editable install) they are the repository's top-level ``policy_templates/``
and ``schemas/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_bundled" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"bundled folder `{name}` not found next to the policy_engine package "
        "(a broken installation: reinstall policy-engine)"
    )


@cache
def bundled_catalog_dir() -> Path:
    """The folder of the bundled example catalogue."""
    return _locate("policy_templates")


@cache
def schemas_dir() -> Path:
    """The folder of the bundled JSON Schemas."""
    return _locate("schemas")
