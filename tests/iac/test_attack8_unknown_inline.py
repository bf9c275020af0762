"""Round 8: an inline policy of a tier role known only after apply (Terraform).

Plan (``terraform show -json``)::

    aws_iam_role.tier:
      name: saas-tenant-basic
      inline_policy: [<the catalogue's>, {name: extra, policy: (known after apply)}]
    # or
    aws_iam_role_policy.extra:
      role: saas-tenant-basic
      policy: (known after apply)

Deployed effect: the tier role carries statements nobody has read (computed at apply
from other resources' attributes); drift and the deployed proof are about a role that
is not the deployed one.

Why the lint must not pass it: the ``inline_policy`` entry whose policy is unknown was
skipped without a word, and an ``aws_iam_role_policy`` with an unknown policy was only a
PE113 warning: drift and proof read the catalogue's statements alone and passed (0
errors), where the README promises an unknown policy on a tier role is unknown to
drift and the proof (PE121, PE091), never a pass. Now both are.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _change(address: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")
    change = {"actions": ["create"], "after": after, "after_unknown": unknown}
    return {"address": address, "mode": "managed", "type": kind, "name": name, "change": change}


def _plan(tmp_path: Path, form: str) -> Path:
    role = _template("basic")["Resources"]["TierRole"]["Properties"]
    inline = [
        {"name": p["PolicyName"], "policy": json.dumps(p["PolicyDocument"])}
        for p in role["Policies"]
    ]
    after: dict[str, Any] = {
        "name": role["RoleName"],
        "assume_role_policy": json.dumps(role["AssumeRolePolicyDocument"]),
        "inline_policy": inline,
    }
    unknown: dict[str, Any] = {}
    changes = []
    if form == "inline":
        after["inline_policy"] = [*inline, {"name": "extra"}]
        unknown["inline_policy"] = [{} for _ in inline] + [{"policy": True}]
    elif form == "role_policy":
        extra = {"name": "extra", "role": role["RoleName"]}
        changes.append(_change("aws_iam_role_policy.extra", extra, {"policy": True}))
    changes.insert(0, _change("aws_iam_role.tier", after, unknown))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}),
                    encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize("form", ["inline", "role_policy"])
def test_an_unknown_inline_policy_on_a_tier_role_is_not_passed(tmp_path: Path, form: str) -> None:
    code, findings = _lint(_plan(tmp_path, form))
    assert code == 1, findings
    rules = {f["rule"] for f in findings if f["severity"] == "error" and f["tier"] == "basic"}
    assert {"PE121", "PE091"} <= rules, findings
    assert any(f["rule"] == "PE113" for f in findings)


def test_twin_a_tier_role_with_known_policies_stays_clean(tmp_path: Path) -> None:
    code, findings = _lint(_plan(tmp_path, "none"))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
