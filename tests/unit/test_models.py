"""Unit tests of streamtui.models (API dates, typed results) and streamtui.formatting."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamtui.formatting import ago, describe_date, duration
from streamtui.models import (
    MAX_FIELD_CHARS,
    STREAM_FIELDS,
    Conference,
    ConferenceStream,
    clip,
    parse_api_date,
)

DOCS_DATE = "Tue, 25 Sept 2018 20:00:00 +0000"
EXPECTED = datetime(2018, 9, 25, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        DOCS_DATE,
        "Tue, 25 Sep 2018 20:00:00 +0000",
        "Tue, 25 Sep 2018 20:00:00 GMT",
        "Tue, 25 Sep 2018 22:00:00 +0200",
        "25 Sep 2018 20:00:00 +0000",
        "Tue, 25 September 2018 20:00:00 +0000",
        "Tue, 25 sept 2018 20:00:00 +0000",
        "Tue, 25 SEPT 2018 20:00:00 +0000",
        "Tue, 25 Sept. 2018 20:00:00 +0000",
        "Tue, 25 Sep 2018 20:00:00 -0000",  # RFC 2822: UTC, source unknown (naive)
        "2018-09-25T20:00:00Z",
        "2018-09-25T20:00:00+00:00",
        "2018-09-25T22:00:00+02:00",
        "2018-09-25 20:00:00",  # ISO without zone: taken as UTC
    ],
)
def test_parse_api_date_accepts_what_the_api_and_docs_write(raw: str) -> None:
    parsed = parse_api_date(raw)
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed == EXPECTED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sat, 1 June 2024 08:30:00 +0000", datetime(2024, 6, 1, 8, 30, tzinfo=UTC)),
        ("Mon, 3 March 2025 00:00:00 +0000", datetime(2025, 3, 3, tzinfo=UTC)),
        ("Wed, 1 May 2024 10:00:00 +0000", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("Sun, 1 December 2024 10:00:00 +0100", datetime(2024, 12, 1, 9, tzinfo=UTC)),
    ],
)
def test_other_long_months(raw: str, expected: datetime) -> None:
    assert parse_api_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "garbage",
        "yesterday",
        "Tue, 99 Foo 2018 20:00:00 +0000",
        "Tue, 25 Sep 2018 25:61:00 +0000",
        "Tue, 25 Sep 99999 20:00:00 +0000",
        "Tue, 25 Sep 2018 20:00:00 +9999",
        "2018-13-45",
        "[bold]now[/bold]",
    ],
)
def test_parse_api_date_garbage_is_none(raw: str | None) -> None:
    assert parse_api_date(raw) is None


def test_parse_api_date_non_string_is_none() -> None:
    assert parse_api_date(12345) is None  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_parse_api_date_never_raises(raw: str) -> None:
    parsed = parse_api_date(raw)
    assert parsed is None or parsed.tzinfo is not None


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31)))
def test_rfc2822_round_trip(when: datetime) -> None:
    import email.utils

    when = when.replace(microsecond=0, tzinfo=UTC)
    assert parse_api_date(email.utils.format_datetime(when)) == when


def test_conference_stream_from_json() -> None:
    data = {
        "account_sid": "a",
        "conference_sid": "c",
        "date_updated": DOCS_DATE,
        "date_created": "Mon, 24 Sep 2018 20:00:00 +0000",
        "name": "feed",
        "sid": "s",
        "status": "in-progress",
        "uri": "/x.json",
        "unknown": [1, 2],
    }
    stream = ConferenceStream.from_json(data)
    assert stream.fields() == [
        ("account_sid", "a"),
        ("conference_sid", "c"),
        ("date_updated", DOCS_DATE),
        ("name", "feed"),
        ("sid", "s"),
        ("status", "in-progress"),
        ("uri", "/x.json"),
    ]
    assert [name for name, _ in stream.fields()] == list(STREAM_FIELDS)
    assert stream.date_created == "Mon, 24 Sep 2018 20:00:00 +0000"
    assert parse_api_date(stream.date_updated) == EXPECTED
    assert stream.raw == data
    data["status"] = "changed"
    assert stream.raw["status"] == "in-progress"  # raw is a copy


def test_conference_stream_tolerates_missing_and_odd_fields() -> None:
    stream = ConferenceStream.from_json({"sid": 7, "status": None, "name": None})
    assert stream.sid == "7"
    assert stream.status is None
    assert stream.name is None
    assert stream.uri is None
    assert stream.date_updated is None
    assert all(value is None for name, value in stream.fields() if name != "sid")


def test_raw_is_not_compared() -> None:
    one = ConferenceStream.from_json({"sid": "s", "status": "stopped", "x": 1})
    two = ConferenceStream.from_json({"sid": "s", "status": "stopped", "x": 2})
    assert one == two
    assert "raw" not in repr(one)


def test_conference_from_json() -> None:
    conference = Conference.from_json(
        {
            "sid": "c1",
            "friendly_name": "Support",
            "status": "in-progress",
            "region": "us1",
            "date_created": DOCS_DATE,
            "date_updated": DOCS_DATE,
            "uri": "/c1.json",
            "extra": True,
        }
    )
    assert conference.sid == "c1"
    assert conference.friendly_name == "Support"
    assert conference.region == "us1"
    assert conference.created_at == EXPECTED
    assert conference.raw["extra"] is True


def test_conference_without_sid() -> None:
    conference = Conference.from_json({})
    assert conference.sid == ""
    assert conference.friendly_name is None
    assert conference.created_at is None


# --------------------------------------------------------------------------------------------
# formatting


NOW = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=2), "just now"),
        (timedelta(seconds=-3), "just now"),
        (timedelta(seconds=30), "30 seconds ago"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5, seconds=10), "5 minutes ago"),
        (timedelta(hours=2), "2 hours ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(hours=-2), "in 2 hours"),
    ],
)
def test_ago(delta: timedelta, expected: str) -> None:
    assert ago(NOW - delta, NOW) == expected


def test_describe_date() -> None:
    text = describe_date(DOCS_DATE, now=EXPECTED + timedelta(minutes=5))
    assert text.startswith(DOCS_DATE + " (")
    assert "5 minutes ago" in text
    assert describe_date("not a date") == "not a date"
    assert describe_date(None) == "-"
    assert describe_date("") == "-"


def test_describe_date_with_other_zone() -> None:
    text = describe_date("Tue, 25 Sep 2018 22:00:00 +0200", now=EXPECTED)
    assert "just now" in text


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.25, "250 ms"), (0, "0 ms"), (1.5, "1.5 s"), (30, "30.0 s"), (125, "2 min 5 s")],
)
def test_duration(seconds: float, expected: str) -> None:
    assert duration(seconds) == expected


# --------------------------------------------------------------------------------------------
# Hostile data: every field capped, every date defensive (issue 9, findings 8 and 11)

OUT_OF_RANGE = [
    "Fri, 31 Dec 9999 23:59:59 -2359",
    "Mon, 01 Jan 0001 00:00:00 +2359",
    "Sat, 01 Jan 0000 00:00:00 +0000",
    "Fri, 31 Dec 99999 23:59:59 +0000",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
]


@pytest.fixture(params=["UTC", "Pacific/Kiritimati", "Etc/GMT+12"])
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone, east and west of UTC as far as zones go."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("raw", OUT_OF_RANGE)
def test_a_date_out_of_range_is_shown_raw_never_raised(raw: str, local_zone: str) -> None:
    parsed = parse_api_date(raw)
    assert parsed is None or parsed.tzinfo is UTC
    text = describe_date(raw)
    assert text.startswith(raw)
    created = Conference.from_json({"date_created": raw}).created_at
    if created is not None:
        ago(created)


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("Mon, 01 Jan 0001 12:00:00 +0000", 1),
        ("Mon, 01 Jan 0099 12:00:00 +0000", 99),
        ("Mon, 01 Jan 0999 12:00:00 +0000", 999),
        ("Mon, 01 Jan 99 12:00:00 +0000", 1999),  # two digits: RFC 2822's obsolete form
        ("Mon, 01 Jan 18 12:00:00 +0000", 2018),
        ("0001-01-01T12:00:00Z", 1),
    ],
)
def test_a_year_is_read_as_written(raw: str, year: int) -> None:
    parsed = parse_api_date(raw)
    assert parsed is not None and parsed.year == year


def test_year_1_is_displayed_as_year_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        text = describe_date("Mon, 01 Jan 0001 12:00:00 +0000", now=NOW)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "(0001-01-01 12:00:00 UTC, " in text
    assert "2001" not in text


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    st.integers(min_value=-2359, max_value=2359),
)
def test_describe_date_never_raises(when: datetime, offset: int) -> None:
    raw = f"{when:%a, %d %b} {when.year:04d} {when:%H:%M:%S} {offset:+05d}"
    text = describe_date(raw)
    assert text.startswith(raw)


def test_describe_date_cleans_and_clips_what_it_shows_raw() -> None:
    raw = "\x1b]52;c;aGk=\x07not a date " + "x" * 5000
    text = describe_date(raw)
    assert "\x1b" not in text and "\x07" not in text
    assert len(text) <= MAX_FIELD_CHARS


def test_every_field_is_capped_with_an_ellipsis() -> None:
    long = "n" * 100_000
    stream = ConferenceStream.from_json(
        {"sid": long, "status": long, "name": long, "uri": long, "extra": {"deep": [long]}}
    )
    for _, value in stream.fields():
        assert value is None or len(value) <= MAX_FIELD_CHARS
    assert stream.name == "n" * (MAX_FIELD_CHARS - 1) + "…"
    assert stream.raw["extra"]["deep"][0] == stream.name
    conference = Conference.from_json({"sid": "c", "friendly_name": long, long: long})
    assert conference.friendly_name is not None and len(conference.friendly_name) == MAX_FIELD_CHARS
    assert all(len(key) <= MAX_FIELD_CHARS for key in conference.raw)


def test_raw_keeps_no_deeper_nesting_than_the_api_has() -> None:
    deep: list[object] = []
    inner = deep
    for _ in range(500):
        inner.append([])
        inner = inner[0]  # type: ignore[assignment]
    stream = ConferenceStream.from_json({"sid": "s", "x": deep})
    json.dumps(stream.raw)  # printable by `stop --json`
    assert "…" in json.dumps(stream.raw, ensure_ascii=False)


def test_clip() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "ab…"
    assert clip("", 3) == ""


@pytest.mark.parametrize("seconds", [math.inf, math.nan, 1e300, -1.0])
def test_duration_of_hostile_values(seconds: float) -> None:
    assert duration(seconds)
