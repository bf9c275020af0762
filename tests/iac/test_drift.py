"""Drift (PE120-PE124) under attack: deployments written differently from the
catalogue but equal in meaning are clean; every way of deploying something else
(another statement, another policy on the role, another copy of the role, a resource
policy through another resource type) is found."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import resource_documents, role_documents

TIER = "basic"


def _role_policies() -> list[dict[str, Any]]:
    docs = role_documents(load_catalog(), TIER)
    return [{"PolicyName": n, "PolicyDocument": copy.deepcopy(dict(d))} for n, d in docs.items()]


def _role_name() -> str:
    return load_catalog().tier(TIER).role_arn.rsplit("/", 1)[-1]


def _trust() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                # the credential vendor: the catalogue's vendor_roles
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/saas-orders-service"},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            }
        ],
    }


def _template(policies: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    role = {
        "RoleName": _role_name(),
        "AssumeRolePolicyDocument": _trust(),
        "Policies": _role_policies() if policies is None else policies,
    }
    return {"Resources": {"TierRole": {"Type": "AWS::IAM::Role", "Properties": role}, **extra}}


def _statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    policy = template["Resources"]["TierRole"]["Properties"]["Policies"][0]
    statements: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return statements


def _lint(tmp_path: Path, *documents: dict[str, Any]) -> list[dict[str, Any]]:
    paths = []
    for i, document in enumerate(documents):
        path = tmp_path / f"t{i}.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        paths.append(str(path))
    out = io.StringIO()
    run(["lint", "--format", "json", "--catalog", str(load_catalog().root), *paths], out,
        io.StringIO())  # fmt: skip
    findings: list[dict[str, Any]] = json.loads(out.getvalue())["findings"]
    return findings


def _rules(findings: list[dict[str, Any]]) -> set[str]:
    return {f["rule"] for f in findings if f["severity"] != "info"}


# -- equal in meaning: no drift ------------------------------------------------------------


def test_reordered_statements_and_sids_are_no_drift(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    statements.reverse()
    for s in statements:
        s.pop("Sid", None)
    assert _rules(_lint(tmp_path, template)) == set()


def test_a_statement_split_per_action_and_resource_is_no_drift(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    split = []
    for s in statements:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        for a in actions:
            for r in resources:
                split.append({**{k: v for k, v in s.items() if k != "Sid"}, "Action": a,
                              "Resource": r})  # fmt: skip
    statements[:] = split
    assert len(split) > 10
    # (an object action beside the bucket ARN is a PE061 of its own: not drift)
    assert _rules(_lint(tmp_path, template)) - {"PE061"} == set()


def test_statements_merged_and_written_in_other_case_are_no_drift(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    first = statements[0]
    # the first statement's actions in upper case, as one list with a duplicate
    first["Action"] = [a.upper() for a in first["Action"]] + [first["Action"][0]]
    with_condition = next(s for s in statements if "Condition" in s)
    condition = with_condition["Condition"]
    with_condition["Condition"] = {
        op: {key.upper(): value for key, value in keys.items()} for op, keys in condition.items()
    }
    assert _rules(_lint(tmp_path, template)) == set()


def test_a_bool_condition_value_written_as_json_true_is_no_drift(tmp_path: Path) -> None:
    doc = resource_documents(load_catalog())["documents"]
    statements = copy.deepcopy(list(doc["Statement"]))
    for s in statements:
        if "Bool" in s.get("Condition", {}):
            s["Condition"]["Bool"] = {"aws:SecureTransport": False}
    template = _template(DocumentsPolicy=_bucket_policy(statements))
    assert not _rules(_lint(tmp_path, template)) & {"PE123", "PE124"}


# -- different: drift ---------------------------------------------------------------------


def test_an_extra_condition_key_is_drift(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    statements[0]["Condition"] = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert {"PE120", "PE121"} <= _rules(_lint(tmp_path, template))


def test_notaction_for_action_is_drift(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    statements[0]["NotAction"] = statements[0].pop("Action")
    assert {"PE120", "PE121"} <= _rules(_lint(tmp_path, template))


def test_a_wildcard_for_the_actions_it_matches_is_drift_on_purpose(tmp_path: Path) -> None:
    template = _template()
    statements = _statements(template)
    s = next(s for s in statements if s.get("Sid") == "TenantSecrets")
    s["Action"] = "secretsmanager:*Secret*"
    assert {"PE120", "PE121"} <= _rules(_lint(tmp_path, template))


def test_a_second_policy_on_the_role_is_drift_whatever_attaches_it(tmp_path: Path) -> None:
    scan = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": "*"}],
    }
    ways: dict[str, dict[str, Any]] = {
        "AWS::IAM::Policy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "x",
                "PolicyDocument": scan,
                "Roles": [{"Ref": "TierRole"}],
            },
        },
        "AWS::IAM::RolePolicy": {
            "Type": "AWS::IAM::RolePolicy",
            "Properties": {"PolicyName": "x", "PolicyDocument": scan, "RoleName": _role_name()},
        },
        "AWS::IAM::ManagedPolicy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"PolicyDocument": scan, "Roles": [_role_name()]},
        },
    }
    for kind, resource in ways.items():
        findings = _lint(tmp_path, _template(Extra=resource))
        assert "PE121" in _rules(findings), kind


def test_a_managed_policy_attached_by_arn_is_drift_and_its_proof_unknown(tmp_path: Path) -> None:
    template = _template()
    props = template["Resources"]["TierRole"]["Properties"]
    props["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]
    rules = _rules(_lint(tmp_path, template))
    assert {"PE121", "PE091"} <= rules


def test_a_template_managed_policy_in_managed_policy_arns_is_read(tmp_path: Path) -> None:
    managed = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": "extra",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
                ],
            },
        },
    }
    template = _template(Extra=managed)
    template["Resources"]["TierRole"]["Properties"]["ManagedPolicyArns"] = [{"Ref": "Extra"}]
    findings = _lint(tmp_path, template)
    extra = [f for f in findings if f["rule"] == "PE121"]
    assert extra, findings
    assert all("Extra" in f["resource"] for f in extra), findings


def test_the_role_is_found_by_name_in_another_case(tmp_path: Path) -> None:
    template = _template()
    template["Resources"]["TierRole"]["Properties"]["RoleName"] = _role_name().upper()
    _statements(template).pop()
    assert "PE120" in _rules(_lint(tmp_path, template))


def test_every_copy_of_the_role_is_checked(tmp_path: Path) -> None:
    clean = _template()
    drifted = _template()
    _statements(drifted).pop()  # this copy lacks a statement the other one has
    findings = _lint(tmp_path, clean, drifted)
    missing = [f for f in findings if f["rule"] == "PE120"]
    assert missing
    assert {f["file"].rsplit("/", 1)[-1] for f in missing} == {"t1.json"}
    # ... in either order
    findings = _lint(tmp_path, drifted, clean)
    missing = [f for f in findings if f["rule"] == "PE120"]
    assert missing
    assert {f["file"].rsplit("/", 1)[-1] for f in missing} == {"t0.json"}


def test_policies_ignored_by_sam_are_not_the_roles(tmp_path: Path) -> None:
    """A SAM function with its own `Role` has its `Policies` ignored by SAM: they are
    not the tier role's statements (and the function defines no role)."""
    template = _template()
    template["Transform"] = "AWS::Serverless-2016-10-31"
    template["Resources"]["Fn"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "app.handler",
            "CodeUri": ".",
            "Role": {"Fn::GetAtt": ["TierRole", "Arn"]},
            "Policies": [
                {"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
            ],
        },
    }
    findings = _lint(tmp_path, template)
    assert not _rules(findings) & {"PE120", "PE121", "PE101"}, findings
    assert any(f["rule"] == "PE110" and "SAM ignores" in f["message"] for f in findings)


# -- resource policies ----------------------------------------------------------------------


def _bucket_policy(statements: list[dict[str, Any]], version: str = "2012-10-17") -> dict[str, Any]:
    bucket = str(load_catalog().constants["documents_bucket"])
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": bucket,
                       "PolicyDocument": {"Version": version, "Statement": statements}},
    }  # fmt: skip


def test_a_dynamodb_table_resource_policy_is_read_and_is_drift(tmp_path: Path) -> None:
    table = {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": "saas-orders",
            "ResourcePolicy": {
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                            "Action": "dynamodb:Scan",
                            "Resource": "*",
                        }
                    ],
                }
            },
        },
    }
    findings = _lint(tmp_path, _template(Orders=table))
    added = [f for f in findings if f["rule"] == "PE124"]
    assert added, findings
    assert added[0]["resource"] == "Orders ResourcePolicy", findings


def test_two_policies_for_one_bucket_are_reported(tmp_path: Path) -> None:
    doc = resource_documents(load_catalog())["documents"]
    first, second = (copy.deepcopy(s) for s in doc["Statement"])
    template = _template(P1=_bucket_policy([first]), P2=_bucket_policy([second]))
    findings = _lint(tmp_path, template)
    assert any(f["rule"] == "PE124" and "written last" in f["message"] for f in findings)


def test_an_old_version_makes_variables_literal_and_is_drift(tmp_path: Path) -> None:
    doc = resource_documents(load_catalog())["tenant_key"]
    key = {
        "Type": "AWS::KMS::Key",
        "Properties": {"KeyPolicy": {"Version": "2008-10-17",
                                     "Statement": copy.deepcopy(doc["Statement"])}},
    }  # fmt: skip
    findings = _lint(tmp_path, _template(TenantKey=key))
    # the key's ARN is generated: an opaque ARN overlapping the model key
    assert {"PE123", "PE124"} <= _rules(findings)


@pytest.mark.parametrize("known", [True, False])
def test_terraform_policy_attachment_is_read(tmp_path: Path, known: bool) -> None:
    """`aws_iam_role_policy_attachment` of a policy of the plan: its statements are the
    role's, by the ARN when known, else by the configuration's reference."""
    name = _role_name()
    scan = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan",
                                      "Resource": "*"}]})  # fmt: skip
    arn = "arn:aws:iam::111122223333:policy/extra"
    changes: list[dict[str, Any]] = [
        _change("aws_iam_role.tier", "aws_iam_role", {
            "name": name, "assume_role_policy": json.dumps(_trust()),
            "inline_policy": [{"name": n["PolicyName"], "policy": json.dumps(n["PolicyDocument"])}
                              for n in _role_policies()]}),
        _change("aws_iam_policy.extra", "aws_iam_policy",
                {"name": "extra", "policy": scan, **({"arn": arn} if known else {})},
                {} if known else {"arn": True}),
        _change("aws_iam_role_policy_attachment.extra", "aws_iam_role_policy_attachment",
                {"role": name, **({"policy_arn": arn} if known else {})},
                {} if known else {"policy_arn": True}),
    ]  # fmt: skip
    config = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_iam_role_policy_attachment.extra",
                    "expressions": {
                        "policy_arn": {
                            "references": ["aws_iam_policy.extra.arn", "aws_iam_policy.extra"]
                        },
                    },
                }
            ]
        }
    }
    plan = {"format_version": "1.2", "resource_changes": changes, "configuration": config}
    findings = _lint(tmp_path, plan)
    extra = [f for f in findings if f["rule"] == "PE121"]
    assert extra, findings
    assert extra[0]["resource"].startswith("aws_iam_policy.extra"), findings


def test_terraform_attachment_of_an_unknown_policy_is_drift(tmp_path: Path) -> None:
    name = _role_name()
    changes = [
        _change("aws_iam_role.tier", "aws_iam_role", {
            "name": name, "assume_role_policy": json.dumps(_trust()),
            "inline_policy": [{"name": n["PolicyName"], "policy": json.dumps(n["PolicyDocument"])}
                              for n in _role_policies()]}),
        _change("aws_iam_role_policy_attachment.x", "aws_iam_role_policy_attachment",
                {"role": name}, {"policy_arn": True}),
    ]  # fmt: skip
    findings = _lint(tmp_path, {"format_version": "1.2", "resource_changes": changes})
    assert {"PE121", "PE091", "PE113"} <= {f["rule"] for f in findings}, findings


def test_terraform_inline_resource_policy_of_a_queue_is_read(tmp_path: Path) -> None:
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:ReceiveMessage",
                    "Resource": "*",
                }
            ],
        }
    )
    changes = [_change("aws_sqs_queue.jobs", "aws_sqs_queue",
                       {"name": "saas-jobs-a", "policy": policy}, {"arn": True})]  # fmt: skip
    findings = _lint(tmp_path, {"format_version": "1.2", "resource_changes": changes})
    assert any(f["rule"] == "PE124" for f in findings), findings


def _change(
    address: str, kind: str, after: dict[str, Any], unknown: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": address.rsplit(".", 1)[-1],
        "change": {"actions": ["create"], "after": after, "after_unknown": unknown or {}},
    }


def test_a_role_whose_name_is_an_unresolved_parameter_is_not_passed_over(tmp_path: Path) -> None:
    template = _template()
    template["Parameters"] = {"RoleName": {"Type": "String"}}  # no default
    template["Resources"]["TierRole"]["Properties"]["RoleName"] = {"Ref": "RoleName"}
    _statements(template).pop()
    findings = _lint(tmp_path, template)
    maybe = [f for f in findings if f["rule"] == "PE122" and f["tier"] == TIER]
    assert maybe, findings
    assert maybe[0]["severity"] == "warning"
    assert "--parameter" in maybe[0]["message"]
    # given, the role is found and its drift reported
    path = tmp_path / "t0.json"
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path),
            "--parameter", f"RoleName={_role_name()}"]  # fmt: skip
    run(argv, out, io.StringIO())
    assert "PE120" in {f["rule"] for f in json.loads(out.getvalue())["findings"]}


def test_a_model_bucket_created_without_its_policy_is_drift(tmp_path: Path) -> None:
    bucket = str(load_catalog().constants["documents_bucket"])
    created = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}
    findings = _lint(tmp_path, _template(Documents=created))
    missing = [f for f in findings if f["rule"] == "PE123"]
    assert len(missing) == len(resource_documents(load_catalog())["documents"]["Statement"])
    assert {f["resource"] for f in missing} == {"Documents"}
    # with its policy, clean; an unnamed bucket is no model bucket
    doc = resource_documents(load_catalog())["documents"]
    policy = _bucket_policy(copy.deepcopy(list(doc["Statement"])))
    unnamed = {"Type": "AWS::S3::Bucket"}
    findings = _lint(tmp_path, _template(Documents=created, P=policy, Other=unnamed))
    assert not _rules(findings) & {"PE123", "PE124"}, findings


def test_a_terraform_model_table_created_is_known_by_its_name(tmp_path: Path) -> None:
    """The catalogue gives the orders table no policy: creating it is no drift, but a
    policy put on it by `aws_dynamodb_resource_policy` is."""
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:Query", "Resource": "*"}
            ],
        }
    )
    changes = [
        _change("aws_dynamodb_table.orders", "aws_dynamodb_table", {"name": "saas-orders"},
                {"arn": True}),
        _change("aws_dynamodb_resource_policy.orders", "aws_dynamodb_resource_policy",
                {"policy": policy}, {"resource_arn": True}),
    ]  # fmt: skip
    findings = _lint(tmp_path, {"format_version": "1.2", "resource_changes": changes})
    assert not any(f["rule"] == "PE123" for f in findings), findings
    assert any(f["rule"] == "PE124" for f in findings), findings


def test_an_account_id_for_its_root_arn_is_no_drift(tmp_path: Path) -> None:
    doc = resource_documents(load_catalog())["tenant_key"]
    statements = copy.deepcopy(list(doc["Statement"]))
    statements[0]["Principal"] = {"AWS": "111122223333"}  # stored as ...:root by IAM
    key = {
        "Type": "AWS::KMS::Key",
        "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": statements}},
    }
    assert not _rules(_lint(tmp_path, _template(TenantKey=key))) & {"PE123", "PE124"}
    statements[0]["Principal"] = {"AWS": "444455556666"}  # another account: drift
    assert {"PE123", "PE124"} <= _rules(_lint(tmp_path, _template(TenantKey=key)))


def test_terraform_role_policy_on_a_role_known_after_apply_follows_the_reference(
    tmp_path: Path,
) -> None:
    name = _role_name()
    scan = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan",
                                      "Resource": "*"}]})  # fmt: skip
    changes = [
        _change("aws_iam_role.tier", "aws_iam_role", {
            "name": name, "assume_role_policy": json.dumps(_trust()),
            "inline_policy": [{"name": n["PolicyName"], "policy": json.dumps(n["PolicyDocument"])}
                              for n in _role_policies()]}),
        _change("aws_iam_role_policy.extra", "aws_iam_role_policy", {"policy": scan},
                {"role": True}),
    ]  # fmt: skip
    refs = {"role": {"references": ["aws_iam_role.tier.id", "aws_iam_role.tier"]}}
    config = {"root_module": {"resources": [{"address": "aws_iam_role_policy.extra",
                                             "expressions": refs}]}}  # fmt: skip
    plan = {"format_version": "1.2", "resource_changes": changes, "configuration": config}
    extra = [f for f in _lint(tmp_path, plan) if f["rule"] == "PE121"]
    assert [f["resource"] for f in extra] == ["aws_iam_role_policy.extra policy"]
    # with no configuration, it is attached to no one known: said, never passed
    del plan["configuration"]
    findings = _lint(tmp_path, plan)
    assert any(f["rule"] == "PE113" and "aws_iam_role_policy.extra" in f["message"]
               for f in findings)  # fmt: skip
