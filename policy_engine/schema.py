"""JSON Schema checks for policies and catalogue manifests.

Checks come in pairs: :func:`iter_schema_errors` yields every problem, each with a
JSON path and a plain message; :func:`validate_policy` raises the first (all of them
are on the exception).

>>> [str(e) for e in iter_schema_errors({"Statement": {"Effect": "Permit",
...     "Action": "s3:GetObject", "Resource": "*"}})]
['$.Statement.Effect: `Effect` must be `Allow` or `Deny`']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._resources import schemas_dir
from .errors import PolicyParseError, SchemaIssue
from .model import json_path

if TYPE_CHECKING:  # jsonschema loads on the first check, not at import (Lambda cold starts)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

PolicyKind: TypeAlias = Literal["any", "identity", "session", "boundary", "resource", "trust"]
POLICY_KINDS: tuple[PolicyKind, ...] = (
    "any",
    "identity",
    "session",
    "boundary",
    "resource",
    "trust",
)

_POLICY_SCHEMA_ID = "urn:policy-engine:schema:iam-policy"
_ENTRY = {
    "any": "anyPolicy",
    "identity": "identityPolicy",
    "session": "identityPolicy",
    "boundary": "identityPolicy",
    "resource": "resourcePolicy",
    "trust": "trustPolicy",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A bundled schema by file name (``iam-policy.schema.json``)."""
    with (schemas_dir() / name).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    resources = []
    for name in ("iam-policy.schema.json", "catalog.schema.json"):
        schema = load_schema(name)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def policy_entry(kind: PolicyKind) -> str:
    """The schema's entry point (``$defs`` name) for one policy kind."""
    if kind not in _ENTRY:
        raise ValueError(f"unknown policy kind `{kind}`: use one of {', '.join(POLICY_KINDS)}")
    return _ENTRY[kind]


@cache
def policy_validator(kind: PolicyKind = "any") -> Draft202012Validator:
    """A compiled validator for one policy kind (cached)."""
    entry = policy_entry(kind)
    from jsonschema import Draft202012Validator

    schema = {"$ref": f"{_POLICY_SCHEMA_ID}#/$defs/{entry}"}
    return Draft202012Validator(schema, registry=_registry())


@cache
def catalog_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema("catalog.schema.json"), registry=_registry())


def iter_schema_errors(document: Any, *, kind: PolicyKind = "any") -> Iterator[SchemaIssue]:
    """Every schema problem of a decoded policy document, in document order."""
    yield from issues_from(policy_validator(kind).iter_errors(document))


def is_valid_policy(document: Any, *, kind: PolicyKind = "any") -> bool:
    return bool(policy_validator(kind).is_valid(document))


def validate_policy(document: Any, *, kind: PolicyKind = "any", source: str | None = None) -> None:
    """Raise :class:`PolicyParseError` listing every problem, or return ``None``."""
    validator = policy_validator(kind)
    if validator.is_valid(document):
        return
    raise PolicyParseError(list(iter_schema_errors(document, kind=kind)), source=source)


# -- turning jsonschema's errors into plain ones -------------------------------------------


def issues_from(errors: Iterable[ValidationError]) -> Iterator[SchemaIssue]:
    seen: set[tuple[str, str]] = set()
    leaves = [leaf for error in errors for leaf in _leaves(error, None)]
    leaves.sort(key=lambda pair: [str(p) for p in pair[0].absolute_path])
    for leaf, fallback in leaves:
        issue = _issue(leaf, fallback)
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            yield issue


def _leaves(
    error: ValidationError, fallback: str | None
) -> list[tuple[ValidationError, str | None]]:
    """Descend into oneOf/anyOf to the branch that fits the instance's shape.

    Each leaf comes with the message of the closest schema above it, for the same
    instance, that has one; it is used when the leaf's own schema has none.
    """
    own = _message_of(error)
    if own is not None:
        fallback = own
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [(error, fallback)]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    depth = len(error.absolute_path)
    fitting = [
        errs
        for errs in branches.values()
        if not any(e.validator in ("type", "const") and len(e.absolute_path) == depth for e in errs)
    ]
    if len(fitting) == 1 and not _is_exactly_one_of(error):
        return [
            leaf
            for sub in fitting[0]
            for leaf in _leaves(sub, fallback if len(sub.absolute_path) == depth else None)
        ]
    return [(error, fallback)]


def _is_exactly_one_of(error: ValidationError) -> bool:
    """A oneOf between ``required`` members (Action/NotAction): report it whole."""
    branches: Any = error.validator_value
    return error.validator == "oneOf" and all(
        isinstance(b, dict) and set(b) == {"required"} for b in branches
    )


def _message_of(error: ValidationError) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-message")
    if isinstance(custom, dict):
        custom = custom.get(str(error.validator))
    return custom if isinstance(custom, str) else None


def _issue(error: ValidationError, fallback: str | None) -> SchemaIssue:
    steps: list[str | int] = list(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        steps.append(error.instance)
    path = json_path(steps)
    message = _message_of(error) or fallback or _plain(error)
    if error.validator == "additionalProperties":
        message = _unknown_keys(error, message)
    if error.validator == "pattern" and isinstance(error.instance, str):
        message = f"{message}; got `{error.instance}`"
    return SchemaIssue(path, message)


def _unknown_keys(error: ValidationError, message: str) -> str:
    """Name each unknown key and the allowed key it is closest to (a typo such as
    ``sesion_templates`` otherwise shows only as the required key it leaves missing)."""
    import difflib

    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = sorted(schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    unknown = [k for k in instance if k not in allowed]
    if not unknown or not allowed:
        return message
    parts = []
    for key in unknown:
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.75)
        parts.append(f"`{key}`" + (f" (did you mean `{close[0]}`?)" if close else ""))
    head = "unknown key " if len(parts) == 1 else "unknown keys "
    if _message_of(error) is not None:  # the schema's own message lists what is allowed
        return f"{head}{', '.join(parts)}: {message}"
    return f"{head}{', '.join(parts)}; allowed are " + ", ".join(f"`{k}`" for k in allowed)


def _plain(error: ValidationError) -> str:
    v = error.validator
    value: Any = error.validator_value
    if v == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in value if k not in instance]
        return "missing " + ", ".join(f"`{k}`" for k in missing)
    if v == "additionalProperties":
        return error.message.replace("'", "`").replace("Additional properties are", "unknown:")
    if v == "type":
        return f"must be of type {value}"
    if v == "enum":
        allowed = ", ".join(f"`{x}`" for x in value)
        return f"`{error.instance}` is not one of {allowed}"
    return error.message


__all__ = [
    "POLICY_KINDS",
    "PolicyKind",
    "catalog_validator",
    "is_valid_policy",
    "issues_from",
    "iter_schema_errors",
    "load_schema",
    "policy_validator",
    "validate_policy",
]
