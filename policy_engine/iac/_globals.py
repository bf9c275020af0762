"""SAM ``Globals``: each ``AWS::Serverless::*`` resource's properties as SAM sees them.

aws-sam-translator's own ``Globals`` reads the section (which resource types and
properties it takes, ``IgnoreGlobals``) and merges it into a resource's properties
(a resource's value wins over a global one; mappings merge key by key; lists
concatenate, global items first; an intrinsic is a single value). The merge builds
plain ``dict`` and ``list`` values where both sides had a mapping or a list: those
are given back the lines of the template (:func:`_relined`), so a finding on a value
that came from ``Globals`` is at its line there.

The properties that matter here (the generated role of a function): its trust
policy (``AssumeRolePolicyDocument``), ``PermissionsBoundary``, ``RolePath``, the
statements SAM adds for ``DeadLetterQueue`` and ``EventInvokeConfig`` destinations,
and the managed policies it adds for ``Tracing`` and ``VpcConfig``; ``Policies`` and
``Role`` are no global properties (SAM refuses them there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._nodes import Node, NodeList, line_of
from ._types import Problem


class SamGlobals:
    """The ``Globals`` of one template, or the problem that stops SAM reading it."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self.problem: Problem | None = None
        self._globals: Any = None
        if "Globals" not in template:
            return
        line = template.key_lines.get("Globals", 1) if isinstance(template, Node) else 1
        self.line = line
        try:
            from samtranslator.plugins.globals.globals import (
                Globals,
                InvalidGlobalsSectionException,
            )
        except ImportError:
            self.problem = Problem(
                "PE110",
                "error",
                "aws-sam-translator is not installed (pip install 'policy-engine[sam]'): "
                "`Globals` cannot be read as SAM reads it",
                line,
            )
            return
        try:
            self._globals = Globals({"Globals": template["Globals"]})
        except InvalidGlobalsSectionException as exc:
            self.problem = Problem("PE110", "error", f"SAM refuses `Globals`: {_text(exc)}", line)

    def merge(
        self, kind: str, logical_id: str, resource: Mapping[str, Any], props: Mapping[str, Any]
    ) -> tuple[Mapping[str, Any], Problem | None]:
        """``props`` of resource ``logical_id`` with the globals of its type merged in."""
        if self._globals is None:
            return props, None
        from samtranslator.model.exceptions import InvalidResourceAttributeTypeException

        ignore = resource.get("IgnoreGlobals")
        try:
            merged = self._globals.merge(kind, props, logical_id, ignore)
        except InvalidResourceAttributeTypeException as exc:
            line = line_of(resource, 1)
            return props, Problem("PE110", "error", _text(exc), line, logical_id)
        if merged is props:
            return props, None
        defaults = self._globals.template_globals.get(kind)
        source = getattr(defaults, "global_properties", None)
        return _relined(merged, source, props, line_of(props, self.line)), None


def _relined(value: Any, global_side: Any, local_side: Any, line: int) -> Any:
    """``value`` (a merge of ``global_side`` and ``local_side``) with the lines of the
    side each part came from: plain mappings and lists made by the merge become
    :class:`Node` / :class:`NodeList` again; values taken whole keep their own."""
    if isinstance(value, Node | NodeList):
        return value
    if isinstance(value, Mapping):
        local_map = local_side if isinstance(local_side, Mapping) else {}
        global_map = global_side if isinstance(global_side, Mapping) else {}
        out = Node(line_of(local_side, line_of(global_side, line)))
        for key, item in value.items():
            if key in local_map and isinstance(local_side, Node):
                out.key_lines[key] = local_side.key_lines.get(key, out.line)
            elif key in global_map and isinstance(global_side, Node):
                out.key_lines[key] = global_side.key_lines.get(key, out.line)
            else:
                out.key_lines[key] = out.line
            out[key] = _relined(item, global_map.get(key), local_map.get(key), out.key_lines[key])
        return out
    if isinstance(value, list):
        items = NodeList(line_of(local_side, line_of(global_side, line)))
        items.extend(value)  # each item is one side's, whole
        return items
    return value


def _text(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message) if message else str(exc)
