"""Step 2: the tenant-ID language as an automaton, and short words of it."""

from __future__ import annotations

from functools import cache, lru_cache

from .. import _automata as fa
from ..tenancy import TenantIdLanguage


@cache
def _language_automaton(language: TenantIdLanguage) -> fa.NFA:
    """The tenant language as a minimal automaton (cached: it is never mutated)."""
    return fa.language_nfa(
        language.alphabet, language.min_length, language.max_length, language.pattern
    )


@lru_cache(maxsize=64)
def _short_tenants(language: TenantIdLanguage, sigma: frozenset[str]) -> tuple[str, ...]:
    return tuple(fa.shortest_words(_language_automaton(language), sigma, limit=6))


def _has_both_cases(language: TenantIdLanguage) -> bool:
    return any(c.lower() != c and c.lower() in language.alphabet for c in language.alphabet)
