"""The audit log of stop attempts, most recent first (read from the history file)."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from streamtui.formatting import count
from streamtui.history import HistoryLog
from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import cell, plain

OUTCOME_STYLE = {"stopped": "bold green", "cancelled": "yellow", "interrupted": "yellow"}


def _local(value: object) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%m-%d %H:%M:%S")
    except ValueError:
        return str(value)


class HistoryScreen(Dialog[None]):
    CSS_PATH = "history.tcss"
    BINDINGS = [QUIT, Binding("escape,q", "close", "Close", id="history.close")]

    def __init__(self, log: HistoryLog, *, limit: int = 500) -> None:
        super().__init__()
        self.history_log = log
        self.limit = limit

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog"):
            yield Static(
                plain("History of stop attempts (most recent first) · esc closes", "bold"),
                id="history-title",
            )
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-path")
        yield Footer()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        # What tells attempts apart, within 80 columns: when, what happened, to which stream
        # of which conference; the rest after them (cut cells end in an ellipsis).
        for name, width in (
            ("time", 14),
            ("outcome", 11),
            ("stream", 16),
            ("conference", 15),
            ("HTTP", 4),
            ("code", 6),
        ):
            table.add_column(name, width=width)
        table.add_column("request id")
        records = self.history_log.read(limit=self.limit)
        for record in records:
            outcome = str(record.get("outcome") or "-")
            stream = record.get("stream_label") or record.get("stream") or "-"
            conference = record.get("conference_label") or record.get("conference") or "-"
            table.add_row(
                cell(_local(record.get("time", ""))),
                cell(outcome, OUTCOME_STYLE.get(outcome, "bold red")),
                cell(stream),
                cell(conference),
                cell(record.get("http_status") or "-"),
                cell(record.get("code") or "-"),
                cell(record.get("request_id") or "-"),
            )
        note = (
            f"{count(len(records), 'record')} · {self.history_log.path}"
            if records
            else (f"No stop attempts yet · {self.history_log.path}")
        )
        self.query_one("#history-path", Static).update(plain(note, "dim"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
