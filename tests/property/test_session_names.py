"""`tenancy.session_name` is injective over the language and always valid for STS."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from policy_engine.catalog import load_catalog
from policy_engine.errors import CatalogError
from policy_engine.tenancy import SAFE_CHARACTERS, TenantIdLanguage, session_name

#: RoleSessionName / SourceIdentity (AWS-FACTS.md), read as ASCII.
STS_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{2,64}")


@st.composite
def languages(draw: st.DrawFn) -> TenantIdLanguage:
    alphabet = draw(st.sets(st.sampled_from(sorted(SAFE_CHARACTERS)), min_size=1, max_size=8))
    low = draw(st.integers(1, 4))
    high = draw(st.integers(low, 64))
    return TenantIdLanguage(frozenset(alphabet), low, high)


@st.composite
def language_and_two_ids(draw: st.DrawFn) -> tuple[TenantIdLanguage, str, str]:
    lang = draw(languages())
    chars = "".join(sorted(lang.alphabet))
    ids = st.text(alphabet=chars, min_size=lang.min_length, max_size=lang.max_length)
    a = draw(ids)
    # the other ID is often a near miss of the first: a prefix or an extension of it
    b = draw(
        st.one_of(
            ids,
            st.just(a[:-1]),
            st.builds(lambda t: (a + t)[: lang.max_length], ids),
            st.builds(lambda t: (t + a)[: lang.max_length], ids),
        )
    )
    return lang, a, b


@given(language_and_two_ids())
def test_session_name_is_injective_and_valid_for_sts(
    case: tuple[TenantIdLanguage, str, str],
) -> None:
    lang, a, b = case
    assume(lang.is_valid(a) and lang.is_valid(b))
    name_a, name_b = session_name(a, lang), session_name(b, lang)
    for name in (name_a, name_b):
        assert STS_NAME.fullmatch(name), name
        assert not name.lower().startswith("aws:")
    assert (name_a == name_b) == (a == b)


@given(st.sampled_from(sorted(SAFE_CHARACTERS)))
def test_one_character_ids_never_meet_a_longer_id(ch: str) -> None:
    lang = TenantIdLanguage(frozenset(string.ascii_lowercase + "-" + ch), 1, 64)
    short = session_name(ch, lang)
    assert len(short) == 2
    assert not lang.is_valid(short)  # so no tenant's own name can equal it


def _unchecked_language(alphabet: str, low: int, high: int) -> TenantIdLanguage:
    """A language the constructor would refuse (built past its checks), to test the
    session-name guard on its own."""
    lang = object.__new__(TenantIdLanguage)
    for name, value in (
        ("alphabet", frozenset(alphabet)),
        ("min_length", low),
        ("max_length", high),
        ("pattern", None),
        ("alphabet_spec", ()),
    ):
        object.__setattr__(lang, name, value)
    return lang


def test_languages_that_cannot_be_named_injectively_are_refused(
    catalog_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policy_engine.tenancy import session_name_problem

    no_pad = _unchecked_language("ab,=+@._-", 1, 8)
    assert "padding character" in (session_name_problem(no_pad) or "")
    with pytest.raises(ValueError, match="padding character"):
        session_name("a", no_pad)
    assert "outside what" in (session_name_problem(_unchecked_language("a:", 2, 8)) or "")
    assert "at most 64" in (session_name_problem(_unchecked_language("a", 2, 65)) or "")
    # catalogue loading asks the same question and refuses with the key path
    monkeypatch.setattr(
        "policy_engine.catalog.session_name_problem", lambda lang: "cannot be named"
    )
    with pytest.raises(CatalogError, match=r"\$\.tenant_id.*cannot be named"):
        load_catalog(catalog_copy)
