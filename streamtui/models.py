"""Typed results of the API: what a stop returns and what a conference listing holds.

Unknown fields are ignored and missing ones tolerated, as the API docs ask; the raw object is kept
so `stop --json` can print exactly what the API said.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STREAM_FIELDS = ("account_sid", "conference_sid", "date_updated", "name", "sid", "status", "uri")

# Long month spellings seen in the wild ("Sept" is in SignalWire's own example).
_LONG_MONTH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b\.?", re.IGNORECASE
)


def parse_api_date(raw: str | None) -> datetime | None:
    """Parse an RFC 2822 date leniently; None when it will not parse (show the raw text then)."""
    if not raw or not isinstance(raw, str):
        return None
    for candidate in (raw, _LONG_MONTH.sub(lambda m: m.group(1).title(), raw)):
        try:
            parsed = email.utils.parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError):
            continue
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class ConferenceStream:
    """A conference stream as the Update (or Create) Conference Stream call returns it."""

    sid: str | None
    status: str | None
    name: str | None = None
    account_sid: str | None = None
    conference_sid: str | None = None
    date_updated: str | None = None
    date_created: str | None = None
    uri: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConferenceStream:
        return cls(
            sid=_text(data, "sid"),
            status=_text(data, "status"),
            name=_text(data, "name"),
            account_sid=_text(data, "account_sid"),
            conference_sid=_text(data, "conference_sid"),
            date_updated=_text(data, "date_updated"),
            date_created=_text(data, "date_created"),
            uri=_text(data, "uri"),
            raw=dict(data),
        )

    @property
    def updated_at(self) -> datetime | None:
        return parse_api_date(self.date_updated)

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
            raw=dict(data),
        )

    @property
    def created_at(self) -> datetime | None:
        return parse_api_date(self.date_created)
