"""Decoding a template once into a tree that remembers where each value was written.

Mappings decode to :class:`Node` (a ``dict`` with the line of the mapping and of each
key), sequences to :class:`NodeList` (a ``list`` with its line); scalars stay plain.
YAML understands CloudFormation's short tags (``!Sub``, ``!Ref``, ``!GetAtt``, ...),
which decode to their long form (``{"Fn::Sub": ...}``) on the tag's line; JSON is read
by a decoder that records the same lines. Lines are 1-based.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

import yaml

from ..errors import PolicyEngineError


class TemplateError(PolicyEngineError):
    """A template or plan that cannot be read: where, and what was wrong."""

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message  # without the ``file:line:`` a finding carries itself
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


class Node(dict[str, Any]):
    """A mapping of the template with the line of its first key and of each key."""

    line: int
    key_lines: dict[str, int]

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines = {}


class NodeList(list[Any]):
    """A sequence of the template with its line."""

    line: int

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(
                f"duplicate key `{key}` (which value the receiving service keeps is not "
                "documented: the policy has no one meaning)"
            )
        out[key] = value
    return out


def loads_policy_text(text: str) -> Any:
    """The JSON text of a policy (a template's string, a plan's field), decoded with
    each key once: a key written twice is a ``ValueError``, never one value kept."""
    return json.loads(text, object_pairs_hook=_unique_pairs)


def line_of(value: Any, default: int) -> int:
    return value.line if isinstance(value, Node | NodeList) else default


# -- YAML --------------------------------------------------------------------------

#: Short tags and the function each stands for (CloudFormation User Guide,
#: "Intrinsic function reference"; ``!GetAtt a.b`` is also written as a list).
_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
            "ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub",
            "ToJsonString", "Transform",
        )
    },
}  # fmt: skip

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """A safe YAML loader that keeps lines and reads CloudFormation's short tags."""


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Node:
    out = Node(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping key must be a scalar, not {type(key).__name__}",
                key_node.start_mark,
            )  # fmt: skip
        name = str(key) if not isinstance(key, str) else key
        if name in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key `{name}`", key_node.start_mark
            )
        out.key_lines[name] = key_node.start_mark.line + 1
        out[name] = loader.construct_object(value_node, deep=True)
    return out


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> NodeList:
    out = NodeList(node.start_mark.line + 1)
    out.extend(loader.construct_object(child, deep=True) for child in node.value)
    return out


def _construct_tag(loader: Any, suffix: str, node: yaml.Node) -> Node:
    name = _TAGS.get(suffix)
    if name is None:
        raise yaml.constructor.ConstructorError(
            None, None,
            f"unknown tag `!{suffix}` (CloudFormation's short forms: "
            + ", ".join(f"!{t}" for t in sorted(_TAGS)) + ")",
            node.start_mark,
        )  # fmt: skip
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt" and isinstance(value, str):
            value = NodeList(node.start_mark.line + 1)
            value.extend(loader.construct_scalar(node).split(".", 1))
    elif isinstance(node, yaml.SequenceNode):
        value = _construct_sequence(loader, node)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = _construct_mapping(loader, node)
    out = Node(node.start_mark.line + 1)
    out.key_lines[name] = out.line
    out[name] = value
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_multi_constructor("!", _construct_tag)


def load_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise TemplateError(f"not valid YAML: {exc.problem or exc.context}", file, line) from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"not valid YAML: {exc}", file) from None


# -- JSON --------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _JsonReader:
    """A JSON decoder (objects and arrays in Python, strings and numbers by the
    standard library's scanner) that records lines and refuses duplicate keys."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.decoder = json.JSONDecoder()

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.newlines, pos - 1) + 1

    def fail(self, message: str, pos: int) -> TemplateError:
        return TemplateError(f"not valid JSON: {message}", self.file, self.line(pos))

    def skip(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        assert m is not None
        return m.end()

    def value(self, pos: int) -> tuple[Any, int]:
        pos = self.skip(pos)
        ch = self.text[pos : pos + 1]
        if ch == "{":
            return self.obj(pos)
        if ch == "[":
            return self.array(pos)
        try:
            return self.decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None

    def obj(self, pos: int) -> tuple[Node, int]:
        out = Node(self.line(pos))
        pos = self.skip(pos + 1)
        if self.text.startswith("}", pos):
            return out, pos + 1
        while True:
            if not self.text.startswith('"', pos):
                raise self.fail("expected a property name in double quotes", pos)
            key, end = self.decoder.raw_decode(self.text, pos)
            if key in out:
                raise self.fail(f"duplicate key `{key}`", pos)
            out.key_lines[key] = self.line(pos)
            pos = self.skip(end)
            if not self.text.startswith(":", pos):
                raise self.fail("expected `:`", pos)
            out[key], pos = self.value(pos + 1)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos = self.skip(pos + 1)
                continue
            if self.text.startswith("}", pos):
                return out, pos + 1
            raise self.fail("expected `,` or `}`", pos)

    def array(self, pos: int) -> tuple[NodeList, int]:
        out = NodeList(self.line(pos))
        pos = self.skip(pos + 1)
        if self.text.startswith("]", pos):
            return out, pos + 1
        while True:
            item, pos = self.value(pos)
            out.append(item)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("]", pos):
                return out, pos + 1
            raise self.fail("expected `,` or `]`", pos)


def load_json(text: str, file: str) -> Any:
    reader = _JsonReader(text, file)
    try:
        value, end = reader.value(0)
    except RecursionError:
        raise TemplateError("not valid JSON: nested too deeply", file) from None
    end = reader.skip(end)
    if end != len(text):
        raise reader.fail("extra data after the document", end)
    return value
