"""Tenant-ID strategies draw from the language's automaton: every draw is valid and no
filter is involved, so the health checks pass for any language (UUIDs, fixed lengths,
rare separators); and a user's Hypothesis settings are respected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_engine.tenancy import TenantIdLanguage
from policy_engine.testing import tenant_ids
from policy_engine.testing._strategies import _walker

UUID = TenantIdLanguage.from_spec(
    {
        "alphabet": ["a-f", "0-9", "-"],
        "min_length": 36,
        "max_length": 36,
        "pattern": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    }
)
LANGUAGES = {
    "uuid": UUID,
    "fixed-digits": TenantIdLanguage.from_spec(
        {"alphabet": ["0-9", "a-z"], "min_length": 10, "max_length": 10, "pattern": "[0-9]{10}"}
    ),
    "rare-separator": TenantIdLanguage.from_spec(
        {
            "alphabet": ["a-z", "@", "."],
            "min_length": 3,
            "max_length": 40,
            "pattern": "[a-z]{3,12}(@[a-z]{2,8}\\.[a-z]{2,3})?",
        }
    ),
    "prefixed": TenantIdLanguage.from_spec(
        {
            "alphabet": ["a-z", "0-9", "-"],
            "min_length": 9,
            "max_length": 9,
            "pattern": "acme-[0-9]{4}",
        }
    ),
    "one-char-or-more": TenantIdLanguage.from_spec(
        {"alphabet": ["a-z", "_"], "min_length": 1, "max_length": 64}
    ),
}
# every health check on, whatever the active profile suppresses
STRICT = settings(max_examples=100, suppress_health_check=[], deadline=None)


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_every_draw_is_valid_and_no_health_check_fails(name: str) -> None:
    language = LANGUAGES[name]
    seen: list[str] = []

    @STRICT
    @given(tenant_ids(language=language))
    def check(tenant: str) -> None:
        assert language.reason_invalid(tenant) is None, (tenant, language.reason_invalid(tenant))
        seen.append(tenant)

    check()
    assert len(set(seen)) > 10


def test_rare_separators_and_both_length_extremes_are_drawn() -> None:
    language = LANGUAGES["rare-separator"]
    seen: list[str] = []

    @settings(max_examples=300, suppress_health_check=[], deadline=None, derandomize=True)
    @given(tenant_ids(language=language))
    def collect(tenant: str) -> None:
        seen.append(tenant)

    collect()
    assert any("@" in t for t in seen)
    assert min(map(len, seen)) == 3
    assert max(map(len, seen)) > 20


def test_the_walker_never_reaches_a_dead_end() -> None:
    walker = _walker(UUID)
    assert walker is not None
    assert walker.lengths(walker.start) == frozenset({36})
    state = walker.start
    for remaining in range(36, 0, -1):
        options = walker.options(state, remaining)
        assert options  # a symbol is always available
        state = walker.step(state, options[-1])
    assert walker.nfa.accepts_any(state)


@STRICT
@given(data=st.data())
def test_uuid_tenant_pairs_are_distinct_valid_tenants(data: st.DataObject) -> None:
    from policy_engine.catalog import Catalog
    from policy_engine.testing import tenant_pairs

    catalog = _uuid_catalog()
    assert isinstance(catalog, Catalog)
    a, b = data.draw(tenant_pairs(catalog))
    assert a != b
    assert UUID.is_valid(a)
    assert UUID.is_valid(b)


_CATALOG: list[object] = []


def _uuid_catalog() -> object:
    if not _CATALOG:
        import dataclasses

        from policy_engine.catalog import default_catalog

        _CATALOG.append(dataclasses.replace(default_catalog(), language=UUID, examples=()))
    return _CATALOG[0]


def test_the_plugin_keeps_the_users_hypothesis_settings(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from hypothesis import HealthCheck, settings\n"
        "settings.register_profile('mine', max_examples=7,\n"
        "    suppress_health_check=[HealthCheck.filter_too_much])\n"
        "settings.load_profile('mine')\n",
        encoding="utf-8",
    )
    (tmp_path / "test_settings.py").write_text(
        "from hypothesis import HealthCheck, settings\n"
        "def test_settings():\n"
        "    current = settings()\n"
        "    assert HealthCheck.filter_too_much in current.suppress_health_check\n"
        "    assert HealthCheck.too_slow in current.suppress_health_check\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--policy-engine-profiles", "test_settings.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_assert_tenant_isolation_keeps_the_active_suppressions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from policy_engine.catalog import default_catalog
    from policy_engine.testing import _isolation

    captured: list[settings] = []

    def spy(*args: object, **kwargs: object) -> settings:
        made = settings(*args, **kwargs)  # type: ignore[arg-type]
        captured.append(made)
        return made

    previous = getattr(settings, "_current_profile", None) or "default"
    settings.register_profile(
        "user-suppressions", parent=settings(), suppress_health_check=[HealthCheck.filter_too_much]
    )
    settings.load_profile("user-suppressions")
    try:
        monkeypatch.setattr(_isolation, "settings", spy)
        _isolation.assert_tenant_isolation(default_catalog(), "basic", max_examples=3)
    finally:
        settings.load_profile(previous)
    applied = captured[-1].suppress_health_check
    assert HealthCheck.filter_too_much in applied
    assert HealthCheck.too_slow in applied


def test_prefix_pairs_are_drawn_where_the_language_has_them() -> None:
    from policy_engine.catalog import default_catalog
    from policy_engine.testing import tenant_pairs

    catalog = default_catalog()
    pairs: list[tuple[str, str]] = []

    @settings(max_examples=200, suppress_health_check=[], deadline=None, derandomize=True)
    @given(tenant_pairs(catalog))
    def collect(pair: tuple[str, str]) -> None:
        a, b = pair
        assert a != b
        assert catalog.language.is_valid(a)
        assert catalog.language.is_valid(b)
        pairs.append(pair)

    collect()
    assert sum(1 for a, b in pairs if a.startswith(b) or b.startswith(a)) > 20
