from __future__ import annotations

import subprocess
import sys

import pytest

import policy_engine


@pytest.mark.parametrize("name", policy_engine.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(policy_engine, name) is not None


def test_unknown_name() -> None:
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        _ = policy_engine.nope  # type: ignore[attr-defined]


def test_import_is_lazy() -> None:
    """Jinja2, jsonschema and the evaluator load on first use, not at import."""
    code = (
        "import sys, policy_engine; "
        "print(sorted(m for m in ('jinja2', 'jsonschema', 'policy_engine.evaluate',"
        " 'policy_engine.render', 'policyuniverse') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
