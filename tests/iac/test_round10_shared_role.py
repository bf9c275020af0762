"""Round 10: attack review 9c rows 03 and 05 as templates deploy them.

The catalogues are ``tests/cases/attack9c/03-...`` (tiers ``web``, ABAC, and
``batch``, whose role template reads every report, name one IAM role:
``role/saas-tenant`` and ``role/batch/saas-tenant``) and ``05-...`` (``batch`` lists
no role templates on the role ``web`` shares).

03, held (kept as regression tests): the deployed role is found by name without
regard to case, and every policy attached to it by name in any case (``AWS::IAM::
Policy``/``ManagedPolicy`` ``Roles``, a plan's ``aws_iam_role_policy`` and
attachments, a role with a ``Path``) is read on it: ``web`` is a violation wherever the
batch policy is attached, and proved where it is not.

05, fixed: the template holds the role with ``web``'s ABAC policy only. A tier on the
role that lists no role templates says the role carries policies deployed by other
means (the catalogue's proof reads it as allowing everything, and says ``web`` is a
violation); the deployed proof read the templates' policies as all of the role's and
said ``web`` proved, contradicting ``check-isolation`` on the same catalogue. Now such
a role is read as allowing everything there too (PE122 warning naming it): ``web`` is
a violation, ``batch`` (narrowed by its own session policy) proves; with ``batch``
listing the ABAC template, ``web`` proves again.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

from ._abac import ABAC, READ_ALL, TRUST

CASES = Path(__file__).resolve().parents[1] / "cases" / "attack9c"
SHARED = CASES / "03-shared-role-in-another-case-or-path"
UNDECLARED = CASES / "05-shared-role-one-tier-declares-no-role-policy"
VENDOR = "arn:aws:iam::111122223333:role/saas-vendor"
TRUST_03 = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"AWS": VENDOR}}]}


def _lint(tmp_path: Path, catalog: Path, document: dict[str, Any]) -> dict[str, str]:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = io.StringIO()
    run(["lint", "--format", "json", "--catalog", str(catalog), str(path)], out, io.StringIO())
    summary = json.loads(out.getvalue())["summary"]
    return {t["tier"]: t["status"] for t in summary["deployed"][0]["tiers"]}


def _reports(document: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(document).replace("saas-reports-111122223333", "saas-reports"))


def _role(path: str = "/") -> dict[str, Any]:
    props = {
        "RoleName": "saas-tenant",
        "Path": path,
        "AssumeRolePolicyDocument": TRUST_03,
        "Policies": [{"PolicyName": "abac", "PolicyDocument": _reports(ABAC)}],
    }
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _cfn(kind: str | None, roles: list[str], path: str = "/") -> dict[str, Any]:
    resources: dict[str, Any] = {"TenantRole": _role(path)}
    if kind is not None:
        props: dict[str, Any] = {"Roles": roles, "PolicyDocument": _reports(READ_ALL)}
        if kind == "AWS::IAM::Policy":
            props["PolicyName"] = "all"
        resources["BatchPolicy"] = {"Type": kind, "Properties": props}
    return {"Resources": resources}


@pytest.mark.parametrize(
    ("kind", "roles", "path"),
    [
        ("AWS::IAM::Policy", ["SAAS-TENANT"], "/"),
        ("AWS::IAM::Policy", ["saas-tenant"], "/batch/"),
        ("AWS::IAM::ManagedPolicy", ["Saas-Tenant"], "/"),
    ],
)
def test_03_a_policy_on_the_shared_role_in_another_case(
    tmp_path: Path, kind: str, roles: list[str], path: str
) -> None:
    assert _lint(tmp_path, SHARED, _cfn(kind, roles, path))["web"] == "violation"


def test_03_without_the_batch_policy_web_proves(tmp_path: Path) -> None:
    assert _lint(tmp_path, SHARED, _cfn(None, []))["web"] == "proved"


def _plan(*extra: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    def change(kind: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                "change": body}  # fmt: skip

    role = change("aws_iam_role", "web", {
        "name": "saas-tenant", "path": "/", "assume_role_policy": json.dumps(TRUST_03),
        "inline_policy": [{"name": "abac", "policy": json.dumps(_reports(ABAC))}]})  # fmt: skip
    changes = [role] + [change(kind, "batch", after) for kind, after in extra]
    return {"format_version": "1.2", "resource_changes": changes}


def test_03_a_plan_policy_on_the_shared_role_in_another_case(tmp_path: Path) -> None:
    after = {"name": "all", "role": "SAAS-Tenant", "policy": json.dumps(_reports(READ_ALL))}
    plan = _plan(("aws_iam_role_policy", after))
    assert _lint(tmp_path, SHARED, plan)["web"] == "violation"


def test_05_a_role_a_tier_declares_no_policies_for_is_read_as_allowing_everything(
    tmp_path: Path,
) -> None:
    statuses = _lint(tmp_path, UNDECLARED, _cfn(None, []))
    assert statuses == {"web": "violation", "batch": "proved"}


def test_05_with_every_tier_declaring_the_role_web_proves(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(UNDECLARED, catalog)
    manifest = catalog / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('session_templates = ["s-own"]\n',
                        'session_templates = ["s-own"]\nrole_templates = ["abac"]\n')  # fmt: skip
    manifest.write_text(text, encoding="utf-8")
    assert _lint(tmp_path, catalog, _cfn(None, [])) == {"web": "proved", "batch": "proved"}
