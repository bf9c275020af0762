"""Round 10: an API Gateway resource policy is reported once.

With a catalogue that models ``execute-api`` routes, an API resource policy that may
allow is PE091 (the deployed check reads it for that: isolation of the routes is
unknown). The reader also reported it as PE114 ("holds a policy document that
policy-engine does not read ... not in the drift check or the deployed proof"), at
the same owner: said twice, the second time wrongly (the deployed check does read it).
Now the PE114 about that policy is left out where the PE091 is made; it stays where
no PE091 is (no catalogue, or a policy of literal Denies only: not linted, and it
takes nothing away), and a PE114 about another policy of the same resource stays.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.iac import read_template
from policy_engine.lint._iac import lint_template

from ._lint_helpers import lint_json, one_resource_plan

OPEN = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*"}  # fmt: skip
DENY = {**OPEN, "Effect": "Deny"}


def _rest_api(statement: dict[str, Any]) -> dict[str, Any]:
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    return {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi",
                                  "Properties": {"Name": "saas", "Policy": policy}}}}  # fmt: skip


def _sam_api(statement: dict[str, Any]) -> dict[str, Any]:
    auth = {"ResourcePolicy": {"CustomStatements": [statement]}}
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::Api",
                              "Properties": {"StageName": "prod", "Auth": auth}}},
    }  # fmt: skip


def _sam_event(statement: dict[str, Any]) -> dict[str, Any]:
    event = {"Type": "Api", "Properties": {"Path": "/x", "Method": "get",
             "Auth": {"ResourcePolicy": {"CustomStatements": [statement]}}}}  # fmt: skip
    function = {"Runtime": "python3.12", "Handler": "a.h", "InlineCode": "x",
                "Events": {"Get": event}}  # fmt: skip
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::Function", "Properties": function}},
    }


def _plan(statement: dict[str, Any]) -> dict[str, Any]:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return one_resource_plan("aws_api_gateway_rest_api_policy",
                             {"rest_api_id": "a1b2c3d4e5", "policy": policy}, {})  # fmt: skip


FORMS = {"rest-api": _rest_api, "sam-api": _sam_api, "sam-event": _sam_event, "plan": _plan}


def _about_api(doc: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == rule]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_an_api_policy_that_may_allow_is_reported_once(tmp_path: Path, form: str) -> None:
    doc = lint_json(tmp_path, FORMS[form](OPEN))
    assert len(_about_api(doc, "PE091")) == 1, doc["findings"]
    assert _about_api(doc, "PE114") == [], doc["findings"]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_deny_only_api_policy_keeps_its_notice(tmp_path: Path, form: str) -> None:
    doc = lint_json(tmp_path, FORMS[form](DENY))
    assert _about_api(doc, "PE091") == []
    assert len(_about_api(doc, "PE114")) == 1, doc["findings"]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_without_the_routes_the_notice_stays(tmp_path: Path, form: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(FORMS[form](OPEN)), encoding="utf-8")
    template = read_template(path)
    assert [f.rule for f in lint_template(template) if f.rule == "PE114"] == ["PE114"]
    model = (load_catalog().resources["documents"].arn,)
    found = lint_template(template, model=model, api_routes=True)
    assert [f.rule for f in found if f.rule == "PE114"] == []


def test_another_unread_policy_of_the_same_function_is_still_reported(tmp_path: Path) -> None:
    template = _sam_event(OPEN)
    props = template["Resources"]["Api"]["Properties"]
    props["Metadata2"] = {"Doc": {"Statement": [{"Effect": "Allow"}]}}  # unread elsewhere
    doc = lint_json(tmp_path, template)
    (notice,) = _about_api(doc, "PE114")
    assert "Metadata2" in notice["message"]
    assert len(_about_api(doc, "PE091")) == 1
