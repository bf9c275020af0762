"""`from policy_engine import evaluate` is the function whatever was imported before:
the README's `from policy_engine import Request, evaluate, parse_policy` gave the
module `policy_engine.evaluate` (importing `Request` loads it, and the import system
sets a submodule on its package), so `evaluate(...)` raised "'module' object is not
callable"."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "imports",
    [
        "from policy_engine import evaluate",
        "from policy_engine import Request, evaluate, parse_policy",
        "import policy_engine.evaluate\nfrom policy_engine import evaluate",
        "from policy_engine.evaluate import Evaluator\nimport policy_engine\n"
        "evaluate = policy_engine.evaluate",
        "from policy_engine.authorizer import make_authorizer\n"
        "from policy_engine import Request, evaluate",
    ],
)
def test_evaluate_is_the_function(imports: str) -> None:
    code = (
        f"{imports}\n"
        "from policy_engine import Request, parse_policy\n"
        "policy = parse_policy({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', "
        "'Action': 's3:GetObject', 'Resource': '*'}]}, kind='identity')\n"
        "print(evaluate(Request('s3:GetObject', 'arn:aws:s3:::b/k'), "
        "identity=[('p', policy)]).decision)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "allow"


def test_the_module_is_still_importable() -> None:
    import importlib

    module = importlib.import_module("policy_engine.evaluate")
    assert callable(module.evaluate)
    assert module.Evaluator.__module__ == "policy_engine.evaluate"
