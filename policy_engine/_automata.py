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

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

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
        seen = set(states)
        stack = list(seen)
        while stack:
            s = stack.pop()
            for t in self.eps[s]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return frozenset(seen)

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]:
        out: set[int] = set()
        for s in states:
            out |= self.delta[s].get(symbol, set())
        return self.closure(out) if out else frozenset()

    def accepts_any(self, states: frozenset[int]) -> bool:
        return not self.accept.isdisjoint(states)

    def embed(self, other: NFA) -> tuple[int, set[int]]:
        """Copy ``other`` into this automaton; return its start and accept states."""
        offset = len(self.delta)
        for _ in other.delta:
            self.add()
        for s, moves in enumerate(other.delta):
            for sym, dsts in moves.items():
                for d in dsts:
                    self.edge(s + offset, sym, d + offset)
            for d in other.eps[s]:
                self.eps[s + offset].add(d + offset)
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


def language_nfa(alphabet: frozenset[str], min_len: int, max_len: int, pattern: str | None) -> NFA:
    """Strings over ``alphabet`` of length min..max, fully matching ``pattern``."""
    base = _regex_nfa(pattern) if pattern is not None else _star(alphabet)
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


class _Regex:
    """Thompson construction for a regex subset: literals, escapes, classes ``[...]``,
    ``.``, groups ``(...)``/``(?:...)``, ``|``, ``* + ?`` and ``{m}``/``{m,n}``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.nfa = NFA()

    def parse(self) -> NFA:
        start, end = self._alternation()
        if self.pos != len(self.text):
            raise Unsupported(f"tenant-ID pattern: unexpected `{self.text[self.pos]}`")
        self.nfa.start = start
        self.nfa.accept = {end}
        return self.nfa

    def _peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def _alternation(self) -> tuple[int, int]:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            branches.append(self._sequence())
        if len(branches) == 1:
            return branches[0]
        s, e = self.nfa.add(), self.nfa.add()
        for bs, be in branches:
            self.nfa.eps[s].add(bs)
            self.nfa.eps[be].add(e)
        return s, e

    def _sequence(self) -> tuple[int, int]:
        s = e = self.nfa.add()
        while self._peek() not in (None, "|", ")"):
            ps, pe = self._quantified()
            self.nfa.eps[e].add(ps)
            e = pe
        return s, e

    def _quantified(self) -> tuple[int, int]:
        atom_start = self.pos
        s, e = self._atom()
        atom_text = self.text[atom_start : self.pos]
        ch = self._peek()
        if ch == "*":
            self.pos += 1
            return self._repeat(atom_text, 0, None, (s, e))
        if ch == "+":
            self.pos += 1
            return self._repeat(atom_text, 1, None, (s, e))
        if ch == "?":
            self.pos += 1
            return self._repeat(atom_text, 0, 1, (s, e))
        if ch == "{":
            close = self.text.find("}", self.pos)
            if close == -1:
                raise Unsupported("tenant-ID pattern: unterminated `{`")
            body = self.text[self.pos + 1 : close]
            lo_s, _, hi_s = body.partition(",")
            try:
                lo = int(lo_s)
                hi = int(hi_s) if hi_s else (None if "," in body else lo)
            except ValueError as exc:
                raise Unsupported(f"tenant-ID pattern: bad repetition `{{{body}}}`") from exc
            self.pos = close + 1
            return self._repeat(atom_text, lo, hi, (s, e))
        return s, e

    def _repeat(
        self, atom_text: str, lo: int, hi: int | None, first: tuple[int, int]
    ) -> tuple[int, int]:
        if self._peek() in ("?", "+"):
            raise Unsupported("tenant-ID pattern: lazy and possessive quantifiers")
        copies = [first] + [self._reparse(atom_text) for _ in range(max(lo, hi or lo, 1) - 1)]
        start = cur = self.nfa.add()
        for i in range(lo):
            cs, ce = copies[i]
            self.nfa.eps[cur].add(cs)
            cur = ce
        end = self.nfa.add()
        self.nfa.eps[cur].add(end)
        if hi is None:  # a star over the last copy
            cs, ce = copies[lo] if lo < len(copies) else self._reparse(atom_text)
            self.nfa.eps[cur].add(cs)
            self.nfa.eps[ce].add(cs)
            self.nfa.eps[ce].add(end)
        else:
            for i in range(lo, hi):
                cs, ce = copies[i]
                self.nfa.eps[cur].add(cs)
                cur = ce
                self.nfa.eps[cur].add(end)
        return start, end

    def _reparse(self, atom_text: str) -> tuple[int, int]:
        sub = _Regex(atom_text)
        sub.nfa = self.nfa
        result = sub._atom()
        if sub.pos != len(atom_text):
            raise Unsupported("tenant-ID pattern: unsupported repetition")
        return result

    def _atom(self) -> tuple[int, int]:
        ch = self._peek()
        if ch is None:
            raise Unsupported("tenant-ID pattern ends early")
        if ch == "(":
            self.pos += 1
            if self.text.startswith("?:", self.pos):
                self.pos += 2
            elif self._peek() == "?":
                raise Unsupported("tenant-ID pattern: lookarounds and named groups")
            inner = self._alternation()
            if self._peek() != ")":
                raise Unsupported("tenant-ID pattern: unbalanced `(`")
            self.pos += 1
            return inner
        if ch == "[":
            return self._symbols(self._class())
        if ch == ".":
            self.pos += 1
            return self._symbols(None)
        if ch in "^$":
            raise Unsupported("tenant-ID pattern: anchors (the pattern is matched in full)")
        if ch == "\\":
            self.pos += 2
            esc = self.text[self.pos - 1 : self.pos]
            if esc in "dws":
                return self._symbols(_ESCAPE_CLASSES[esc])
            if esc.isalnum():
                raise Unsupported(f"tenant-ID pattern: escape `\\{esc}`")
            return self._symbols(frozenset(esc))
        if ch in "*+?{":
            raise Unsupported(f"tenant-ID pattern: nothing to repeat before `{ch}`")
        self.pos += 1
        return self._symbols(frozenset(ch))

    def _class(self) -> frozenset[str]:
        self.pos += 1
        negate = self._peek() == "^"
        if negate:
            raise Unsupported("tenant-ID pattern: negated character classes")
        chars: set[str] = set()
        first = True
        while True:
            ch = self._peek()
            if ch is None:
                raise Unsupported("tenant-ID pattern: unterminated `[`")
            if ch == "]" and not first:
                self.pos += 1
                return frozenset(chars)
            first = False
            if ch == "\\":
                esc = self.text[self.pos + 1 : self.pos + 2]
                self.pos += 2
                chars |= _ESCAPE_CLASSES.get(esc, frozenset(esc))
                continue
            self.pos += 1
            if self._peek() == "-" and self.text[self.pos + 1 : self.pos + 2] not in ("]", ""):
                hi = self.text[self.pos + 1]
                self.pos += 2
                chars.update(chr(c) for c in range(ord(ch), ord(hi) + 1))
            else:
                chars.add(ch)

    def _symbols(self, chars: frozenset[str] | None) -> tuple[int, int]:
        s, e = self.nfa.add(), self.nfa.add()
        for ch in chars if chars is not None else _PRINTABLE:
            self.nfa.edge(s, ch, e)
        return s, e


_PRINTABLE = frozenset(chr(c) for c in range(0x21, 0x7F))
_ESCAPE_CLASSES = {
    "d": frozenset("0123456789"),
    "w": frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
    "s": frozenset(),  # whitespace is never in a tenant-ID alphabet
}


def _regex_nfa(pattern: str) -> NFA:
    return _Regex(pattern).parse()


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
    if sum(1 for k, _ in pieces if k == "slot") > 1:
        raise Unsupported("a string that names the tenant more than once")
    nfa = NFA()
    cur = nfa.start = nfa.add()
    plain = sigma - BRACKETS
    for kind, value in pieces:
        if kind == "lit":
            nxt = nfa.add()
            nfa.edge(cur, value if value in sigma else OTHER, nxt)
            cur = nxt
        elif kind == "one":
            nxt = nfa.add()
            for sym in plain:
                nfa.edge(cur, sym, nxt)
            cur = nxt
        elif kind == "star":
            loop = nfa.add()
            nfa.eps[cur].add(loop)
            for sym in plain:
                if value == "segment" and sym == ":":
                    continue
                nfa.edge(loop, sym, loop)
            cur = loop
        else:  # the tenant slot
            if tenant is None:
                raise Unsupported("a tenant slot without a tenant language")
            opened = nfa.add()
            nfa.edge(cur, brackets[0], opened)
            t_start, t_accept = nfa.embed(tenant)
            nfa.eps[opened].add(t_start)
            closed = nfa.add()
            for a in t_accept:
                nfa.edge(a, brackets[1], closed)
            cur = closed
    nfa.accept = {cur}
    nfa.self_loops(foreign)
    return nfa


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


def minimize(dfa: NFA, sigma: frozenset[str]) -> NFA:
    """Moore's partition refinement on a deterministic automaton."""
    symbols = sorted(sigma)
    n = len(dfa.delta)

    def target(s: int, sym: str) -> int:
        dst = dfa.delta[s].get(sym)
        return next(iter(dst)) if dst else -1

    block = [1 if s in dfa.accept else 0 for s in range(n)]
    while True:
        signatures: dict[tuple[int, ...], int] = {}
        new = []
        for s in range(n):
            sig = (block[s], *(block[t] if (t := target(s, sym)) >= 0 else -1 for sym in symbols))
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
    left: NFA,
    right: NFA,
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
    start = (left.closure([left.start]), right.closure([right.start]), (0, 0, 0, 0, 0, 0))
    parent: dict[object, tuple[object, str] | None] = {start: None}
    queue: deque[tuple[frozenset[int], frozenset[int], tuple[int, ...]]] = deque([start])
    found = 0
    while queue:
        node = queue.popleft()
        ls, rs, flags = node
        same = flags[2] and flags[5]
        if left.accepts_any(ls) and right.accepts_any(rs) and not (same and distinct_spans):
            yield _witness(_path(parent, node))
            found += 1
            if found >= limit:
                return
        for sym in symbols:
            nl = left.step(ls, sym)
            if not nl:
                continue
            nr = right.step(rs, sym)
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
