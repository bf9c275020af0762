"""The indexed "did you mean" answers exactly what difflib's scan answers.

``Closest(pool).best(word, cutoff)`` must equal ``difflib.get_close_matches(word, pool,
n=1, cutoff=cutoff)`` (same score, same tie-break), on random pools and words and on
typos of real action names against their service's actions.
"""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_engine._iamdata import known_actions, known_services, service_actions
from policy_engine.lint._suggest import Closest

#: A small alphabet, so that words share characters, lengths and scores tie.
_WORDS = st.text(alphabet="abcde:", max_size=9)


def _difflib(word: str, pool: list[str], cutoff: float) -> str | None:
    found = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return found[0] if found else None


@given(
    pool=st.lists(_WORDS, max_size=30),
    word=_WORDS,
    cutoff=st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0]),
)
def test_random_pools(pool: list[str], word: str, cutoff: float) -> None:
    assert Closest(pool).best(word, cutoff) == _difflib(word, pool, cutoff)


@given(pool=st.lists(_WORDS, max_size=30), word=_WORDS, data=st.data())
def test_narrowed_pools(pool: list[str], word: str, data: st.DataObject) -> None:
    allowed = frozenset(data.draw(st.lists(st.sampled_from(pool), max_size=5))) if pool else set()
    narrowed = [w for w in pool if w in allowed]
    assert Closest(pool).best(word, 0.5, allowed) == _difflib(word, narrowed, 0.5)


_ACTIONS = sorted(known_actions())
_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "swap"]),
    st.integers(min_value=0, max_value=80),
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-*"),
)


def _typo(word: str, edits: list[tuple[str, int, str]]) -> str:
    for op, at, ch in edits:
        i = at % (len(word) + 1)
        if op == "insert":
            word = word[:i] + ch + word[i:]
        elif op == "delete":
            word = word[:i] + word[i + 1 :]
        elif op == "swap" and i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            word = word[:i] + ch + word[i + 1 :]
    return word


@given(action=st.sampled_from(_ACTIONS), edits=st.lists(_EDIT, min_size=1, max_size=3))
def test_typos_of_real_actions(action: str, edits: list[tuple[str, int, str]]) -> None:
    service, _, name = action.partition(":")
    word = f"{service}:{_typo(name, edits)}"
    pool = service_actions(service)
    assert Closest(pool).best(word) == _difflib(word, list(pool), 0.6)


@given(service=st.sampled_from(sorted(known_services())), edits=st.lists(_EDIT, max_size=2))
def test_typos_of_real_services(service: str, edits: list[tuple[str, int, str]]) -> None:
    word = _typo(service, edits)
    pool = sorted(known_services())
    assert Closest(pool).best(word) == _difflib(word, pool, 0.6)


def test_cutoff_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="cutoff"):
        Closest(["a"]).best("a", 1.5)
