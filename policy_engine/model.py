"""The typed IAM policy model: frozen dataclasses and a lossless JSON mapping.

IAM lets most elements be a string or a list of strings. The model normalises every
such element to a tuple and remembers which ones were written as a single string, so
that ``policy_to_obj(policy_from_obj(doc)) == doc`` for every schema-valid ``doc``.

>>> doc = {"Version": "2012-10-17", "Statement": {"Effect": "Allow",
...        "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/t/*"]}}
>>> p = policy_from_obj(doc)
>>> p.statements[0].action
('s3:GetObject',)
>>> policy_to_obj(p) == doc
True
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from .errors import PolicyParseError, SchemaIssue

ConditionScalar: TypeAlias = str | bool | int | float
Effect: TypeAlias = Literal["Allow", "Deny"]

#: Statement elements in the order they are written back.
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``operator -> key -> values`` entry of a Condition block.

    ``operator`` is written as in the policy, set-operator prefix and ``IfExists``
    suffix included (``ForAllValues:StringLikeIfExists``).
    """

    operator: str
    key: str
    values: tuple[ConditionScalar, ...]
    scalar: bool = False  # written as a single value rather than a list

    @property
    def set_operator(self) -> str | None:
        """``ForAllValues``, ``ForAnyValue`` or ``None``."""
        head, sep, _ = self.operator.partition(":")
        return head if sep else None

    @property
    def base_operator(self) -> str:
        """The operator without set prefix and without ``IfExists``."""
        name = self.operator.partition(":")[2] or self.operator
        return name.removesuffix("IfExists") if name != "Null" else name

    @property
    def if_exists(self) -> bool:
        return self.operator.endswith("IfExists")


@dataclass(frozen=True, slots=True)
class Principal:
    """A Principal or NotPrincipal element.

    ``wildcard`` is the bare ``"*"`` form; otherwise ``entries`` maps the principal
    type (``AWS``, ``Service``, ``Federated``, ``CanonicalUser``) to its values.
    """

    wildcard: bool = False
    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()
    scalar_types: frozenset[str] = frozenset()

    def values(self, principal_type: str) -> tuple[str, ...]:
        for name, vals in self.entries:
            if name == principal_type:
                return vals
        return ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One IAM statement. Exactly one of each Action/NotAction, Resource/NotResource
    pair is set (for trust policies Resource may be absent)."""

    effect: Effect
    sid: str | None = None
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    principal: Principal | None = None
    not_principal: Principal | None = None
    conditions: tuple[Condition, ...] = ()
    scalar_fields: frozenset[str] = field(default=frozenset(), compare=True)

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"


@dataclass(frozen=True, slots=True)
class Policy:
    """An IAM policy document."""

    statements: tuple[Statement, ...]
    version: str | None = "2012-10-17"
    id: str | None = None
    statement_is_list: bool = True

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


# -- from JSON ----------------------------------------------------------------------------


def _str_list(value: Any, path: str) -> tuple[tuple[str, ...], bool]:
    if isinstance(value, str):
        return (value,), True
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value), False
    raise PolicyParseError([SchemaIssue(path, "must be a string or an array of strings")])


def _principal(value: Any, path: str) -> Principal:
    if value == "*":
        return Principal(wildcard=True)
    if not isinstance(value, Mapping) or not value:
        raise PolicyParseError(
            [SchemaIssue(path, "must be `*` or an object of principal types to values")]
        )
    entries: list[tuple[str, tuple[str, ...]]] = []
    scalars: set[str] = set()
    for name, raw in value.items():
        vals, scalar = _str_list(raw, f"{path}.{name}")
        entries.append((name, vals))
        if scalar:
            scalars.add(name)
    return Principal(entries=tuple(entries), scalar_types=frozenset(scalars))


def _conditions(value: Any, path: str) -> tuple[Condition, ...]:
    if not isinstance(value, Mapping):
        raise PolicyParseError([SchemaIssue(path, "must be an object of operators")])
    out: list[Condition] = []
    for operator, block in value.items():
        op_path = json_path_join(path, operator)
        if not isinstance(block, Mapping):
            raise PolicyParseError([SchemaIssue(op_path, "must be an object of condition keys")])
        for key, raw in block.items():
            key_path = json_path_join(op_path, key)
            if isinstance(raw, list):
                if not all(_is_scalar(v) for v in raw):
                    raise PolicyParseError(
                        [SchemaIssue(key_path, "values must be strings, numbers or booleans")]
                    )
                out.append(Condition(operator, key, tuple(raw), scalar=False))
            elif _is_scalar(raw):
                out.append(Condition(operator, key, (raw,), scalar=True))
            else:
                raise PolicyParseError(
                    [SchemaIssue(key_path, "must be a string, number, boolean or array of them")]
                )
    return tuple(out)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float)


def statement_from_obj(obj: Mapping[str, Any], path: str = "$.Statement[0]") -> Statement:
    """Build a :class:`Statement` from its JSON object (already schema-checked)."""
    effect = obj.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyParseError(
            [SchemaIssue(f"{path}.Effect", f"must be `Allow` or `Deny`, not {effect!r}")]
        )
    scalars: set[str] = set()
    lists: dict[str, tuple[str, ...] | None] = {}
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in obj:
            vals, scalar = _str_list(obj[name], f"{path}.{name}")
            lists[name] = vals
            if scalar:
                scalars.add(name)
        else:
            lists[name] = None
    sid = obj.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyParseError([SchemaIssue(f"{path}.Sid", "must be a string")])
    return Statement(
        effect=effect,
        sid=sid,
        action=lists["Action"],
        not_action=lists["NotAction"],
        resource=lists["Resource"],
        not_resource=lists["NotResource"],
        principal=_principal(obj["Principal"], f"{path}.Principal") if "Principal" in obj else None,
        not_principal=(
            _principal(obj["NotPrincipal"], f"{path}.NotPrincipal")
            if "NotPrincipal" in obj
            else None
        ),
        conditions=_conditions(obj["Condition"], f"{path}.Condition") if "Condition" in obj else (),
        scalar_fields=frozenset(scalars),
    )


def policy_from_obj(obj: Mapping[str, Any]) -> Policy:
    """Build a :class:`Policy` from a decoded JSON document.

    Checks types as it goes, but does not apply the full IAM grammar: use
    :func:`policy_engine.parse_policy` for input you do not trust.
    """
    if not isinstance(obj, Mapping):
        raise PolicyParseError([SchemaIssue("$", "a policy must be a JSON object")])
    raw = obj.get("Statement")
    statements: tuple[Statement, ...]
    if isinstance(raw, Mapping):
        statements = (statement_from_obj(raw, "$.Statement"),)
        as_list = False
    elif isinstance(raw, list):
        if not all(isinstance(s, Mapping) for s in raw):
            raise PolicyParseError([SchemaIssue("$.Statement", "statements must be objects")])
        statements = tuple(statement_from_obj(s, f"$.Statement[{i}]") for i, s in enumerate(raw))
        as_list = True
    else:
        raise PolicyParseError(
            [SchemaIssue("$.Statement", "must be a statement object or an array of them")]
        )
    version = obj.get("Version")
    pid = obj.get("Id")
    if version is not None and not isinstance(version, str):
        raise PolicyParseError([SchemaIssue("$.Version", "must be a string")])
    if pid is not None and not isinstance(pid, str):
        raise PolicyParseError([SchemaIssue("$.Id", "must be a string")])
    return Policy(statements=statements, version=version, id=pid, statement_is_list=as_list)


# -- to JSON ------------------------------------------------------------------------------


def _list_out(values: Sequence[str], scalar: bool) -> str | list[str]:
    return values[0] if scalar and len(values) == 1 else list(values)


def _principal_out(p: Principal) -> str | dict[str, str | list[str]]:
    if p.wildcard:
        return "*"
    return {name: _list_out(vals, name in p.scalar_types) for name, vals in p.entries}


def statement_to_obj(s: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.sid is not None:
        out["Sid"] = s.sid
    out["Effect"] = s.effect
    if s.principal is not None:
        out["Principal"] = _principal_out(s.principal)
    if s.not_principal is not None:
        out["NotPrincipal"] = _principal_out(s.not_principal)
    for name, vals in (
        ("Action", s.action),
        ("NotAction", s.not_action),
        ("Resource", s.resource),
        ("NotResource", s.not_resource),
    ):
        if vals is not None:
            out[name] = _list_out(vals, name in s.scalar_fields)
    if s.conditions:
        block: dict[str, dict[str, Any]] = {}
        for c in s.conditions:
            value: Any = c.values[0] if c.scalar and len(c.values) == 1 else list(c.values)
            block.setdefault(c.operator, {})[c.key] = value
        out["Condition"] = block
    return out


def policy_to_obj(policy: Policy) -> dict[str, Any]:
    """The JSON object for ``policy`` (the inverse of :func:`policy_from_obj`)."""
    out: dict[str, Any] = {}
    if policy.version is not None:
        out["Version"] = policy.version
    if policy.id is not None:
        out["Id"] = policy.id
    stmts = [statement_to_obj(s) for s in policy.statements]
    out["Statement"] = stmts if policy.statement_is_list or len(stmts) != 1 else stmts[0]
    return out


def dumps(policy: Policy | Mapping[str, Any], *, minify: bool = False) -> str:
    """Serialise a policy: pretty (two-space indent) or minified.

    Minifying drops only whitespace between JSON tokens; whitespace inside
    strings (condition keys or values with spaces) is never touched.
    """
    obj = policy_to_obj(policy) if isinstance(policy, Policy) else policy
    if minify:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(obj, indent=2, ensure_ascii=False)


# -- JSON paths ---------------------------------------------------------------------------


def json_path_join(base: str, key: str | int) -> str:
    """Append one step to a ``$.a.b[0]``-style JSON path."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    if key.isidentifier():
        return f"{base}.{key}"
    return f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def json_path(steps: Sequence[str | int]) -> str:
    path = "$"
    for step in steps:
        path = json_path_join(path, step)
    return path
