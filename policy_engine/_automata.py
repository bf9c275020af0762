"""Finite automata over a small abstract alphabet, for the isolation proof.

Strings are over ``Sigma``: the characters that occur in the patterns and the
tenant-ID alphabet, plus :data:`OTHER`, which stands for every character nobody
mentions (all patterns treat those alike, so one representative is enough). Four
bracket symbols mark where tenant A's and tenant B's IDs stand inside a string.

The pieces: an NFA class; glob patterns (with at most one tenant slot) to NFAs; the
tenant-ID language (alphabet, lengths and a regex subset) to an NFA; and a
breadth-first search over the product of two NFAs that finds the shortest string
both accept with the two tenant spans not identical.
"""

from __future__ import annotations

import importlib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

OTHER = "\x00other"  # any character not otherwise named
OPEN_A, CLOSE_A, OPEN_B, CLOSE_B = "\x00<A", "\x00A>", "\x00<B", "\x00B>"
BRACKETS = frozenset({OPEN_A, CLOSE_A, OPEN_B, CLOSE_B})


class Unsupported(Exception):
    """A construct outside the fragment the proof supports."""


@dataclass
class NFA:
    """A nondeterministic automaton with epsilon moves; states are ints."""

    delta: list[dict[str, set[int]]] = field(default_factory=list)
    eps: list[set[int]] = field(default_factory=list)
    start: int = 0
    accept: set[int] = field(default_factory=set)

    def add(self) -> int:
        self.delta.append({})
        self.eps.append(set())
        return len(self.delta) - 1

    def edge(self, src: int, symbol: str, dst: int) -> None:
        self.delta[src].setdefault(symbol, set()).add(dst)

    def closure(self, states: Iterable[int]) -> frozenset[int]:
        eps = self.eps
        seen = set(states)
        stack = [s for s in seen if eps[s]]  # only states with empty moves lead further
        while stack:
            s = stack.pop()
            for t in self.eps[s]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return frozenset(seen)

    def initial(self) -> frozenset[int]:
        return self.closure([self.start])

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]:
        out: set[int] = set()
        for s in states:
            out |= self.delta[s].get(symbol, set())
        return self.closure(out) if out else frozenset()

    def moves(self, states: frozenset[int]) -> dict[str, frozenset[int]]:
        """Every symbol with a move out of ``states``, and where it leads (``step``
        for each symbol at once; symbols without a move are left out)."""
        reached: dict[str, set[int]] = {}
        for s in states:
            for symbol, dsts in self.delta[s].items():
                known = reached.get(symbol)
                if known is None:
                    reached[symbol] = set(dsts)
                else:
                    known |= dsts
        return {symbol: self.closure(dsts) for symbol, dsts in reached.items() if dsts}

    def accepts_any(self, states: frozenset[int]) -> bool:
        return not self.accept.isdisjoint(states)

    def embed(self, other: NFA) -> tuple[int, set[int]]:
        """Copy ``other`` into this automaton; return its start and accept states."""
        offset = len(self.delta)
        self.delta.extend(
            {sym: {d + offset for d in dsts} for sym, dsts in moves.items()}
            for moves in other.delta
        )
        self.eps.extend({d + offset for d in eps} for eps in other.eps)
        return other.start + offset, {a + offset for a in other.accept}

    def self_loops(self, symbols: Iterable[str]) -> None:
        syms = list(symbols)
        for s in range(len(self.delta)):
            for sym in syms:
                self.edge(s, sym, s)

    def prefix_closed(self) -> NFA:
        """Accept every prefix of an accepted string (states that can reach acceptance)."""
        reverse: dict[int, set[int]] = {}
        for s, moves in enumerate(self.delta):
            for dsts in moves.values():
                for d in dsts:
                    reverse.setdefault(d, set()).add(s)
            for d in self.eps[s]:
                reverse.setdefault(d, set()).add(s)
        alive = set(self.accept)
        stack = list(alive)
        while stack:
            s = stack.pop()
            for p in reverse.get(s, ()):
                if p not in alive:
                    alive.add(p)
                    stack.append(p)
        return NFA(self.delta, self.eps, self.start, alive)


# -- the tenant-ID language ----------------------------------------------------------------
#
# Why Python's own regex parser and compiler rather than a parser of our own: the proof
# must reason about exactly the IDs `TenantIdLanguage.is_valid` accepts, i.e. what
# `re.fullmatch` accepts. A hand-written parser re-implements Python's escape and class
# syntax and drifts from it (`[\W]` read as the letter `W`, `[\x41-\x5a]` read as `x`,
# `4` and a range from `1` to `\`, `\d` taken as ASCII only while Python's matches
# `٣`, `.` as printable ASCII only); every drift makes the automaton describe other
# tenants than the validator does, and the proof unsound.
# Here the structure comes from `re._parser`, the very tree `re.compile` turns into
# code, and every one-character node (a literal, an escape, a class, `.`) is compiled on
# its own by `re._compiler` under the flags in force at that point (the global ones and
# those of the enclosing `(?i:...)` groups) and tried against each character of the
# finite alphabet. Nothing about escapes, classes, Unicode categories or case folding
# is re-implemented. This module only adds the meaning of concatenation, `|`, groups
# and counted repetition, which under `fullmatch` is the textbook regular-language one
# (backtracking tries every way of matching, so greedy and lazy quantifiers accept the
# same full strings). Everything else (anchors other than a leading `^`/`\A` and a
# trailing `$`/`\Z`, which are no-ops under `fullmatch`, `\b`, lookarounds,
# backreferences, conditionals, atomic groups, possessive quantifiers) raises
# `Unsupported`: it is refused, never approximated. The private modules exist in
# Python 3.11 to 3.13; if they are missing or changed shape, patterns are refused, and a
# self-check on first use compares the node compiler with `re` itself.

#: The regex subset :func:`language_nfa` translates exactly (for messages and docs).
SUPPORTED_REGEX = (
    "literals and escapes (`\\.`, `\\x41`, `\\u0041`, `\\101`), character classes with "
    "ranges, escapes and negation (`[^\\W_]`, `[\\x41-\\x5a]`), `.`, `\\d \\D \\w \\W \\s \\S`, "
    "groups `(...)`, `(?:...)`, `(?P<name>...)`, alternation `|`, quantifiers "
    "`* + ? {m} {m,} {m,n}` (greedy or lazy), inline flags such as `(?i)` or `(?i:...)`, "
    "and the anchors `^`/`\\A` only at the very start and `$`/`\\Z` only at the very end"
)

#: Largest Thompson automaton built for a pattern (states, after capping repetitions at
#: the maximum length); larger patterns are refused.
_MAX_REGEX_STATES = 10_000


def check_pattern(pattern: str, max_len: int) -> None:
    """Raise :class:`Unsupported` (naming the construct) unless :func:`language_nfa`
    translates ``pattern`` exactly for IDs of at most ``max_len`` characters."""
    _Regex(pattern, max_len)


def language_nfa(alphabet: frozenset[str], min_len: int, max_len: int, pattern: str | None) -> NFA:
    """Strings over ``alphabet`` of length min..max, fully matching ``pattern``."""
    base = _Regex(pattern, max_len).nfa(alphabet) if pattern is not None else _star(alphabet)
    # Product with a length counter, restricted to the alphabet.
    out = NFA()
    index: dict[tuple[int, int], int] = {}

    def state(s: int, n: int) -> int:
        key = (s, n)
        if key not in index:
            index[key] = out.add()
        return index[key]

    start_set = base.closure([base.start])
    out.start = out.add()
    queue: deque[tuple[int, int]] = deque()
    for s in start_set:
        out.eps[out.start].add(state(s, 0))
        queue.append((s, 0))
    seen = set(queue)
    while queue:
        s, n = queue.popleft()
        me = state(s, n)
        if s in base.accept and min_len <= n <= max_len:
            out.accept.add(me)
        if n == max_len:
            continue
        for sym, dsts in base.delta[s].items():
            if sym not in alphabet:
                continue
            for d in base.closure(dsts):
                out.edge(me, sym, state(d, n + 1))
                if (d, n + 1) not in seen:
                    seen.add((d, n + 1))
                    queue.append((d, n + 1))
    return minimize(determinize(out, alphabet), alphabet)


def _star(alphabet: frozenset[str]) -> NFA:
    nfa = NFA()
    s = nfa.add()
    for ch in alphabet:
        nfa.edge(s, ch, s)
    nfa.accept = {s}
    return nfa


@dataclass(frozen=True)
class _Sre:
    """Python's regex parser, compiler and opcode constants (private modules)."""

    parser: Any
    compiler: Any
    k: Any


@dataclass(eq=False)
class _Chars:
    """One character out of a set: a literal, an escape, a class or ``.``."""

    matcher: re.Pattern[str]  # the node compiled alone; ``fullmatch(c)`` decides ``c``


@dataclass(eq=False)
class _Seq:
    parts: list[_Node]


@dataclass(eq=False)
class _Alt:
    parts: list[_Node]  # no parts: no string at all


@dataclass(eq=False)
class _Rep:
    lo: int
    hi: int | None  # None: unbounded
    body: _Node


_Node = _Chars | _Seq | _Alt | _Rep
_Scopes = tuple[tuple[int, int], ...]  # (added, removed) flags of enclosing groups


class _Regex:
    """A tenant-ID pattern as a tree of :class:`_Chars`, :class:`_Seq`, :class:`_Alt`
    and :class:`_Rep` (see the comment above), built from Python's own parse tree.

    Construction checks the whole pattern (so :func:`check_pattern` needs no
    alphabet); :meth:`nfa` builds the Thompson automaton over an alphabet. Counted
    repetitions are capped with the maximum length ``max_len``, which keeps the
    language of every string of at most ``max_len`` characters."""

    def __init__(self, pattern: str, max_len: int) -> None:
        self.pattern = pattern
        self.max_len = max_len
        self.sre = _sre_modules()
        try:
            parsed = self.sre.parser.parse(pattern, 0)
        except re.error as exc:
            raise self._refuse(f"is not a regex ({exc})") from exc
        except Exception as exc:  # pragma: no cover - a changed private parser
            raise self._refuse(f"cannot be parsed by `re._parser` ({exc!r})") from exc
        self.state = parsed.state
        k = self.sre.k
        items = list(parsed)
        # Under fullmatch, a leading `^`/`\A` and a trailing `$`/`\Z` hold at the only
        # places they can be reached (offset 0 and the end of the string): no-ops.
        while (
            items and items[0][0] is k.AT and items[0][1] in (k.AT_BEGINNING, k.AT_BEGINNING_STRING)
        ):
            items.pop(0)
        while items and items[-1][0] is k.AT and items[-1][1] in (k.AT_END, k.AT_END_STRING):
            items.pop()
        self.tree = self._sequence(items, ())
        size = _size(self.tree)
        if size > _MAX_REGEX_STATES:
            raise self._refuse(
                f"needs an automaton of {size} states (its repetitions, taken up to "
                f"{max_len} characters, are too large; the limit is {_MAX_REGEX_STATES})"
            )

    def _refuse(self, what: str) -> Unsupported:
        return Unsupported(
            f"tenant-ID pattern `{self.pattern}` {what}; the isolation proof translates "
            f"exactly only this regex subset: {SUPPORTED_REGEX}"
        )

    def _sequence(self, items: Iterable[tuple[Any, Any]], scopes: _Scopes) -> _Node:
        parts = [self._node(op, av, scopes) for op, av in items]
        return parts[0] if len(parts) == 1 else _Seq(parts)

    def _node(self, op: Any, av: Any, scopes: _Scopes) -> _Node:
        k = self.sre.k
        if op is k.LITERAL or op is k.NOT_LITERAL or op is k.ANY or op is k.IN:
            return _Chars(self._matcher((op, av), scopes))
        if op is k.BRANCH:
            return _Alt([self._sequence(branch, scopes) for branch in av[1]])
        if op is k.SUBPATTERN:
            _group, added, removed, sub = av
            inner = (*scopes, (added, removed)) if added or removed else scopes
            return self._sequence(sub, inner)
        if op is k.MAX_REPEAT or op is k.MIN_REPEAT:  # lazy: the same full matches
            lo, hi, sub = av
            return self._repeat(lo, None if hi >= k.MAXREPEAT else hi, self._sequence(sub, scopes))
        raise self._refuse(f"uses {self._describe(op, av)}, which is not supported")

    def _describe(self, op: Any, av: Any) -> str:
        k = self.sre.k
        if op is k.AT:
            shown = {
                k.AT_BEGINNING: "^",
                k.AT_BEGINNING_STRING: "\\A",
                k.AT_END: "$",
                k.AT_END_STRING: "\\Z",
            }.get(av)
            if shown is not None:
                return f"the anchor `{shown}` other than at the very start or end"
            boundary = {k.AT_BOUNDARY: "\\b", k.AT_NON_BOUNDARY: "\\B"}.get(av)
            if boundary is not None:
                return f"the word-boundary anchor `{boundary}`"
            return f"the anchor `{av}`"
        if op is k.ASSERT or op is k.ASSERT_NOT:
            ahead = av[0] == 1
            sign = ("=" if ahead else "<=") if op is k.ASSERT else ("!" if ahead else "<!")
            return f"a {'lookahead' if ahead else 'lookbehind'} `(?{sign}...)`"
        if op is k.GROUPREF:
            return "a backreference (`\\1`, `(?P=name)`)"
        if op is k.GROUPREF_EXISTS:
            return "a conditional group `(?(name)...|...)`"
        if op is getattr(k, "ATOMIC_GROUP", None):
            return "an atomic group `(?>...)`"
        if op is getattr(k, "POSSESSIVE_REPEAT", None):
            return "a possessive quantifier (`*+`, `++`, `?+`, `{m,n}+`)"
        return f"the regex construct `{op}`"

    def _matcher(self, node: tuple[Any, Any], scopes: _Scopes) -> re.Pattern[str]:
        """``node`` compiled alone by Python's compiler, inside the same scoped-flag
        groups as in the pattern (global flags come with the parser state)."""
        parser, k = self.sre.parser, self.sre.k
        wrapped = node
        for added, removed in reversed(scopes):
            wrapped = (
                k.SUBPATTERN,
                (None, added, removed, parser.SubPattern(self.state, [wrapped])),
            )
        try:
            compiled = self.sre.compiler.compile(parser.SubPattern(self.state, [wrapped]), 0)
        except Exception as exc:  # pragma: no cover - a changed private compiler
            raise self._refuse(
                f"holds a character set `re._compiler` cannot compile alone ({exc!r})"
            ) from exc
        if not isinstance(compiled, re.Pattern):  # pragma: no cover
            raise self._refuse("holds a character set `re._compiler` cannot compile alone")
        return compiled

    def _repeat(self, lo: int, hi: int | None, body: _Node) -> _Node:
        """``body{lo,hi}``, capped: only strings of at most ``max_len`` characters count.

        If ``body`` matches the empty string, ``body{lo,hi}`` is ``body{0,hi}`` (pad with
        empty iterations), and a string of ``n`` characters needs at most ``n`` non-empty
        iterations. Otherwise each iteration takes at least ``m`` characters, so more
        than ``max_len // m`` never fit."""
        shortest = _min_len(body)
        if hi == 0 or shortest is None:
            return _Seq([]) if lo == 0 else _Alt([])
        if shortest == 0:
            return _Rep(0, None if hi is None else min(hi, self.max_len), body)
        if lo * shortest > self.max_len:
            return _Alt([])
        return _Rep(lo, None if hi is None else min(hi, self.max_len // shortest), body)

    def nfa(self, alphabet: frozenset[str]) -> NFA:
        """The Thompson automaton over ``alphabet``."""
        out = NFA()
        symbols = sorted(alphabet)
        sets: dict[int, list[str]] = {}

        def build(node: _Node) -> tuple[int, int]:
            if isinstance(node, _Chars):
                chars = sets.get(id(node))
                if chars is None:
                    chars = sets[id(node)] = [c for c in symbols if node.matcher.fullmatch(c)]
                s, e = out.add(), out.add()
                for c in chars:
                    out.edge(s, c, e)
                return s, e
            if isinstance(node, _Seq):
                s = e = out.add()
                for part in node.parts:
                    ps, pe = build(part)
                    out.eps[e].add(ps)
                    e = pe
                return s, e
            if isinstance(node, _Alt):
                s, e = out.add(), out.add()
                for part in node.parts:
                    ps, pe = build(part)
                    out.eps[s].add(ps)
                    out.eps[pe].add(e)
                return s, e
            start = cur = out.add()
            for _ in range(node.lo):
                ps, pe = build(node.body)
                out.eps[cur].add(ps)
                cur = pe
            end = out.add()
            if node.hi is None:
                hub = out.add()
                ps, pe = build(node.body)
                out.eps[cur].add(hub)
                out.eps[hub] |= {ps, end}
                out.eps[pe].add(hub)
            else:
                for _ in range(node.hi - node.lo):
                    out.eps[cur].add(end)
                    ps, pe = build(node.body)
                    out.eps[cur].add(ps)
                    cur = pe
                out.eps[cur].add(end)
            return start, end

        out.start, end = build(self.tree)
        out.accept = {end}
        return out


def _min_len(node: _Node) -> int | None:
    """The length of the shortest string ``node`` matches (None: it matches none)."""
    if isinstance(node, _Chars):
        return 1
    if isinstance(node, _Seq):
        total = 0
        for part in node.parts:
            n = _min_len(part)
            if n is None:
                return None
            total += n
        return total
    if isinstance(node, _Alt):
        lengths = [n for part in node.parts if (n := _min_len(part)) is not None]
        return min(lengths) if lengths else None
    if node.lo == 0:
        return 0
    n = _min_len(node.body)
    return None if n is None else node.lo * n


def _size(node: _Node) -> int:
    """The number of states :meth:`_Regex.nfa` makes for ``node``."""
    if isinstance(node, _Chars):
        return 2
    if isinstance(node, _Seq):
        return 1 + sum(_size(p) for p in node.parts)
    if isinstance(node, _Alt):
        return 2 + sum(_size(p) for p in node.parts)
    copies = node.lo + 1 if node.hi is None else node.hi
    return 3 + copies * _size(node.body)


#: Characters the self-check tries: ASCII, Latin-1, an Arabic-Indic digit, a Unicode
#: space, the Kelvin sign (case-folds to `k`).
_PROBES = "aAkK_-.09 \n\t\x00\xe9\xc9\xdf\u0663\u2003\u212a"
_PROBE_PATTERNS = (r"[^\W\x41]", r"\d", r"\S", r"(?i)[a-z]", r"(?i:[^k])", r".", r"[\101-\x5a]")


@cache
def _sre_modules() -> _Sre:
    """Python's regex internals, after checking that a node compiled alone matches what
    ``re`` matches for the whole (one-character) pattern."""
    try:
        sre = _Sre(
            importlib.import_module("re._parser"),
            importlib.import_module("re._compiler"),
            importlib.import_module("re._constants"),
        )
    except ImportError as exc:  # pragma: no cover - Python 3.11 to 3.13 have them
        raise Unsupported(
            f"tenant-ID patterns need Python's regex parser `re._parser` ({exc})"
        ) from exc
    try:
        for text in _PROBE_PATTERNS:
            parsed = sre.parser.parse(text, 0)
            (node,) = list(parsed)
            if node[0] is sre.k.SUBPATTERN:  # a scoped flag group around the class
                _g, added, removed, sub = node[1]
                (inner,) = list(sub)
                node = (
                    sre.k.SUBPATTERN,
                    (None, added, removed, sre.parser.SubPattern(parsed.state, [inner])),
                )
            alone = sre.compiler.compile(sre.parser.SubPattern(parsed.state, [node]), 0)
            whole = re.compile(text)
            for c in _PROBES:
                if bool(alone.fullmatch(c)) != bool(whole.fullmatch(c)):
                    raise Unsupported(f"`{text}` on `{c!r}`")
    except Exception as exc:  # pragma: no cover - a changed private API
        raise Unsupported(
            f"tenant-ID patterns: Python's regex internals changed shape ({exc}); "
            "patterns are refused rather than approximated"
        ) from exc
    return sre


# -- patterns with a tenant slot ------------------------------------------------------------

#: A pattern piece: a literal character, ``*`` (``any`` or ``segment``), ``?``, or the
#: tenant slot.
Piece = tuple[str, str]  # (kind, value): ("lit", c) | ("star", mode) | ("one", "") | ("slot", "")


def pattern_nfa(
    pieces: list[Piece],
    sigma: frozenset[str],
    tenant: NFA | None,
    brackets: tuple[str, str],
    foreign: tuple[str, str],
) -> NFA:
    """An NFA for a pattern; the tenant slot (at most one) is read as
    ``open · tenant-language · close``. Foreign brackets are skipped everywhere."""
    return union_nfa([pieces], sigma, tenant, brackets, foreign)


def union_nfa(
    alternatives: Iterable[list[Piece]],
    sigma: frozenset[str],
    tenant: NFA | None,
    brackets: tuple[str, str] | None,
    foreign: tuple[str, ...],
) -> NFA:
    """An NFA for the union of patterns, as :func:`pattern_nfa` reads each one
    (``brackets`` None: the slot is the tenant language with no bracket symbols).
    Patterns that begin with the same pieces share the states of those pieces (a
    trie): a state is reached by exactly the strings of its common prefix, so the
    union is the same language, and a shared tenant slot is embedded once."""
    nfa = NFA()
    root = nfa.start = nfa.add()
    plain = sigma - BRACKETS
    after: dict[tuple[int, Piece], int] = {}  # (state, next piece) -> state after it
    for pieces in alternatives:
        if sum(1 for k, _ in pieces if k == "slot") > 1:
            raise Unsupported("a string that names the tenant more than once")
        cur = root
        for piece in pieces:
            known = after.get((cur, piece))
            if known is None:
                known = after[(cur, piece)] = _piece(
                    nfa, cur, piece, plain, sigma, tenant, brackets
                )
            cur = known
        nfa.accept.add(cur)
    nfa.self_loops(foreign)
    return nfa


def _piece(
    nfa: NFA,
    cur: int,
    piece: Piece,
    plain: frozenset[str],
    sigma: frozenset[str],
    tenant: NFA | None,
    brackets: tuple[str, str] | None,
) -> int:
    """Add the states that read ``piece`` after state ``cur``; return the last one."""
    kind, value = piece
    if kind == "lit":
        nxt = nfa.add()
        nfa.edge(cur, value if value in sigma else OTHER, nxt)
        return nxt
    if kind == "one":
        nxt = nfa.add()
        for sym in plain:
            nfa.edge(cur, sym, nxt)
        return nxt
    if kind == "star":
        loop = nfa.add()
        nfa.eps[cur].add(loop)
        for sym in plain:
            if value == "segment" and sym == ":":
                continue
            nfa.edge(loop, sym, loop)
        return loop
    # the tenant slot
    if tenant is None:
        raise Unsupported("a tenant slot without a tenant language")
    opened = nfa.add()
    if brackets is None:
        nfa.eps[cur].add(opened)
    else:
        nfa.edge(cur, brackets[0], opened)
    t_start, t_accept = nfa.embed(tenant)
    nfa.eps[opened].add(t_start)
    closed = nfa.add()
    for a in t_accept:
        if brackets is None:
            nfa.eps[a].add(closed)
        else:
            nfa.edge(a, brackets[1], closed)
    return closed


def intersect(left: NFA, right: NFA) -> NFA:
    """The product automaton: strings (brackets included) that both accept."""
    out = NFA()
    index: dict[tuple[int, int], int] = {}

    def state(p: int, q: int) -> tuple[int, bool]:
        key = (p, q)
        if key in index:
            return index[key], False
        index[key] = out.add()
        return index[key], True

    out.start, _ = state(left.start, right.start)
    queue = deque([(left.start, right.start)])
    while queue:
        p, q = queue.popleft()
        me = index[(p, q)]
        if p in left.accept and q in right.accept:
            out.accept.add(me)
        moves: list[tuple[str | None, int, int]] = []
        moves += [(None, p2, q) for p2 in left.eps[p]]
        moves += [(None, p, q2) for q2 in right.eps[q]]
        for sym, dsts in left.delta[p].items():
            for q2 in right.delta[q].get(sym, ()):
                moves += [(sym, p2, q2) for p2 in dsts]
        for label, p2, q2 in moves:
            dst, new = state(p2, q2)
            if label is None:
                out.eps[me].add(dst)
            else:
                out.edge(me, label, dst)
            if new:
                queue.append((p2, q2))
    return out


def case_closed(nfa: NFA) -> NFA:
    """Also accept every case variant of an accepted string (for IgnoreCase)."""
    delta = [{sym: set(dsts) for sym, dsts in moves.items()} for moves in nfa.delta]
    for moves in delta:
        for sym, dsts in list(moves.items()):
            if len(sym) == 1 and sym.swapcase() != sym:
                moves.setdefault(sym.swapcase(), set()).update(dsts)
    return NFA(delta, nfa.eps, nfa.start, set(nfa.accept))


def determinize(nfa: NFA, sigma: frozenset[str], *, complete: bool = False) -> NFA:
    """Subset construction (with a dead state when ``complete``)."""
    out = NFA()
    start = nfa.closure([nfa.start])
    index = {start: out.add()}
    out.start = index[start]
    queue = deque([start])
    symbols = sorted(sigma)
    while queue:
        current = queue.popleft()
        me = index[current]
        if nfa.accepts_any(current):
            out.accept.add(me)
        for sym in symbols:
            nxt = nfa.step(current, sym)
            if not nxt and not complete:
                continue
            if nxt not in index:
                index[nxt] = out.add()
                queue.append(nxt)
            out.edge(me, sym, index[nxt])
    return out


def complement(nfa: NFA, sigma: frozenset[str]) -> NFA:
    """The complement over ``sigma``."""
    dfa = determinize(nfa, sigma, complete=True)
    dfa.accept = set(range(len(dfa.delta))) - dfa.accept
    return dfa


class Automaton(Protocol):
    """What :func:`search` reads of an automaton: sets of states, moves, acceptance."""

    def initial(self) -> frozenset[int]: ...

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]: ...

    def moves(self, states: frozenset[int]) -> dict[str, frozenset[int]]: ...

    def accepts_any(self, states: frozenset[int]) -> bool: ...


class Difference:
    """The strings ``base`` accepts and ``excluded`` does not, read lazily.

    ``excluded`` has no bracket symbols: a bracket leaves its states as they are (as
    the bracket self-loops of ``complement(excluded)`` do). Rather than building the
    complete deterministic complement (every subset of ``excluded`` over the whole
    alphabet) and its product with ``base``, the subset of ``excluded`` is carried
    along each string the search reads. A set of states holds ``base``'s states
    (``s >= 0``) and the current subset of ``excluded`` (``-1 - s``): it stands one to
    one for a set of states of ``intersect(base, complement(excluded))``, so a search
    meets the same sets in the same order and finds the same witnesses."""

    def __init__(self, base: NFA, excluded: NFA) -> None:
        self.base = base
        self.excluded = excluded
        self._moves: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def initial(self) -> frozenset[int]:
        inner = self.excluded.initial()
        return self.base.initial() | frozenset(-1 - s for s in inner)

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]:
        key = (states, symbol)
        known = self._moves.get(key)
        if known is not None:
            return known
        moved = self.base.step(frozenset(s for s in states if s >= 0), symbol)
        if moved:
            inner = frozenset(-1 - s for s in states if s < 0)
            if symbol not in BRACKETS and inner:
                inner = self.excluded.step(inner, symbol)
            moved |= frozenset(-1 - s for s in inner)
        if len(self._moves) < 100_000:
            self._moves[key] = moved
        return moved

    def moves(self, states: frozenset[int]) -> dict[str, frozenset[int]]:
        symbols = self.base.moves(frozenset(s for s in states if s >= 0))
        return {symbol: self.step(states, symbol) for symbol in symbols}

    def accepts_any(self, states: frozenset[int]) -> bool:
        return any(s >= 0 and s in self.base.accept for s in states) and not any(
            s < 0 and -1 - s in self.excluded.accept for s in states
        )


def minimize(dfa: NFA, sigma: frozenset[str]) -> NFA:
    """Moore's partition refinement on a deterministic automaton."""
    symbols = sorted(sigma)
    n = len(dfa.delta)

    def target(s: int, sym: str) -> int:
        dst = dfa.delta[s].get(sym)
        return next(iter(dst)) if dst else -1

    # each state's move on each symbol (-1: none), read once
    table = [tuple(target(s, sym) for sym in symbols) for s in range(n)]
    block = [1 if s in dfa.accept else 0 for s in range(n)]
    while True:
        signatures: dict[tuple[int, ...], int] = {}
        new = []
        for s in range(n):
            sig = (block[s], *(block[t] if t >= 0 else -1 for t in table[s]))
            new.append(signatures.setdefault(sig, len(signatures)))
        if len(signatures) == len(set(block)):
            break
        block = new
    out = NFA()
    for _ in range(len(set(block))):
        out.add()
    for s in range(n):
        for sym in symbols:
            t = target(s, sym)
            if t >= 0:
                out.delta[block[s]][sym] = {block[t]}
    out.start = block[dfa.start]
    out.accept = {block[s] for s in dfa.accept}
    return out


# -- search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    """A string both automata accept, with the tenant spans it marks."""

    text: str
    a: str | None  # A's span (None if the string holds no A slot)
    b: str | None
    b_closed: bool  # False when B's span was cut short (prefix languages)
    b_opened: bool
    a_span: tuple[int, int] | None = None  # where A stands in ``text``


def _flags_step(flags: tuple[int, ...], sym: str) -> tuple[int, ...]:
    # (opens seen, last symbol was an open, opens adjacent, closes seen,
    #  last symbol was a close, closes adjacent)
    opens, last_open, opens_adj, closes, last_close, closes_adj = flags
    if sym in (OPEN_A, OPEN_B):
        return (opens + 1, 1, opens_adj or (opens == 1 and last_open), closes, 0, closes_adj)
    if sym in (CLOSE_A, CLOSE_B):
        return (opens, 0, opens_adj, closes + 1, 1, closes_adj or (closes == 1 and last_close))
    return (opens, 0, opens_adj, closes, 0, closes_adj)


def search(
    left: Automaton,
    right: Automaton,
    sigma: frozenset[str],
    *,
    limit: int = 1,
    max_states: int = 200_000,
    distinct_spans: bool = True,
) -> Iterator[Witness]:
    """Shortest strings accepted by both, whose A and B spans are not identical.

    Two spans that open at the same place and close at the same place hold the same
    tenant, so such strings are skipped (they are a tenant's own data), unless
    ``distinct_spans`` is false (under case-insensitive matching the same text may
    stand for two tenants).
    """
    symbols = sorted(sigma | BRACKETS, key=_readable_first)
    start = (left.initial(), right.initial(), (0, 0, 0, 0, 0, 0))
    parent: dict[object, tuple[object, str] | None] = {start: None}
    queue: deque[tuple[frozenset[int], frozenset[int], tuple[int, ...]]] = deque([start])
    found = 0
    # each side's moves, worked out once per set of states (a set meets many others)
    left_moves: dict[frozenset[int], dict[str, frozenset[int]]] = {}
    right_moves: dict[frozenset[int], dict[str, frozenset[int]]] = {}
    while queue:
        node = queue.popleft()
        ls, rs, flags = node
        same = flags[2] and flags[5]
        if left.accepts_any(ls) and right.accepts_any(rs) and not (same and distinct_spans):
            yield _witness(_path(parent, node))
            found += 1
            if found >= limit:
                return
        lm = left_moves.get(ls)
        if lm is None:
            lm = left_moves[ls] = left.moves(ls)
        rm = right_moves.get(rs)
        if rm is None:
            rm = right_moves[rs] = right.moves(rs)
        for sym in symbols:
            nl = lm.get(sym)
            if not nl:
                continue
            nr = rm.get(sym)
            if not nr:
                continue
            nxt = (nl, nr, _flags_step(flags, sym))
            if nxt not in parent:
                if len(parent) > max_states:
                    raise Unsupported("the product automaton grew too large")
                parent[nxt] = (node, sym)
                queue.append(nxt)


def _readable_first(symbol: str) -> tuple[int, str]:
    """Search order: brackets, lower-case letters, digits, then the rest, so that the
    shortest witnesses read like names (``a-a``) rather than ``0-0``."""
    if symbol in BRACKETS:
        return (0, symbol)
    if symbol.islower():
        return (1, symbol)
    if symbol.isdigit():
        return (2, symbol)
    return (3, symbol)


def _path(parent: dict[object, tuple[object, str] | None], node: object) -> list[str]:
    out: list[str] = []
    step = parent[node]
    while step is not None:
        prev, sym = step
        out.append(sym)
        step = parent[prev]
    out.reverse()
    return out


def _witness(symbols: list[str]) -> Witness:
    text: list[str] = []
    a: list[str] | None = None
    b: list[str] | None = None
    in_a = in_b = False
    b_closed = False
    a_start = a_end = -1
    for sym in symbols:
        if sym == OPEN_A:
            a, in_a = [], True
            a_start = len(text)
        elif sym == CLOSE_A:
            in_a = False
            a_end = len(text)
        elif sym == OPEN_B:
            b, in_b = [], True
        elif sym == CLOSE_B:
            in_b, b_closed = False, True
        else:
            ch = "~" if sym == OTHER else sym
            text.append(ch)
            if in_a and a is not None:
                a.append(ch)
            if in_b and b is not None:
                b.append(ch)
    return Witness(
        "".join(text),
        "".join(a) if a is not None else None,
        "".join(b) if b is not None else None,
        b_closed,
        b is not None,
        (a_start, a_end) if a_start >= 0 and a_end >= 0 else None,
    )


def shortest_words(
    nfa: NFA, sigma: frozenset[str], *, prefix: str = "", limit: int = 5
) -> list[str]:
    """Up to ``limit`` distinct short words of ``nfa`` that start with ``prefix``
    (breadth-first, level by level, each level cut to a bounded width)."""
    live = nfa.prefix_closed().accept  # states from which acceptance is reachable
    states = nfa.closure([nfa.start])
    for ch in prefix:
        states = nfa.step(states, ch)
        if not states:
            return []
    symbols = sorted(sigma - BRACKETS - {OTHER}, key=_readable_first)
    out: list[str] = []
    level = [(states, prefix)]
    width = max(8, limit * 4)
    for _ in range(256):
        if not level or len(out) >= limit:
            break
        nxt_level: list[tuple[frozenset[int], str]] = []
        for st, word in level:
            if nfa.accepts_any(st):
                out.append(word)
            for sym in symbols:
                nxt = nfa.step(st, sym)
                if nxt and not live.isdisjoint(nxt) and len(nxt_level) < width:
                    nxt_level.append((nxt, word + sym))
        level = nxt_level
    return out[:limit]
