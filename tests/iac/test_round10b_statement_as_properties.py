"""Round 10b: a resource policy statement given as properties, not as a document.

Catalogue: ``catalogs/abac`` plus a pooled EventBridge bus per tenant
(``event-bus/bus-{tenant}``: a service whose resource policies the readers do not
read). Template: both tier roles as the catalogue has them, and::

    Open:
      Type: AWS::Events::EventBusPolicy
      Properties:
        EventBusName: bus-globex
        StatementId: open
        Action: events:PutEvents
        Principal: "*"

(the legacy form, still accepted; or a plan's ``aws_cloudwatch_event_permission``
with ``principal = "*"``.)

Deployed effect: EventBridge adds the statement to globex's bus policy: anyone, acme's
session included, puts events on globex's bus.

Why the lint must not pass it: round 10 made a policy document the readers do not read
(PE114) PE091 where the model has a resource of such a service, but a document was
found by its ``Statement`` only: this statement, given as properties, was no document
at all, so no PE114, and every tier `proved`. Now a mapping with both a principal and
an action is one statement the readers do not read (PE114; PE091 beside such a model
resource). A Lambda permission is still read as one (its own rules).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

from ._abac import ABAC, CATALOG, TRUST, clean, statuses

BUS = "arn:aws:events:eu-west-1:111122223333:event-bus/bus-"
EVENTS = f"""
[resources.bus]
service = "events"
arn = "{BUS}*"
partitions = [{{ arn = "{BUS}{{tenant}}" }}]
"""


def _lint(tmp_path: Path, document: dict[str, Any], with_bus: bool = True) -> dict[str, Any]:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    if with_bus:
        manifest = catalog / "catalog.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8") + EVENTS, encoding="utf-8")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    run(["lint", "--format", "json", "--catalog", str(catalog), str(path)], out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _cfn(props: dict[str, Any] | None) -> dict[str, Any]:
    template = clean()
    if props is not None:
        template["Resources"]["Open"] = {"Type": "AWS::Events::EventBusPolicy",
                                         "Properties": props}  # fmt: skip
    return template


LEGACY = {"EventBusName": "bus-globex", "StatementId": "open", "Action": "events:PutEvents",
          "Principal": "*"}  # fmt: skip


@pytest.mark.parametrize(
    ("template", "with_bus", "expected"),
    [
        (_cfn(None), True, "proved"),
        (_cfn(LEGACY), True, "unknown"),
        (_cfn({**LEGACY, "Principal": "999999999999"}), True, "unknown"),
        (_cfn(LEGACY), False, "proved"),  # no resource of the service in the model
    ],
)
def test_a_statement_given_as_properties(
    tmp_path: Path, template: dict[str, Any], with_bus: bool, expected: str
) -> None:
    doc = _lint(tmp_path, template, with_bus)
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
    assert any(f["rule"] == "PE114" for f in doc["findings"]) == ("Open" in template["Resources"])


def _plan(extra: dict[str, Any] | None) -> dict[str, Any]:
    changes = []
    for name in ("saas-web", "saas-ops"):
        after = {"name": name, "path": "/", "assume_role_policy": json.dumps(TRUST),
                 "inline_policy": [{"name": "abac", "policy": json.dumps(ABAC)}]}  # fmt: skip
        changes.append({"address": f"aws_iam_role.{name[5:]}", "mode": "managed",
                        "type": "aws_iam_role", "name": name[5:],
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {}}})  # fmt: skip
    if extra is not None:
        changes.append(extra)
    return {"format_version": "1.2", "resource_changes": changes}


def _change(kind: str, after: dict[str, Any]) -> dict[str, Any]:
    return {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
            "change": {"actions": ["create"], "before": None, "after": after,
                       "after_unknown": {}}}  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (None, "proved"),
        (_change("aws_cloudwatch_event_permission",
                 {"principal": "*", "statement_id": "open", "action": "events:PutEvents",
                  "event_bus_name": "bus-globex"}), "unknown"),
        (_change("aws_lambda_permission",
                 {"function_name": "other", "principal": "*",
                  "action": "lambda:InvokeFunction"}), "proved"),
    ],
)  # fmt: skip
def test_a_plan_statement_given_as_attributes(
    tmp_path: Path, extra: dict[str, Any] | None, expected: str
) -> None:
    doc = _lint(tmp_path, _plan(extra))
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
    pe114 = any(f["rule"] == "PE114" for f in doc["findings"])
    assert pe114 == (expected == "unknown")
