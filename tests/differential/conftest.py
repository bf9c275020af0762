from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .oracle import Oracle, unavailable_reason


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"differential oracle required in CI: {reason}")
        pytest.skip(reason)
    proc = Oracle()
    yield proc
    proc.close()
