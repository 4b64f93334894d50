"""Ask for a label: used to save a typed SID (or the whole target) in one keystroke."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import pairs


class LabelScreen(Dialog[str | None]):
    """Returns the label typed (trimmed, non-empty), or None on escape."""

    CSS_PATH = "label.tcss"
    BINDINGS = [
        QUIT,
        Binding("enter", "save", "Save", priority=True, id="label.save"),
        Binding("escape", "dismiss_none", "Cancel", id="label.cancel"),
    ]

    def __init__(self, what: str, value: str, *, suggestion: str = "") -> None:
        super().__init__()
        self.what = what
        self.value = value
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="label-dialog", classes="dialog"):
            yield Static(pairs((f"Save {self.what}", "bold")), id="label-title")
            yield Static(pairs((self.value, "")), id="label-value")
            yield Input(
                self.suggestion,
                placeholder="label, e.g. Transcriber feed",
                max_length=80,
                id="label-input",
                compact=True,
            )
            yield Static(
                pairs(
                    ("enter", "bold"), (" saves · ", "dim"), ("esc", "bold"), (" cancels", "dim")
                ),
                id="label-help",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        label = " ".join(event.value.split())
        if not label:
            self.notify("A label cannot be empty.", severity="warning", timeout=3)
            return
        self.dismiss(label)

    async def action_save(self) -> None:
        await self.query_one(Input).action_submit()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
