"""IAM wildcard and policy-variable strings, turned into regular expressions.

IAM strings in Action, Resource and string/ARN condition values may hold ``*`` (any
run of characters), ``?`` (one character) and, under Version 2012-10-17, policy
variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, and the
escapes ``${*}``, ``${?}``, ``${$}`` for literal ``*``, ``?``, ``$``. A variable
whose key is absent (and has no default), or is multivalued, makes the string match
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

#: How ``*`` behaves: ``any`` crosses everything; ``arn`` crosses ``:`` only when it is
#: the last character of an ARN segment (Resource element); ``segment`` never crosses
#: ``:`` (ArnLike/ArnEquals compare each of the six ARN parts separately).
StarMode: TypeAlias = Literal["any", "arn", "segment"]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Literal_:
    text: str


@dataclass(frozen=True, slots=True)
class Wild:
    char: str  # "*" or "?"


@dataclass(frozen=True, slots=True)
class Var:
    key: str  # as written; looked up case-insensitively
    default: str | None


Token: TypeAlias = Literal_ | Wild | Var


@lru_cache(maxsize=4096)
def tokenize(text: str, *, variables: bool, wildcards: bool) -> tuple[Token, ...]:
    """Split an IAM string into literals, wildcards and variables."""
    tokens: list[Token] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if variables and ch == "$" and text.startswith("${", i):
            end = text.find("}", i + 2)
            if end != -1:
                inner = text[i + 2 : end]
                if inner in _ESCAPES:
                    buf.append(_ESCAPES[inner])
                else:
                    if buf:
                        tokens.append(Literal_("".join(buf)))
                        buf = []
                    tokens.append(_parse_variable(inner))
                i = end + 1
                continue
        if wildcards and ch in "*?":
            if buf:
                tokens.append(Literal_("".join(buf)))
                buf = []
            tokens.append(Wild(ch))
        else:
            buf.append(ch)
        i += 1
    if buf:
        tokens.append(Literal_("".join(buf)))
    return tuple(tokens)


def _parse_variable(inner: str) -> Var:
    name, sep, rest = inner.partition(", ")
    if sep and len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'":
        return Var(name.strip(), rest[1:-1])
    return Var(inner.strip(), None)


def has_variables(tokens: tuple[Token, ...]) -> bool:
    return any(isinstance(t, Var) for t in tokens)


Lookup: TypeAlias = Callable[[str], str | None]


def resolve(tokens: tuple[Token, ...], lookup: Lookup) -> tuple[Token, ...] | None:
    """Replace variables by their (literal) values; ``None`` if one has no value."""
    out: list[Token] = []
    for t in tokens:
        if isinstance(t, Var):
            value = lookup(t.key)
            if value is None:
                value = t.default
            if value is None:
                return None
            out.append(Literal_(value))
        else:
            out.append(t)
    return tuple(out)


def to_regex(tokens: tuple[Token, ...], star: StarMode, *, ignore_case: bool) -> re.Pattern[str]:
    return _compile(tokens, star, ignore_case)


#: Bound of the caches of compiled patterns (:func:`to_regex`, :func:`fill`).
REGEX_CACHE_SIZE = 8192


@lru_cache(maxsize=REGEX_CACHE_SIZE)
def _compile(tokens: tuple[Token, ...], star: StarMode, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    for idx, t in enumerate(tokens):
        if isinstance(t, Literal_):
            parts.append(re.escape(t.text))
        elif isinstance(t, Wild):
            nxt = tokens[idx + 1] if idx + 1 < len(tokens) else None
            parts.append(_wildcard(t.char, star, nxt))
        else:  # pragma: no cover - variables are resolved before compiling
            raise ValueError("unresolved policy variable")
    return re.compile("".join(parts), _flags(ignore_case))


def _flags(ignore_case: bool) -> int:
    return re.DOTALL | (re.IGNORECASE if ignore_case else 0)


def _wildcard(char: str, star: StarMode, nxt: Token | None) -> str:
    """The regex of one wildcard, given the token after it (resolved)."""
    if char == "?":
        return "[^:]" if star == "segment" else "."
    if star == "any":
        return ".*"
    if star == "segment":
        return "[^:]*"
    # "arn": a star that ends a segment may cross colons
    ends_segment = nxt is None or (isinstance(nxt, Literal_) and nxt.text.startswith(":"))
    return ".*" if ends_segment else "[^:]*"


def literal_prefix(tokens: tuple[Token, ...], star: StarMode, *, ignore_case: bool) -> str | None:
    """The literal text ``L`` if ``tokens`` are ``L*`` whose ``*`` crosses everything, so
    that the pattern matches exactly the strings that start with ``L``
    (``str.startswith``, no regex); else ``None``. A trailing ``*`` is ``.*`` in the
    ``any`` and ``arn`` modes (it ends its ARN segment), ``[^:]*`` in ``segment``
    mode; a case-insensitive pattern is left to its regex."""
    if ignore_case or star == "segment" or not tokens or tokens[-1] != Wild("*"):
        return None
    return literal_text(tokens[:-1])


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """A pattern holding policy variables, prepared once: its regex source split at
    the variables, filled per request by :func:`fill`.

    ``pieces`` are regex source, the index of a variable (its value, escaped), or
    ``None``: an ``arn``-mode ``*`` just before a variable, which crosses colons only
    when the variable's value starts with one (as :func:`to_regex` decides after
    :func:`resolve`).

    ``literals`` is set when the pattern is case-sensitive and holds no wildcard but,
    at most, one final ``*`` that crosses everything (``bucket/${aws:username}/*``):
    the literal text around the variables (one more than there are variables). Such
    a pattern matches exactly its filled text (``prefix`` false) or the strings that
    start with it (``prefix`` true), so :func:`matcher` needs no regex."""

    pieces: tuple[str | int | None, ...]
    variables: tuple[tuple[str, str | None], ...]  # (lower-case key, default)
    flags: int
    literals: tuple[str, ...] | None = None
    prefix: bool = False


def template(tokens: tuple[Token, ...], star: StarMode, *, ignore_case: bool) -> Template:
    pieces: list[str | int | None] = []
    variables: list[tuple[str, str | None]] = []
    for idx, t in enumerate(tokens):
        if isinstance(t, Literal_):
            pieces.append(re.escape(t.text))
        elif isinstance(t, Wild):
            nxt = tokens[idx + 1] if idx + 1 < len(tokens) else None
            if isinstance(nxt, Var) and t.char == "*" and star == "arn":
                pieces.append(None)
            else:
                pieces.append(_wildcard(t.char, star, nxt))
        else:
            pieces.append(len(variables))
            variables.append((t.key.lower(), t.default))
    # A final `*` that crosses everything (not in `segment` mode) is a prefix test.
    prefix = star != "segment" and bool(tokens) and tokens[-1] == Wild("*")
    body = tokens[:-1] if prefix else tokens
    literals: tuple[str, ...] | None = None
    if not ignore_case and not any(isinstance(t, Wild) for t in body):
        texts = [""]
        for t in body:
            if isinstance(t, Literal_):
                texts[-1] += t.text
            else:
                texts.append("")
        literals = tuple(texts)
    return Template(
        tuple(pieces),
        tuple(variables),
        _flags(ignore_case),
        literals,
        prefix and literals is not None,
    )


Context: TypeAlias = Mapping[str, tuple[tuple[str, ...], bool]]
#: ``(value, context)``: whether ``value`` matches a template filled from ``context``;
#: ``None`` when a variable has no value.
TemplateMatch: TypeAlias = Callable[[str, Context], bool | None]


def matcher(tp: Template) -> TemplateMatch:
    """``fill(tp, context).fullmatch(value)`` as one call, prepared once: for a template
    with ``literals``, the filled text compared (``==`` or ``str.startswith``) with no
    regex; for the others, the filled regex."""
    literals = tp.literals
    if literals is None:

        def by_regex(value: str, context: Context) -> bool | None:
            pattern = fill(tp, context)
            return None if pattern is None else pattern.fullmatch(value) is not None

        return by_regex
    prefix = tp.prefix
    if len(tp.variables) == 1:  # the common case, inline
        ((key, default),) = tp.variables
        head, tail = literals

        def one(value: str, context: Context) -> bool | None:
            entry = context.get(key)
            if entry is not None and not entry[1] and len(entry[0]) == 1:
                filled = head + entry[0][0] + tail
            elif default is not None:
                filled = head + default + tail
            else:
                return None
            return value.startswith(filled) if prefix else value == filled

        return one
    variables = tuple(zip(tp.variables, literals[1:], strict=True))
    first = literals[0]

    def many(value: str, context: Context) -> bool | None:
        filled = first
        for (key, default), text in variables:
            entry = context.get(key)
            if entry is not None and not entry[1] and len(entry[0]) == 1:
                filled += entry[0][0] + text
            elif default is not None:
                filled += default + text
            else:
                return None
        return value.startswith(filled) if prefix else value == filled

    return many


def fill(tp: Template, context: Context) -> re.Pattern[str] | None:
    """The regex of ``tp`` with the request's values; ``None`` if a variable has no
    value (as :func:`resolve`: an absent, empty or multivalued key takes the default)."""
    values: list[str] = []
    for key, default in tp.variables:
        entry = context.get(key)
        if entry is not None and not entry[1] and len(entry[0]) == 1:
            values.append(entry[0][0])
        elif default is not None:
            values.append(default)
        else:
            return None
    return _filled(tp, tuple(values))


@lru_cache(maxsize=REGEX_CACHE_SIZE)
def _filled(tp: Template, values: tuple[str, ...]) -> re.Pattern[str]:
    parts: list[str] = []
    pieces = tp.pieces
    for idx, piece in enumerate(pieces):
        if piece is None:
            following = pieces[idx + 1]
            assert isinstance(following, int)
            parts.append(".*" if values[following].startswith(":") else "[^:]*")
        elif isinstance(piece, int):
            parts.append(re.escape(values[piece]))
        else:
            parts.append(piece)
    return re.compile("".join(parts), tp.flags)


def union(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern whose ``fullmatch`` holds where one of ``patterns``' does (same
    flags); ``None`` for none."""
    if not patterns:
        return None
    if len(patterns) == 1:
        return patterns[0]
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError("patterns of a union need the same flags")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop())


def split_tokens(tokens: tuple[Token, ...], sep: str, maxsplit: int) -> list[tuple[Token, ...]]:
    """Split at ``sep`` inside literals, at most ``maxsplit`` times."""
    pieces: list[tuple[Token, ...]] = []
    current: list[Token] = []
    for t in tokens:
        if isinstance(t, Literal_) and sep in t.text and len(pieces) < maxsplit:
            chunks = t.text.split(sep, maxsplit - len(pieces))
            for chunk in chunks[:-1]:
                if chunk:
                    current.append(Literal_(chunk))
                pieces.append(tuple(current))
                current = []
            if chunks[-1]:
                current.append(Literal_(chunks[-1]))
        else:
            current.append(t)
    pieces.append(tuple(current))
    return pieces


def literal_text(tokens: tuple[Token, ...]) -> str | None:
    """The plain string if ``tokens`` hold no wildcard, else ``None``."""
    if all(isinstance(t, Literal_) for t in tokens):
        return "".join(t.text for t in tokens if isinstance(t, Literal_))
    return None


def context_lookup(context: Mapping[str, tuple[tuple[str, ...], bool]]) -> Lookup:
    """A variable lookup over a normalised request context (lower-case keys)."""

    def lookup(key: str) -> str | None:
        entry = context.get(key.lower())
        if entry is None:
            return None
        values, multi = entry
        if multi or len(values) != 1:
            return None
        return values[0]

    return lookup


#: In :func:`may_overlap` patterns: a tenant slot, any string without the slot's
#: excluded characters.
SLOT = "\x02"
_SPECIAL = frozenset(("*", "?", SLOT))


@lru_cache(maxsize=8192)
def may_overlap(a: str, b: str, slot_excludes: str = "") -> bool:
    """Whether two patterns can match one common string: ``*`` is any string, ``?``
    any one character, :data:`SLOT` any string without a character of
    ``slot_excludes``, everything else literal (callers replace variables by ``*``).
    Exact for that model; the isolation checker uses it as a sound pre-filter.

    >>> may_overlap("arn:x:api/prod/GET/t/*", "arn:x:api/prod/*/t/*")
    True
    >>> may_overlap("arn:x:api/prod/GET/t/*", "arn:x:api/prod/POST/t/*")
    False
    >>> may_overlap(f"t/{SLOT}/orders", f"t/{SLOT}", "/")
    False
    """
    # A literal character both begin (or both end) with is one every common string
    # begins (ends) with: drop it, so two long ARNs with one head cost their tails.
    head = _common(a, b, min(len(a), len(b)), front=True)
    tail = _common(a, b, min(len(a), len(b)) - head, front=False)
    if head or tail:
        a, b = a[head : len(a) - tail], b[head : len(b) - tail]

    def meet(x: str, y: str) -> bool:
        if x == "*" or y == "*" or x == "?" or y == "?":
            return True
        if x == SLOT and y == SLOT:
            return True
        if x == SLOT or y == SLOT:
            return (y if x == SLOT else x) not in slot_excludes
        return x == y

    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        star_a = i < len(a) and a[i] in ("*", SLOT)
        star_b = j < len(b) and b[j] in ("*", SLOT)
        if star_a:
            stack.append((i + 1, j))
        if star_b:
            stack.append((i, j + 1))
        if i < len(a) and j < len(b) and meet(a[i], b[j]):
            step = (i + (not star_a), j + (not star_b))
            if step != (i, j):
                stack.append(step)
    return False


def _common(a: str, b: str, limit: int, *, front: bool) -> int:
    """How many characters, at most ``limit``, ``a`` and ``b`` share at their front
    (or back) with no wildcard among them: slices compared in a binary search."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if (a[:mid] == b[:mid]) if front else (a[len(a) - mid :] == b[len(b) - mid :]):
            lo = mid
        else:
            hi = mid - 1
    shared = a[:lo] if front else a[len(a) - lo :]
    for special in _SPECIAL:
        at = shared.find(special) if front else shared.rfind(special)
        if at >= 0:
            lo = min(lo, at) if front else min(lo, lo - at - 1)
    return lo


def as_pattern(text: str, variable: Callable[[Var], str] = lambda _: "*") -> str:
    """An IAM string as a plain ``*``/``?`` pattern for :func:`may_overlap` or
    :func:`glob_match`: each variable replaced by ``variable(var)`` (default ``*``).
    Escapes (``${*}``) become wildcards too: an over-approximation, never narrower."""
    parts: list[str] = []
    for tok in tokenize(text, variables=True, wildcards=True):
        if isinstance(tok, Var):
            parts.append(variable(tok))
        elif isinstance(tok, Wild):
            parts.append(tok.char)
        else:
            parts.append(tok.text)
    return "".join(parts)


@lru_cache(maxsize=REGEX_CACHE_SIZE)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """:func:`glob_match` as a compiled regex (``fullmatch`` it): for patterns matched
    against many texts."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
        re.DOTALL,
    )


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether ``pattern`` (``*``, ``?``) matches ``text``, whose own ``*``/``?`` are
    plain characters. Linear two-pointer walk with one backtrack point."""
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    p = t = 0
    star = mark = -1
    while t < len(text):
        if p < len(pattern) and pattern[p] != "*" and pattern[p] in ("?", text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)
