"""Round 10: a policy attached to a role whose name the lint cannot resolve.

Template (CloudFormation, against ``catalogs/abac``; ``Target`` has no default)::

    Extra:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: extra
        Roles: [!Ref Target]
        PolicyDocument:
          Statement:
            - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::saas-reports/*}

(or ``Roles: [!Sub "saas-${Env}"]``; a plan's ``aws_iam_role_policy`` or
``aws_iam_role_policy_attachment`` whose ``role`` is known only after apply.)

Deployed effect: deployed with ``Target=saas-web``, ``PutRolePolicy`` embeds the
statement in the web tier's role, whose isolation rests on its ABAC policy: every web
session reads every tenant's reports.

Why the lint must not pass it: the deployed proof read only the policies attached to
the tier role by its resolved name, so this one was on no role (a PE080 warning) and
every tier was `proved`. Now a policy on a role whose name is unresolved and may be a
tier's is read on that tier's role (its Allows; its Denies, which may not be there,
fence nothing), with a PE122 warning; a plan's external managed policy attached to
such a role is PE091.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import READ_ALL, clean, lint, statuses


def _cfn(roles: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    template = clean()
    template["Parameters"] = parameters
    template["Resources"]["Extra"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "extra", "Roles": roles, "PolicyDocument": READ_ALL},
    }
    return template


@pytest.mark.parametrize(
    ("roles", "parameters"),
    [
        ([{"Ref": "Target"}], {"Target": {"Type": "String"}}),
        ([{"Fn::Sub": "saas-${Env}"}], {"Env": {"Type": "String"}}),
        ([{"Fn::Sub": "${AWS::StackName}"}], {}),
    ],
)
def test_a_policy_on_an_unresolved_role_name_may_be_on_a_tier_role(
    tmp_path: Path, roles: Any, parameters: dict[str, Any]
) -> None:
    doc = lint(tmp_path, _cfn(roles, parameters))
    assert statuses(doc) == {"web": "violation", "ops": "violation"}, doc["findings"]
    notes = [f for f in doc["findings"] if f["rule"] == "PE122" and f["severity"] == "warning"]
    assert {t for f in notes for t in f["tiers"]} == {"web", "ops"}


@pytest.mark.parametrize(
    ("roles", "parameters"),
    [
        ([{"Ref": "Target"}], {"Target": {"Type": "String", "Default": "saas-batch"}}),
        ([{"Fn::Sub": "other-${Env}"}], {"Env": {"Type": "String"}}),
        ([{"Ref": "Helper"}], {}),  # a role CloudFormation names: never a tier's
    ],
)
def test_a_policy_on_a_role_that_is_no_tier_role_leaves_the_proof(
    tmp_path: Path, roles: Any, parameters: dict[str, Any]
) -> None:
    template = _cfn(roles, parameters)
    helper = {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}}  # fmt: skip
    template["Resources"]["Helper"] = {"Type": "AWS::IAM::Role", "Properties": helper}
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": "proved", "ops": "proved"}, doc["findings"]


def test_a_deny_on_an_unresolved_role_name_fences_nothing(tmp_path: Path) -> None:
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}  # fmt: skip
    template = _cfn([{"Ref": "Target"}], {"Target": {"Type": "String"}})
    template["Resources"]["Extra"]["Properties"]["PolicyDocument"] = deny
    web = template["Resources"]["WebRole"]["Properties"]["Policies"][0]
    web["PolicyDocument"] = READ_ALL  # leaky on its own: the Deny may not be on it
    doc = lint(tmp_path, template)
    assert statuses(doc)["web"] == "violation"


def _plan(*changes: dict[str, Any]) -> dict[str, Any]:
    def role(name: str) -> dict[str, Any]:
        from ._abac import ABAC, TRUST

        after = {"name": name, "path": "/", "assume_role_policy": json.dumps(TRUST),
                 "inline_policy": [{"name": "abac", "policy": json.dumps(ABAC)}]}  # fmt: skip
        return _change("aws_iam_role", name.replace("-", "_"), after, {})

    return {"format_version": "1.2",
            "resource_changes": [role("saas-web"), role("saas-ops"), *changes]}  # fmt: skip


def _change(kind: str, name: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
            "change": change}  # fmt: skip


def test_a_plan_inline_policy_whose_role_is_known_after_apply(tmp_path: Path) -> None:
    policy = _change("aws_iam_role_policy", "x",
                     {"name": "x", "policy": json.dumps(READ_ALL)}, {"role": True})  # fmt: skip
    doc = lint(tmp_path, _plan(policy))
    assert statuses(doc) == {"web": "violation", "ops": "violation"}, doc["findings"]
    known = _change("aws_iam_role_policy", "x",
                    {"name": "x", "role": "other", "policy": json.dumps(READ_ALL)}, {})  # fmt: skip
    assert statuses(lint(tmp_path, _plan(known))) == {"web": "proved", "ops": "proved"}


def test_a_plan_attachment_whose_role_is_known_after_apply(tmp_path: Path) -> None:
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    attach = _change("aws_iam_role_policy_attachment", "x", {"policy_arn": arn}, {"role": True})
    doc = lint(tmp_path, _plan(attach))
    assert set(statuses(doc).values()) == {"unknown"}, doc["findings"]
    assert {t for f in doc["findings"] if f["rule"] == "PE091" for t in f["tiers"]} == {
        "web",
        "ops",
    }
    known = _change("aws_iam_role_policy_attachment", "x", {"policy_arn": arn, "role": "other"}, {})
    assert statuses(lint(tmp_path, _plan(known))) == {"web": "proved", "ops": "proved"}
