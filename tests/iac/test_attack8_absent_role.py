"""Round 8: statements attached by name to a tier role the linted templates do not hold.

Template (CloudFormation; the tier roles are deployed by another stack, e.g.
``policy-engine export``)::

    Extra:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: extra
        Roles: [saas-tenant-standard]
        PolicyDocument:
          Statement:
            - {Effect: Allow, Action: s3:GetObject,
               Resource: arn:aws:s3:::saas-reports-111122223333/*}

(or a plan's ``aws_iam_role_policy`` with ``role = "saas-tenant-standard"``).

Deployed effect: ``PutRolePolicy`` embeds the statements in the standard tier's role
(IAM API Reference, "PutRolePolicy"). Where a catalogue's isolation rests on the role's
own statements (ABAC: a session policy that admits the reports bucket and a role that
scopes it by the ``TenantId`` tag), this one reads every tenant's reports.

Why the lint must not pass it: with the role absent from the linted templates the tier
was ``PE122`` (info: not checked), and the attached policy was read as a role template
(exempt from the pooled-read rule): 0 errors, while the deployed role no longer carries
exactly the catalogue's statements. Now each attached statement the catalogue's role
templates lack is PE121, as it is when the role is in the templates.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import role_documents


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _write(tmp_path: Path, statements: list[dict[str, Any]]) -> Path:
    template = {
        "Resources": {
            "Extra": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "extra",
                    "Roles": ["saas-tenant-standard"],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                },
            }
        }
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return path


def test_a_statement_added_to_an_absent_tier_role_is_not_passed(tmp_path: Path) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::saas-reports-111122223333/*",
    }
    code, findings = _lint(_write(tmp_path, [statement]))
    assert code == 1, findings
    drift = [f for f in findings if f["rule"] == "PE121"]
    assert [f["tier"] for f in drift] == ["standard"], findings


def test_twin_catalogue_statements_attached_elsewhere_stay_clean(tmp_path: Path) -> None:
    """A stack that attaches the catalogue's own role statements to the tier role (its
    role made elsewhere): nothing added, clean."""
    docs = role_documents(load_catalog(), "standard")
    statements = [s for doc in docs.values() for s in doc["Statement"]]
    code, findings = _lint(_write(tmp_path, statements))
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
