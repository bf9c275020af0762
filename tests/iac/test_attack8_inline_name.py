"""Round 8: two inline policies of one name on a tier role.

Template (CloudFormation)::

    TierRole:
      Type: AWS::IAM::Role
      Properties:
        RoleName: saas-tenant-basic
        Policies:
          - PolicyName: role-tier
            PolicyDocument: <the catalogue's role-tier statements>
    Replacement:
      Type: AWS::IAM::Policy                # or AWS::IAM::RolePolicy, or a plan's
      Properties:                           # aws_iam_role_policy with that name
        PolicyName: role-tier
        Roles: [!Ref TierRole]
        PolicyDocument: <some other statements>

Deployed effect: IAM keeps one inline policy per name on a role: ``PutRolePolicy``
"adds or updates an inline policy document that is embedded in the specified IAM
role" (IAM API Reference), so whichever CloudFormation writes last is the role's
``role-tier``; the other is gone. When the one that goes held a Deny fence of the
catalogue's role template, the deployed role has no fence.

Why the lint must not pass it: drift and the deployed proof read the union of both
documents, a role that is never deployed (the catalogue's statements present, a fence
in force): 0 errors. Now two inline policies of one name on a tier role are PE121:
what the role has is not known.
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


def _write(tmp_path: Path, name: str, kind: str = "AWS::IAM::Policy") -> Path:
    template = _template("basic")
    role = template["Resources"]["TierRole"]["Properties"]
    first = role["Policies"][0]
    props: dict[str, Any] = {
        "PolicyName": name,
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [first["PolicyDocument"]["Statement"][0]],
        },
    }
    if kind == "AWS::IAM::Policy":
        props["Roles"] = [{"Ref": "TierRole"}]
    else:
        props["RoleName"] = {"Ref": "TierRole"}
    template["Resources"]["Replacement"] = {"Type": kind, "Properties": props}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def test_an_inline_policy_replaced_by_name_is_not_passed(tmp_path: Path) -> None:
    name = _template("basic")["Resources"]["TierRole"]["Properties"]["Policies"][0]["PolicyName"]
    for kind in ("AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
        code, findings = _lint(_write(tmp_path, name, kind))
        assert code == 1, findings
        same = [f for f in findings if f["rule"] == "PE121" and "inline policy" in f["message"]]
        assert same, findings
        assert f"`{name}`" in same[0]["message"]


def test_twin_an_inline_policy_of_its_own_name_is_drift_as_before(tmp_path: Path) -> None:
    """The same statements under a name of their own: no name clash (only what they
    say is compared, and they repeat catalogue statements: clean)."""
    code, findings = _lint(_write(tmp_path, "orders-extra"))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []


def test_terraform_inline_policy_replaced_by_name_is_not_passed(tmp_path: Path) -> None:
    """A plan: ``aws_iam_role`` with ``inline_policy`` ``role-tier`` and an
    ``aws_iam_role_policy`` of the same name on that role."""
    role = _template("basic")["Resources"]["TierRole"]["Properties"]
    inline = [
        {"name": p["PolicyName"], "policy": json.dumps(p["PolicyDocument"])}
        for p in role["Policies"]
    ]
    first = role["Policies"][0]
    replacement = {"Version": "2012-10-17", "Statement": first["PolicyDocument"]["Statement"][:1]}

    def change(kind: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        return {
            "address": f"{kind}.{name}",
            "mode": "managed",
            "type": kind,
            "name": name,
            "change": {"actions": ["create"], "after": after, "after_unknown": {}},
        }

    plan = {
        "format_version": "1.2",
        "resource_changes": [
            change("aws_iam_role", "tier", {
                "name": role["RoleName"],
                "assume_role_policy": json.dumps(role["AssumeRolePolicyDocument"]),
                "inline_policy": inline,
            }),
            change("aws_iam_role_policy", "again", {
                "name": first["PolicyName"], "role": role["RoleName"],
                "policy": json.dumps(replacement),
            }),
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE121" and "inline policy" in f["message"] for f in findings)
