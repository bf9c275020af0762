"""`_glob.may_overlap` drops the literal head and tail two patterns share before its
search: it answers as the plain search over the whole patterns, and as brute force."""

from __future__ import annotations

import itertools

from hypothesis import example, given
from hypothesis import strategies as st

from policy_engine import _glob

SLOT = _glob.SLOT
PATTERNS = st.text(alphabet=["a", "b", "/", "*", "?", SLOT], max_size=8)


def plain(a: str, b: str, excludes: str) -> bool:
    """The search over the whole patterns (no trimming): states (i, j) of both."""
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        star_a = i < len(a) and a[i] in ("*", SLOT)
        star_b = j < len(b) and b[j] in ("*", SLOT)
        if star_a:
            stack.append((i + 1, j))
        if star_b:
            stack.append((i, j + 1))
        if i < len(a) and j < len(b):
            x, y = a[i], b[j]
            if x in "*?" or y in "*?" or (x == SLOT and y == SLOT):
                ok = True
            elif SLOT in (x, y):
                ok = (y if x == SLOT else x) not in excludes
            else:
                ok = x == y
            step = (i + (not star_a), j + (not star_b))
            if ok and step != (i, j):
                stack.append(step)
    return False


def brute(a: str, b: str, excludes: str) -> bool:
    """A common string of at most 6 letters of `ab/` both match."""
    for n in range(7):
        for word in itertools.product("ab/", repeat=n):
            text = "".join(word)
            if _matches(a, text, excludes) and _matches(b, text, excludes):
                return True
    return False


def _matches(pattern: str, text: str, excludes: str) -> bool:
    if not pattern:
        return not text
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(_matches(rest, text[k:], excludes) for k in range(len(text) + 1))
    if head == SLOT:
        return any(
            _matches(rest, text[k:], excludes)
            for k in range(len(text) + 1)
            if not any(c in excludes for c in text[:k])
        )
    if not text:
        return False
    return (head == "?" or head == text[0]) and _matches(rest, text[1:], excludes)


@given(a=PATTERNS, b=PATTERNS, excludes=st.sampled_from(["", "/", "a"]))
@example(a="ab/a*", b="ab/ab*", excludes="")
@example(a="a*b", b="a?b", excludes="")
@example(a="a/" + SLOT + "/b", b="a/" + SLOT, excludes="/")
def test_trimmed_search_answers_as_the_whole_one(a: str, b: str, excludes: str) -> None:
    _glob.may_overlap.cache_clear()
    got = _glob.may_overlap(a, b, excludes)
    assert got == plain(a, b, excludes)
    # Brute force over words of up to 6 letters is exact when the patterns' fixed
    # characters number at most 6: each letter of a shortest common word is read by a
    # fixed character of one of them (one both read by `*` or the slot can go).
    if _fixed(a) + _fixed(b) <= 6:
        assert got == brute(a, b, excludes)


def _fixed(pattern: str) -> int:
    return len(pattern) - pattern.count("*") - pattern.count(SLOT)
