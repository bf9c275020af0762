"""A Cognito app client whose users may write their own tenant or tier attribute: the
authorizer reads `custom:tenantId` / `custom:tier` from the ID token, and a user who can
write them picks another tenant's credentials (Cognito API Reference,
UserPoolClientType `WriteAttributes`). `lint --catalog DIR TEMPLATE` said every tier
proved beside such a client; now it is PE091, and a client that writes only other
attributes (or none given: the standard ones) passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._lint_helpers import deployed_status, lint_json, one_resource_plan
from .test_deployment import _template


def _claim_findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == "PE091" and "Cognito" in f["message"]]


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
    doc = lint_json(tmp_path, template)
    found = _claim_findings(doc)
    assert bool(found) is unknown
    assert deployed_status(doc) == ("unknown" if unknown else "proved")
    if unknown:
        assert "`AppClient`" in found[0]["message"]


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
    assert (
        bool(
            _claim_findings(
                lint_json(
                    tmp_path,
                    one_resource_plan("aws_cognito_user_pool_client", after, unknown),
                    "plan.json",
                )
            )
        )
        is expected
    )
