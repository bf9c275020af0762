"""Round 12: a function anyone may invoke (or an API's data source anyone may call)
running as a role the templates do not hold.

Catalogue ``catalogs/abac``. Template: the clean deployment and round 11's ``_cfn``
function with a permission to ``*`` (``AWS::Lambda::Permission`` ``Principal: "*"``),
its ``Role`` a role of another stack (``arn:aws:iam::111122223333:role/external-reader``)
or a parameter given no value; or an AppSync data source on an ``API_KEY`` API whose
``ServiceRoleArn`` is such a role.

Deployed effect: the role's policies are wherever that role was deployed; one reading
every tenant's reports serves every caller (a confused deputy, round 11), whatever
tenant the caller names.

Why the lint must not pass it: round 11's deputy check read only roles of the templates
(``_reaching``: no role, no finding; ROUND11 left it open): every tier `proved`, with
at most a PE115 warning ("if it is the credential vendor"). A false `proved` is the
worst answer: the role's policies are not known, so isolation is unknown (PE091, naming
the permission and the role). Twins: the same permission with the role in the
templates reading another bucket, and the external role with no public permission.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import OTHER, _appsync, _cfn

EXTERNAL = "arn:aws:iam::111122223333:role/external-reader"


def _function(role: Any, principal: str = "*") -> dict[str, Any]:
    template = _cfn(principal)
    template["Resources"]["Fn"]["Properties"]["Role"] = role
    if role == {"Ref": "RoleArn"}:
        template["Parameters"] = {"RoleArn": {"Type": "String"}}
    return template


def _data_source(role: str) -> dict[str, Any]:
    template = _appsync("API_KEY", OTHER)
    template["Resources"]["Src"]["Properties"]["ServiceRoleArn"] = role
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_function(EXTERNAL), "unknown"),
        (_function({"Ref": "RoleArn"}), "unknown"),
        (_data_source(EXTERNAL), "unknown"),
        # twins: a role of the templates reading elsewhere; no public permission
        (_cfn("*", OTHER), "proved"),
        (_function(EXTERNAL, "s3.amazonaws.com"), "proved"),
        (_data_source("arn:aws:iam::111122223333:role/appsync-src"), "proved"),
    ],
)  # fmt: skip
def test_a_public_deputy_whose_role_is_not_in_the_templates(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
    if expected == "unknown":
        assert any(f["rule"] == "PE091" and "do not hold" in f["message"]
                   for f in doc["findings"])  # fmt: skip
