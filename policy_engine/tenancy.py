"""Tenant IDs, their language, and the tenant context handed to service code.

A catalogue declares which strings are tenant IDs: an alphabet of safe characters,
a length range and, optionally, a regular expression that narrows it further. The
alphabet can never hold a character that changes a policy's meaning or structure
(``* ? $ { } " / : \\``, whitespace, control characters, anything outside Latin-1):
the catalogue schema refuses such alphabets, and :class:`TenantIdLanguage` checks
again, so a language built in code is held to the same rule.

>>> lang = TenantIdLanguage.from_spec({"alphabet": ["a-z", "0-9", "-"],
...                                    "min_length": 2, "max_length": 32})
>>> lang.validate("acme-corp")
'acme-corp'
>>> lang.validate("acme*")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policy_engine.errors.InvalidTenantId: invalid tenant ID `acme*`: character `*` at position 4 ...
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._automata import Unsupported, check_pattern
from .errors import InvalidTenantId, PolicyEngineError

#: Every character a tenant-ID alphabet may contain. It is the intersection of what
#: STS accepts in RoleSessionName/SourceIdentity (``[\w+=,.@-]``) and in session tag
#: values (``[\p{L}\p{Z}\p{N}_.:/=+\-@]``), restricted to ASCII, so that a tenant ID
#: can be used verbatim in a session name, a source identity and a session tag.
SAFE_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_.=+@-")

#: Characters that are refused whatever the language says (defence in depth).
DANGEROUS_CHARACTERS = frozenset("*?${}\"/:\\[]#%&<>|`'")

_RANGE = re.compile(r"^(?P<lo>[a-zA-Z0-9])-(?P<hi>[a-zA-Z0-9])$")
_MAX_TENANT_ID_LENGTH = 64  # RoleSessionName and SourceIdentity are at most 64 characters


class UnsupportedTenantPattern(PolicyEngineError, ValueError):
    """A tenant-ID pattern outside the regex subset the isolation proof translates
    exactly (the message names the construct and the supported subset)."""

    def __init__(self, pattern: str, message: str) -> None:
        self.pattern = pattern
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class TenantIdLanguage:
    """The set of valid tenant IDs: alphabet, length range, optional pattern."""

    alphabet: frozenset[str]
    min_length: int
    max_length: int
    pattern: str | None = None
    alphabet_spec: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = sorted(c for c in self.alphabet if c not in SAFE_CHARACTERS)
        if bad:
            raise ValueError(
                "tenant-ID alphabet holds unsafe characters "
                + ", ".join(f"`{c}`" for c in bad)
                + "; allowed are ASCII letters, digits and `_ . = + @ -`"
            )
        if not self.alphabet:
            raise ValueError("tenant-ID alphabet is empty")
        if not 1 <= self.min_length <= self.max_length <= _MAX_TENANT_ID_LENGTH:
            raise ValueError(
                f"tenant-ID lengths must satisfy 1 <= min_length <= max_length <= "
                f"{_MAX_TENANT_ID_LENGTH}; got {self.min_length} and {self.max_length}"
            )
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(
                    f"tenant-ID pattern `{self.pattern}` is not a regex: {exc}"
                ) from exc
            # The isolation proof must reason about exactly this language: a pattern it
            # cannot translate exactly into an automaton is refused here, never
            # approximated there.
            try:
                check_pattern(self.pattern, self.max_length)
            except Unsupported as exc:
                raise UnsupportedTenantPattern(self.pattern, str(exc)) from exc

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> TenantIdLanguage:
        """Build from the manifest's ``[tenant_id]`` table."""
        items = tuple(spec["alphabet"])
        return cls(
            alphabet=expand_alphabet(items),
            min_length=int(spec.get("min_length", 1)),
            max_length=int(spec.get("max_length", _MAX_TENANT_ID_LENGTH)),
            pattern=spec.get("pattern"),
            alphabet_spec=items,
        )

    @property
    def _compiled(self) -> re.Pattern[str] | None:
        return _compile(self.pattern) if self.pattern is not None else None

    def describe_alphabet(self) -> str:
        return (
            ", ".join(self.alphabet_spec) if self.alphabet_spec else "".join(sorted(self.alphabet))
        )

    def reason_invalid(self, value: object) -> str | None:
        """Why ``value`` is not a tenant ID of this language, or ``None`` if it is."""
        if not isinstance(value, str):
            return f"must be a string, not {type(value).__name__}"
        if not value:
            return "is empty"
        for i, ch in enumerate(value):
            if ch in DANGEROUS_CHARACTERS or ch not in self.alphabet:
                shown = ch.encode("unicode_escape").decode("ascii") if not ch.isprintable() else ch
                if ch.isspace() or not ch.isprintable():
                    kind = "whitespace or control character"
                elif ord(ch) > 0xFF:
                    kind = "non-Latin-1 character"
                else:
                    kind = "character"
                return (
                    f"{kind} `{shown}` at position {i} is not allowed; "
                    f"allowed characters are {self.describe_alphabet()}"
                )
        if len(value) < self.min_length:
            return f"is {len(value)} characters long; the minimum is {self.min_length}"
        if len(value) > self.max_length:
            return f"is {len(value)} characters long; the maximum is {self.max_length}"
        compiled = self._compiled
        if compiled is not None and compiled.fullmatch(value) is None:
            return f"does not match the catalogue's tenant-ID pattern `{self.pattern}`"
        return None

    def is_valid(self, value: object) -> bool:
        return self.reason_invalid(value) is None

    def validate(self, value: object) -> str:
        """Return ``value`` if it is a tenant ID of this language, else raise
        :class:`~policy_engine.errors.InvalidTenantId`."""
        reason = self.reason_invalid(value)
        if reason is not None:
            raise InvalidTenantId(value, reason)
        assert isinstance(value, str)
        return value


def expand_alphabet(items: Iterable[str]) -> frozenset[str]:
    """Expand ``["a-z", "0-9", "-"]`` into a set of characters."""
    chars: set[str] = set()
    for item in items:
        m = _RANGE.match(item)
        if m:
            lo, hi = m["lo"], m["hi"]
            same_class = any(lo in cls and hi in cls for cls in _CLASSES)
            if not same_class or lo > hi:
                raise ValueError(
                    f"alphabet range `{item}` must run upwards within one of a-z, A-Z or 0-9"
                )
            chars.update(chr(c) for c in range(ord(lo), ord(hi) + 1))
        elif len(item) == 1:
            chars.add(item)
        else:
            raise ValueError(
                f"alphabet item `{item}` must be one character or a range such as `a-z`"
            )
    return frozenset(chars)


_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)

_PATTERN_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _PATTERN_CACHE.get(pattern)
    if compiled is None:
        compiled = _PATTERN_CACHE[pattern] = re.compile(pattern)
    return compiled


@dataclass(frozen=True, slots=True)
class TenantContext:
    """Who is calling: a validated tenant ID and its tier."""

    tenant_id: str
    tier: str


# -- STS session names ------------------------------------------------------------------

#: What STS accepts in ``RoleSessionName`` and ``SourceIdentity``: 2-64 characters of
#: ``[\w+=,.@-]`` (read as ASCII); a ``SourceIdentity`` may not start with ``aws:``.
STS_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_+=,.@-")
STS_NAME_MIN_LENGTH = 2
STS_NAME_MAX_LENGTH = 64
_STS_NAME_PAD_PREFERENCE = ",=+@._-"


def _session_name_pad(language: TenantIdLanguage) -> str | None:
    """A character STS accepts in a session name that no tenant ID of ``language``
    holds (``,`` for every language the catalogue schema allows)."""
    for ch in _STS_NAME_PAD_PREFERENCE:
        if ch not in language.alphabet:
            return ch
    return None


def session_name_problem(language: TenantIdLanguage) -> str | None:
    """Why :func:`session_name` cannot map ``language`` injectively onto valid STS
    session names, or ``None`` when it can (catalogue loading refuses the former)."""
    outside = sorted(language.alphabet - STS_NAME_CHARACTERS)
    if outside:
        return (
            "tenant IDs of this language cannot be STS session names: "
            + ", ".join(f"`{c}`" for c in outside)
            + " is outside what RoleSessionName and SourceIdentity accept ([\\w+=,.@-])"
        )
    if language.max_length > STS_NAME_MAX_LENGTH:
        return (
            f"tenant IDs of up to {language.max_length} characters cannot be STS session "
            f"names (at most {STS_NAME_MAX_LENGTH} characters)"
        )
    if language.min_length < STS_NAME_MIN_LENGTH and _session_name_pad(language) is None:
        return (
            "one-character tenant IDs need a padding character that no tenant ID holds, "
            "and the alphabet leaves none of "
            + " ".join(f"`{c}`" for c in _STS_NAME_PAD_PREFERENCE)
        )
    return None


def session_name(tenant: str, language: TenantIdLanguage) -> str:
    """The ``RoleSessionName`` and ``SourceIdentity`` of ``tenant``: the last part of
    its session ARN (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME``) and of its
    ``aws:userid`` (``ROLEID:NAME``).

    Pure and injective over ``language``: a tenant ID of two or more characters is its
    own name (every character of a tenant alphabet is one STS accepts), and a
    one-character ID ``x`` becomes ``x,``: ``,`` (or, should a language ever hold it,
    another STS character outside the alphabet) can stand in no other tenant's name,
    so ``x`` and ``tenant-x`` never share a session, a principal or a user ID. The
    result is always 2-64 characters of ``[\\w+=,.@-]`` and never starts with ``aws:``.

    Raises :class:`~policy_engine.errors.InvalidTenantId` for a string outside the
    language, and ``ValueError`` for a language that cannot be mapped (see
    :func:`session_name_problem`; catalogue loading refuses such languages).
    """
    tenant = language.validate(tenant)
    problem = session_name_problem(language)
    if problem is not None:
        raise ValueError(problem)
    if len(tenant) >= STS_NAME_MIN_LENGTH:
        return tenant
    pad = _session_name_pad(language)
    assert pad is not None  # session_name_problem checked it
    return tenant + pad * (STS_NAME_MIN_LENGTH - len(tenant))
