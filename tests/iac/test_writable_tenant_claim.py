"""A Cognito app client whose users may write their own tenant or tier attribute: the
authorizer reads `custom:tenantId` / `custom:tier` from the ID token, and a user who can
write them picks another tenant's credentials (Cognito API Reference,
UserPoolClientType `WriteAttributes`). `lint --catalog DIR TEMPLATE` said every tier
proved beside such a client; now it is PE091, and a client that writes only other
attributes (or none given: the standard ones) passes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run

from .test_deployment import _template


def _lint(tmp_path: Path, document: dict[str, Any], name: str = "t.json") -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    run(argv, out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _claim_findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == "PE091" and "Cognito" in f["message"]]


def _status(doc: dict[str, Any]) -> str:
    tiers = doc["summary"]["deployed"][0]["tiers"]
    status: str = {t["tier"]: t["status"] for t in tiers}["basic"]
    return status


@pytest.mark.parametrize(
    ("write", "unknown"),
    [
        (["email", "custom:tenantId"], True),
        (["email", "CUSTOM:TIER"], True),  # attribute names read without regard to case
        (["email", "name"], False),
        (None, False),  # no WriteAttributes: the standard attributes only
        ({"Ref": "Writable"}, True),  # a parameter with no value: may name them
    ],
)
def test_cloudformation_app_client(tmp_path: Path, write: Any, unknown: bool) -> None:
    template = _template("basic")
    template["Parameters"] = {"Writable": {"Type": "CommaDelimitedList"}}
    props: dict[str, Any] = {"UserPoolId": "eu-west-1_abc"}
    if write is not None:
        props["WriteAttributes"] = write
    template["Resources"]["AppClient"] = {
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": props,
    }
    doc = _lint(tmp_path, template)
    found = _claim_findings(doc)
    assert bool(found) is unknown
    assert _status(doc) == ("unknown" if unknown else "proved")
    if unknown:
        assert "`AppClient`" in found[0]["message"]


def _plan(after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    kind = "aws_cognito_user_pool_client"
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.app", "mode": "managed", "type": kind, "name": "app",
             "change": change},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("after", "unknown", "expected"),
    [
        ({"write_attributes": ["custom:tenantId"]}, {}, True),
        ({"write_attributes": ["email"]}, {}, False),
        ({}, {"write_attributes": True}, True),
        ({"name": "app"}, {}, False),
    ],
)
def test_terraform_app_client(
    tmp_path: Path, after: dict[str, Any], unknown: dict[str, Any], expected: bool
) -> None:
    assert bool(_claim_findings(_lint(tmp_path, _plan(after, unknown), "plan.json"))) is expected
