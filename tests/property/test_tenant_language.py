"""Differential test of the tenant-ID automaton against Python's ``re``.

The isolation proof reasons about the automaton ``_automata.language_nfa`` builds; the
renderer and the authorizer accept what ``TenantIdLanguage.is_valid`` accepts
(``re.fullmatch`` plus the alphabet and the lengths). If the two ever differ, the proof
talks about other tenants than the product serves. Patterns are drawn from a grammar of
the supported subset (escapes inside and outside classes, escaped range ends, negated
classes, ``.``, groups, alternation, greedy and lazy quantifiers, scoped and global
flags, end anchors); every drawn pattern must be accepted at construction, and the
automaton must accept exactly the strings ``is_valid`` accepts.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from policy_engine import _automata as fa
from policy_engine.tenancy import SAFE_CHARACTERS, TenantIdLanguage

SAFE = "".join(sorted(SAFE_CHARACTERS))
#: Characters no tenant alphabet may hold but patterns and callers can still name: a
#: newline (`.` and `$`), a space and a Unicode space (`\s`), an Arabic-Indic digit
#: (`\d`), the Kelvin sign and sharp s (case folding), an accented letter, `*`.
OUTSIDE = "\n \u2003\u0663\u212a\xdf\xe9*"
PATTERN_CHARS = SAFE + OUTSIDE + "]^\\[|()?{}$"


def _escaped(c: str) -> st.SearchStrategy[str]:
    """``c`` spelled as a literal, ``\\xNN``, ``\\uNNNN`` or a 3-digit octal escape."""
    forms = [re.escape(c), f"\\u{ord(c):04x}"]
    if ord(c) < 0x100:
        forms += [f"\\x{ord(c):02x}", f"\\{ord(c):03o}"]
    return st.sampled_from(forms)


CATEGORY = st.sampled_from(["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"])
QUANTIFIER = st.tuples(
    st.one_of(
        st.sampled_from(["*", "+", "?"]),
        st.integers(0, 3).map(lambda m: f"{{{m}}}"),
        st.integers(0, 3).map(lambda m: f"{{{m},}}"),
        st.tuples(st.integers(0, 3), st.integers(0, 3)).map(lambda t: f"{{{min(t)},{max(t)}}}"),
    ),
    st.sampled_from(["", "?"]),  # greedy or lazy
).map("".join)
OPEN = st.sampled_from(["(", "(?:", "(?i:", "(?-i:", "(?s:", "(?a:"])


def patterns(alphabet: str) -> st.SearchStrategy[str]:
    """Patterns of the supported subset; half of their characters are drawn from
    ``alphabet`` so that the languages are seldom empty."""
    char = st.one_of(st.sampled_from(alphabet), st.sampled_from(PATTERN_CHARS))

    @st.composite
    def char_range(draw: st.DrawFn) -> str:
        a, b = sorted((draw(char), draw(char)), key=ord)
        return f"{draw(_escaped(a))}-{draw(_escaped(b))}"

    escaped = char.flatmap(_escaped)
    klass = st.tuples(
        st.sampled_from(["", "^"]),
        st.lists(st.one_of(escaped, CATEGORY, char_range()), min_size=1, max_size=4),
    ).map(lambda t: f"[{t[0]}{''.join(t[1])}]")
    atom = st.one_of(escaped, CATEGORY, klass, st.just("."))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=2, max_size=3).map("".join),
            st.tuples(OPEN, st.lists(inner | st.just(""), min_size=1, max_size=3)).map(
                lambda t: t[0] + "|".join(t[1]) + ")"
            ),
            st.tuples(inner, QUANTIFIER).map(lambda t: f"(?:{t[0]}){t[1]}"),
        )

    return st.tuples(
        st.sampled_from(["", "(?i)", "(?a)", "(?s)", "(?ai)"]),
        st.sampled_from(["", "^", "\\A"]),
        st.recursive(atom, extend, max_leaves=8),
        st.sampled_from(["", "$", "\\Z"]),
    ).map("".join)


def accepts(nfa: fa.NFA, word: str) -> bool:
    states = nfa.closure([nfa.start])
    for ch in word:
        states = nfa.step(states, ch)
        if not states:
            return False
    return nfa.accepts_any(states)


def walk(nfa: fa.NFA, symbols: str, rnd: random.Random, max_len: int) -> str:
    """A random word the automaton accepts (or a prefix of one)."""
    states = nfa.closure([nfa.start])
    word = ""
    for _ in range(max_len):
        if nfa.accepts_any(states) and rnd.random() < 0.3:
            break
        moves = [(c, nxt) for c in symbols if (nxt := nfa.step(states, c))]
        if not moves:
            break
        c, states = rnd.choice(moves)
        word += c
    return word


@st.composite
def languages(draw: st.DrawFn) -> TenantIdLanguage:
    alphabet = draw(st.sets(st.sampled_from(SAFE), min_size=1, max_size=10))
    lo = draw(st.integers(1, 3))
    hi = draw(st.integers(lo, 6))
    pattern = draw(patterns("".join(sorted(alphabet))))
    # Every pattern of the grammar is in the supported subset: construction must not
    # refuse it (an UnsupportedTenantPattern here fails the test).
    return TenantIdLanguage(frozenset(alphabet), lo, hi, pattern)


def words_to_try(
    nfa: fa.NFA, pattern: str | None, symbols: str, max_len: int, data: st.DataObject
) -> list[str]:
    """Every word up to ``max_len + 1`` when there are few; else random words (some
    with characters outside the alphabet), words ``re`` matches (Hypothesis's own
    regex generator, independent of the code under test), and words the automaton
    accepts (random walks)."""
    if sum(len(symbols) ** n for n in range(max_len + 2)) <= 400:
        return [
            "".join(chars)
            for n in range(max_len + 2)
            for chars in itertools.product(symbols, repeat=n)
        ]
    words = data.draw(st.lists(st.text(symbols + OUTSIDE, max_size=max_len + 1), max_size=8))
    if pattern is not None:
        matching = st.from_regex(pattern, fullmatch=True, alphabet=symbols)
        for _ in range(4):
            try:
                words.append(data.draw(matching))
            except InvalidArgument:  # a class no character of the alphabet matches
                break
    rnd = data.draw(st.randoms(use_true_random=False))
    words += [walk(nfa, symbols, rnd, max_len) for _ in range(6)]
    words += fa.shortest_words(nfa, frozenset(symbols), limit=3)
    return words


def _check_language(lang: TenantIdLanguage, data: st.DataObject) -> None:
    nfa = fa.language_nfa(lang.alphabet, lang.min_length, lang.max_length, lang.pattern)
    symbols = "".join(sorted(lang.alphabet))
    for word in words_to_try(nfa, lang.pattern, symbols, lang.max_length, data):
        assert accepts(nfa, word) == lang.is_valid(word), (lang.pattern, symbols, word)


@given(lang=languages(), data=st.data())
def test_automaton_accepts_exactly_the_valid_tenant_ids(
    lang: TenantIdLanguage, data: st.DataObject
) -> None:
    _check_language(lang, data)


@given(
    alphabet=st.sets(st.sampled_from(SAFE + OUTSIDE), min_size=1, max_size=10),
    max_len=st.integers(1, 5),
    data=st.data(),
)
def test_automaton_is_fullmatch_over_any_alphabet(
    alphabet: set[str], max_len: int, data: st.DataObject
) -> None:
    """The same, over alphabets with characters a tenant alphabet may not hold (so
    Unicode digits and spaces, newlines and case folding are exercised too)."""
    pattern = data.draw(patterns("".join(sorted(alphabet))))
    nfa = fa.language_nfa(frozenset(alphabet), 1, max_len, pattern)
    compiled = re.compile(pattern)
    symbols = "".join(sorted(alphabet))
    for word in [*words_to_try(nfa, pattern, symbols, max_len, data), "a", "\n", "a\n"]:
        expected = (
            1 <= len(word) <= max_len
            and set(word) <= alphabet
            and compiled.fullmatch(word) is not None
        )
        assert accepts(nfa, word) == expected, (pattern, symbols, word)


@pytest.mark.slow
@settings(max_examples=1500)
@given(lang=languages(), data=st.data())
def test_automaton_accepts_exactly_the_valid_tenant_ids_many(
    lang: TenantIdLanguage, data: st.DataObject
) -> None:
    _check_language(lang, data)
