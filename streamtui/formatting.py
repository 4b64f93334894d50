"""Human-friendly renderings shared by the CLI and the TUI (dates, ages, durations).

Dates come from servers: one that parses but cannot be shown in local time (year 1 seen from a
zone west of UTC, year 9999 from the east) is shown raw, never raised.
"""

from __future__ import annotations

from datetime import UTC, datetime

from streamtui.models import clip, parse_api_date
from streamtui.sanitize import clean


def ago(when: datetime, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'in 2 hours' (clock skew happens); '' when out of range."""
    now = now or datetime.now(UTC)
    try:
        seconds = (now - when).total_seconds()
    except (OverflowError, TypeError):
        return ""
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 5:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"  # pragma: no cover - the loop always returns


def _local_time(when: datetime) -> str | None:
    """`when` in the local zone as 'YYYY-MM-DD HH:MM:SS ZONE'; None when that zone can't hold it."""
    try:
        local = when.astimezone()
    except (OverflowError, ValueError, OSError):
        return None
    # %Y is not zero-padded for years below 1000 on every platform: the year is formatted here.
    return f"{local.year:04d}-{local:%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()


def describe_date(raw: str | None, now: datetime | None = None) -> str:
    """The raw API date, then local time and age when it parses; the raw text alone otherwise."""
    if not raw:
        return "-"
    shown = clean(clip(raw))
    parsed = parse_api_date(raw)
    local = _local_time(parsed) if parsed is not None else None
    if parsed is None or local is None:
        return shown
    age = ago(parsed, now)
    return f"{shown} ({local}, {age})" if age else f"{shown} ({local})"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`1 page`, `3 pages`, `0 conferences`: a real plural, never `page(s)`."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def duration(seconds: float) -> str:
    if seconds != seconds or seconds < 0:  # NaN, or a negative nobody should see
        return "0 ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds >= 86400 * 365:
        return "more than a year"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s"
