from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_engine import _automata as fa
from policy_engine.catalog import default_catalog
from policy_engine.tenancy import TenantIdLanguage
from policy_engine.testing import adversarial_tenant_ids, tenant_ids

CATALOG = default_catalog()
LANG = CATALOG.language
SIGMA = frozenset(LANG.alphabet) | {fa.OTHER, "/", ":"}
NFA = fa.language_nfa(LANG.alphabet, LANG.min_length, LANG.max_length, LANG.pattern)


def accepts(nfa: fa.NFA, word: str) -> bool:
    states = nfa.closure([nfa.start])
    for ch in word:
        states = nfa.step(states, ch)
    return nfa.accepts_any(states)


@given(
    word=st.one_of(
        tenant_ids(catalog=CATALOG),
        adversarial_tenant_ids(catalog=CATALOG),
        st.text(alphabet="ab-0", max_size=40),
    )
)
def test_language_automaton_is_the_language(word: str) -> None:
    assert accepts(NFA, word) == LANG.is_valid(word)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        ("[a-z]{2,3}", ["ab", "abc"], ["a", "abcd", "a1"]),
        ("(?:ab|cd)+", ["ab", "abcd"], ["", "ac", "abc"]),
        ("a(b)?c*", ["a", "ab", "acc", "abcc"], ["b", "abb"]),
        (r"\d+x", ["1x", "123x"], ["x", "ax"]),
        ("a.c", ["abc", "a-c"], ["ac"]),
        ("[ab-]+", ["a-b", "-"], ["c"]),
        ("x{3}", ["xxx"], ["xx", "xxxx"]),
    ],
)
def test_regex_subset(pattern: str, good: list[str], bad: list[str]) -> None:
    alphabet = frozenset("abcdx-0123456789")
    nfa = fa.language_nfa(alphabet, 1, 10, pattern)
    for w in good:
        assert accepts(nfa, w) == (1 <= len(w) <= 10), w
    for w in bad:
        assert not accepts(nfa, w), w


@pytest.mark.parametrize("pattern", ["^a$", "(?=a)a", "[^a]", "a*?", r"\bfoo", "(a"])
def test_unsupported_regex_constructs(pattern: str) -> None:
    with pytest.raises(fa.Unsupported):
        fa.language_nfa(frozenset("ab"), 1, 5, pattern)


def test_complement_and_prefix_closure() -> None:
    pieces: list[fa.Piece] = [("lit", "a"), ("lit", "b")]
    nfa = fa.pattern_nfa(pieces, SIGMA, None, ("", ""), (fa.OPEN_B, fa.CLOSE_B))
    comp = fa.complement(nfa, SIGMA - fa.BRACKETS)
    assert not accepts(comp, "ab")
    assert accepts(comp, "a")
    assert accepts(comp, "abc")
    prefixes = nfa.prefix_closed()
    assert accepts(prefixes, "")
    assert accepts(prefixes, "a")
    assert not accepts(prefixes, "b")


def test_search_skips_a_tenant_reading_its_own_data() -> None:
    own: list[fa.Piece] = [("lit", "x"), ("lit", "/"), ("slot", ""), ("lit", "/"), ("star", "any")]
    a = fa.pattern_nfa(own, SIGMA, NFA, (fa.OPEN_A, fa.CLOSE_A), (fa.OPEN_B, fa.CLOSE_B))
    b = fa.pattern_nfa(own, SIGMA, NFA, (fa.OPEN_B, fa.CLOSE_B), (fa.OPEN_A, fa.CLOSE_A))
    assert list(fa.search(a, b, SIGMA | {"x"})) == []
    open_prefix: list[fa.Piece] = [("lit", "x"), ("lit", "/"), ("slot", ""), ("star", "any")]
    a2 = fa.pattern_nfa(open_prefix, SIGMA, NFA, (fa.OPEN_A, fa.CLOSE_A), (fa.OPEN_B, fa.CLOSE_B))
    (w,) = fa.search(a2, b, SIGMA | {"x"})
    assert w.a is not None
    assert w.b is not None
    assert w.b.startswith(w.a)
    assert w.a != w.b
    assert LANG.is_valid(w.a)
    assert LANG.is_valid(w.b)


def test_tenant_twice_is_unsupported() -> None:
    with pytest.raises(fa.Unsupported, match="more than once"):
        fa.pattern_nfa([("slot", ""), ("slot", "")], SIGMA, NFA, ("", ""), ("", ""))


def test_language_without_pattern() -> None:
    lang = TenantIdLanguage.from_spec({"alphabet": ["a-b"], "min_length": 2, "max_length": 3})
    nfa = fa.language_nfa(lang.alphabet, lang.min_length, lang.max_length, lang.pattern)
    assert fa.shortest_words(nfa, frozenset("ab"), limit=3) == ["aa", "ab", "ba"]
