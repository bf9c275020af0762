"""The exception family of policy-engine.

Every error the library raises on purpose inherits from :class:`PolicyEngineError`.
Misuse errors also inherit from the matching builtin (``ValueError``, ``LookupError``)
so that either kind of ``except`` clause catches them.

Messages follow one style: they start lower-case, carry no final period, quote user
input in backticks, and say what was wrong, where, and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class PolicyEngineError(Exception):
    """Root of every error raised by policy-engine."""


class InvalidTenantId(PolicyEngineError, ValueError):
    """A tenant ID is outside the catalogue's tenant-ID language."""

    def __init__(self, tenant_id: object, reason: str) -> None:
        self.tenant_id = tenant_id
        self.reason = reason
        super().__init__(f"invalid tenant ID {_quote(tenant_id)}: {reason}")


class UnknownTier(PolicyEngineError, LookupError):
    """A tier name that the catalogue does not define."""

    def __init__(self, tier: str, known: Sequence[str]) -> None:
        self.tier = tier
        self.known = tuple(known)
        super().__init__(f"unknown tier {_quote(tier)}: the catalogue defines {_names(known)}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class UnknownTemplate(PolicyEngineError, LookupError):
    """A template name that the catalogue (or the tier) does not define."""

    def __init__(
        self, template: str, known: Sequence[str], *, where: str = "the catalogue"
    ) -> None:
        self.template = template
        self.known = tuple(known)
        super().__init__(f"unknown template {_quote(template)}: {where} defines {_names(known)}")

    def __str__(self) -> str:
        return str(self.args[0])


class SchemaIssue(NamedTuple):
    """One schema violation: where (JSON path) and what (a plain message).

    A named tuple rather than a dataclass: importing :mod:`dataclasses` (it brings
    :mod:`inspect`) would be most of the import time of ``policy_engine`` itself."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CatalogError(PolicyEngineError, ValueError):
    """A catalogue that cannot be loaded: names the file and the key path."""

    def __init__(self, file: str, message: str, *, key_path: str | None = None) -> None:
        self.file = file
        self.key_path = key_path
        self.detail = message
        where = f"{file}: {key_path}" if key_path else file
        super().__init__(f"{where}: {message}")


class TemplateError(PolicyEngineError, ValueError):
    """A template that cannot be rendered into a valid policy."""

    def __init__(self, template: str, message: str, *, line: int | None = None) -> None:
        self.template = template
        self.line = line
        self.detail = message
        where = f"{template}:{line}" if line is not None else template
        super().__init__(f"{where}: {message}")


class TenantOpacityError(TemplateError):
    """A template tried to inspect the tenant ID instead of only interpolating it."""


class PolicyParseError(PolicyEngineError, ValueError):
    """A policy document that is not valid JSON or not a valid IAM policy.

    ``issues`` lists every problem found, each with its JSON path.
    """

    def __init__(self, issues: Sequence[SchemaIssue], *, source: str | None = None) -> None:
        self.issues = tuple(issues)
        self.source = source
        first = self.issues[0] if self.issues else SchemaIssue("$", "invalid policy")
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{first.path}: {first.message}{more}")


class PolicySizeError(PolicyEngineError, ValueError):
    """A policy longer than the AWS quota for its kind."""

    def __init__(self, kind: str, size: int, limit: int, *, source: str | None = None) -> None:
        self.kind = kind
        self.size = size
        self.limit = limit
        prefix = f"{source}: " if source else ""
        super().__init__(
            f"{prefix}{kind} policy is {size} characters, over the AWS limit of {limit} "
            "(counted minified, without insignificant whitespace)"
        )


def _quote(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    # Keep the message on one line and make control characters visible.
    shown = text.encode("unicode_escape").decode("ascii") if isinstance(text, str) else text
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"`{shown}`"


def _names(names: Sequence[str]) -> str:
    if not names:
        return "none"
    return ", ".join(f"`{n}`" for n in names)
