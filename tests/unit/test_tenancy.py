from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine import _automata as fa
from policy_engine.catalog import Catalog
from policy_engine.errors import CatalogError, InvalidTenantId, PolicyEngineError
from policy_engine.tenancy import TenantIdLanguage, UnsupportedTenantPattern, expand_alphabet

LANG = TenantIdLanguage.from_spec(
    {
        "alphabet": ["a-z", "0-9", "-"],
        "min_length": 3,
        "max_length": 32,
        "pattern": "[a-z0-9]+(-[a-z0-9]+)*",
    }
)


@pytest.mark.parametrize("good", ["acme", "acme-corp", "a1-b2-c3", "123", "x" * 32])
def test_valid_ids(good: str) -> None:
    assert LANG.validate(good) == good


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("acme*", "character `*` at position 4"),
        ("ac?me", "character `?`"),
        ('ac"me', 'character `"`'),
        ("${aws:username}", "character `$`"),
        ("acme/corp", "character `/`"),
        ("acme:corp", "character `:`"),
        ("acme\\corp", "character `\\`"),
        ("acme corp", "whitespace or control character"),
        ("acme\tcorp", "whitespace or control character `\\t`"),
        ("acme\x00", "whitespace or control character `\\x00`"),
        ("Acme", "character `A` at position 0"),
        ("", "is empty"),
        ("ab", "minimum is 3"),
        ("a" * 33, "maximum is 32"),
        ("acmé", "character `é`"),
        ("acme\u4e2d", "non-Latin-1 character"),
        ("{{tenant}}", "character `{`"),
        ("{% if %}", "character `{`"),
        ("-acme", "pattern"),
        ("acme--corp", "pattern"),
    ],
)
def test_invalid_ids_get_specific_errors(bad: str, fragment: str) -> None:
    with pytest.raises(InvalidTenantId) as info:
        LANG.validate(bad)
    assert fragment in str(info.value)
    assert str(info.value).startswith("invalid tenant ID `")
    assert isinstance(info.value, PolicyEngineError)
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


def test_non_string_is_refused() -> None:
    with pytest.raises(InvalidTenantId, match="must be a string, not int"):
        LANG.validate(42)


def test_expand_alphabet() -> None:
    assert expand_alphabet(["a-c", "0-1", "_"]) == frozenset("abc01_")
    with pytest.raises(ValueError, match="run upwards"):
        expand_alphabet(["z-a"])
    with pytest.raises(ValueError, match="run upwards"):
        expand_alphabet(["a-Z"])
    with pytest.raises(ValueError, match="one character or a range"):
        expand_alphabet(["abc"])


@pytest.mark.parametrize("unsafe", ["*", "/", ":", " ", "$", "{", "é"])
def test_language_refuses_unsafe_alphabets_even_when_built_in_code(unsafe: str) -> None:
    with pytest.raises(ValueError, match="unsafe characters"):
        TenantIdLanguage(alphabet=frozenset("ab" + unsafe), min_length=1, max_length=10)


@pytest.mark.parametrize(("lo", "hi"), [(0, 5), (5, 4), (1, 65)])
def test_language_refuses_bad_lengths(lo: int, hi: int) -> None:
    with pytest.raises(ValueError, match="lengths"):
        TenantIdLanguage(alphabet=frozenset("ab"), min_length=lo, max_length=hi)


def test_language_refuses_bad_regex() -> None:
    with pytest.raises(ValueError, match="not a regex"):
        TenantIdLanguage(alphabet=frozenset("ab"), min_length=1, max_length=3, pattern="(")


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("(?=a)[a-z0-9]+", "lookahead `(?=...)`"),
        ("([a-z])[a-z0-9]*\\1", "backreference"),
        ("[a-z]+\\b", "word-boundary anchor `\\b`"),
        ("[a-z0-9]++", "possessive quantifier"),
        ("[a-z](?>[a-z0-9]*)", "atomic group"),
        ("[a-z]+|^x", "anchor `^` other than at the very start"),
    ],
)
def test_unsupported_pattern_is_refused_when_built_in_code(pattern: str, construct: str) -> None:
    with pytest.raises(UnsupportedTenantPattern) as info:
        TenantIdLanguage(alphabet=frozenset("abx0"), min_length=1, max_length=8, pattern=pattern)
    message = str(info.value)
    assert f"tenant-ID pattern `{pattern}`" in message
    assert construct in message
    assert "regex subset" in message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, PolicyEngineError)


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("(?![0-9])[a-z0-9]+(-[a-z0-9]+)*", "lookahead `(?!...)`"),
        ("[a-z0-9]+(-[a-z0-9]+)*(?<!-x)", "lookbehind `(?<!...)`"),
        ("([a-z0-9]+)(-\\1)*", "backreference"),
        ("\\b[a-z0-9]+(-[a-z0-9]+)*", "word-boundary anchor `\\b`"),
        ("[a-z0-9]*+(-[a-z0-9]+)*", "possessive quantifier"),
        ("([a-z0-9]+)(?(1)(-[a-z0-9]+)*|x)", "conditional group"),
    ],
)
def test_unsupported_pattern_is_refused_at_catalogue_load(
    edit: Callable[[str, str, str], Path],
    load: Callable[[Path], Catalog],
    pattern: str,
    construct: str,
) -> None:
    folder = edit("catalog.toml", 'pattern = "[a-z0-9]+(-[a-z0-9]+)*"', f"pattern = '{pattern}'")
    with pytest.raises(CatalogError) as info:
        load(folder)
    message = str(info.value)
    assert f"tenant-ID pattern `{pattern}`" in message
    assert construct in message
    assert "\n" not in message
    assert info.value.key_path == "$.tenant_id.pattern"
    assert "the isolation proof translates exactly only this regex subset" in message


@pytest.mark.parametrize(
    "pattern",
    [
        "^[^\\W_]+(-[^\\W_]+)*$",
        "[\\x61-\\x7a\\d]+(?:\\x2d[\\u0061-\\u007a\\060-\\071]+)*",
        "(?i)[A-Z0-9]+(-[A-Z0-9]+)*",
    ],
)
def test_supported_escapes_load_and_mean_what_re_means(
    edit: Callable[[str, str, str], Path], load: Callable[[Path], Catalog], pattern: str
) -> None:
    folder = edit("catalog.toml", 'pattern = "[a-z0-9]+(-[a-z0-9]+)*"', f"pattern = '{pattern}'")
    lang = load(folder).language
    assert lang.pattern == pattern
    # The proof's automaton of the loaded language is the language.
    nfa = fa.language_nfa(lang.alphabet, lang.min_length, lang.max_length, lang.pattern)
    for word in ["acme", "acme-corp", "a1-b2", "-acme", "acme--corp", "acme-", "_a", "ACME"]:
        states = nfa.closure([nfa.start])
        for ch in word:
            states = nfa.step(states, ch)
        assert nfa.accepts_any(states) == lang.is_valid(word), word
        assert lang.is_valid(word) == (word in ("acme", "acme-corp", "a1-b2")), word
