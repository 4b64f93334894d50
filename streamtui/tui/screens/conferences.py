"""F4: the account's in-progress conferences, live from List Conferences.

All pages (PageSize 1000), rows shown as each page arrives, cancellable (escape), refreshable
(ctrl+r), filterable as you type. Enter fills the conference field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker

from streamtui.credentials import Credentials
from streamtui.errors import InvalidInput
from streamtui.formatting import ago, count
from streamtui.hints import unexpected
from streamtui.models import Conference
from streamtui.sanitize import clean
from streamtui.tui.app_clock import app_clock
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import cell, pairs, plain
from streamtui.validation import validate_conference_sid

PAGE_SIZE = 1000


def _count(number: int, noun: str = "conference") -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ConferencesScreen(Dialog[str | Exception | None]):
    """Returns the chosen conference SID, the error that stopped the listing (an unexpected one
    included: the main screen's error panel shows it), or None."""

    CSS_PATH = "conferences.tcss"
    BINDINGS = [
        QUIT,
        Binding("escape", "close", "Close", id="conferences.close"),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="conferences.refresh"),
        Binding("down", "cursor(1)", "Down", show=False, id="conferences.down"),
        Binding("up", "cursor(-1)", "Up", show=False, id="conferences.up"),
    ]

    def __init__(self, account: str, credentials: Callable[[], Credentials]) -> None:
        super().__init__()
        self.account = account
        self.credentials = credentials
        self.conferences: list[Conference] = []
        self.shown: list[Conference] = []
        self.listing: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="conferences-dialog", classes="dialog"):
            yield Static(
                pairs(
                    ("In-progress conferences of ", "bold"),
                    (self.account, "bold"),
                    ("   enter chooses · ctrl+r refreshes · esc closes", "dim"),
                ),
                id="conferences-title",
            )
            yield Input(placeholder="filter by name or SID", id="conferences-filter", compact=True)
            yield DataTable(id="conferences-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="conferences-status")
        yield Footer()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        # Fixed widths so that the SID column gets what is left, and a cut shows an ellipsis
        # (cell() cuts with one) instead of the table running off the dialog's edge.
        widths = {"friendly name": 20, "status": 11, "region": 7, "age": 10}
        for name, width in widths.items():
            table.add_column(name, width=width)
        dialog = int(self.app.size.width * 0.96) - 4  # see conferences.tcss: border, padding
        left = dialog - sum(widths.values()) - 2 * (len(widths) + 1) - 2  # cell padding, bar
        table.add_column("SID", width=min(36, max(9, left)))
        self.query_one("#conferences-filter", Input).focus()
        self.listing = self.load()

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#conferences-status", Static).update(plain(text, style))

    @work(exclusive=True, group="conferences", exit_on_error=False)
    async def load(self) -> None:
        from streamtui.api import SignalWireClient

        self.conferences = []
        self._render_rows()
        self._status("loading…")
        pages = 0
        try:
            creds = await asyncio.to_thread(self.credentials)
            async with SignalWireClient(
                base_url=creds.base_url,
                project_id=creds.project_id,
                token=creds.token.reveal(),
                clock=app_clock(self),
            ) as client:
                async for page in client.conference_pages(
                    self.account, status="in-progress", page_size=PAGE_SIZE
                ):
                    pages += 1
                    self.conferences.extend(page)
                    self._render_rows()
                    self._status(
                        f"page {pages}: {count(len(self.conferences), 'conference')} so far…"
                    )
        except Exception as exc:  # an unexpected one too: never a screen stuck on "loading…"
            self.dismiss(exc)
            return
        self._status(
            f"{count(len(self.conferences), 'in-progress conference')} ({count(pages, 'page')})"
            if self.conferences
            else "No in-progress conference in this account."
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The net under load: its line never stays on "loading…"."""
        error = failure_of(event)
        if error is not None:
            report_failure(self, error)
            self._status(f"✘ {unexpected(error)}", "bold red")

    def _render_rows(self) -> None:
        query = clean(self.query_one("#conferences-filter", Input).value).lower().strip()
        self.shown = [
            c
            for c in self.conferences
            if not query or query in (c.friendly_name or "").lower() or query in c.sid.lower()
        ]
        table: DataTable[object] = self.query_one(DataTable)
        table.clear()
        for conference in self.shown:
            created = conference.created_at
            table.add_row(
                cell(conference.friendly_name or "-"),
                cell(conference.status or "-"),
                cell(conference.region or "-"),
                cell(ago(created, app_clock(self).now()) if created else "-"),
                cell(conference.sid),
            )

    @on(Input.Changed, "#conferences-filter")
    def _filter(self) -> None:
        self._render_rows()

    @on(Input.Submitted, "#conferences-filter")
    def _submit(self) -> None:
        self._choose(self.query_one(DataTable).cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._choose(event.cursor_row)

    def _choose(self, row: int) -> None:
        if not 0 <= row < len(self.shown):
            return
        try:  # the server's text goes into the field only if it is a conference SID
            sid = validate_conference_sid(self.shown[row].sid)
        except InvalidInput:
            self._status("✘ This row's SID is not a conference SID: it was not used.", "bold red")
            return
        if self.listing is not None:
            self.listing.cancel()
        self.dismiss(sid)

    def action_cursor(self, step: int) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_refresh(self) -> None:
        self.listing = self.load()  # exclusive: the listing under way is cancelled

    def action_close(self) -> None:
        """While a listing is under way, escape cancels it; then it closes."""
        listing = self.listing
        if listing is not None and not (listing.is_finished or listing.is_cancelled):
            listing.cancel()
            self._status(
                f"cancelled: {count(len(self.conferences), 'conference')} loaded", "yellow"
            )
            return
        self.dismiss(None)
