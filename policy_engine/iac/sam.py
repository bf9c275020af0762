"""SAM ``Policies:`` of ``AWS::Serverless::Function`` / ``StateMachine``.

Each entry is read as SAM reads it: a string is a managed policy (a name, or an
ARN); a mapping with ``Statement`` is an inline policy document; a mapping with one
key is a SAM policy template (``DynamoDBCrudPolicy: {TableName: !Ref Table}``),
expanded by aws-sam-translator's own processor and its bundled template data, so the
statements are exactly those SAM deploys; its intrinsics are then resolved like any
other. The policies belong to the role SAM creates (``<LogicalId>Role``) unless the
function names its own ``Role``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._nodes import Node, NodeList, TemplateError, line_of
from ._resolve import NO_VALUE, opaque
from ._types import Problem, RoleInfo

if TYPE_CHECKING:
    from .cloudformation import _Context


@lru_cache(maxsize=1)
def _processor() -> Any:
    try:
        from samtranslator.policy_template_processor.processor import (
            PolicyTemplatesProcessor,
        )
    except ImportError:  # pragma: no cover - a test covers the message via monkeypatch
        return None
    return PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())


def expand_policy_template(name: str, parameters: Any) -> Mapping[str, Any] | str:
    """The policy document SAM makes of a policy template, or why it cannot."""
    processor = _processor()
    if processor is None:
        return (
            "aws-sam-translator is not installed (pip install 'policy-engine[sam]'): "
            f"SAM policy template `{name}` cannot be expanded"
        )
    from samtranslator.policy_template_processor.exceptions import (
        InsufficientParameterValues,
        InvalidParameterValues,
        TemplateNotFoundException,
    )

    try:
        result: Mapping[str, Any] = processor.convert(name, parameters)
    except TemplateNotFoundException:
        return f"`{name}` is no SAM policy template (aws-sam-translator knows none by that name)"
    except (InsufficientParameterValues, InvalidParameterValues) as exc:
        return f"SAM policy template `{name}`: {exc}"
    return result


def read_sam_policies(ctx: _Context) -> None:
    raw = ctx.props.get("Policies")
    if raw is None:
        return
    line = ctx.prop_line("Policies")
    role_name = ctx.text("Role")
    if role_name is None:
        role_name = opaque(f"name of {ctx.logical_id}Role")
        role = RoleInfo(
            ctx.out.file,
            f"{ctx.logical_id}Role",
            role_name,
            opaque(f"{ctx.logical_id}Role.Arn"),
            ctx.line,
            None,
        )
        ctx.out.roles.append(role)
    else:
        role = RoleInfo(ctx.out.file, ctx.logical_id, role_name, role_name, ctx.line, None)
    items: list[Any]
    if isinstance(raw, str) or (isinstance(raw, Mapping) and _single_function(raw)):
        items = [raw]
    elif isinstance(raw, Mapping):
        items = [raw]  # one inline document or one policy template
    elif isinstance(raw, list):
        items = list(raw)
    else:
        raise TemplateError("`Policies` must be a string, a mapping or a list", ctx.out.file, line)
    raw_lines = [line_of(v, line) for v in raw] if isinstance(raw, NodeList) else []
    for i, item in enumerate(items):
        item_line = raw_lines[i] if i < len(raw_lines) else line_of(item, line)
        label = f"Policies[{i}]"
        if isinstance(item, str) or (isinstance(item, Mapping) and _single_function(item)):
            value = ctx.resolver.resolve(item, item_line)
            if value is NO_VALUE:
                continue
            ctx.attachments.append((role, str(value), item_line))
            continue
        if not isinstance(item, Mapping):
            raise TemplateError(f"`{label}` must be a string or a mapping", ctx.out.file, item_line)
        if "Statement" in item:
            ctx.document(item, item_line, f"{label} (inline)", "identity", roles=(role_name,))
            continue
        if len(item) != 1:
            raise TemplateError(
                f"`{label}` must be a policy document (with Statement) or one SAM policy "
                "template (one key)",
                ctx.out.file,
                item_line,
            )
        (template_name,) = item
        parameters = item[template_name]
        expanded = expand_policy_template(
            str(template_name), _plain(parameters) if parameters is not None else {}
        )
        if isinstance(expanded, str):
            ctx.out.problems.append(Problem("PE110", "error", expanded, item_line, ctx.logical_id))
            continue
        document = Node(item_line)
        document.update(expanded)  # lines: every statement is on the template's line
        policy = ctx.document(
            document, item_line, f"{label} {template_name}", "identity", roles=(role_name,)
        )
        if policy is not None:
            for key in list(policy.lines):
                policy.lines[key] = item_line  # type: ignore[index]


def _single_function(node: Mapping[str, Any]) -> bool:
    if len(node) != 1:
        return False
    (key,) = node
    return key == "Ref" or str(key).startswith("Fn::")


def _plain(value: Any) -> Any:
    """Template values as plain dicts and lists (aws-sam-translator checks types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
