"""Infrastructure-as-code readers: the policies of CloudFormation / SAM templates and
Terraform plans, each with its owner (logical ID, Terraform address) and its lines.

Readers only extract and resolve; the lint and the proof consume what they yield and
never see YAML. A template is decoded once into a tree that remembers each value's
line (:mod:`._nodes`); intrinsic functions are resolved symbolically
(:mod:`._resolve`); unresolvable parts are marked opaque and read conservatively
(:func:`widen_policy`).

>>> t = read_template_text('''
... Parameters:
...   Bucket: {Type: String, Default: docs}
... Resources:
...   Reader:
...     Type: AWS::IAM::ManagedPolicy
...     Properties:
...       PolicyDocument:
...         Version: "2012-10-17"
...         Statement:
...           - Effect: Allow
...             Action: s3:GetObject
...             Resource: !Sub arn:${AWS::Partition}:s3:::${Bucket}/*
... ''', "t.yaml")
>>> p = t.policies[0]
>>> p.owner, p.document["Statement"][0]["Resource"], p.lines["$.Statement[0].Resource"]
('Reader', 'arn:aws:s3:::docs/*', 13)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The readers (and PyYAML) load on first use: `policy-engine lint FILE` asks
# detect_format about every file and, for a plain policy file, needs nothing more.
if TYPE_CHECKING:
    from ._nodes import TemplateError
    from ._resolve import PSEUDO_STAND_INS, has_opaque, opaque, shown
    from ._types import ExtractedPolicy, IacFormat, IacTemplate, Problem, RoleInfo
    from ._widen import Widened, Widening, widen_policy
    from .cloudformation import READ_TYPES

_LAZY = {
    "TemplateError": "_nodes",
    "PSEUDO_STAND_INS": "_resolve",
    "has_opaque": "_resolve",
    "opaque": "_resolve",
    "shown": "_resolve",
    "ExtractedPolicy": "_types",
    "IacFormat": "_types",
    "IacTemplate": "_types",
    "Problem": "_types",
    "RoleInfo": "_types",
    "Widened": "_widen",
    "Widening": "_widen",
    "widen_policy": "_widen",
    "READ_TYPES": "cloudformation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module `{__name__}` has no attribute `{name}`")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


_YAML_SUFFIXES = (".yaml", ".yml", ".template", ".cfn")


def detect_format(text: str, file: str) -> str:
    """``terraform``, ``cloudformation`` (SAM included) or ``policy`` (anything else:
    a plain policy file, linted as before)."""
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        if '"format_version"' in text[:65536] and (
            '"planned_values"' in text or '"resource_changes"' in text
        ):
            return "terraform"
        if re.search(r'"Resources"\s*:', text):  # no IAM policy has that key
            return "cloudformation"
        return "policy"
    if file.lower().endswith(_YAML_SUFFIXES) or "Resources:" in text:
        return "cloudformation"
    return "policy"


def read_template_text(
    text: str, file: str, parameters: Mapping[str, str] | None = None
) -> IacTemplate:
    """Read a CloudFormation / SAM template (YAML or JSON) or a Terraform plan."""
    from ._nodes import TemplateError, load_json, load_yaml
    from .cloudformation import read_cloudformation
    from .terraform import is_plan, read_plan

    stripped = text.lstrip()
    tree = load_json(text, file) if stripped.startswith("{") else load_yaml(text, file)
    if is_plan(tree):
        return read_plan(tree, file, text)
    if not isinstance(tree, Mapping):
        raise TemplateError("a template must be a mapping with `Resources`", file, 1)
    return read_cloudformation(tree, file, text, parameters)


def read_template(path: Path | str, parameters: Mapping[str, str] | None = None) -> IacTemplate:
    from ._nodes import TemplateError

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read: {exc}", file) from None
    return read_template_text(text, file, parameters)


__all__ = [
    "PSEUDO_STAND_INS",
    "READ_TYPES",
    "ExtractedPolicy",
    "IacFormat",
    "IacTemplate",
    "Problem",
    "RoleInfo",
    "TemplateError",
    "Widened",
    "Widening",
    "detect_format",
    "has_opaque",
    "opaque",
    "read_template",
    "read_template_text",
    "shown",
    "widen_policy",
]
