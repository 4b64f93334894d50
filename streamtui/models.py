"""Typed results of the API: what a stop returns and what a conference listing holds.

Unknown fields are ignored and missing ones tolerated, as the API docs ask; the raw object is kept
so `stop --json` can print what the API said. Whatever a server sends is taken defensively: one
field's text is capped at MAX_FIELD_CHARS before anything shows or records it (so one server
cannot flood a terminal or rotate the audit history away), and a date that does not parse, or
lies outside what a datetime holds, is None (shown raw), never an exception.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_FIELD_CHARS = 1000
# Deeper than any answer of the API: beyond it `raw` holds a marker, not the server's nesting.
MAX_RAW_DEPTH = 16
ELLIPSIS = "…"
STREAM_FIELDS = ("account_sid", "conference_sid", "date_updated", "name", "sid", "status", "uri")

# Long month spellings seen in the wild ("Sept" is in SignalWire's own example).
_LONG_MONTH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b\.?", re.IGNORECASE
)
# The year of an RFC 2822 date as written ("25 Sep 2018"): email.utils reads a year below 100 as
# two digits (0001 becomes 2001), which is right only when it was written with two.
_WRITTEN_YEAR = re.compile(r"\b\d{1,2}\s+[a-z]{3,}\.?\s+(\d+)\b", re.IGNORECASE)
_DATE_ERRORS = (TypeError, ValueError, IndexError, OverflowError)


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def capped_json(value: Any, depth: int = 0) -> Any:
    """A copy of a parsed JSON value whose every string (and key) is clipped."""
    if isinstance(value, str):
        return clip(value)
    if depth >= MAX_RAW_DEPTH and isinstance(value, Mapping | list):
        return ELLIPSIS
    if isinstance(value, Mapping):
        return {clip(str(key)): capped_json(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [capped_json(item, depth + 1) for item in value]
    return value


def _rfc2822(raw: str) -> datetime | None:
    for candidate in (raw, _LONG_MONTH.sub(lambda m: m.group(1).title(), raw)):
        try:
            parsed = email.utils.parsedate_to_datetime(candidate)
        except _DATE_ERRORS:
            continue
        if parsed is None:
            continue
        written = _WRITTEN_YEAR.search(candidate)
        if written and len(written.group(1)) > 2 and int(written.group(1)) != parsed.year:
            parsed = parsed.replace(year=int(written.group(1)))  # ValueError for year 0
        return parsed
    return None


def parse_api_date(raw: object) -> datetime | None:
    """An RFC 2822 (or ISO 8601) date, leniently, in UTC; None when it will not parse or lies
    outside the range a datetime holds (the caller shows the raw text then)."""
    if not raw or not isinstance(raw, str) or len(raw) > 100:
        return None
    try:
        parsed = _rfc2822(raw)
        if parsed is None:
            parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except _DATE_ERRORS:
        return None


def _text(data: Mapping[str, Any], key: str) -> str | None:
    """A field as text, clipped; None when absent, null, or not a scalar."""
    value = data.get(key)
    if value is None or isinstance(value, Mapping | list):
        return None
    return clip(value if isinstance(value, str) else str(value))


@dataclass(frozen=True)
class ConferenceStream:
    """A conference stream as the Update (or Create) Conference Stream call returns it.

    `http_status`, `request_id` and `attempts` describe the answer, not the stream: the client
    fills them so the history can record them. They are in neither `fields()` nor `raw`.
    """

    sid: str | None
    status: str | None
    name: str | None = None
    account_sid: str | None = None
    conference_sid: str | None = None
    date_updated: str | None = None
    date_created: str | None = None
    uri: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    http_status: int | None = field(default=None, compare=False)
    request_id: str | None = field(default=None, compare=False)
    attempts: int | None = field(default=None, compare=False)

    @classmethod
    def from_json(
        cls,
        data: Mapping[str, Any],
        *,
        http_status: int | None = None,
        request_id: str | None = None,
        attempts: int | None = None,
    ) -> ConferenceStream:
        return cls(
            sid=_text(data, "sid"),
            status=_text(data, "status"),
            name=_text(data, "name"),
            account_sid=_text(data, "account_sid"),
            conference_sid=_text(data, "conference_sid"),
            date_updated=_text(data, "date_updated"),
            date_created=_text(data, "date_created"),
            uri=_text(data, "uri"),
            raw=capped_json(dict(data)),
            http_status=http_status,
            request_id=clip(request_id) if request_id is not None else None,
            attempts=attempts,
        )

    def fields(self) -> list[tuple[str, str | None]]:
        """The documented fields in the documented order, for display."""
        return [(name, getattr(self, name)) for name in STREAM_FIELDS]


@dataclass(frozen=True)
class Conference:
    """One row of List Conferences."""

    sid: str
    friendly_name: str | None = None
    status: str | None = None
    region: str | None = None
    date_created: str | None = None
    date_updated: str | None = None
    uri: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Conference:
        return cls(
            sid=_text(data, "sid") or "",
            friendly_name=_text(data, "friendly_name"),
            status=_text(data, "status"),
            region=_text(data, "region"),
            date_created=_text(data, "date_created"),
            date_updated=_text(data, "date_updated"),
            uri=_text(data, "uri"),
            raw=capped_json(dict(data)),
        )

    @property
    def created_at(self) -> datetime | None:
        return parse_api_date(self.date_created)
