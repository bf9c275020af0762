"""Round 8: what is deployed decided by a parameter's default.

Template (CloudFormation)::

    Parameters:
      Sharing: {Type: String, Default: closed, AllowedValues: [closed, open]}
    Conditions:
      Open: !Equals [!Ref Sharing, open]
    Resources:
      DocsPolicy:
        Type: AWS::S3::BucketPolicy
        Condition: Open
        Properties:
          Bucket: saas-documents-111122223333
          PolicyDocument:
            Statement:
              - {Effect: Allow, Principal: "*", Action: s3:GetObject,
                 Resource: arn:aws:s3:::saas-documents-111122223333/*,
                 Condition: {StringEquals: {aws:PrincipalAccount: "111122223333"}}}

(or the same statement inside a policy as ``!If [Open, {...}, !Ref AWS::NoValue]``).

Deployed effect: ``aws cloudformation deploy --parameter-overrides Sharing=open``
deploys the bucket policy, which lets every principal of the account, every tenant's
session (a ``*`` grant is not limited by session policies), read every tenant's
documents.

Why the lint must not pass it in silence: parameters not given are read as their
``Default`` (README), so the resource was skipped without a word and the lint said 0
errors and nothing else. The lint cannot know which values a deploy passes; it now
says where a default decided what is deployed (PE111 warning, naming the parameter),
and with ``--parameter Sharing=open`` the policy is read and fails as before.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template

STATEMENT = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::saas-documents-111122223333/*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
}


def _lint(path: Path, *parameters: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    for parameter in parameters:
        argv += ["--parameter", parameter]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, *, inline: bool) -> Path:
    template = _template("basic")
    template["Parameters"] = {
        "Sharing": {"Type": "String", "Default": "closed", "AllowedValues": ["closed", "open"]}
    }
    template["Conditions"] = {"Open": {"Fn::Equals": [{"Ref": "Sharing"}, "open"]}}
    policy: dict[str, Any] = {"Type": "AWS::S3::BucketPolicy"}
    if inline:
        statement = {"Fn::If": ["Open", STATEMENT, {"Ref": "AWS::NoValue"}]}
        deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": "arn:aws:s3:::saas-documents-111122223333/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
        document = {"Version": "2012-10-17", "Statement": [deny, statement]}
    else:
        policy["Condition"] = "Open"
        document = {"Version": "2012-10-17", "Statement": [STATEMENT]}
    policy["Properties"] = {"Bucket": "saas-documents-111122223333", "PolicyDocument": document}
    template["Resources"]["DocsPolicy"] = policy
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def test_a_resource_left_out_by_a_default_is_said(tmp_path: Path) -> None:
    path = _write(tmp_path, inline=False)
    _, findings = _lint(path)
    said = [f for f in findings if f["rule"] == "PE111" and f["severity"] == "warning"]
    assert said, findings
    assert "`Sharing`" in said[0]["message"]
    assert "DocsPolicy" in said[0]["message"]
    code, findings = _lint(path, "Sharing=open")
    assert code == 1, findings


def test_a_statement_left_out_by_a_default_is_said(tmp_path: Path) -> None:
    path = _write(tmp_path, inline=True)
    _, findings = _lint(path)
    said = [f for f in findings if f["rule"] == "PE111" and f["severity"] == "warning"]
    assert said, findings
    assert "`Open`" in said[0]["message"]
    assert "`Sharing`" in said[0]["message"]


def test_twin_parameters_given_are_no_default(tmp_path: Path) -> None:
    """The same template linted with the value it is deployed with: nothing decided by
    a default, no warning (and the closed value deploys no policy to check)."""
    for inline in (False, True):
        path = _write(tmp_path, inline=inline)
        _, findings = _lint(path, "Sharing=closed")
        assert [f for f in findings if f["rule"] == "PE111" and f["severity"] == "warning"] == []
