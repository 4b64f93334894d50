"""Human-friendly renderings shared by the CLI and the TUI (dates, ages, durations)."""

from __future__ import annotations

from datetime import UTC, datetime

from streamtui.models import parse_api_date


def ago(when: datetime, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'in 2 hours' (clock skew happens)."""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
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


def describe_date(raw: str | None, now: datetime | None = None) -> str:
    """The raw API date, then local time and age when it parses; the raw text alone otherwise."""
    if not raw:
        return "-"
    parsed = parse_api_date(raw)
    if parsed is None:
        return raw
    local = parsed.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"{raw} ({local}, {ago(parsed, now)})"


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s"
