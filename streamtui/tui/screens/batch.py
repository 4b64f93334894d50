"""F5: stop several streams of one conference at once.

Choose saved streams (space toggles) and/or paste SIDs or names, one per line; ctrl+s confirms
once (count and targets), then a live table shows each stream: queued, stopping, stopped, failed
(with the reason). Escape mid-batch lets started requests finish and never starts queued ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    OptionList,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from streamtui.credentials import Credentials
from streamtui.errors import ApiError, InvalidInput
from streamtui.flows.stop import (
    BATCH_RETRY,
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    Batch,
    Recorder,
    client_for,
)
from streamtui.hints import hint_for, message_of, unexpected
from streamtui.outcome import Outcome, StopReport
from streamtui.session import Session
from streamtui.target import StopTarget
from streamtui.tui.app_clock import app_clock
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.keys import QUIT
from streamtui.tui.screens.confirm import GuardedConfirmation
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import cell, pairs, plain
from streamtui.validation import validate_stream

STATE_STYLE = {
    "queued": "dim",
    "stopping": "bold yellow",
    Outcome.STOPPED: "bold green",
    Outcome.UNCONFIRMED: "bold red",
    Outcome.FAILED: "bold red",
    Outcome.CANCELLED: "yellow",
    Outcome.INTERRUPTED: "yellow",
}
DETAIL_WIDTH = 48  # the detail column fits beside the others at 120 columns
COLUMNS = (("stream", 22), ("label", 16), ("state", 9), ("HTTP", 4), ("detail", DETAIL_WIDTH))


def parse_pasted(text: str) -> list[str]:
    """One SID or name per line; blank lines and `#` comments skipped; duplicates once."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        value = line.strip()
        if value and not value.startswith("#"):
            seen.setdefault(value, None)
    return list(seen)


@dataclass
class Tally:
    """How many of the batch's streams ended which way so far, and which were sent a stop."""

    total: int
    stopped: int = 0
    failed: int = 0  # or cancelled
    sent: list[StopTarget] = field(default_factory=list)

    @property
    def to_go(self) -> int:
        return self.total - self.stopped - self.failed

    def count(self, item: StopReport) -> None:
        if item.outcome is None:
            return
        if item.outcome is Outcome.STOPPED:
            self.stopped += 1
        else:
            self.failed += 1
        if item.sending:
            self.sent.append(item.target)


def _http_and_detail(item: StopReport) -> tuple[str, str]:
    """The HTTP status of a failed stop, and a line on how it went."""
    if item.result is not None:
        return "-", f"status {item.result.status or '?'} · {item.duration * 1000:.0f} ms"
    if item.error is None:
        return "-", ""
    error = item.error
    http = str(error.status) if isinstance(error, ApiError) and error.status else "-"
    return http, f"{error.message} — {hint_for(error, target=item.target)}"


class CheckList(SelectionList[str]):
    """A selection list whose boxes read [x] and [ ]: checked and unchecked rows differ in
    text, not only in colour (16 colours, NO_COLOR, a screen reader)."""

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the prompt alone, without Textual's button
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        mark = "[x] " if selection.value in self.selected else "[ ] "
        style = next(iter(line)).style or self.rich_style
        return Strip([Segment(mark, style + Style(meta={"option": index})), *line])


class BatchConfirmScreen(GuardedConfirmation):
    """One confirmation for the whole batch: the count, the conference, and the targets.

    Like the single stop's, it obeys no key typed before it was on screen, and no `y` while the
    window is too small to show it."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        QUIT,
        Binding("y", "confirm", "Stop them", id="batch-confirm.yes"),
        Binding("n,escape", "cancel", "Cancel", id="batch-confirm.no"),
    ]

    def __init__(self, targets: list[StopTarget], where: str, *, production: bool) -> None:
        super().__init__()
        self.targets = targets
        self.where = where
        self.production = production

    def compose_target(self) -> ComposeResult:
        first = self.targets[0]
        title = f"Stop {self._count()}{' in PRODUCTION' if self.production else ''}?"
        yield Static(plain(title, "bold"), id="confirm-title")
        yield Static(pairs(("Space      ", "bold"), self.where))
        yield Static(pairs(("Account    ", "bold"), first.account))
        yield Static(
            pairs(
                ("Conference ", "bold"),
                first.conference,
                (f"  “{first.conference_label}”" if first.conference_label else "", "italic"),
            )
        )
        for t in self.targets[:8]:
            yield Static(
                pairs(
                    ("  • ", "dim"),
                    t.stream.value,
                    (f"  “{t.stream_label}”" if t.stream_label else "", "italic"),
                    ("  (a stream name)" if t.stream.kind == "name" else "", "dim"),
                )
            )
        if len(self.targets) > 8:
            yield Static(plain(f"  … and {len(self.targets) - 8} more", "dim"))

    def confirm_button(self) -> Button:
        return Button(f"Stop {self._count()} (y)", id="confirm", variant="error")

    def _count(self) -> str:
        return f"{len(self.targets)} stream{'s' if len(self.targets) != 1 else ''}"


class BatchScreen(Dialog[None]):
    CSS_PATH = "batch.tcss"
    BINDINGS = [
        QUIT,
        # priority: the list is read when the key arrives, before keys typed after it land
        Binding("ctrl+s", "start", "Stop them", priority=True, id="batch.start"),
        Binding("escape", "cancel_or_close", "Cancel / close", id="batch.close"),
    ]

    running: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, session: Session, account: str, conference: str) -> None:
        super().__init__()
        self.session = session
        self.account = account
        self.conference = conference
        self.current_batch: Batch | None = None
        self.details: dict[str, str] = {}
        self.failure = ""  # what went wrong that no handler expected, while it shows

    def compose(self) -> ComposeResult:
        label = self.session.label_for("conference", self.conference)
        streams = [e for e in self.session.entries("stream") if e.parent in (None, self.conference)]
        with Vertical(id="batch-dialog", classes="dialog"):
            yield Static(
                pairs(
                    ("Batch stop on conference ", "bold"),
                    (self.conference, "bold"),
                    (f"  “{label}”" if label else "", "italic"),
                ),
                id="batch-title",
            )
            with Horizontal(id="batch-inputs"):
                yield CheckList(
                    *[Selection(plain(f"{e.label}  {e.sid}"), e.sid) for e in streams],
                    id="batch-saved",
                )
                yield TextArea(id="batch-pasted", soft_wrap=False)
            with Horizontal(id="batch-options"):
                yield Label("Concurrency ")
                yield Input(
                    str(DEFAULT_CONCURRENCY),
                    id="batch-concurrency",
                    compact=True,
                    restrict=r"[0-9]*",
                    max_length=2,
                )
                yield Static(
                    pairs(
                        ("  space", "bold"),
                        (" toggles · paste on the right · ", "dim"),
                        ("ctrl+s", "bold"),
                        (" stops", "dim"),
                    ),
                    id="batch-help",
                )
            yield DataTable(id="batch-table", cursor_type="row")
            yield Static("", id="batch-detail")
            yield Static("", id="batch-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#batch-pasted", TextArea).border_title = "paste: one SID or name a line"
        self.query_one("#batch-saved", SelectionList).border_title = "saved streams"
        table: DataTable[object] = self.query_one(DataTable)
        # Fixed widths: re-measuring a column on every update is quadratic in the row count (a
        # 1,000-stream batch took minutes); the highlighted row's full detail shows below.
        for name, width in COLUMNS:
            table.add_column(name, width=width, key=name.lower())
        self.query_one("#batch-saved", SelectionList).focus()

    def watch_running(self, running: bool) -> None:
        """While the batch runs its inputs take no keys: it was read when ctrl+s was pressed."""
        for inputs in self.query("#batch-inputs, #batch-options"):
            inputs.disabled = running

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The full reason of the highlighted row (the table's column is too narrow for it)."""
        key = event.row_key.value
        detail = self.details.get(key or "", "")
        self.query_one("#batch-detail", Static).update(
            pairs((f"{key}: ", "bold"), detail) if detail else plain("")
        )

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#batch-status", Static).update(plain(text, style))

    def targets(self) -> list[StopTarget]:
        """Every chosen stream, validated (InvalidInput names the bad line)."""
        chosen: dict[str, None] = {}
        for sid in self.query_one("#batch-saved", SelectionList).selected:
            chosen.setdefault(str(sid), None)
        for value in parse_pasted(self.query_one("#batch-pasted", TextArea).text):
            chosen.setdefault(value, None)
        targets = []
        for value in chosen:
            ref = validate_stream(value)
            targets.append(self.session.labelled(StopTarget(self.account, self.conference, ref)))
        return targets

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+s greyed out while a batch runs."""
        return None if action == "start" and self.running else True

    def action_focus_step(self, step: int) -> None:
        chain = self.focus_chain
        if self.focused not in chain:
            self.focus_next() if step > 0 else self.focus_previous()
            return
        index = chain.index(self.focused) + step
        if 0 <= index < len(chain):
            chain[index].focus()

    def action_start(self) -> None:
        if self.running:
            self.notify("The batch is running: escape cancels it.", severity="warning")
            return
        try:
            targets = self.targets()
            concurrency = int(self.query_one("#batch-concurrency", Input).value or "0")
            if not 1 <= concurrency <= MAX_CONCURRENCY:
                raise InvalidInput(f"Concurrency must be 1 to {MAX_CONCURRENCY}.")
        except InvalidInput as exc:
            self._status(f"✘ Not sent. {exc.message}", "bold red")
            return
        if not targets:
            self._status("Choose saved streams (space) or paste SIDs/names first.", "yellow")
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.running = True  # now: the keys that follow must not reach the inputs
                self.run_batch(targets, concurrency)
            else:
                self.notify("Cancelled: nothing was sent.", timeout=3)

        self.app.push_screen(
            BatchConfirmScreen(targets, self.session.where(), production=self.session.production),
            confirmed,
        )

    @work(exclusive=True, group="batch", exit_on_error=False)
    async def run_batch(self, targets: list[StopTarget], concurrency: int) -> None:
        self._list_queued(targets)
        try:
            creds = await asyncio.to_thread(self.session.credentials)
        except Exception as exc:  # an unexpected one too: never a batch that silently stops
            self.running = False
            self._status(f"✘ {message_of(exc)}", "bold red")
            return
        tally = Tally(len(targets))
        clock = app_clock(self)
        recorder = Recorder(creds, self.session.history, clock=clock)
        self.current_batch = Batch(
            targets,
            recorder,
            concurrency=concurrency,
            timeout=max(30.0, len(targets)),
            on_update=partial(self._show_report, tally),
            clock=clock,
        )
        self.running = True
        self.failure = ""
        started = clock.monotonic()
        if not await self._send(self.current_batch, creds):
            return
        await asyncio.to_thread(self.session.remember, *tally.sent)  # one write for the batch
        if recorder.problem:
            self.notify(recorder.problem, severity="warning", timeout=8)
        self._status(
            f"Done in {clock.monotonic() - started:.1f} s: {tally.stopped} stopped, "
            f"{tally.failed} failed or cancelled. Escape closes.",
            "bold green" if not tally.failed else "bold red",
        )

    def _list_queued(self, targets: list[StopTarget]) -> None:
        """One row a target, all queued, before the first request is sent."""
        table: DataTable[object] = self.query_one(DataTable)
        table.clear()
        for target in targets:
            table.add_row(
                cell(target.stream.value),
                cell(target.stream_label or "-"),
                cell("queued", "dim"),
                cell("-"),
                cell(""),
                key=target.stream.value,
            )

    async def _send(self, batch: Batch, creds: Credentials) -> bool:
        """Run the batch; False when something unexpected ended it (it says so)."""
        try:
            async with client_for(creds, retry=BATCH_RETRY, clock=app_clock(self)) as client:
                await batch.run(client)
        except Exception as exc:  # unexpected: say so, and start nothing more
            batch.cancel()
            self.failure = f"✘ {unexpected(exc)} Escape closes."
            self._status(self.failure, "bold red")
            return False
        finally:
            self.running = False
            self.query_one(DataTable).focus()
        return True

    def _show_report(self, tally: Tally, index: int, item: StopReport) -> None:
        """A stream's row, the detail line when it is highlighted, and the running count."""
        table: DataTable[object] = self.query_one(DataTable)
        key = item.target.stream.value
        http, detail = _http_and_detail(item)
        table.update_cell(key, "state", cell(item.state, STATE_STYLE.get(item.state, "")))
        table.update_cell(key, "http", cell(http))
        table.update_cell(key, "detail", cell(detail))
        self.details[key] = detail
        if table.cursor_row == index:
            self.query_one("#batch-detail", Static).update(pairs((f"{key}: ", "bold"), detail))
        tally.count(item)
        if not self.failure:  # a failure's line stays up while the last requests end
            self._status(
                f"{tally.stopped} stopped, {tally.failed} failed or cancelled, "
                f"{tally.to_go} to go · escape cancels the rest",
                "bold",
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The net under run_batch: the batch stops starting requests, and says why."""
        error = failure_of(event)
        if error is not None:
            report_failure(self, error)
            if self.current_batch is not None:
                self.current_batch.cancel()
            self.running = False
            self._status(f"✘ {unexpected(error)}", "bold red")

    def action_cancel_or_close(self) -> None:
        if self.running and self.current_batch is not None:
            self.current_batch.cancel()
            self._status(
                "Cancelling: requests already sent finish; queued ones never start.", "yellow"
            )
            return
        self.dismiss(None)
