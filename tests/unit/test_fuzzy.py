"""Fuzzy filtering: what matches, in what order, and that narrowing while typing changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from streamtui.fuzzy import FuzzyIndex

T = TypeVar("T")


def is_subsequence(needle: str, text: str) -> bool:
    chars = iter(text)
    return all(char in chars for char in needle)


def matches(query: str, key: str) -> bool:
    return is_subsequence(query.strip().lower(), key.lower())


@dataclass(frozen=True)
class Row:
    key: str
    used: float = 0.0


def fuzzy_filter(
    query: str,
    items: Sequence[T],
    key: Callable[[T], str],
    *,
    recency: Callable[[T], float] | None = None,
    limit: int | None = None,
) -> list[T]:
    return FuzzyIndex(items, key, recency).filter(query, limit)


def keys(rows: list[Row]) -> list[str]:
    return [row.key for row in rows]


def test_empty_query_lists_everything_most_recent_first() -> None:
    rows = [Row("a", 1.0), Row("b", 3.0), Row("c", 0.0), Row("d", 3.0)]
    assert keys(fuzzy_filter("", rows, lambda r: r.key, recency=lambda r: r.used)) == [
        "b",
        "d",
        "a",
        "c",
    ]
    assert keys(fuzzy_filter("   ", rows, lambda r: r.key)) == ["a", "b", "c", "d"]
    assert keys(fuzzy_filter("", rows, lambda r: r.key, limit=2)) == ["a", "b"]


def test_case_insensitive_subsequence() -> None:
    items = ["Support Bridge", "sales", "UPSTREAM", "nothing here"]
    assert set(fuzzy_filter("SUP", items, str)) == {"Support Bridge"}
    assert set(fuzzy_filter("up", items, str)) == {"Support Bridge", "UPSTREAM"}
    assert fuzzy_filter("zq", items, str) == []


def test_consecutive_beats_scattered() -> None:
    items = ["s_u_p_p_o_r_t", "xsupportx"]
    assert fuzzy_filter("support", items, str) == ["xsupportx", "s_u_p_p_o_r_t"]


def test_start_then_word_start_then_inside() -> None:
    items = ["transport", "the port", "portal"]
    assert fuzzy_filter("port", items, str) == ["portal", "the port", "transport"]
    # A later occurrence at a word start counts even if the first one is inside a word.
    assert fuzzy_filter("port", ["airport", "airport port"], str) == ["airport port", "airport"]


def test_word_start_across_separators_in_the_query() -> None:
    items = ["xsupport bridge", "ops support-bridge", "transcriber support bridge"]
    assert fuzzy_filter("support b", items, str)[0] == "transcriber support bridge"
    assert fuzzy_filter("support-b", items, str) == ["ops support-bridge"]


def test_shorter_span_beats_longer_span() -> None:
    items = ["xf..........d", "x fd", "xf...d"]
    assert fuzzy_filter("fd", items, str) == ["x fd", "xf...d", "xf..........d"]
    # fzf v1: the tightest span ending earliest, not the first occurrence of the first char.
    assert fuzzy_filter("ab", ["a......xab", "a....b"], str) == ["a......xab", "a....b"]


def test_scattered_word_start_scores_higher() -> None:
    items = ["xsupport xbridge", "support bridge"]
    assert fuzzy_filter("sb", items, str) == ["support bridge", "xsupport xbridge"]


def test_ties_broken_by_recency() -> None:
    rows = [Row("feed one", 1.0), Row("feed two", 5.0), Row("feed three", 3.0)]
    assert keys(fuzzy_filter("feed", rows, lambda r: r.key, recency=lambda r: r.used)) == [
        "feed two",
        "feed three",
        "feed one",
    ]
    rows = [Row("zfeed", 10.0), Row("feed", 0.0)]
    # A better match still wins over a more recent one.
    assert keys(fuzzy_filter("feed", rows, lambda r: r.key, recency=lambda r: r.used)) == [
        "feed",
        "zfeed",
    ]


def test_limit() -> None:
    items = [f"stream {n}" for n in range(50)]
    assert fuzzy_filter("str", items, str, limit=5) == items[:5]
    assert fuzzy_filter("s 4", items, str, limit=3) == fuzzy_filter("s 4", items, str)[:3]


def test_awkward_keys() -> None:
    items = ["line\nbreak", "nul\x00here", "ÉCOLE Ünïcode", "[regex](.*)", "a^b-c]d\\e"]
    assert fuzzy_filter("line break", items, str) == ["line\nbreak"]
    assert fuzzy_filter("nul here", items, str) == ["nul\x00here"]
    assert fuzzy_filter("école ü", items, str) == ["ÉCOLE Ünïcode"]
    assert fuzzy_filter("(.*)", items, str) == ["[regex](.*)"]
    assert fuzzy_filter("^-]\\", items, str) == ["a^b-c]d\\e"]
    assert fuzzy_filter("x", [], str) == []


def test_typing_narrows_to_the_same_result_as_a_fresh_query() -> None:
    items = [f"{word} {n}" for n in range(300) for word in ("support", "sales", "bridge")]
    index = FuzzyIndex(items, str)
    for end in range(1, len("support 12") + 1):
        assert index.filter("support 12"[:end]) == fuzzy_filter("support 12"[:end], items, str)
    assert index.filter("sup") == fuzzy_filter("sup", items, str)  # backspace
    assert index.filter("") == items
    assert len(index) == len(items)


def test_the_same_query_again_with_another_limit_or_a_trailing_space() -> None:
    items = [f"support {n}" for n in range(20)] + [f"s-u-p {n}" for n in range(20)]
    index = FuzzyIndex(items, str)
    assert index.filter("sup", limit=3) == items[:3]
    assert index.filter("sup ", limit=3) == items[:3]
    assert index.filter("sup") == fuzzy_filter("sup", items, str)
    assert len(index.filter("sup")) == 40
    assert index.filter("sup", limit=25)[20:] == fuzzy_filter("sup", items, str)[20:25]


_ALPHABET = "abcAB -_1é."


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(st.text(_ALPHABET, max_size=12), max_size=30),
    query=st.text(_ALPHABET, max_size=4),
)
def test_property_returns_exactly_the_matches(items: list[str], query: str) -> None:
    result = fuzzy_filter(query, items, str)
    assert all(matches(query, item) for item in result)
    assert sorted(result) == sorted(item for item in items if matches(query, item))


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.tuples(st.text(_ALPHABET, max_size=10), st.floats(0, 100)), max_size=25),
    query=st.text(_ALPHABET, min_size=1, max_size=5),
    limit=st.integers(0, 10),
)
def test_property_typing_and_limit_agree_with_a_fresh_full_query(
    items: list[tuple[str, float]], query: str, limit: int
) -> None:
    def key(item: tuple[str, float]) -> str:
        return item[0]

    def recency(item: tuple[str, float]) -> float:
        return item[1]

    full = fuzzy_filter(query, items, key, recency=recency)
    index = FuzzyIndex(items, key, recency)
    for end in range(1, len(query) + 1):
        typed = index.filter(query[:end])
    assert typed == full
    assert FuzzyIndex(items, key, recency).filter(query, limit) == full[:limit]
    stamps = [recency(item) for item in index.filter("")]
    assert stamps == sorted(stamps, reverse=True)
