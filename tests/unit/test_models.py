"""Unit tests of streamtui.models (API dates, typed results) and streamtui.formatting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamtui.formatting import ago, describe_date, duration
from streamtui.models import STREAM_FIELDS, Conference, ConferenceStream, parse_api_date

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
    assert stream.updated_at == EXPECTED
    assert stream.raw == data
    data["status"] = "changed"
    assert stream.raw["status"] == "in-progress"  # raw is a copy


def test_conference_stream_tolerates_missing_and_odd_fields() -> None:
    stream = ConferenceStream.from_json({"sid": 7, "status": None, "name": None})
    assert stream.sid == "7"
    assert stream.status is None
    assert stream.name is None
    assert stream.uri is None
    assert stream.updated_at is None
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
