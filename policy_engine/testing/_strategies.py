"""Strategy implementations; import them from :mod:`policy_engine.testing`."""

from __future__ import annotations

import string

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog import Catalog
from ..tenancy import TenantIdLanguage

#: Fragments that must never survive tenant-ID validation.
HOSTILE_FRAGMENTS = (
    "*",
    "?",
    '"',
    "'",
    "${",
    "${aws:username}",
    "}",
    "/",
    ":",
    "\\",
    " ",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x7f",
    "{{",
    "}}",
    "{%",
    "{{ tenant }}",
    "[",
    "#",
    "é",
    "\u0101",
    "\u4e2d",
    "\U0001f600",
    "\u200b",
)


def _language(catalog: Catalog | None, language: TenantIdLanguage | None) -> TenantIdLanguage:
    if catalog is not None and language is not None:
        raise InvalidArgument("pass either catalog= or language=, not both")
    if catalog is not None:
        if not isinstance(catalog, Catalog):
            raise InvalidArgument(f"catalog must be a Catalog, not {type(catalog).__name__}")
        return catalog.language
    if language is not None:
        if not isinstance(language, TenantIdLanguage):
            raise InvalidArgument(
                f"language must be a TenantIdLanguage, not {type(language).__name__}"
            )
        return language
    raise InvalidArgument("tenant-ID strategies need catalog= or language=")


def tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Valid tenant IDs of a catalogue's language, biased toward edge cases:
    the catalogue's examples, the shortest and longest IDs, IDs that are prefixes of
    each other, digits only, and separators at every allowed position."""
    lang = _language(catalog, language)
    examples = [e for e in (catalog.examples if catalog else ()) if lang.is_valid(e)]
    alphabet = "".join(sorted(lang.alphabet))
    if lang.pattern is not None:
        raw: st.SearchStrategy[str] = st.from_regex(lang.pattern, fullmatch=True)
    else:
        raw = st.text(alphabet=alphabet, min_size=lang.min_length, max_size=lang.max_length)
    edge = st.builds(
        lambda base, n: (base * lang.max_length)[:n],
        st.sampled_from(sorted(lang.alphabet)),
        st.sampled_from(sorted({lang.min_length, lang.max_length})),
    )
    digits = sorted(lang.alphabet & set(string.digits))
    parts: list[st.SearchStrategy[str]] = [raw, edge]
    if digits:
        parts.append(
            st.text(alphabet="".join(digits), min_size=lang.min_length, max_size=lang.max_length)
        )
    # Prefix pairs: an example and that example extended by a separator and more.
    if examples:
        parts.append(st.sampled_from(examples))
        parts.append(
            st.builds(lambda e, tail: e + tail, st.sampled_from(examples), raw).map(
                lambda s: s[: lang.max_length]
            )
        )
    return st.one_of(*parts).filter(lang.is_valid)


def adversarial_tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Strings a tenant-ID check must refuse: wildcards, quotes, policy variables, path
    and ARN separators, whitespace and control characters, case variants, non-Latin-1,
    empty, over-long and Jinja syntax, each spliced into an otherwise valid ID."""
    lang = _language(catalog, language)
    valid = tenant_ids(catalog=catalog) if catalog is not None else tenant_ids(language=lang)
    spliced = st.builds(
        lambda base, frag, pos: (
            base[: pos % (len(base) + 1)] + frag + base[pos % (len(base) + 1) :]
        ),
        valid,
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.integers(min_value=0, max_value=64),
    )
    too_long = valid.map(
        lambda s: (s * (lang.max_length // max(len(s), 1) + 2))[: lang.max_length + 1]
    )
    too_short = valid.map(lambda s: s[: lang.min_length - 1])
    case_variant = valid.map(str.swapcase)
    anything = st.text(max_size=lang.max_length + 4)
    return st.one_of(spliced, too_long, too_short, case_variant, anything).filter(
        lambda s: not lang.is_valid(s)
    )


def tiers(catalog: Catalog) -> st.SearchStrategy[str]:
    """The catalogue's tier names."""
    if not isinstance(catalog, Catalog):
        raise InvalidArgument(f"catalog must be a Catalog, not {type(catalog).__name__}")
    if not catalog.tiers:
        raise InvalidArgument("the catalogue defines no tiers")
    return st.sampled_from(sorted(catalog.tiers))


def tenant_pairs(catalog: Catalog) -> st.SearchStrategy[tuple[str, str]]:
    """Two distinct tenant IDs of the catalogue's language."""
    ids = tenant_ids(catalog=catalog)
    return st.tuples(ids, ids).filter(lambda pair: pair[0] != pair[1])
