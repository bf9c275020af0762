"""Round 9: an EventBridge pipe that moves a tenant's data elsewhere.

Template (CloudFormation)::

    AcmeToGlobex:
      Type: AWS::Pipes::Pipe
      Properties:
        RoleArn: arn:aws:iam::111122223333:role/pipes
        Source: arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme
        Target: arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex

(a pipe from the pooled orders table's stream alike; in plans ``aws_pipes_pipe``).

Deployed effect: the pipe reads each record of its source (a queue's messages, a
DynamoDB stream's item changes) and sends it to its target (EventBridge User Guide,
"Amazon EventBridge Pipes"): acme's jobs land in globex's queue; every tenant's orders
in whatever the target is. No code, no policy document: configuration alone.

Why the lint must not pass it: the pipe holds no policy document, so the reader
skipped it (every tier proved, 0 errors). Now a pipe whose source is a model resource
is a copy of its data (PE115; PE091 on the model), as replication is.
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

ACME = "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme"
GLOBEX = "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-globex"
STREAM = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders/stream/2026-01-01T00:00:00.000"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _pipe(tmp_path: Path, source: str) -> Path:
    template = _template("basic")
    template["Resources"]["Pipe"] = {
        "Type": "AWS::Pipes::Pipe",
        "Properties": {"RoleArn": "arn:aws:iam::111122223333:role/pipes",
                       "Source": source, "Target": GLOBEX},
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(("source", "model"), [(ACME, "jobs"), (STREAM, "orders")])
def test_a_pipe_out_of_a_model_resource_is_not_passed(
    tmp_path: Path, source: str, model: str
) -> None:
    code, findings = _lint(_pipe(tmp_path, source))
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and f"`{model}`" in f["message"] for f in findings), findings


def test_a_terraform_pipe_out_of_a_tenant_queue_is_not_passed(tmp_path: Path) -> None:
    after = {"name": "p", "source": ACME, "target": GLOBEX}
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_pipes_pipe.p", "mode": "managed", "type": "aws_pipes_pipe",
             "name": "p", "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`jobs`" in f["message"] for f in findings), findings


def test_twin_a_pipe_out_of_another_queue_is_only_said(tmp_path: Path) -> None:
    code, findings = _lint(_pipe(tmp_path, "arn:aws:sqs:eu-west-1:111122223333:app-work"))
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
