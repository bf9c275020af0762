"""Round 9: a statement whose ``Effect`` (or ``Sid``) the lint cannot resolve.

Template (CloudFormation; ``Mode`` is a parameter with no default)::

    OpenDocs:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: saas-documents-111122223333
        PolicyDocument:
          Statement:
            - Effect: !If [IsOpen, Allow, Deny]     # IsOpen: !Equals [!Ref Mode, open]
              Principal: "*"
              Action: s3:GetObject
              Resource: arn:aws:s3:::saas-documents-111122223333/*

Deployed effect: deployed with ``Mode=open`` the statement is an Allow: anyone reads
every tenant's documents.

Why the lint must not pass it: the widening dropped a statement whose ``Effect`` (or
merely its ``Sid``) was unresolved, as if it were a Deny nobody can read; dropping a
statement that may be an Allow reads the policy narrower than what may be deployed
(one PE111 note, every tier proved, 0 errors). Now an unresolved ``Effect`` is read as
``Allow`` (its Deny reading fences nothing) and an unresolved ``Sid`` is ignored: the
statement stays.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.iac import widen_policy
from policy_engine.iac._resolve import opaque
from policy_engine.isolation import resource_documents

from .test_deployment import _with_bucket_policy

BUCKET = "saas-documents-111122223333"
OPEN = {"Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": {"Fn::If": ["IsOpen", "Allow", "Deny"]}, **OPEN},
        {"Sid": {"Ref": "Mode"}, "Effect": "Allow", **OPEN},
    ],
    ids=["effect", "sid"],
)
def test_a_statement_that_may_allow_is_not_dropped(
    tmp_path: Path, statement: dict[str, Any]
) -> None:
    catalogue = list(resource_documents(load_catalog())["documents"]["Statement"])
    template = _with_bucket_policy("basic", [*catalogue, statement])
    template["Parameters"] = {"Mode": {"Type": "String"}}
    template["Conditions"] = {"IsOpen": {"Fn::Equals": [{"Ref": "Mode"}, "open"]}}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] in ("PE124", "PE090") for f in findings), findings


def test_the_widening_reads_an_unresolved_effect_as_allow() -> None:
    effect = opaque("Fn::If IsOpen")
    widened = widen_policy({"Statement": [{"Effect": effect, **OPEN}]})
    (statement,) = widened.document["Statement"]
    assert statement["Effect"] == "Allow"
    assert widened.notes


def test_twin_an_unresolved_deny_is_still_dropped() -> None:
    """A Deny with an unresolved part fences nothing (dropped, as before)."""
    statement = {"Effect": "Deny", **OPEN, "Resource": f"arn:aws:s3:::{opaque('b')}/*"}
    assert widen_policy({"Statement": [statement]}).document["Statement"] == []
