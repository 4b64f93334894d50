"""fzf-like fuzzy filtering of saved and recent SIDs, fast enough to run on every keystroke.

A query matches a key when its characters appear in it in order (case-insensitive). Consecutive
matches rank above scattered ones, a match that starts a word ranks higher, and a scattered match
ranks higher the shorter its span; ties go to the most recently used item.

The budget is 16 ms for 10,000 entries on a slow machine, and a Python loop over 10,000 keys
already costs several. So `FuzzyIndex` prepares everything once (lowercase keys, reversed keys,
word starts) and a query runs almost entirely in C: an anchored non-backtracking regex rejects
non-matches, `map` and `itertools.compress` do the per-item work, one comprehension turns the
results into sortable ints, and scattered matches are not scored at all when enough consecutive
ones fill the `limit`. While the user keeps typing, each query narrows the previous one's matches.
An index is not thread-safe: use it from one thread (the TUI's event loop).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import ge, itemgetter, methodcaller, not_, sub
from typing import Generic, TypeVar

T = TypeVar("T")

# Penalties of a scattered match (lower ranks first): two per skipped character, less the
# bonus for starting the key or a word.
_AT_START = 60
_AT_WORD = 40
_MAX_GAP_PENALTY = 200
_SEPARATOR = "\n"
_MARK = "\x00"
_end = methodcaller("end")


def _subsequence(needle: str) -> re.Pattern[str]:
    """`[^a]*a[^b]*b...`: each step can only stop at the first fit, so it never backtracks far."""
    return re.compile("".join(f"[^{re.escape(char)}]*{re.escape(char)}" for char in needle))


def _mark(text: str) -> str:
    """A mark after every character that is not alphanumeric (a word starts after one).

    Marking depends on each character alone, so an occurrence of the needle at a word start is
    exactly an occurrence of MARK + _mark(needle) in MARK + _mark(key): one `find`, in C.
    """
    for char in {char for char in set(text) if not char.isalnum()}:
        text = text.replace(char, char + _MARK)
    return text


def _pick(values: Sequence[str], indices: Sequence[int]) -> Sequence[str]:
    """values[i] for each i, in C."""
    if len(indices) > 1:
        return itemgetter(*indices)(values)  # type: ignore[no-any-return]
    return [values[index] for index in indices]


class FuzzyIndex(Generic[T]):
    """Items prepared once for many queries; rebuild it when the items or their recency change."""

    def __init__(
        self,
        items: Iterable[T],
        key: Callable[[T], str],
        recency: Callable[[T], float] | None = None,
    ) -> None:
        listed = list(items)
        if recency is not None:
            stamps = [recency(item) for item in listed]
            order = sorted(range(len(listed)), key=lambda index: -stamps[index])
            listed = [listed[index] for index in order]
        self._items = listed
        raw = [key(item) for item in listed]
        # All keys as one text: lowercasing, reversing and marking it is one C call each.
        text = _SEPARATOR.join(raw)
        if _MARK in text or text.count(_SEPARATOR) != len(raw) - 1:
            text = _SEPARATOR.join(
                value.replace(_SEPARATOR, " ").replace(_MARK, " ") for value in raw
            )
        text = text.lower()
        self._keys = text.split(_SEPARATOR)
        self._reversed = text[::-1].split(_SEPARATOR)[::-1]
        self._marked = (_MARK + _mark(text)).split(_SEPARATOR)
        self._shift = max(len(listed), 1).bit_length()
        self._last: tuple[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self._items)

    def filter(self, query: str, limit: int | None = None) -> list[T]:
        """Matching items, best first; an empty query gives every item, most recent first."""
        needle = query.strip().lower()
        if not needle:
            self._last = None
            return self._items[:limit]
        indices = self._match(needle)
        order = self._order(needle, indices, limit)
        items = self._items
        return [items[index] for index in order[:limit]]

    def _match(self, needle: str) -> list[int]:
        """Indices (ascending) of the keys holding `needle` as a subsequence.

        Match objects are dropped as soon as they are tested: 10,000 of them alive at once would
        set off the garbage collector, a pause of several milliseconds.
        """
        forward = _subsequence(needle).match
        last = self._last
        if last is not None and needle.startswith(last[0]):
            # Typing on: only what matched before can match now.
            indices = list(compress(last[1], map(forward, _pick(self._keys, last[1]))))
        else:
            indices = list(compress(range(len(self._keys)), map(forward, self._keys)))
        self._last = (needle, indices)
        return indices

    def _order(self, needle: str, indices: list[int], limit: int | None) -> list[int]:
        """Matched indices best first.

        Consecutive matches come in three tiers (at the start, at a word start, elsewhere), each
        already in recency order because `indices` ascend; scattered ones are scored one by one.
        """
        positions = list(map(str.find, _pick(self._keys, indices), repeat(needle)))
        consecutive = list(map(ge, positions, repeat(0)))
        chosen = list(compress(indices, consecutive))
        at_start = list(map(not_, compress(positions, consecutive)))
        order = list(compress(chosen, at_start))
        inner = list(compress(chosen, map(not_, at_start)))
        marked = _MARK + _mark(needle)
        if inner and needle[0].isalnum() and not _enough(order, limit):
            words = list(
                map(ge, map(str.find, _pick(self._marked, inner), repeat(marked)), repeat(0))
            )
            order += compress(inner, words)
            order += compress(inner, map(not_, words))
        else:
            order += inner
        others = list(compress(indices, map(not_, consecutive)))
        if not others or _enough(order, limit):
            return order  # no scattered match can rank above a consecutive one
        return order + self._scattered(needle, others)

    def _scattered(self, needle: str, others: list[int]) -> list[int]:
        """Scattered matches: a word start and a short span first, then recency."""
        keys = _pick(self._keys, others)
        ends = list(map(_end, map(_subsequence(needle).match, keys)))
        lengths = list(map(len, keys))
        # fzf v1: from the earliest end, walk back to the latest start: the tightest span.
        backward = _subsequence(needle[::-1]).match
        tails = map(backward, _pick(self._reversed, others), map(sub, lengths, ends))
        starts = list(map(sub, lengths, map(_end, tails)))
        shift, length = self._shift, len(needle)
        ranks = sorted(
            (
                (
                    min((end - start - length) << 1, _MAX_GAP_PENALTY)
                    - (_AT_START if start == 0 else 0 if key[start - 1].isalnum() else _AT_WORD)
                    + _AT_START
                )
                << shift
            )
            | index
            for index, end, start, key in zip(others, ends, starts, keys, strict=True)
        )
        mask = (1 << shift) - 1
        return [rank & mask for rank in ranks]


def _enough(order: list[int], limit: int | None) -> bool:
    return limit is not None and len(order) >= limit
