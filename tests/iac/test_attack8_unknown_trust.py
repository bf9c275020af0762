"""Round 8: a tier role whose trust policy the plan knows only after apply.

Plan (``terraform show -json``)::

    aws_iam_role.tier:
      name: saas-tenant-basic
      inline_policy: <the catalogue's role policies>
      assume_role_policy: (known after apply)   # e.g. from data.aws_iam_policy_document
                                                # naming aws_iam_role.reporting.arn

Deployed effect: the trust policy is whatever the apply computes; here it admits the
``reporting`` role (any principal the configuration names), which then mints sessions
of the tier role with no session policy: the role's own policies reach every tenant
of the tier.

Why the lint must not pass it: the reader reported the unknown trust (PE113) and the
deployed check said the role has none (PE101), both warnings, and the deployed proof
then took the catalogue's trust policy (the vendor only) in its place: proved, 0
errors. A trust policy nobody can read may admit anyone: the proof now reads it so.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _plan(tmp_path: Path, *, known: bool) -> Path:
    role = _template("basic")["Resources"]["TierRole"]["Properties"]
    after: dict[str, Any] = {
        "name": role["RoleName"],
        "inline_policy": [
            {"name": p["PolicyName"], "policy": json.dumps(p["PolicyDocument"])}
            for p in role["Policies"]
        ],
    }
    unknown: dict[str, Any] = {"arn": True}
    if known:
        after["assume_role_policy"] = json.dumps(role["AssumeRolePolicyDocument"])
    else:
        unknown["assume_role_policy"] = True
    change = {"actions": ["create"], "after": after, "after_unknown": unknown}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_iam_role.tier", "mode": "managed", "type": "aws_iam_role",
             "name": "tier", "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    return path


def test_a_tier_role_trust_known_after_apply_is_not_proved(tmp_path: Path) -> None:
    code, findings = _lint(_plan(tmp_path, known=False))
    assert code == 1, findings
    errors = [f for f in findings if f["rule"] in ("PE090", "PE091") and f["tier"] == "basic"]
    assert any("trust(" in f["message"] for f in errors), findings


def test_twin_a_tier_role_trust_known_in_the_plan_is_proved(tmp_path: Path) -> None:
    code, findings = _lint(_plan(tmp_path, known=True))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
