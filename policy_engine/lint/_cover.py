"""Which statement of a policy implies another (PE070), without comparing every pair.

Statement ``a`` implies ``b`` when they have the same effect and principals and every
action and resource of ``b`` matches a pattern of ``a`` (actions ignoring case). Two
necessary conditions index the candidates: ``b``'s first action starts with the
literal head (the text before the first wildcard) of one of ``a``'s action patterns,
and likewise ``b``'s first resource. Statements of one effect and principal sit in
sorted lists of their first action and first resource; a head is a range of either
list, found by bisection, and ``a`` takes the candidates of the narrower index. Only
candidates are matched in full.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .._glob import glob_match
from ..model import Principal, Statement

_LAST = chr(sys.maxunicode)


def _head(pattern: str) -> str:
    """The literal text before the pattern's first ``*`` or ``?``."""
    cut = len(pattern)
    for wild in ("*", "?"):
        at = pattern.find(wild)
        if 0 <= at < cut:
            cut = at
    return pattern[:cut]


@dataclass(frozen=True, slots=True)
class Patterns:
    """Action or Resource patterns split by how they match: literal text, one
    trailing ``*`` (a prefix), anything else (:func:`glob_match`)."""

    literal: frozenset[str]
    prefixes: tuple[str, ...]
    globs: tuple[str, ...]
    heads: tuple[str, ...]

    @classmethod
    def of(cls, patterns: Iterable[str]) -> Patterns:
        literal: set[str] = set()
        prefixes: list[str] = []
        globs: list[str] = []
        heads: list[str] = []
        for p in patterns:
            head = _head(p)
            heads.append(head)
            if head == p:
                literal.add(p)
            elif p == head + "*":
                prefixes.append(head)
            else:
                globs.append(p)
        return cls(frozenset(literal), tuple(prefixes), tuple(globs), tuple(heads))

    def matches(self, text: str) -> bool:
        """Whether a pattern matches ``text`` as ``glob_match(pattern, text)`` does."""
        if text in self.literal:
            return True
        if any(text.startswith(p) for p in self.prefixes):
            return True
        return any(glob_match(g, text) for g in self.globs)


@lru_cache(maxsize=8192)
def _lower(actions: tuple[str, ...]) -> tuple[str, ...]:
    """An Action list in lower case (memoised: tenant-independent)."""
    return tuple(a.lower() for a in actions)


@lru_cache(maxsize=8192)
def _action_patterns(actions: tuple[str, ...]) -> Patterns:
    return Patterns.of(actions)


def _prefix_range(keys: Sequence[str], head: str) -> range:
    """The positions of the sorted ``keys`` that start with ``head``."""
    lo = bisect_left(keys, head)
    while head and head[-1] == _LAST:
        head = head[:-1]
    if not head:
        return range(lo, len(keys))
    return range(lo, bisect_left(keys, head[:-1] + chr(ord(head[-1]) + 1)))


#: A statement of a group: (index in the policy, has conditions, lower-case actions,
#: resources, JSON path).
_Row = tuple[int, bool, tuple[str, ...], tuple[str, ...], str]


class _Side:
    """One group's statements by their first action (or first resource): exact text
    in a dict, sorted for literal heads; those with none match anything."""

    def __init__(self, firsts: list[str | None]) -> None:
        self.exact: dict[str, list[int]] = {}
        self.empty: list[int] = []
        for position, first in enumerate(firsts):
            if first is None:
                self.empty.append(position)
            else:
                self.exact.setdefault(first, []).append(position)
        self._sorted: tuple[list[str], list[int]] | None = None

    def candidates(self, patterns: Iterable[str]) -> list[int] | None:
        """Positions whose first item one of ``patterns`` may match (``None``: all)."""
        out = list(self.empty)
        for p in patterns:
            if "*" in p or "?" in p:
                head = _head(p)
                if not head:
                    return None
                if self._sorted is None:
                    pairs = sorted((k, i) for k, ps in self.exact.items() for i in ps)
                    self._sorted = [k for k, _ in pairs], [i for _, i in pairs]
                keys, positions = self._sorted
                r = _prefix_range(keys, head)
                out.extend(positions[r.start : r.stop])
            else:
                out.extend(self.exact.get(p, ()))
        return out


#: Groups of at most this many statements are matched pair by pair (building the
#: index costs more than it saves).
_PAIRWISE = 4


class _Group:
    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.position = {row[0]: p for p, row in enumerate(rows)}
        self.actions = _Side([r[2][0] if r[2] else None for r in rows])
        self.resources = _Side([r[3][0] if r[3] else None for r in rows])

    def candidates(self, index: int, actions: Sequence[str], resources: Sequence[str]) -> list[int]:
        """Positions of the other statements these patterns may imply, in statement
        order (a superset). The resource side first: it is usually the narrower, and
        when it holds only the statement itself the action side is not looked at."""
        own = {self.position[index]}
        by_resource = self.resources.candidates(resources)
        if by_resource is not None and own.issuperset(by_resource):
            return []
        by_action = self.actions.candidates(_lower(tuple(actions)))
        if by_action is None:
            found = set(range(len(self.rows))) if by_resource is None else set(by_resource)
        elif by_resource is None:
            found = set(by_action)
        else:
            found = set(by_action).intersection(by_resource)
        return sorted(found - own)


def implied(
    statements: Sequence[tuple[int, Statement, str]],
) -> Iterator[tuple[int, Statement, str]]:
    """For each statement ``a`` without conditions (in order), the first other
    statement it implies, if any: ``(a's index, a, the implied statement's path)``.
    A statement implied only by a later one, itself without conditions, is left to
    that one (of two equal statements the later is reported)."""
    rows: dict[tuple[str, Principal | None, Principal | None], list[_Row]] = {}
    for i, s, path in statements:
        if s.action is not None and s.resource is not None:
            key = (s.effect, s.principal, s.not_principal)
            actions = _lower(s.action)
            rows.setdefault(key, []).append((i, bool(s.conditions), actions, s.resource, path))
    groups: dict[tuple[str, Principal | None, Principal | None], _Group] = {}
    for i, a, _ in statements:
        if a.conditions or a.action is None or a.resource is None:
            continue
        key = (a.effect, a.principal, a.not_principal)
        shared = rows[key]
        if len(shared) < 2:
            continue  # nothing else shares its effect and principals
        if len(shared) <= _PAIRWISE:
            candidates: Iterable[_Row] = (row for row in shared if row[0] != i)
        else:
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(shared)
            candidates = map(group.rows.__getitem__, group.candidates(i, a.action, a.resource))
        found = [row for row in candidates if row[0] > i or row[1]]
        if not found:
            continue
        by_action = _action_patterns(_lower(a.action))
        by_resource = Patterns.of(a.resource)
        for row in found:
            if all(map(by_action.matches, row[2])) and all(map(by_resource.matches, row[3])):
                yield i, a, row[4]
                break
