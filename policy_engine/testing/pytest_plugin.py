"""pytest plugin for tenant-isolation tests (entry point ``pytest11``; opt-in).

Installing policy-engine makes these available in every pytest run, and they do
nothing until used:

- fixture ``policy_catalog``: the catalogue named by ``--policy-catalog`` or the ini
  option ``policy_catalog`` (default: the bundled example);
- fixture ``isolation_checker``: a function ``(tier=None) -> dict[tier, TierResult]``
  running the isolation proof on that catalogue;
- ``--policy-engine-profiles`` (or ini ``policy_engine_profiles = true``) registers
  the Hypothesis profiles ``dev`` (fast) and ``ci`` (more examples, derandomised) on
  top of the settings in effect (a profile the user loaded keeps its choices, such as
  ``suppress_health_check``) and loads ``$HYPOTHESIS_PROFILE`` (default ``dev``).
  Nothing is registered otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..isolation import TierResult


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("policy-engine")
    group.addoption("--policy-catalog", default=None, help="catalogue folder for policy_catalog")
    group.addoption(
        "--policy-engine-profiles",
        action="store_true",
        default=False,
        help="register Hypothesis profiles dev and ci and load $HYPOTHESIS_PROFILE",
    )
    parser.addini("policy_catalog", "catalogue folder for the policy_catalog fixture", default="")
    parser.addini(
        "policy_engine_profiles",
        "register the dev and ci Hypothesis profiles",
        type="bool",
        default=False,
    )


def register_profiles() -> None:
    """Register the ``dev`` and ``ci`` Hypothesis profiles on top of the settings in
    effect: a profile the user loaded keeps its choices (``suppress_health_check`` is
    extended with ``too_slow``, never replaced); only the example count, the deadline
    and, for ``ci``, derandomisation are set."""
    from hypothesis import HealthCheck, settings

    parent = settings()
    suppressed = list(parent.suppress_health_check)
    if HealthCheck.too_slow not in suppressed:
        suppressed.append(HealthCheck.too_slow)
    settings.register_profile(
        "dev", parent=parent, max_examples=50, deadline=None, suppress_health_check=suppressed
    )
    settings.register_profile(
        "ci",
        parent=parent,
        max_examples=500,
        deadline=None,
        derandomize=True,
        suppress_health_check=suppressed,
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--policy-engine-profiles") or config.getini("policy_engine_profiles"):
        from hypothesis import settings

        register_profiles()
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def policy_catalog(pytestconfig: pytest.Config) -> Catalog:
    """The catalogue under test: ``--policy-catalog`` (a path from the working
    directory), else the ini option ``policy_catalog`` (a path from the ini file's
    folder, as pytest reads its own ini paths), else the bundled example."""
    from ..catalog import default_catalog, load_catalog

    given: str | None = pytestconfig.getoption("--policy-catalog")
    if given:
        return load_catalog(given)
    configured = str(pytestconfig.getini("policy_catalog"))
    if not configured:
        return default_catalog()
    path = Path(configured).expanduser()
    if not path.is_absolute() and pytestconfig.inipath is not None:
        path = pytestconfig.inipath.parent / path
    return load_catalog(str(path))


@pytest.fixture(scope="session")
def isolation_checker(policy_catalog: Catalog) -> Callable[..., dict[str, TierResult]]:
    """Run the isolation proof on ``policy_catalog``: ``isolation_checker(tier=None)``."""
    from ..isolation import check_catalog

    def run(tier: str | None = None, **kwargs: Any) -> dict[str, TierResult]:
        return check_catalog(policy_catalog, tiers=[tier] if tier else None, **kwargs)

    return run
