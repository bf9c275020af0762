"""Fixtures of the authorizer tests (helpers in jwt_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("jwt")

from policy_engine.catalog import Catalog, default_catalog

from .jwt_helpers import JwksServer, Keys, Sign, make_signer


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture
def sign(keys: Keys, catalog: Catalog) -> Sign:
    return make_signer(keys, catalog)


@pytest.fixture
def jwks_server(keys: Keys) -> Iterator[JwksServer]:
    with JwksServer(keys.jwks()) as server:
        yield server
