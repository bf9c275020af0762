"""Steps 1 and 3: policy and model strings as automaton pieces (IAM globs, the
tenant slot, policy variables), and plain glob helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

from .. import _automata as fa
from .. import _glob
from ..render import TENANT_MARKER

TAG_KEY = "aws:PrincipalTag/TenantId"
TIER_TAG_KEY = "aws:PrincipalTag/Tier"


def _pieces(
    text: str,
    *,
    star_mode: Literal["arn", "any"],
    variables: bool,
    tier: str | None = None,
    tags: bool = True,
) -> list[fa.Piece]:
    return list(_pieces_cached(text, star_mode, variables, tier, tags))


@lru_cache(maxsize=8192)
def _pieces_cached(
    text: str,
    star_mode: Literal["arn", "any"],
    variables: bool,
    tier: str | None,
    tags: bool,
) -> tuple[fa.Piece, ...]:
    """A policy string as pieces; the tenant marker and the tenant tag become the slot.

    Variables are tokenised on the whole string first, so a variable whose default (or
    key) holds the rendered tenant is read as the variable it is, never as literal
    ``${...`` text around a tenant slot. ``${aws:PrincipalTag/TenantId}`` (with or
    without a default: vending always sets the tag) is the slot, and
    ``${aws:PrincipalTag/Tier}`` the tier's name when ``tier`` is given; any other
    variable (and the tags, when ``tags`` is false: API Gateway evaluates an
    authorizer's policy without session tags) is outside the fragment."""
    tokens = _glob.tokenize(text, variables=variables, wildcards=True)
    flat: list[tuple[str, str]] = []  # ("lit", text) | ("wild", char) | ("slot", "")
    for tok in tokens:
        if isinstance(tok, _glob.Literal_):
            for i, chunk in enumerate(tok.text.split(TENANT_MARKER)):
                if i:
                    flat.append(("slot", ""))
                if chunk:
                    flat.append(("lit", chunk))
        elif isinstance(tok, _glob.Wild):
            flat.append(("wild", tok.char))
        else:
            key = tok.key.lower()
            if tags and key == TAG_KEY.lower() and TENANT_MARKER not in tok.key:
                flat.append(("slot", ""))
            elif tags and key == TIER_TAG_KEY.lower() and tier is not None:
                flat.append(("lit", tier))
            else:
                shown = (
                    f"${{{tok.key}}}" if tok.default is None else f"${{{tok.key}, '{tok.default}'}}"
                )
                raise fa.Unsupported(
                    f"policy variable `{shown.replace(TENANT_MARKER, '{{ tenant }}')}`"
                )
    pieces: list[fa.Piece] = []
    for j, (kind, value) in enumerate(flat):
        if kind == "lit":
            pieces.extend(("lit", c) for c in value)
        elif kind == "slot":
            pieces.append(("slot", ""))
        elif value == "?":
            pieces.append(("one", ""))
        elif star_mode == "any":
            pieces.append(("star", "any"))
        else:
            nxt = flat[j + 1] if j + 1 < len(flat) else None
            ends = nxt is None or (nxt[0] == "lit" and nxt[1].startswith(":"))
            pieces.append(("star", "any" if ends else "segment"))
    return tuple(pieces)


def _model_pieces(text: str) -> list[fa.Piece]:
    """A resource-model string: ``{tenant}`` is the slot, ``*`` any text (colons
    included: the model names sets of strings, it is not a Resource element)."""
    return _pieces(text.replace("{tenant}", TENANT_MARKER), star_mode="any", variables=False)


def _chars(pieces: Iterable[fa.Piece]) -> set[str]:
    return {v for k, v in pieces if k == "lit"}


def _shown(text: str) -> str:
    return text.replace(TENANT_MARKER, "{{ tenant }}")


def _covered_fast(pattern: str, cover: Sequence[str]) -> bool:
    """Sound and cheap: ``pattern`` is one of the cover globs, or a literal one of
    them matches, or lies under a cover glob that is a literal followed by one
    final ``*`` (which matches any rest, colons included)."""
    if pattern in cover:
        return True
    wild = [i for i, c in enumerate(pattern) if c in "*?"]
    head = pattern[: wild[0]] if wild else pattern
    for glob in cover:
        if glob.endswith("*") and not any(c in glob[:-1] for c in "*?"):
            if head.startswith(glob[:-1]):
                return True
        elif not wild and _stars_cross_colons(glob) and _glob.glob_match(glob, pattern):
            return True
    return False


def _stars_cross_colons(glob: str) -> bool:
    """Whether every ``*`` of a Resource glob ends an ARN segment (so it crosses
    colons, as :func:`_glob.glob_match` reads it)."""
    return all(glob[i + 1 : i + 2] in ("", ":") for i, c in enumerate(glob) if c == "*")


def _glob_pieces(glob: str, star_mode: Literal["arn", "any"]) -> list[fa.Piece]:
    """A plain ``*``/``?`` pattern as pieces, ``*`` read as in a Resource element
    (``arn``) or as any text."""
    pieces: list[fa.Piece] = []
    for i, ch in enumerate(glob):
        if ch == "?":
            pieces.append(("one", ""))
        elif ch == "*":
            nxt = glob[i + 1] if i + 1 < len(glob) else None
            ends = star_mode == "any" or nxt is None or nxt == ":"
            pieces.append(("star", "any" if ends else "segment"))
        else:
            pieces.append(("lit", ch))
    return pieces


def _union(alternatives: Sequence[list[fa.Piece]], sigma: frozenset[str]) -> fa.NFA:
    """The union of plain patterns (no tenant slot)."""
    return _union_of([fa.pattern_nfa(p, sigma, None, ("", ""), ("", "")) for p in alternatives])


def _debracket(nfa: fa.NFA) -> fa.NFA:
    """The same automaton with its bracket symbols read as empty moves."""
    delta: list[dict[str, set[int]]] = []
    eps = [set(e) for e in nfa.eps]
    for state, moves in enumerate(nfa.delta):
        kept: dict[str, set[int]] = {}
        for symbol, targets in moves.items():
            if symbol in fa.BRACKETS or symbol == "":
                eps[state] |= targets
            else:
                kept[symbol] = set(targets)
        delta.append(kept)
    return fa.NFA(delta, eps, nfa.start, set(nfa.accept))


def _union_of(parts: Sequence[fa.NFA]) -> fa.NFA:
    union = fa.NFA()
    union.start = union.add()
    for part in parts:
        start, accept = union.embed(part)
        union.eps[union.start].add(start)
        union.accept |= accept
    return union


@lru_cache(maxsize=8192)
def _as_glob(text: str) -> str:
    """A policy or model string for :func:`_glob.may_overlap`: the tenant and the
    tenant tag as slots, other variables as ``*``."""
    tag = TAG_KEY.lower()
    return _glob.as_pattern(
        text.replace(TENANT_MARKER, _glob.SLOT),
        lambda var: _glob.SLOT if var.key.lower() == tag and var.default is None else "*",
    )


def _model_glob(text: str) -> str:
    """A resource-model string (a resource's ARN, a partition, a shape's target) as a
    :func:`_glob.may_overlap` pattern, read as :func:`_model_pieces` reads it for the
    coverage check: ``{tenant}`` the slot, ``*`` any text (`/` and `:` included: the
    model names sets of strings, it is not a Resource element), ``?`` one character.
    Every check that asks whether a grant can meet a model resource reads the model
    through this one helper, so no two checks read one model ARN differently."""
    return _as_glob(text.replace("{tenant}", TENANT_MARKER))


def resource_field_may_be(arn: str, globs: tuple[str, ...]) -> bool:
    """Whether a model ARN may name an ARN whose resource field (after the fifth
    colon) one of ``globs`` matches (``accesspoint/*``, ``execution:*``). The field is
    compared alone when the five before it are written out; a `*` among them may
    stand for colons, and then the whole ARN is compared with ``arn:*:*:*:*:GLOB``.
    ``{tenant}`` in ``arn`` is a tenant ID, which never holds `/` or `:` (the catalogue
    schema refuses such languages)."""
    fields = arn.split(":", 5)
    if len(fields) == 6 and not any("*" in f for f in fields[:5]):
        return any(_glob.may_overlap(_model_glob(fields[5]), g, "/:") for g in globs)
    return any(_glob.may_overlap(_model_glob(arn), f"arn:*:*:*:*:{g}", "/:") for g in globs)


def _listify(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | int | float | bool) else list(value)


def _fill_tenant(value: str | list[str], tenant: str) -> str | list[str]:
    if isinstance(value, list):
        return [v.replace(TENANT_MARKER, tenant) for v in value]
    return value.replace(TENANT_MARKER, tenant)
