"""Round 9: a policy written as JSON text with a key twice.

Template (CloudFormation; the document is a JSON string, as ``!Sub`` of a heredoc
often is)::

    Fence:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: saas-documents-111122223333
        PolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::saas-documents-111122223333/*"}]}'

(a plan's ``policy`` string alike).

Deployed effect: the template's YAML/JSON decoders refuse a key written twice, but
the text of a policy is decoded by the service that receives it, and which of the
two values it keeps is not documented (RFC 8259: "names within an object SHOULD be
unique"; behaviour with duplicates is unpredictable). Python kept the last
(``Deny``: a fence, no finding); a service that keeps the first deploys an Allow
that lets anyone read every tenant's documents.

Why the lint must not pass it: the template's own keys are refused twice written,
the policy text's were read silently as the last one. Now both are PE110: the
policy cannot be read as one meaning.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template

TEXT = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", '
    '"Principal": "*", "Action": "s3:GetObject", '
    '"Resource": "arn:aws:s3:::saas-documents-111122223333/*"}]}'
)


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def test_a_policy_text_with_a_key_twice_is_refused(tmp_path: Path) -> None:
    template = _template("basic")
    template["Resources"]["Fence"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": "saas-documents-111122223333", "PolicyDocument": TEXT},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE110" and "`Effect`" in f["message"] for f in findings), findings


def test_a_plan_policy_with_a_key_twice_is_refused(tmp_path: Path) -> None:
    after = {"bucket": "saas-documents-111122223333", "policy": TEXT}
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket_policy.x", "mode": "managed",
             "type": "aws_s3_bucket_policy", "name": "x", "change": change}
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE110" and "`Effect`" in f["message"] for f in findings), findings


def test_twin_the_same_text_without_the_duplicate_is_read(tmp_path: Path) -> None:
    template = _template("basic")
    template["Resources"]["Fence"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": "saas-documents-111122223333",
                       "PolicyDocument": TEXT.replace('"Effect": "Allow", ', "")},
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    _code, findings = _lint(path)
    assert not [f for f in findings if f["rule"] == "PE110"], findings
