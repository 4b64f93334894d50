"""The panels under the form: progress while a stop runs, then its result or its error.

Both panels show server strings literally (no markup) with control characters stripped, and a key
copies the selected value to the clipboard with OSC 52, which works over SSH.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.errors import ApiError, CredentialsError, NetworkError, StreamTuiError
from streamtui.formatting import describe_date, duration
from streamtui.hints import hint_for, unexpected
from streamtui.models import ConferenceStream
from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.tui.text import pairs, plain

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
STATUS_STYLE = {"stopped": "bold green", "in-progress": "bold yellow", "queued": "bold cyan"}


class FieldList(Widget, can_focus=True):
    """(field, value) lines that wrap; ↑/↓ select a line, `c` or ctrl+y copies its value."""

    BINDINGS = [
        Binding("c", "copy_value", "Copy value", id="result.copy"),
        Binding("ctrl+y", "copy_value", "Copy value", show=False, id="result.copy-ctrl"),
        Binding("up,k", "move(-1)", "Up", show=False, id="result.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="result.down"),
    ]
    DEFAULT_CSS = """
    FieldList { height: auto; }
    """

    cursor: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, Content, str]] = []

    def set_rows(self, rows: list[tuple[str, object, str]]) -> None:
        """rows: (field, shown value as Content, value to copy)."""
        self.rows = [
            (name, shown if isinstance(shown, Content) else plain(shown), copy)
            for name, shown, copy in rows
        ]
        self.cursor = 0
        self.refresh(layout=True)

    @property
    def values(self) -> list[str]:
        return [copy for _, _, copy in self.rows]

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the rows take at `width`: the values wrap under themselves."""
        return len(self._lines(width))

    def _lines(self, width: int) -> list[Content]:
        """The rows, each value wrapped at word boundaries in the room right of the names (a
        word longer than that room, such as a URI, is folded)."""
        lines = []
        room = max(20, width - 18)
        for index, (name, shown, _) in enumerate(self.rows):
            selected = index == self.cursor and self.has_focus
            marker = ("▶ ", "bold") if selected else ("  ", "")
            for number, piece in enumerate(shown.wrap(room) or [Content("")]):
                head = (
                    Content.assemble(marker, (f"{name:<16}", "bold"))
                    if number == 0
                    else Content(" " * 18)
                )
                line = head + piece
                lines.append(line.stylize("reverse") if selected else line)
        return lines

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = (self.cursor + step) % len(self.rows)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_copy_value(self) -> None:
        if not self.rows:
            return
        name, _, value = self.rows[min(self.cursor, len(self.rows) - 1)]
        self.app.copy_to_clipboard(value)
        self.app.notify(f"Copied {name}: {clean(value)[:60]}", title="Clipboard", timeout=3)


class ProgressPanel(Static):
    """Spinner, elapsed time (on `clock`) and retry attempts of the stop in flight."""

    attempt: reactive[str] = reactive("")

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.started = 0.0
        self.what = ""
        self._frame = 0
        self._timer: Timer | None = None

    def start(self, what: str) -> None:
        self.started = self.clock.monotonic()
        self.what = what
        self.attempt = ""
        self._frame = 0
        if self._timer is None:
            self._timer = self.set_interval(0.1, self._tick)
        else:
            self._timer.resume()
        self._tick()

    def finish(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        elapsed = self.clock.monotonic() - self.started
        lines = pairs((f"{SPINNER[self._frame]} {elapsed:4.1f} s  ", "bold"), (self.what, ""))
        extra = [pairs((self.attempt, "yellow"))] if self.attempt else []
        footer = pairs(
            ("escape", "bold"), (" cancels (a request already sent may still take effect)", "dim")
        )
        self.update(Content("\n").join([lines, *extra, footer]))


class ResultPanel(Vertical):
    """The stopped stream's fields; the table's selected value can be copied. Relative times
    are measured against `clock`, and redrawn every TICK seconds, so "just now" does not stay
    on screen for an hour."""

    TICK = 15.0
    result: reactive[ConferenceStream | None] = reactive(None, always_update=True)

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(self.TICK, self._tick)

    def _tick(self) -> None:
        if self.result is not None and self.display:
            self.result = self.result

    def compose(self) -> ComposeResult:
        yield Static("", id="result-title")
        yield FieldList(id="result-fields")

    def watch_result(self, result: ConferenceStream | None) -> None:
        if result is None:
            return
        status = result.status or "-"
        self.query_one("#result-title", Static).update(
            pairs(
                ("✔ " if status == "stopped" else "• ", STATUS_STYLE.get(status, "bold")),
                (f"Stream {status}", STATUS_STYLE.get(status, "bold")),
                ("   c copies the selected value", "dim"),
            )
        )
        rows: list[tuple[str, object, str]] = []
        for name, value in result.fields():
            text = value if value is not None else "-"
            if name == "date_updated":
                shown: object = plain(_date_text(value, self.clock.now()))
            elif name == "status":
                shown = plain(text, STATUS_STYLE.get(text, "bold"))
            else:
                shown = plain(text)
            rows.append((name, shown, clean(text)))
        self.query_one(FieldList).set_rows(rows)


def _date_text(raw: str | None, now: datetime) -> str:
    """The date as `describe_date` shows it; its raw text when a hostile date will not convert
    (the stop itself succeeded: a date must not hide that)."""
    try:
        return describe_date(raw, now)
    except (OverflowError, ValueError):
        return raw or "-"


class ErrorPanel(Vertical):
    """What went wrong: HTTP status, SignalWire code, message, details, request ID, and a hint.

    Any exception is shown: one that no handler expected gets a plain-words message instead of a
    class name, so a bug still ends here rather than in a frozen screen."""

    error: reactive[BaseException | None] = reactive(None, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: StopTarget | None = None
        self.host = ""
        self.stopping = True
        self.context = ""
        self.again = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="error-title")
        yield FieldList(id="error-fields")
        yield Static("", id="error-hint")

    def show(
        self,
        error: BaseException,
        *,
        target: StopTarget | None,
        host: str,
        stopping: bool = True,
        context: str = "",
        again: str = "",
    ) -> None:
        """`stopping=False` for other requests (listing conferences): the advice about a stop
        does not apply; `context` names that request in the title; `again` says how to retry."""
        self.target = target
        self.host = host
        self.stopping = stopping
        self.context = context
        self.again = again
        self.error = error

    def watch_error(self, error: BaseException | None) -> None:
        if error is None:
            return
        self.query_one("#error-title", Static).update(self._title(error))
        self.query_one(FieldList).set_rows(_rows(error))
        hint = hint_for(error, target=self.target, host=self.host, stopping=self.stopping)
        if isinstance(error, CredentialsError):  # in the TUI, F8 is what fixes it
            hint = (
                "Press F8 to enter the space, project ID and token for this session "
                "(or save them), then ctrl+s again."
            )
        hint = f"{hint} {self.again}".strip()
        self.query_one("#error-hint", Static).update(
            pairs(("hint: ", "bold"), hint) if hint else Content("")
        )

    def _title(self, error: BaseException) -> Content:
        context = (f"{self.context}: ", "bold red") if self.context else ("", "")
        if not isinstance(error, StreamTuiError):
            return pairs(("✘ ", "bold red"), context, ("Unexpected error", "bold red"))
        return pairs(("✘ ", "bold red"), context, (error.title, "bold red"))


def _rows(error: BaseException) -> list[tuple[str, object, str]]:
    """(field, shown, copied) for each detail of the error; server text cleaned and masked."""
    if not isinstance(error, StreamTuiError):
        message = unexpected(error)
        return [("message", plain(message), message)]
    rows: list[tuple[str, object, str]] = []
    if isinstance(error, ApiError):
        if error.status is not None:
            rows.append(("HTTP status", plain(error.status, "bold"), str(error.status)))
        if error.code is not None:
            rows.append(("SignalWire code", plain(error.code, "bold"), clean(error.code)))
    rows.append(("message", plain(error.message), clean(error.message)))
    if isinstance(error, ApiError):
        for item in error.errors:
            if item != error.message:
                rows.append(("error", plain(item), clean(item)))
        if error.more_info:
            rows.append(("more_info", plain(error.more_info), clean(error.more_info)))
        if error.request_id:
            rows.append(("request id", plain(error.request_id), clean(error.request_id)))
        if error.attempts > 1:
            rows.append(("attempts", plain(error.attempts), str(error.attempts)))
    if isinstance(error, NetworkError):
        if error.host:
            rows.append(("host", plain(error.host), clean(error.host)))
        if error.timeout:
            rows.append(("timeout", plain(duration(error.timeout)), str(error.timeout)))
    return rows
