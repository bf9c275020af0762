"""The round-10 ABAC catalogue (``catalogs/abac``: tiers ``web`` and ``ops``, each on
its own role, whose isolation rests on the role policies) and a clean deployment of
it, for the deployed-lint tests."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

from policy_engine.cli import run

CATALOG = Path(__file__).resolve().parent / "catalogs" / "abac"
ACCOUNT = "111122223333"
REPORTS = "arn:aws:s3:::saas-reports"
ABAC = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject",
         "Resource": REPORTS + "/${aws:PrincipalTag/TenantId}/*"},
    ],
}  # fmt: skip
READ_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": REPORTS + "/*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/saas-vendor"},
         "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]},
    ],
}  # fmt: skip
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "sts:AssumeRole"},
    ],
}  # fmt: skip


def role(name: str, trust: dict[str, Any] = TRUST, policy: dict[str, Any] = ABAC) -> dict[str, Any]:
    """An ``AWS::IAM::Role`` named ``name`` with one inline policy."""
    props = {
        "RoleName": name,
        "AssumeRolePolicyDocument": copy.deepcopy(trust),
        "Policies": [{"PolicyName": "abac", "PolicyDocument": copy.deepcopy(policy)}],
    }
    return {"Type": "AWS::IAM::Role", "Properties": props}


def clean() -> dict[str, Any]:
    """Both tier roles as the catalogue has them, and the vendor's role."""
    vendor = role("saas-vendor", LAMBDA_TRUST)
    del vendor["Properties"]["Policies"]
    return {
        "Resources": {
            "WebRole": role("saas-web"),
            "OpsRole": role("saas-ops"),
            "VendorRole": vendor,
        }
    }


def lint(
    tmp_path: Path, document: dict[str, Any], name: str = "t.json", *extra: str
) -> dict[str, Any]:
    """``lint --format json --catalog catalogs/abac FILE [EXTRA...]``."""
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(CATALOG), str(path), *extra]
    run(argv, out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def statuses(doc: dict[str, Any]) -> dict[str, str]:
    """The summary's deployed status per tier."""
    return {t["tier"]: t["status"] for t in doc["summary"]["deployed"][0]["tiers"]}
