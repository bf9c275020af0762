"""`policy-engine export`: the template's contents, cfn-lint on every form, the
per-tenant template, and errors."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from trust_helpers import vending_trust

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.deploy.export import (
    ExportError,
    build_template,
    tenant_template,
    trust_policy,
)
from policy_engine.model import policy_to_obj
from policy_engine.render import Renderer, check_policy

ROOT = Path(__file__).resolve().parents[2]
Edit = Callable[[Callable[[str], str]], Path]


def cfn_lint(path: Path) -> list[str]:
    from cfnlint.api import lint_file

    return [str(m) for m in lint_file(path)]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_one_role_per_tier_with_the_role_templates(exported_template: dict[str, Any]) -> None:
    catalog = load_catalog()
    renderer = Renderer(catalog)
    resources = exported_template["Resources"]
    for name, tier in catalog.tiers.items():
        role = resources[f"{name.capitalize()}TierRole"]
        assert role["Type"] == "AWS::IAM::Role"
        props = role["Properties"]
        assert props["RoleName"] == tier.role_arn.rsplit("/", 1)[1]
        assert props["Path"] == "/"
        assert props["MaxSessionDuration"] >= max(3600, tier.duration_seconds)
        expected = {t: policy_to_obj(p) for t, p in renderer.render_role_policies(name).items()}
        assert {p["PolicyName"]: p["PolicyDocument"] for p in props["Policies"]} == expected
        out = exported_template["Outputs"][f"{name.capitalize()}TierRoleArn"]
        assert out["Value"] == {"Fn::GetAtt": [f"{name.capitalize()}TierRole", "Arn"]}


def test_trust_allows_only_what_vending_does(exported_template: dict[str, Any]) -> None:
    trust = exported_template["Resources"]["BasicTierRole"]["Properties"][
        "AssumeRolePolicyDocument"
    ]
    actions = {
        a
        for s in trust["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}
    for statement in trust["Statement"]:
        assert statement["Principal"] == {"AWS": {"Ref": "ExecutionRoleArns"}}
    (tag,) = [s for s in trust["Statement"] if s["Action"] == "sts:TagSession"]
    cond = tag["Condition"]
    assert cond["ForAllValues:StringEquals"]["aws:TagKeys"] == ["TenantId", "Tier"]
    assert cond["ForAllValues:StringEquals"]["sts:TransitiveTagKeys"] == ["TenantId"]
    assert cond["StringEquals"] == {"aws:RequestTag/Tier": "basic"}
    assert cond["Null"] == {"aws:RequestTag/TenantId": "false"}


def test_generated_trust_is_a_valid_trust_policy() -> None:
    for tier in load_catalog().tiers.values():
        doc = json.loads(
            json.dumps(trust_policy(tier)).replace(
                '{"Ref": "ExecutionRoleArns"}', '"arn:aws:iam::111122223333:role/orders-fn"'
            )
        )
        check_policy(doc, kind="trust", source=f"trust of {tier.name}")


def test_tier_without_transitive_keys_forbids_them(catalogue_copy: Edit) -> None:
    root = catalogue_copy(lambda t: t.replace('transitive_tag_keys = ["TenantId"]\n', "", 1))
    trust = trust_policy(load_catalog(root).tier("basic"))
    tag = trust["Statement"][1]["Condition"]
    assert tag["Null"]["sts:TransitiveTagKeys"] == "true"
    assert "sts:TransitiveTagKeys" not in tag["ForAllValues:StringEquals"]


def _with_trust_template(catalogue_copy: Edit, edit: Callable[[str], str] = str) -> Path:
    """A catalogue copy (its manifest changed by ``edit`` first) with a trust template
    `trust` (role `orders-fn` of the account may vend) on the tiers whose lines are
    ``role_templates = ["role-tier"]`` then ``transitive_tag_keys = ["TenantId"]``."""

    def add(text: str) -> str:
        text = edit(text).replace(
            "[templates.role-tier]",
            '[templates.trust]\nfile = "role/trust.json.j2"\nkind = "trust"\n\n'
            "[templates.role-tier]",
        )
        return text.replace(
            'role_templates = ["role-tier"]\ntransitive_tag_keys = ["TenantId"]',
            'role_templates = ["role-tier"]\ntransitive_tag_keys = ["TenantId"]\n'
            'trust_template = "trust"',
        )

    root = catalogue_copy(add)
    trust = vending_trust("arn:aws:iam::{{ account_id }}:role/orders-fn")
    (root / "role" / "trust.json.j2").write_text(json.dumps(trust), encoding="utf-8")
    return root


def test_trust_template_is_used_when_the_tier_has_one(catalogue_copy: Edit) -> None:
    doc = build_template(load_catalog(_with_trust_template(catalogue_copy)))
    basic = doc["Resources"]["BasicTierRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert basic["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:role/orders-fn"}
    standard = doc["Resources"]["StandardTierRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert standard["Statement"][0]["Principal"] == {"AWS": {"Ref": "ExecutionRoleArns"}}


def test_vending_policy_names_every_tier_role(exported_template: dict[str, Any]) -> None:
    policy = exported_template["Resources"]["VendingPolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert set(statement["Action"]) == {
        "sts:AssumeRole",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    }
    assert statement["Resource"] == [
        {"Fn::GetAtt": [f"{t}TierRole", "Arn"]} for t in ("Basic", "Standard", "Premium")
    ]


def test_usage_plans_keys_and_secrets(exported_template: dict[str, Any]) -> None:
    r = exported_template["Resources"]
    plan = r["BasicUsagePlan"]["Properties"]
    assert plan["Throttle"] == {"RateLimit": 50.0, "BurstLimit": 100}
    assert plan["Quota"] == {"Limit": 1000000, "Period": "MONTH", "Offset": 0}
    stage = plan["ApiStages"]["Fn::If"][1][0]
    assert stage["Throttle"] == {
        "/tenants/{tenantId}/orders/POST": {"RateLimit": 10.0, "BurstLimit": 20}
    }
    assert "Quota" not in r["PremiumUsagePlan"]["Properties"]
    key = r["BasicApiKey"]["Properties"]
    assert key["Value"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${BasicApiKeySecret}:SecretString}}"
    }
    secret = r["BasicApiKeySecret"]["Properties"]["GenerateSecretString"]
    assert secret["PasswordLength"] >= 20
    assert secret["ExcludePunctuation"] is True
    assert r["BasicUsagePlanKey"]["Properties"] == {
        "KeyId": {"Ref": "BasicApiKey"},
        "KeyType": "API_KEY",
        "UsagePlanId": {"Ref": "BasicUsagePlan"},
    }
    read = r["AuthorizerApiKeysPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert len(read["Resource"]) == 3
    out = exported_template["Outputs"]["BasicApiKeySecretArn"]
    assert "SAAS_API_KEY_BASIC_SECRET_ARN" in out["Description"]
    assert exported_template["Outputs"]["PremiumReservedConcurrency"]["Value"] == "50"


def test_no_secret_value_in_the_template(exported_template: dict[str, Any]) -> None:
    for resource in exported_template["Resources"].values():
        props = resource.get("Properties", {})
        assert "SecretString" not in props  # values are generated by Secrets Manager
        if resource["Type"] == "AWS::ApiGateway::ApiKey":
            assert "resolve:secretsmanager" in props["Value"]["Fn::Sub"]


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (("--format", "cloudformation"), "stack.json"),
        (("--format", "cloudformation"), "stack.yaml"),
        (("--format", "sam"), "stack.yaml"),
        (("--format", "sam", "--syntax", "json"), "sam.json"),
        (("--tenant", "acme", "--tier", "premium"), "tenant.yaml"),
    ],
)
def test_export_passes_cfn_lint(tmp_path: Path, argv: tuple[str, ...], name: str) -> None:
    out = tmp_path / name
    code, stdout, err = cli("export", *argv, "--output", str(out))
    assert code == 0, err
    assert stdout == ""
    text = out.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)  # JSON is YAML too
    if "--syntax" in argv or name.endswith(".json"):
        json.loads(text)
    else:
        assert not text.lstrip().startswith("{")
        assert "&id" not in text  # no YAML anchors
    if "sam" in argv:
        assert doc["Transform"] == "AWS::Serverless-2016-10-31"
        layer = doc["Resources"]["PolicyEngineLayer"]
        assert layer["Type"] == "AWS::Serverless::LayerVersion"
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    assert cfn_lint(out) == []


def test_sam_layer_runtime_follows_python() -> None:
    doc = build_template(load_catalog(), fmt="sam", python="3.13", architecture="arm64")
    props = doc["Resources"]["PolicyEngineLayer"]["Properties"]
    assert props["CompatibleRuntimes"] == ["python3.13"]
    assert props["CompatibleArchitectures"] == ["arm64"]


def test_cfn_lint_catches_a_broken_export(
    tmp_path: Path, exported_template: dict[str, Any]
) -> None:
    """The lint is real: a role without its trust policy is reported."""
    broken = json.loads(json.dumps(exported_template))
    del broken["Resources"]["BasicTierRole"]["Properties"]["AssumeRolePolicyDocument"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    assert any("AssumeRolePolicyDocument" in m for m in cfn_lint(path))


def test_tenant_template_holds_the_silo_table() -> None:
    doc = tenant_template(load_catalog(), "acme-corp")
    (rid,) = doc["Resources"]
    table = doc["Resources"][rid]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["TableName"] == "saas-premium-orders-acme-corp"
    assert {"Key": "TenantId", "Value": "acme-corp"} in table["Properties"]["Tags"]
    assert table["DeletionPolicy"] == "Retain"
    assert doc["Outputs"][rid + "Arn"]["Value"] == {"Fn::GetAtt": [rid, "Arn"]}


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--tenant", "Acme!"), "Acme!"),
        (("--tenant", "acme", "--tier", "basic"), "holds no resource `silo`"),
        (("--tenant", "acme", "--tier", "gold"), "gold"),
        (("--tier", "premium"), "--tier goes with --tenant"),
        (("--tenant", "acme", "--format", "sam"), "plain CloudFormation"),
    ],
)
def test_export_errors(argv: tuple[str, ...], words: str) -> None:
    code, out, err = cli("export", *argv)
    assert code == 2
    assert out == ""
    assert words in err


def test_silo_of_an_unsupported_service_is_refused(catalogue_copy: Edit) -> None:
    root = catalogue_copy(
        lambda t: t.replace(
            '[tiers.premium.resources]\npremium_orders = "silo"\ndocuments = "pooled"\n'
            'jobs = "pooled"\nsecrets = "pooled"',
            '[tiers.premium.resources]\npremium_orders = "silo"\ndocuments = "pooled"\n'
            'jobs = "pooled"\nsecrets = "silo"',
        )
    )
    with pytest.raises(ExportError, match="secretsmanager"):
        tenant_template(load_catalog(root), "acme", "premium")


def test_inline_policy_budget(catalogue_copy: Edit) -> None:
    """Each role template fits IAM's 6,144; together they pass the role's 10,240."""
    copies = [f"role-copy{i}" for i in range(8)]

    def edit(text: str) -> str:
        for name in copies:
            text = text.replace(
                "[templates.role-tier]",
                f'[templates.{name}]\nfile = "role/tier.json.j2"\nkind = "identity"\n\n'
                "[templates.role-tier]",
            )
        return text.replace(
            'role_templates = ["role-tier"]\ntransitive_tag_keys = ["TenantId"]',
            f"role_templates = {json.dumps(['role-tier', *copies])}\n"
            'transitive_tag_keys = ["TenantId"]',
        )

    with pytest.raises(ExportError, match="10,240"):
        build_template(load_catalog(catalogue_copy(edit)))


def test_example_sam_app_passes_cfn_lint() -> None:
    template = ROOT / "examples" / "sam-app" / "template.yaml"
    assert template.is_file()
    assert cfn_lint(template) == []


# -- tiers that share a role_arn: one role carrying every tier's role policies ------------


def _share(text: str, tier: str, with_tier: str = "basic") -> str:
    own = f'role_arn = "arn:{{partition}}:iam::{{account_id}}:role/saas-tenant-{tier}"'
    assert own in text
    return text.replace(own, own.replace(f"saas-tenant-{tier}", f"saas-tenant-{with_tier}"))


def _role_names(doc: dict[str, Any]) -> list[str]:
    return [
        r["Properties"]["RoleName"]
        for r in doc["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    ]


@pytest.mark.parametrize("sharer", ["standard", "premium"])
def test_tiers_sharing_a_role_export_one_role(
    catalogue_copy: Edit, tmp_path: Path, sharer: str
) -> None:
    root = catalogue_copy(lambda t: _share(t, sharer))
    catalog = load_catalog(root)
    doc = build_template(catalog)
    names = _role_names(doc)
    assert sorted(names) == sorted(set(names)), names  # no RoleName twice
    assert names.count("saas-tenant-basic") == 1
    (rid,) = [
        k
        for k, r in doc["Resources"].items()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"]["RoleName"] == "saas-tenant-basic"
    ]
    props = doc["Resources"][rid]["Properties"]
    # every role template of both tiers, each rendered for its tier: the union
    renderer = Renderer(catalog)
    carried = [p["PolicyDocument"] for p in props["Policies"]]
    for tier in ("basic", sharer):
        for policy in renderer.render_role_policies(tier).values():
            assert policy_to_obj(policy) in carried
    assert len({p["PolicyName"] for p in props["Policies"]}) == len(props["Policies"])
    # standard adds its ABAC template; premium's role-tier renders differently (it may
    # Scan its own tables): both renderings are kept, the second named for its tier
    expected = {"standard": {"role-tier", "role-abac-reports"}}
    expected["premium"] = {"role-tier", "role-tier-premium"}
    assert {p["PolicyName"] for p in props["Policies"]} == expected[sharer]
    for tier in ("basic", sharer):
        out = doc["Outputs"][f"{tier.capitalize()}TierRoleArn"]
        assert out["Value"] == {"Fn::GetAtt": [rid, "Arn"]}
    # the trust lets vending tag a session for either tier, each with its own keys
    tagging = [
        s for s in props["AssumeRolePolicyDocument"]["Statement"] if s["Action"] == "sts:TagSession"
    ]
    tiers = {s["Condition"]["StringEquals"]["aws:RequestTag/Tier"] for s in tagging}
    assert tiers == {"basic", sharer}
    duration = max(catalog.tier("basic").duration_seconds, catalog.tier(sharer).duration_seconds)
    assert props["MaxSessionDuration"] == max(3600, duration)
    vending = doc["Resources"]["VendingPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert vending["Resource"].count({"Fn::GetAtt": [rid, "Arn"]}) == 1
    out = tmp_path / "shared.yaml"
    code, _, err = cli("export", "--catalog", str(root), "--output", str(out))
    assert code == 0, err
    assert cfn_lint(out) == []


def test_one_role_name_under_two_paths_is_refused(catalogue_copy: Edit) -> None:
    def edit(text: str) -> str:
        own = 'role_arn = "arn:{partition}:iam::{account_id}:role/saas-tenant-standard"'
        return text.replace(own, own.replace("role/", "role/team/").replace("standard", "basic"))

    with pytest.raises(ExportError, match="name one role `saas-tenant-basic`"):
        build_template(load_catalog(catalogue_copy(edit)))


def test_tiers_sharing_a_role_with_different_trust_are_refused(catalogue_copy: Edit) -> None:
    root = _with_trust_template(catalogue_copy, lambda text: _share(text, "standard"))
    with pytest.raises(ExportError, match="trust policies differ"):
        build_template(load_catalog(root))


def test_execution_roles_default_to_the_declared_vendor_roles(catalogue_copy: Edit) -> None:
    from policy_engine.deploy.export import build_template

    bundled = build_template(load_catalog())["Parameters"]["ExecutionRoleArns"]
    assert bundled["Default"] == "arn:aws:iam::111122223333:role/saas-orders-service"
    # the copy's manifest is edited in place: the line is kept, its value replaced
    undeclared = catalogue_copy(
        lambda t: re.sub(r"(?m)^vendor_roles = .*$", "vendor_roles = []", t)
    )
    parameter = build_template(load_catalog(undeclared))["Parameters"]["ExecutionRoleArns"]
    assert "Default" not in parameter
    root = catalogue_copy(
        lambda t: re.sub(
            r"(?m)^vendor_roles = .*$",
            'vendor_roles = ["arn:{partition}:iam::{account_id}:role/orders-fn",'
            ' "arn:aws:iam::111122223333:role/jobs-fn"]',
            t,
        )
    )
    parameter = build_template(load_catalog(root))["Parameters"]["ExecutionRoleArns"]
    assert parameter["Default"] == (
        "arn:aws:iam::111122223333:role/orders-fn,arn:aws:iam::111122223333:role/jobs-fn"
    )


def test_a_catalogue_without_usage_plans_gets_no_unused_condition(catalog_copy: Path) -> None:
    """A catalogue whose tiers set no `usage_plan` (found adopting, h11-adopt): the
    export still wrote the `HasApiStage` condition, which only usage plans use, and
    cfn-lint, which CI runs on every export form, warns `W8001 Condition HasApiStage
    not used` (exit 4)."""
    from policy_engine.deploy.export import build_template

    manifest = catalog_copy / "catalog.toml"
    text = manifest.read_text(encoding="utf-8")
    kept, skip = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            skip = ".usage_plan" in line
        if not skip:
            kept.append(line)
    text = "".join(kept)
    manifest.write_text(text, encoding="utf-8")
    catalog = load_catalog(str(catalog_copy))
    assert not any(t.usage_plan for t in catalog.tiers.values())
    template = build_template(catalog)
    used = json.dumps(template["Resources"]) + json.dumps(template.get("Outputs", {}))
    for name in template.get("Conditions", {}):
        assert f'"{name}"' in used, name
    for name in template["Parameters"]:
        assert f'{{"Ref": "{name}"}}' in used, name
