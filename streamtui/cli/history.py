"""`streamtui history`: the audit log of stop attempts, as a table or as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from streamtui.history import HistoryLog
from streamtui.sanitize import clean

COLUMNS = ("TIME", "OUTCOME", "STREAM", "CONFERENCE", "HTTP", "CODE", "REQUEST ID")
_WIDEST = 64


def local_time(stamp: object) -> str:
    """The record's UTC time in the local zone; the raw text if it does not parse."""
    if not isinstance(stamp, str):
        return "?"
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def _cell(value: object) -> str:
    text = "-" if value is None or value == "" else clean(value)
    return text if len(text) <= _WIDEST else text[: _WIDEST - 1] + "…"


def row(record: Mapping[str, Any]) -> list[str]:
    stream = record.get("stream")
    if record.get("stream_label"):
        stream = f"{stream} ({record['stream_label']})"
    return [
        local_time(record.get("time")),
        _cell(record.get("outcome")),
        _cell(stream),
        _cell(record.get("conference")),
        _cell(record.get("http_status")),
        _cell(record.get("code")),
        _cell(record.get("request_id")),
    ]


def run_history(args: argparse.Namespace) -> int:
    limit = getattr(args, "limit", 20)
    if limit is None or limit < 0:
        print("error: --limit must be 0 (all) or more", file=sys.stderr)
        return 2
    log = HistoryLog()
    try:
        records = log.read(limit or None)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"error: cannot read the history {log.path}: {reason}.", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        for record in records:
            print(json.dumps(record, ensure_ascii=True))
        return 0
    if not records:
        print(f"No stop attempts recorded yet ({log.path}).", file=sys.stderr)
        return 0
    rows = [row(record) for record in records]
    widths = [
        max(len(cells[column]) for cells in [list(COLUMNS), *rows])
        for column in range(len(COLUMNS))
    ]
    for cells in [list(COLUMNS), *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        )
    return 0
