"""fzf-like fuzzy filtering of saved and recent SIDs, run on every keystroke of the picker.

A query matches a key when its characters appear in it in order (case-insensitive). Matches where
they are consecutive come first: at the start of the key, then at the start of a word, then
anywhere. Scattered matches follow, the shortest span first (fzf v1: from the earliest end of a
match, back to the latest start), less a bonus when the span starts the key or a word. Ties go to
the most recently used item.

The picker shows the first rows of up to 10,000 items, so the per-key work is done by `str`
methods mapped over all keys: consecutive matches are searched for in one text of all keys,
stopping once enough are found, and each typed character extends the previous query's matches by
one `str.find` per key. An index is not thread-safe: use it from one thread (the TUI's event loop).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, compress, repeat
from operator import not_, sub
from typing import Generic, TypeVar

T = TypeVar("T")
_Matches = tuple[list[int], list[str], list[int]]  # indices of items, their keys, an end in each

# Scattered matches: two points per skipped character (at most this many), less a bonus.
_MAX_GAP_PENALTY = 200
_AT_START = 60
_AT_WORD = 40
_SEPARATOR = "\n"  # between the keys in one text
_MARK = "\x00"  # after every character that ends a word, in the text searched for word starts


def _mark(text: str) -> str:
    """A mark after every character that is not alphanumeric: a word starts after one.

    Marking depends on each character alone, so the needle at a word start is exactly
    MARK + _mark(needle) in the marked text of all keys.
    """
    for char in set(text):
        if not char.isalnum():
            text = text.replace(char, char + _MARK)
    return text


class _Text:
    """All keys in one text, each after a separator, to search for a word with `str.find`."""

    def __init__(self, text: str) -> None:
        self.text = text
        # where key i's separator is, and a last entry for the end of the text
        self.offsets = [0, *accumulate(len(key) + 1 for key in text[1:].split(_SEPARATOR))]

    def holding(self, word: str) -> Iterator[int]:
        """Indices of the keys that hold `word`, ascending (a word may start at a separator)."""
        at = self.text.find(word)
        while at >= 0:
            index = bisect_right(self.offsets, at) - 1
            yield index
            at = self.text.find(word, self.offsets[index + 1])


class FuzzyIndex(Generic[T]):
    """Items prepared once for many queries; rebuild it when the items or their recency change."""

    def __init__(
        self,
        items: Iterable[T],
        key: Callable[[T], str],
        recency: Callable[[T], float] | None = None,
    ) -> None:
        self._items = list(items)
        if recency is not None:
            self._items.sort(key=recency, reverse=True)  # stable: equal stamps keep their order
        # lowercased and marked as one text: one C call each; split, the keys lie side by side in
        # memory, which every query walks through
        text = "".join(_SEPARATOR + key(item).replace(_SEPARATOR, " ") for item in self._items)
        text = text.replace(_MARK, " ").lower()
        keys = text[1:].split(_SEPARATOR) if self._items else []
        self._plain = _Text(text)
        self._marked = _Text(_mark(text))
        # _steps[n]: the items matching the first n characters of _needle, the keys and where
        # each match ends (see _match)
        self._needle = ""
        self._last: tuple[tuple[str, int | None], list[int]] = (("", None), [])
        self._steps = [(list(range(len(keys))), keys, [0] * len(keys))]

    def __len__(self) -> int:
        return len(self._items)

    def filter(self, query: str, limit: int | None = None) -> list[T]:
        """Matching items, best first; an empty query gives every item, most recent first."""
        needle = query.strip().lower().replace(_SEPARATOR, " ").replace(_MARK, " ")
        if not needle:
            return self._items[:limit]
        if (needle, limit) != self._last[0]:  # a space typed after a word changes nothing
            matches = self._match(needle)
            best = self._consecutive(needle, limit)
            if limit is None or len(best) < limit:
                best += _scattered(needle, *_without(matches, best))
            self._last = (needle, limit), best[:limit]
        items = self._items
        return [items[index] for index in self._last[1]]

    def _match(self, needle: str) -> _Matches:
        """The items holding `needle` as a subsequence (indices ascending), their keys, and where
        the earliest such subsequence ends in each.

        One `str.find` per key and character, from where the previous character was found. The
        steps of the previous query are kept: typing on costs one step, deleting none.
        """
        kept = 0
        while kept < min(len(needle), len(self._needle)) and needle[kept] == self._needle[kept]:
            kept += 1
        del self._steps[kept + 1 :]
        for char in needle[kept:]:
            indices, keys, ends = self._steps[-1]
            reached = [at + 1 for at in map(str.find, keys, repeat(char), ends)]  # 0: not found
            indices, keys = list(compress(indices, reached)), list(compress(keys, reached))
            self._steps.append((indices, keys, list(filter(None, reached))))
        self._needle = needle
        return self._steps[-1]

    def _consecutive(self, needle: str, limit: int | None) -> list[int]:
        """Items holding the needle itself: at the start of the key, at the start of a word,
        then anywhere, each in recency order; only the first `limit` of them are looked for."""
        anywhere = self._plain.holding(needle)
        first = next(anywhere, None)
        if first is None:  # nowhere, so not at a start either
            return []
        searches = [self._plain.holding(_SEPARATOR + needle)]
        if needle[0].isalnum():  # a needle that starts with a separator starts no word
            searches.append(self._marked.holding(_MARK + _mark(needle)))
        searches.append(chain([first], anywhere))
        found: dict[int, None] = {}  # ordered, each item once
        for search in searches:
            for index in search:
                if limit is not None and len(found) >= limit:
                    return list(found)
                found[index] = None
        return list(found)


def _without(matches: _Matches, taken: list[int]) -> _Matches:
    """`matches` (indices, keys, ends) but those of the `taken` indices."""
    if not taken:
        return matches
    indices, keys, ends = matches
    kept = list(map(not_, map(set(taken).__contains__, indices)))
    return list(compress(indices, kept)), list(compress(keys, kept)), list(compress(ends, kept))


def _scattered(needle: str, indices: list[int], keys: list[str], ends: list[int]) -> list[int]:
    """The scattered matches (indices, keys, where each ends), best first: a short span, a span
    that starts the key or a word, then recency."""
    starts = [end - 1 for end in ends]  # where the needle's last character is
    for char in reversed(needle[:-1]):  # walk back to the latest start
        starts = list(map(str.rfind, keys, repeat(char), repeat(0), starts))
    length = len(needle)
    ranks = [
        min(2 * (span - length), _MAX_GAP_PENALTY)
        - (_AT_START if start == 0 else 0 if key[start - 1].isalnum() else _AT_WORD)
        for key, start, span in zip(keys, starts, map(sub, ends, starts), strict=True)
    ]
    best_first = sorted(range(len(ranks)), key=ranks.__getitem__)  # stable: recency breaks ties
    return [indices[position] for position in best_first]
