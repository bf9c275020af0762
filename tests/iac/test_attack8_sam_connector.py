"""Round 8: SAM connectors, whose generated policies the reader did not read.

Template (SAM)::

    Transform: AWS::Serverless-2016-10-31
    Resources:
      Conn:
        Type: AWS::Serverless::Connector
        Properties:
          Source: {Type: AWS::Lambda::Function, Arn: ..., RoleName: saas-tenant-basic}
          Destination: {Type: AWS::DynamoDB::Table,
                        Arn: arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders}
          Permissions: [Read, Write]

(or a resource's embedded ``Connectors:`` with ``Destination: {Id: OrdersTable}``).

Deployed effect: SAM expands a connector into the policies the source needs to reach
the destination (SAM Developer Guide, "Managing resource permissions with AWS SAM
connectors"; aws-sam-translator's ``connector_profiles/profiles.json``): here an
identity policy with DynamoDB reads (``Scan`` included) and writes on the pooled
table, attached to the role named ``saas-tenant-basic``, the basic tier's role; from
an SNS topic or an EventBridge rule to a queue, a queue policy on the destination.

Why the lint must not pass it: a connector holds no policy document, so the reader
skipped it (not even PE114) and `lint --catalog` said 0 errors while the tier role
carried statements no drift check saw, and a model resource was opened by a
generated policy no proof read. Now a connector is PE115 on each destination, PE091
when a destination is a model resource, and PE091 on a tier role it gives policies to.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template

SAM = "AWS::Serverless-2016-10-31"
TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, resources: dict[str, Any]) -> Path:
    template = _template("basic")
    template["Transform"] = SAM
    template["Resources"].update(resources)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def test_a_connector_onto_a_tier_role_and_the_pooled_table_is_not_passed(tmp_path: Path) -> None:
    connector = {
        "Type": "AWS::Serverless::Connector",
        "Properties": {
            "Source": {
                "Type": "AWS::Lambda::Function",
                "Arn": "arn:aws:lambda:eu-west-1:111122223333:function:worker",
                "RoleName": "saas-tenant-basic",
            },
            "Destination": {"Type": "AWS::DynamoDB::Table", "Arn": TABLE},
            "Permissions": ["Read", "Write"],
        },
    }
    code, findings = _lint(_write(tmp_path, {"Conn": connector}))
    assert code == 1, findings
    unknown = [f for f in findings if f["rule"] == "PE091"]
    assert any("`orders`" in f["message"] for f in unknown), findings
    assert any(f["tier"] == "basic" and "saas-tenant-basic" in f["message"] for f in unknown)


def _function(connectors: dict[str, Any] | None) -> dict[str, Any]:
    function: dict[str, Any] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/"},
    }
    if connectors is not None:
        function["Connectors"] = connectors
    return function


def _table(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    }


def test_an_embedded_connector_to_the_pooled_table_is_not_passed(tmp_path: Path) -> None:
    connectors = {"ToOrders": {"Properties": {"Destination": {"Id": "Orders"},
                                              "Permissions": ["Read"]}}}  # fmt: skip
    resources = {"Worker": _function(connectors), "Orders": _table("saas-orders")}
    code, findings = _lint(_write(tmp_path, resources))
    assert code == 1, findings
    assert any(
        f["rule"] == "PE091" and "`orders`" in f["message"] and "Worker.ToOrders" in f["message"]
        for f in findings
    ), findings


def test_twin_a_connector_between_resources_outside_the_model_is_only_said(
    tmp_path: Path,
) -> None:
    """An ordinary connector: a function reading a table of its own (no model resource,
    no tier role): a PE115 warning that its policies are not read, no error."""
    connectors = {"ToCache": {"Properties": {"Destination": {"Id": "Cache"},
                                             "Permissions": ["Read"]}}}  # fmt: skip
    resources = {"Worker": _function(connectors), "Cache": _table("app-cache")}
    code, findings = _lint(_write(tmp_path, resources))
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
    resources = {"Worker": _function(None), "Cache": _table("app-cache")}
    code, findings = _lint(_write(tmp_path, resources))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
