"""Round 9: a policy whose value (not a branch) comes from a parameter's default.

Template (CloudFormation)::

    Parameters:
      SharedBucket:
        Type: String
        Default: app-public-assets
        AllowedValues: [app-public-assets, saas-documents-111122223333]
    Resources:
      Assets:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref SharedBucket
          PolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {AWS: "arn:aws:iam::444455556666:role/partner"},
                 Action: s3:GetObject,
                 Resource: !Sub "arn:aws:s3:::${SharedBucket}/*"}

Deployed effect: ``aws cloudformation deploy --parameter-overrides
SharedBucket=saas-documents-111122223333`` (a value the template itself allows) puts
the partner-read policy on the pooled documents bucket: another account reads every
tenant's documents.

Why the lint must not pass it: the lint reads parameters not given as their
defaults, and said so (PE111) only where a default chose a branch (a resource
``Condition``, ``Fn::If``); a default that is the policy's bucket, principal or
resource was read in silence and the proof ran on one of the deployable policies
only (every tier proved, no warning). Now a policy read with a parameter's default
is a PE111 warning naming the parameter (and its allowed values).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template


def _lint(path: Path, *parameters: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    for parameter in parameters:
        argv += ["--parameter", parameter]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path) -> Path:
    template = _template("basic")
    template["Parameters"] = {
        "SharedBucket": {
            "Type": "String",
            "Default": "app-public-assets",
            "AllowedValues": ["app-public-assets", "saas-documents-111122223333"],
        }
    }
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:role/partner"},
        "Action": "s3:GetObject",
        "Resource": {"Fn::Sub": "arn:aws:s3:::${SharedBucket}/*"},
    }
    template["Resources"]["Assets"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "SharedBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        },
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def test_a_policy_read_with_a_default_is_said(tmp_path: Path) -> None:
    _code, findings = _lint(_write(tmp_path))
    said = [f for f in findings if f["rule"] == "PE111" and f["severity"] == "warning"]
    assert said, findings
    assert "`SharedBucket`" in said[0]["message"]
    assert "saas-documents-111122223333" in said[0]["message"]  # the allowed values


def test_the_other_allowed_value_is_found_when_given(tmp_path: Path) -> None:
    code, findings = _lint(_write(tmp_path), "SharedBucket=saas-documents-111122223333")
    assert code == 1
    assert any(f["rule"] == "PE124" for f in findings), findings


def test_twin_a_given_value_is_not_a_default(tmp_path: Path) -> None:
    code, findings = _lint(_write(tmp_path), "SharedBucket=app-public-assets")
    assert code == 0, findings
    assert not [f for f in findings if f["severity"] == "warning"], findings
