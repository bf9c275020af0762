"""Round 9b: a Terraform value known only after apply that comes out of a module.

Plan: ``module.vendor.aws_lambda_function.this`` (the credential vendor's function,
running as the catalogue's vendor role) and, in the root module,
``aws_lambda_permission.any`` with ``principal = "*"`` and
``function_name = module.vendor.function_arn`` (an output of the module: the function's
ARN, known only after apply). The lint follows a field known only after apply through
the plan's ``configuration`` references, but only to ``aws_*`` addresses: the module
output was not followed, the permission was on "a function not in the linted
templates" (PE115 warning, exit 0). Now a ``module.m.output`` reference is followed to
the resources that output's expression names in ``m``: PE091.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .test_attack8_data_copies import _lint

VENDOR = "arn:aws:iam::111122223333:role/saas-orders-service"
OTHER = "arn:aws:iam::111122223333:role/app-worker"


def _change(address: str, kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> Any:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    name = address.rsplit(".", 1)[1]
    return {"address": address, "mode": "managed", "type": kind, "name": name, "change": change}


def _plan(role: str, output_refs: list[str]) -> dict[str, Any]:
    function = {"function_name": "orders", "role": role}
    permission = {"principal": "*", "action": "lambda:InvokeFunction"}
    inner = {
        "outputs": {"function_arn": {"expression": {"references": output_refs}}},
        "resources": [
            {"address": "aws_lambda_function.this", "mode": "managed",
             "type": "aws_lambda_function", "name": "this",
             "expressions": {"function_name": {"constant_value": "orders"},
                             "role": {"constant_value": role}}}
        ],
    }  # fmt: skip
    return {
        "format_version": "1.2",
        "resource_changes": [
            _change("module.vendor.aws_lambda_function.this", "aws_lambda_function", function,
                    {"arn": True}),
            _change("aws_lambda_permission.any", "aws_lambda_permission", permission,
                    {"function_name": True}),
        ],
        "configuration": {"root_module": {
            "resources": [
                {"address": "aws_lambda_permission.any", "mode": "managed",
                 "type": "aws_lambda_permission", "name": "any",
                 "expressions": {"function_name": {"references": [
                     "module.vendor.function_arn", "module.vendor"]}}}
            ],
            "module_calls": {"vendor": {"source": "./vendor", "module": inner}},
        }},
    }  # fmt: skip


def _write(tmp_path: Path, plan: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "refs", [["aws_lambda_function.this.arn", "aws_lambda_function.this"],
             ["aws_lambda_function.this[0].arn"]],
)  # fmt: skip
def test_permission_through_a_module_output_is_pe091(tmp_path: Path, refs: list[str]) -> None:
    code, findings = _lint(_write(tmp_path, _plan(VENDOR, refs)))
    assert code == 1, findings
    assert any(
        f["rule"] == "PE091" and f["resource"] == "aws_lambda_permission.any" for f in findings
    ), findings


def test_twin_the_modules_function_runs_as_another_role(tmp_path: Path) -> None:
    refs = ["aws_lambda_function.this.arn"]
    plan = _plan(OTHER, refs)
    # the function's role in the plan (round 12: a public function whose role the
    # templates do not hold is PE091, its policies unknown), with no policy
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action":
             "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}  # fmt: skip
    worker = {"name": "app-worker", "arn": OTHER, "assume_role_policy": json.dumps(trust)}
    plan["resource_changes"].append(_change("aws_iam_role.worker", "aws_iam_role", worker, {}))
    code, findings = _lint(_write(tmp_path, plan))
    assert code == 0, findings
    assert not [f for f in findings if f["rule"] in ("PE091", "PE115")], findings
