"""One of the three target fields: name, input, and the saved label of what is typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Input, Label, Static

from streamtui.tui.text import plain

PLACEHOLDERS = {
    "account": "empty = the project ID",
    "conference": "ConferenceSid (UUID)",
    "stream": "stream SID (UUID) or stream name",
}
TITLES = {"account": "Account", "conference": "Conference", "stream": "Stream"}


class TargetField(Horizontal):
    """A labelled input whose saved label (or validation error) shows beside it."""

    note: reactive[str] = reactive("")
    invalid: reactive[bool] = reactive(False)

    def __init__(self, kind: str, value: str = "") -> None:
        super().__init__(id=f"field-{kind}", classes="target-field")
        self.kind = kind
        self._initial = value

    def compose(self) -> ComposeResult:
        yield Label(TITLES[self.kind], classes="field-title")
        yield Input(
            self._initial,
            placeholder=PLACEHOLDERS[self.kind],
            compact=True,
            id=f"input-{self.kind}",
            select_on_focus=False,
        )
        yield Static("", classes="field-note")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text
        self.input.cursor_position = len(text)

    def watch_note(self, note: str) -> None:
        self.query_one(".field-note", Static).update(plain(note))

    def watch_invalid(self, invalid: bool) -> None:
        self.set_class(invalid, "-invalid")
