"""The Hypothesis toolkit on a catalogue that is not the bundled one: requests come
from the catalogue's own account, and API routes are swept against the route policy.

Found by adopting the library for another app (account 444455556666): a bucket
policy's usual `aws:PrincipalAccount` fence denied every request of the toolkit (its
requests came from the example's account 111122223333), so leaks went unfound; and
routes were swept with an action `execute-api` does not have, against the credentials
rather than the authorizer's route policy, so route leaks went unfound too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings

from policy_engine._resources import bundled_catalog_dir
from policy_engine.catalog import Catalog, load_catalog
from policy_engine.evaluate import Request
from policy_engine.isolation._shapes import _catalogue_actions
from policy_engine.testing import (
    TenantIsolationError,
    assert_tenant_isolation,
    cross_tenant_sweeps,
    keyless_requests,
    requests_on,
)
from policy_engine.testing._mutants import MUTANTS, Edit, make_mutant

OTHER_ACCOUNT = "444455556666"
_ACCOUNT_EDIT: Edit = (
    "catalog.toml",
    'account_id = "111122223333"',
    f'account_id = "{OTHER_ACCOUNT}"',
)
_ROUTE_LEAK: Edit = (
    "api/routes.json.j2",
    "/GET/tenants/{{ tenant }}/orders/*",
    "/GET/tenants/{{ tenant }}*",
)


def _catalog(tmp_path: Path, *edits: Edit) -> Catalog:
    return load_catalog(make_mutant(bundled_catalog_dir(), tmp_path / "c", list(edits)))


@contextmanager
def _fixed() -> Iterator[None]:
    """Derandomised settings without the example database, restored afterwards."""
    previous = settings.default
    settings.register_profile("_adopter_fixed", parent=previous, derandomize=True, database=None)
    settings.load_profile("_adopter_fixed")
    try:
        yield
    finally:
        settings.register_profile("_adopter_restore", previous)
        settings.load_profile("_adopter_restore")


def _find(catalog: Catalog) -> TenantIsolationError:
    with _fixed(), pytest.raises(TenantIsolationError) as info:
        assert_tenant_isolation(catalog, "basic", max_examples=50, shrink=False)
    return info.value


def test_a_leak_is_found_in_a_catalogue_of_another_account(tmp_path: Path) -> None:
    # The documents bucket policy denies callers of other accounts (`aws:PrincipalAccount`
    # != the catalogue's account_id): requests must come from the catalogue's account.
    catalog = _catalog(tmp_path, _ACCOUNT_EDIT, *MUTANTS["anchored prefix -> open prefix"])
    found = _find(catalog)
    assert found.counterexample.request.resource.startswith("arn:aws:s3:::saas-documents-")
    assert f":{OTHER_ACCOUNT}:assumed-role/saas-tenant-basic/" in (
        found.counterexample.request.principal
    )


def test_the_same_catalogue_without_the_leak_passes(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, _ACCOUNT_EDIT)
    with _fixed():
        assert assert_tenant_isolation(catalog, "basic", max_examples=30) >= 30


def test_a_route_leak_is_found_through_the_route_policy(tmp_path: Path) -> None:
    found = _find(_catalog(tmp_path, _ROUTE_LEAK))
    cx = found.counterexample
    assert cx.request.action.lower() == "execute-api:invoke"
    assert "/GET/tenants/" in cx.request.resource
    assert any(m.policy == "api" for m in cx.decision.matched)


def _known(action: str) -> bool:
    service = action.split(":", 1)[0].lower()
    return action.lower() in {a.lower() for a in _catalogue_actions(service)}


@pytest.fixture(scope="module")
def other_account(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root = tmp_path_factory.mktemp("acct")
    return load_catalog(make_mutant(bundled_catalog_dir(), root / "c", [_ACCOUNT_EDIT]))


def _check_request(request: Request, catalog: Catalog) -> None:
    assert _known(request.action), request.action
    account = catalog.constants["account_id"]
    assert request.principal.startswith(f"arn:aws:sts::{account}:assumed-role/")


def test_sweeps_requests_and_keyless_requests(other_account: Catalog) -> None:
    seen: set[str] = set()

    @settings(max_examples=15, derandomize=True, database=None)
    @given(
        sweep=cross_tenant_sweeps("acme", "globex", other_account),
        on=requests_on("acme", other_account),
        keyless=keyless_requests(other_account),
    )
    def run(sweep: list[Request], on: Request, keyless: Request) -> None:
        for request in [*sweep, on, keyless]:
            _check_request(request, other_account)
            seen.add(request.action.lower())

    run()
    # the route partitions are swept with the action the API templates name
    assert "execute-api:invoke" in seen
