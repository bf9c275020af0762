"""DynamoDB Number keys: which tenant IDs name one item collection.

DynamoDB stores a Number normalised (leading and trailing zeroes trimmed, exponent
forms read as their value), so for a partition key of type ``N`` two different
strings with one numeric value (``0042`` and ``42``) name one item collection. A
string is *canonical* when it is the only spelling of its value we admit as such:
``0``, an integer without leading zeroes, or a decimal without leading zeroes in its
integer part and without trailing zeroes in its fraction (a ``-`` for negatives).
Distinct canonical strings have distinct values, so over canonical IDs the string
reasoning of the proof is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from .. import _automata as fa
from ..tenancy import TenantIdLanguage
from ._language import _language_automaton

#: What DynamoDB reads as a Number (sign, digits, optional fraction and exponent).
NUMBER_SYNTAX = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
#: Canonical Number strings: one per value.
CANONICAL_SYNTAX = r"0|-?[1-9][0-9]*|-?(0|[1-9][0-9]*)\.[0-9]*[1-9]"

_NUMBER = re.compile(NUMBER_SYNTAX)
_CANONICAL = re.compile(CANONICAL_SYNTAX)

#: Globs (`*` any text, `?` one character) whose union holds every non-canonical
#: Number string (and a few canonical decimals such as `0.5`: more, never fewer): a
#: leading zero followed by more, a trailing zero or dot after a fraction dot, a
#: leading dot, an exponent, a sign `+`, a negative zero.
NON_CANONICAL_GLOBS = ("0?*", "*.*0", "*.", ".*", "*e*", "*E*", "+*", "-0*", "-.*")


def is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def is_canonical(text: str) -> bool:
    return _CANONICAL.fullmatch(text) is not None


def number_value(text: str) -> Decimal | None:
    """The value DynamoDB gives ``text`` as a Number, or None when it is none."""
    if not is_number(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the syntax check admits only numbers
        return None


@dataclass(frozen=True, slots=True)
class NumberFacts:
    """What the tenant language holds as DynamoDB Numbers."""

    #: every tenant ID is a Number string
    numbers_only: bool
    #: a tenant ID that is a Number in non-canonical form (None: there is none)
    non_canonical: str | None
    #: another tenant ID with the same numeric value as ``non_canonical`` (if found)
    twin: str | None
    #: a tenant ID that is no Number (None: there is none)
    not_a_number: str | None


@cache
def not_a_number(language: TenantIdLanguage) -> str | None:
    """A tenant ID that is no Number string, or None when every ID is one: a short ID
    of the language first (most languages hold letters), else the automaton of the
    language without the Number strings."""
    sigma = frozenset(language.alphabet)
    lang = _language_automaton(language)
    for word in fa.shortest_words(lang, sigma, limit=6):
        if not is_number(word):
            return word
    numbers = fa.language_nfa(sigma, 1, language.max_length, NUMBER_SYNTAX)
    others = fa.shortest_words(fa.intersect(lang, fa.complement(numbers, sigma)), sigma, limit=1)
    return others[0] if others else None


@cache
def number_facts(language: TenantIdLanguage) -> NumberFacts:
    """Decided on the automata: the language intersected with the non-canonical
    Number strings, and with the strings that are no Number."""
    sigma = frozenset(language.alphabet)
    lang = _language_automaton(language)
    top = language.max_length
    numbers = fa.language_nfa(sigma, 1, top, NUMBER_SYNTAX)
    canonical = fa.language_nfa(sigma, 1, top, CANONICAL_SYNTAX)
    odd = fa.intersect(fa.intersect(lang, numbers), fa.complement(canonical, sigma))
    odd_words = fa.shortest_words(odd, sigma, limit=1)
    first = odd_words[0] if odd_words else None
    other = not_a_number(language)
    return NumberFacts(
        numbers_only=other is None,
        non_canonical=first,
        twin=twin(first, language) if first is not None else None,
        not_a_number=other,
    )


def twin(text: str, language: TenantIdLanguage) -> str | None:
    """Another tenant ID of the language with the numeric value of ``text``: its
    canonical form, or a spelling with other leading zeroes and trailing fraction
    zeroes (exponent spellings are not tried; None when none was found)."""
    value = number_value(text)
    if value is None:
        return None
    sign = "-" if value < 0 else ""
    digits = format(abs(value), "f")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0")
    top = language.max_length
    for zeros in range(top + 1):
        for tail in range(top + 1):
            body = "0" * zeros + (whole or ("" if fraction or zeros else "0"))
            if fraction:
                spelling = f"{sign}{body}.{fraction}{'0' * tail}"
            else:
                spelling = sign + body + ("." + "0" * (tail - 1) if tail else "")
            if len(spelling) > top:
                break
            same = spelling and number_value(spelling) == value
            if same and spelling != text and language.is_valid(spelling):
                return spelling
    return None
