"""Round 12: an open HTTP API route whose ``Target`` names its integration in another
spelling.

Catalogue ``catalogs/abac``. Template: round 11's ``_http`` (``reports-api``'s
function, reading every report, behind an ``AWS::ApiGatewayV2::Route`` with no
``AuthorizationType`` to an ``AWS::ApiGatewayV2::Integration`` of the template), its
``Target`` written as ``!Sub ["integrations/${I}", {I: !Ref Integ}]``, as
``!Join ["/", ["integrations", !GetAtt Integ.IntegrationId]]`` (``IntegrationId``: the
integration's ID, CloudFormation reference, ``AWS::ApiGatewayV2::Integration`` return
values; CDK's ``CfnIntegration.attrIntegrationId``) or ``!Sub
integrations/${Integ.IntegrationId}``.

Deployed effect: the same route as round 11's ``!Sub integrations/${Integ}``: anyone
invokes the function, which reads every tenant's reports with its own role.

Why the lint must not pass it: round 11's ``_open_method`` read a ``Fn::Sub`` string's
``${X}`` (not ``${X.Attr}``, not a variable map) and a ``Fn::Join``'s ``Ref`` (not
``Fn::GetAtt``): the route was not linked to its integration, every tier `proved`. Now
every logical ID the ``Target`` may refer to, in any spelling, is read. Twins: the same
spellings with a JWT authorizer on the route.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import _http

TARGETS = [
    {"Fn::Sub": ["integrations/${I}", {"I": {"Ref": "Integ"}}]},
    {"Fn::Join": ["/", ["integrations", {"Fn::GetAtt": ["Integ", "IntegrationId"]}]]},
    {"Fn::Sub": "integrations/${Integ.IntegrationId}"},
    {"Fn::Join": ["", ["integrations/", {"Fn::GetAtt": "Integ.IntegrationId"}]]},
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("auth", "expected"), [(None, "unknown"), ("JWT", "proved")])
def test_an_open_route_to_an_integration_in_another_spelling(
    tmp_path: Path, target: dict[str, Any], auth: str | None, expected: str
) -> None:
    template = _http(auth)
    template["Resources"]["Route"]["Properties"]["Target"] = target
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
