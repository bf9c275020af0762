from __future__ import annotations

import itertools
import re

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


def _exact(alphabet: str, max_len: int, pattern: str) -> None:
    """The automaton accepts exactly the words over ``alphabet`` (and a few other
    characters) of 1..max_len characters that ``re.fullmatch`` accepts."""
    nfa = fa.language_nfa(frozenset(alphabet), 1, max_len, pattern)
    compiled = re.compile(pattern)
    letters = alphabet + "~\n"
    for n in range(max_len + 2):
        for chars in itertools.product(letters, repeat=n):
            word = "".join(chars)
            expected = (
                1 <= n <= max_len
                and set(word) <= set(alphabet)
                and compiled.fullmatch(word) is not None
            )
            assert accepts(nfa, word) == expected, (pattern, word)


# Each of these was translated into another language than `re` matches (or refused)
# before the translation used Python's own parser and per-character evaluation.
@pytest.mark.parametrize(
    ("pattern", "alphabet"),
    [
        (r"[\W]+", "a_-."),  # \W in a class was read as the letter W
        (r"[\S]+", "a S-"),  # \S in a class was read as the letter S
        (r"[\D]+", "a1D-"),  # \D in a class was read as the letter D
        (r"[\x41-\x5a]+", "AZbx4-"),  # escaped range ends
        (r"[\u0061-\u0063]+", "abcdu0"),
        (r"[\101-\103]+", "ABCD01"),  # octal range ends
        (r"[^\W\d]+", "a_1-Z"),  # negated class with escapes
        (r"[^\x61]", "ab"),
        (r"\x61\u0062\143", "abcx"),  # escapes outside a class
        (r"[\s]+|x", "x \u2003"),  # \s is Unicode whitespace, not nothing
        (r"\d+", "1\u0663a"),  # \d matches the Arabic-Indic digit three
        (r"a.", "ab\xe9 \n"),  # . matches `é` and space, not a newline
        (r"(?i)[a-c]+", "aBck\u212a"),  # flags are the engine's own
        (r"(?i:k)(?-i:k)", "kK\u212a"),  # the Kelvin sign folds to k
        (r"^(?:ab|c)*$", "abc"),  # leading ^ and trailing $ under fullmatch
        (r"\A[ab]+\Z", "abc"),
        (r"a*?b??", "ab"),  # lazy quantifiers
        (r"[\]\-a]+", "]-ab"),
        (r"(?P<x>a)(?:b|)", "ab"),
    ],
)
def test_escapes_and_classes_are_exact(pattern: str, alphabet: str) -> None:
    _exact(alphabet, 3, pattern)


def test_long_repetitions_are_capped_at_the_maximum_length() -> None:
    _exact("ab", 4, "a{1000}|b{2,1000}")
    _exact("ab", 4, "(?:a?){3,1000}b")
    assert fa.shortest_words(fa.language_nfa(frozenset("a"), 1, 64, "a{65}"), frozenset("a")) == []


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("(?=a)a", "lookahead `(?=...)`"),
        ("(?!b)a", "lookahead `(?!...)`"),
        ("b(?<=b)", "lookbehind `(?<=...)`"),
        ("b(?<!a)", "lookbehind `(?<!...)`"),
        (r"(a)\1", "backreference"),
        ("(?P<x>a)(?P=x)", "backreference"),
        ("(a)?(?(1)b|c)", "conditional group"),
        ("a*+", "possessive quantifier"),
        ("a{1,2}+", "possessive quantifier"),
        ("(?>a)", "atomic group"),
        (r"\bfoo", r"word-boundary anchor `\b`"),
        (r"a\Bb", r"word-boundary anchor `\B`"),
        ("a^b", "anchor `^` other than at the very start"),
        ("a$b", "anchor `$` other than at the very start or end"),
        ("(^a)", "anchor `^`"),
        ("(?:a|b$)", "anchor `$`"),
        ("a|^b", "anchor `^`"),
        (r"a\Zb", r"anchor `\Z`"),
        ("(a", "is not a regex"),
        ("(?:(?:a?){64}){64}", "too large"),
    ],
)
def test_unsupported_regex_constructs(pattern: str, construct: str) -> None:
    with pytest.raises(fa.Unsupported, match=re.escape(construct)) as info:
        fa.language_nfa(frozenset("ab"), 1, 64, pattern)
    message = str(info.value)
    assert f"tenant-ID pattern `{pattern}`" in message
    assert "translates exactly only this regex subset" in message
    with pytest.raises(fa.Unsupported):
        fa.check_pattern(pattern, 64)


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


def test_proof_sees_the_tenants_an_escaped_class_admits() -> None:
    """End to end: `[\\W]` admits `-`, so `acme` and `acme-corp` are both tenants and
    `jobs-acme-*` reaches B's queue. Read as the letter `W`, the language had no
    hyphen and the leaking policy was `proved`."""
    from policy_engine.catalog import Partition, ResourceSpec
    from policy_engine.isolation import check_isolation
    from policy_engine.render import TENANT_MARKER

    queue = "arn:aws:sqs:eu-west-1:111122223333:jobs-"
    jobs = ResourceSpec("jobs", "sqs", queue + "*", (Partition(arn=queue + "{tenant}"),))
    lang = TenantIdLanguage.from_spec(
        {
            "alphabet": ["a-z", "0-9", "-"],
            "min_length": 3,
            "max_length": 32,
            "pattern": r"[a-z0-9]+(?:[\W][a-z0-9]+)?",
        }
    )
    assert lang.is_valid("acme-corp")
    statement = {
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": f"{queue}{TENANT_MARKER}-*",
    }
    session = {"Version": "2012-10-17", "Statement": [statement]}
    result = check_isolation(session, [], [jobs], lang, tier="t")
    assert result.status == "violation"
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_b.startswith(cx.tenant_a + "-")
    assert lang.is_valid(cx.tenant_b)
