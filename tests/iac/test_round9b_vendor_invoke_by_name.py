"""Round 9b: an invoke permission naming the vendor's function through an intrinsic.

``FunctionName: !Sub "${Orders}"`` (or ``!Join``, ``!Select``, an ARN written with
``!Sub`` around it, ``${Orders}:live``) names the function ``Orders`` of the same
template, whose physical name CloudFormation makes at deploy. The lint read the name
as unknown and reported "a function not in the linted templates" (PE115 warning, exit
0, every tier proved), although ``Orders`` runs as the catalogue's vendor role and
``Principal: "*"`` may invoke it, writing the event's tenant. Now a name known only
once deployed that is a function's of the template is that function: PE091.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_round9_vendor_invoke import _cfn, _lint

ARN = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Orders}"


@pytest.mark.parametrize(
    "name",
    [
        {"Fn::Sub": "${Orders}"},
        {"Fn::Sub": ARN},
        {"Fn::Sub": "${Orders}:live"},
        {"Fn::Join": ["", [{"Ref": "Orders"}]]},
        {"Fn::Select": [0, [{"Ref": "Orders"}]]},
    ],
)
def test_vendor_function_named_by_an_intrinsic(tmp_path: Path, name: Any) -> None:
    code, findings = _lint(_cfn(tmp_path, name, {"Principal": "*"}))
    assert code == 1
    assert any(f["rule"] == "PE091" and f["resource"] == "Invoke" for f in findings), findings


def test_twin_another_unknown_function_stays_a_warning(tmp_path: Path) -> None:
    """A name the template does not make (the stack name around it) may be any
    function's: PE115, as before."""
    path = _cfn(tmp_path, {"Fn::Sub": "${AWS::StackName}-other"}, {"Principal": "*"})
    _code, findings = _lint(path)
    assert not any(f["rule"] == "PE091" for f in findings), findings
    assert any(f["rule"] == "PE115" and f["resource"] == "Invoke" for f in findings), findings
