from __future__ import annotations

import pytest

from policy_engine.errors import InvalidTenantId, PolicyEngineError
from policy_engine.tenancy import TenantIdLanguage, expand_alphabet

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
