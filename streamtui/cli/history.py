"""`streamtui history`: the audit log of stop attempts, as a table or as JSON lines.

The table fits the terminal: what matters least is cut (with "…") or left out first, so time,
outcome and stream stay readable at 80 columns and below. Piped, nothing is cut. A record that
cannot be read is skipped and counted on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from streamtui.errors import ExitCode
from streamtui.formatting import count
from streamtui.history import HistoryLog
from streamtui.paths import folder_problem
from streamtui.sanitize import clean

COLUMNS = ("TIME", "OUTCOME", "STREAM", "CONFERENCE", "HTTP", "CODE", "REQUEST ID")
_WIDEST = 64
_GAP = 2
# How a row is made narrower, first step first: ("cut", column, to width) or ("drop", column).
_NARROWING: tuple[tuple[str, int, int], ...] = (
    ("cut", 3, 12),  # conference
    ("cut", 6, 12),  # request id
    ("drop", 3, 0),
    ("cut", 2, 16),  # stream
    ("drop", 6, 0),
    ("drop", 5, 0),  # code
    ("drop", 4, 0),  # http
    ("cut", 2, 8),
    ("cut", 1, 8),  # outcome
)


def local_time(stamp: object) -> str:
    """The record's UTC time in the local zone; the raw text if it does not parse or cannot be
    shown in the local zone (year 9999 east of UTC)."""
    if not isinstance(stamp, str):
        return "?"
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return _cut(clean(stamp), 30)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _cell(value: object) -> str:
    text = "-" if value is None or value == "" else clean(value)
    return _cut(text, _WIDEST)


def row(record: Mapping[str, Any]) -> list[str]:
    stream = record.get("stream")
    if record.get("stream_label"):
        stream = f"{clean(stream)} ({clean(record['stream_label'])})"
    return [
        local_time(record.get("time")),
        _cell(record.get("outcome")),
        _cell(stream),
        _cell(record.get("conference")),
        _cell(record.get("http_status")),
        _cell(record.get("code")),
        _cell(record.get("request_id")),
    ]


def fit(widths: list[int], limit: int) -> list[int]:
    """Column widths whose table is at most `limit` wide (0: the column is left out)."""
    widths = list(widths)

    def total() -> int:
        shown = [width for width in widths if width]
        return sum(shown) + _GAP * (len(shown) - 1)

    for action, column, to in _NARROWING:
        if total() <= limit:
            break
        if action == "drop":
            widths[column] = 0
        elif widths[column] > to:
            widths[column] = max(to, widths[column] - (total() - limit))
    return widths


def table(rows: list[list[str]], limit: int | None) -> list[str]:
    """The lines of the table; with `limit`, none is wider than that."""
    lines = [list(COLUMNS), *rows]
    widths = [max(len(cells[column]) for cells in lines) for column in range(len(COLUMNS))]
    if limit:
        widths = fit(widths, limit)
    out = []
    for cells in lines:
        shown = [
            _cut(cell, width).ljust(width)
            for cell, width in zip(cells, widths, strict=True)
            if width
        ]
        line = (" " * _GAP).join(shown).rstrip()
        out.append(_cut(line, limit) if limit else line)
    return out


def _skipped_note(log: HistoryLog) -> None:
    if log.skipped:
        print(
            f"warning: skipped {count(log.skipped, 'line')} of {log.path} that are not "
            "readable records.",
            file=sys.stderr,
        )
    problem = folder_problem(log.path.parent)
    if problem:
        print(f"warning: {problem}; what it holds may not be yours.", file=sys.stderr)


def run_history(args: argparse.Namespace) -> int:
    limit = getattr(args, "limit", 20)
    if limit is None or limit < 0:
        print("error: --limit must be 0 (all) or more", file=sys.stderr)
        return ExitCode.INVALID
    log = HistoryLog()
    records = log.read(limit or None)
    if log.problem:
        print(f"error: {log.problem}", file=sys.stderr)
        return ExitCode.INVALID
    _skipped_note(log)
    if getattr(args, "json", False):
        for record in records:
            print(json.dumps(record, ensure_ascii=True))
        return ExitCode.OK
    if not records:
        print(f"No stop attempts recorded yet ({log.path}).", file=sys.stderr)
        return ExitCode.OK
    # Without a terminal (a pipe, a file) the width is unknown: nothing is cut then.
    columns = shutil.get_terminal_size(fallback=(0, 0)).columns
    for line in table([row(record) for record in records], columns or None):
        print(line)
    return ExitCode.OK
