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


def _prefix_range(keys: Sequence[str], head: str) -> range:
    """The positions of the sorted ``keys`` that start with ``head``."""
    lo = bisect_left(keys, head)
    while head and head[-1] == _LAST:
        head = head[:-1]
    if not head:
        return range(lo, len(keys))
    return range(lo, bisect_left(keys, head[:-1] + chr(ord(head[-1]) + 1)))


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int  # the statement's index in the policy
    position: int  # its place among the policy's statements of its group
    conditioned: bool
    actions: tuple[str, ...]  # lower case
    resources: tuple[str, ...]
    path: str


class _Index:
    """One group's statements (same effect and principals), with the sorted first
    actions and first resources; a statement without any goes into every candidate
    set (it is implied by anything on that side)."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.actions = _Side([(e.actions[0], e.position) for e in entries if e.actions])
        self.resources = _Side([(e.resources[0], e.position) for e in entries if e.resources])
        self.no_actions = [e.position for e in entries if not e.actions]
        self.no_resources = [e.position for e in entries if not e.resources]

    def candidates(self, actions: Patterns, resources: Patterns) -> Iterable[int]:
        """Positions of the statements ``actions`` and ``resources`` may imply, in
        statement order (a superset)."""
        by_action = [self.actions.range(h) for h in actions.heads]
        by_resource = [self.resources.range(h) for h in resources.heads]
        size_a = sum(map(len, by_action)) + len(self.no_actions)
        size_r = sum(map(len, by_resource)) + len(self.no_resources)
        if min(size_a, size_r) >= len(self.entries):
            return range(len(self.entries))
        side, ranges, extra = (
            (self.actions, by_action, self.no_actions)
            if size_a <= size_r
            else (self.resources, by_resource, self.no_resources)
        )
        found = set(extra)
        for r in ranges:
            found.update(side.positions[r.start : r.stop])
        return sorted(found)


class _Side:
    def __init__(self, keyed: list[tuple[str, int]]) -> None:
        keyed.sort()
        self.keys = [k for k, _ in keyed]
        self.positions = [p for _, p in keyed]

    def range(self, head: str) -> range:
        return _prefix_range(self.keys, head)


def _group(s: Statement) -> tuple[str, Principal | None, Principal | None]:
    return s.effect, s.principal, s.not_principal


def implied(
    statements: Sequence[tuple[int, Statement, str]],
) -> Iterator[tuple[int, Statement, str]]:
    """For each statement ``a`` without conditions (in order), the first other
    statement it implies, if any: ``(a's index, a, the implied statement's path)``.
    A statement implied only by a later one, itself without conditions, is left to
    that one (of two equal statements the later is reported)."""
    groups: dict[tuple[str, Principal | None, Principal | None], list[_Entry]] = {}
    for i, s, path in statements:
        if s.action is None or s.resource is None:
            continue
        entries = groups.setdefault(_group(s), [])
        actions = tuple(a.lower() for a in s.action)
        entries.append(
            _Entry(i, len(entries), bool(s.conditions), actions, tuple(s.resource), path)
        )
    indexes = {key: _Index(entries) for key, entries in groups.items()}
    for i, a, _ in statements:
        if a.conditions or a.action is None or a.resource is None:
            continue
        index = indexes[_group(a)]
        actions = Patterns.of(x.lower() for x in a.action)
        resources = Patterns.of(a.resource)
        for position in index.candidates(actions, resources):
            b = index.entries[position]
            if b.index == i or not (b.index > i or b.conditioned):
                continue
            if all(map(actions.matches, b.actions)) and all(map(resources.matches, b.resources)):
                yield i, a, b.path
                break
