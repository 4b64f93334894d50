"""The last look before a stop: space, account, conference and stream, with their labels.

Focus starts on Cancel. `y` confirms, `n`/`escape` cancel. A production profile with the strict
setting asks for the last 4 characters of the stream SID or name instead of `y`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.tui.text import pairs, plain


def _row(title: str, value: str, label: str, note: str = "") -> Content:
    """`Title      value  (note)` and, on a second line, the saved label."""
    parts: list[tuple[str, str] | str] = [(f"{title:<11}", "bold"), (value, "")]
    if note:
        parts.append((f"  {note}", "dim"))
    if not label:
        return pairs(*parts)
    return Content("\n").join([pairs(*parts), pairs((" " * 11, ""), (f"“{label}”", "italic"))])


class ConfirmStopScreen(ModalScreen[bool]):
    """Returns True to stop, False to cancel."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "confirm", "Yes, stop it"),
        Binding("n", "cancel", "No"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        target: StopTarget,
        *,
        where: str,
        production: bool = False,
        strict: bool = False,
        account_is_project: bool = False,
    ) -> None:
        super().__init__()
        self.target = target
        self.where = where
        self.production = production
        self.strict = strict
        self.account_is_project = account_is_project
        self.code = clean(target.stream.value)[-4:]

    def compose(self) -> ComposeResult:
        t = self.target
        with Vertical(id="confirm-dialog", classes="-production" if self.production else ""):
            title = "Stop this stream in PRODUCTION?" if self.production else "Stop this stream?"
            yield Static(plain(title, "bold"), id="confirm-title")
            yield Static(_row("Space", self.where, ""), classes="confirm-row")
            yield Static(
                _row(
                    "Account",
                    t.account,
                    t.account_label,
                    "(the project ID)" if self.account_is_project else "",
                ),
                classes="confirm-row",
            )
            yield Static(
                _row("Conference", t.conference, t.conference_label), classes="confirm-row"
            )
            kind = "by name" if t.stream.is_name else "by SID"
            yield Static(
                _row("Stream", t.stream.value, t.stream_label, f"({kind})"),
                classes="confirm-row",
                id="confirm-stream",
            )
            if self.strict:
                yield Static(
                    pairs(
                        ("Type the last 4 characters of the stream ", ""),
                        (f"({self.code})", "bold"),
                        (" and press Enter:", ""),
                    ),
                    id="confirm-strict-help",
                )
                yield Input(
                    placeholder="last 4 characters", max_length=8, id="confirm-code", compact=True
                )
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel (esc)" if self.strict else "Cancel (n)", id="cancel")
                yield Button(
                    "Stop stream (y)" if not self.strict else "Stop stream",
                    id="confirm",
                    variant="error",
                )
        yield Footer()

    def on_mount(self) -> None:
        if self.strict:
            self.query_one("#confirm-code", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm(from_button=True)
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check_code(event.value)

    def _check_code(self, typed: str) -> None:
        if typed.strip() == self.code:
            self.dismiss(True)
        else:
            self.notify(f"That is not {self.code}: nothing was sent.", severity="error", timeout=4)

    def action_confirm(self, from_button: bool = False) -> None:
        if self.strict:
            self._check_code(self.query_one("#confirm-code", Input).value)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
