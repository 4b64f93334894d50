"""One of the three target fields: its title, its input, and the note beside it (the saved label
of what is typed, or why it is invalid).

Not a container of its own: the form lays the nine widgets out in one grid, which paints the
first screen sooner than three nested rows would.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input, Label, Static

from streamtui.tui.text import plain

PLACEHOLDERS = {
    "account": "empty = the project ID",
    "conference": "ConferenceSid (UUID)",
    "stream": "stream SID (UUID) or stream name",
}
TITLES = {"account": "Account", "conference": "Conference", "stream": "Stream"}


class TargetField:
    """The three widgets of one field, and what the screen reads and sets on them."""

    def __init__(self, kind: str, value: str = "") -> None:
        self.kind = kind
        self.title = Label(TITLES[kind], id=f"title-{kind}", classes="field-title")
        self.input = Input(
            value,
            placeholder=PLACEHOLDERS[kind],
            compact=True,
            id=f"input-{kind}",
            classes="field-input",
            select_on_focus=False,
        )
        self.note_widget = Static("", id=f"note-{kind}", classes="field-note")
        self._note = ""
        self._invalid = False

    @property
    def widgets(self) -> tuple[Widget, Widget, Widget]:
        return self.title, self.input, self.note_widget

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text
        self.input.cursor_position = len(text)

    @property
    def note(self) -> str:
        return self._note

    @note.setter
    def note(self, note: str) -> None:
        if note != self._note:  # most keystrokes leave it as it was: no relayout then
            self._note = note
            self.note_widget.update(plain(note))

    @property
    def invalid(self) -> bool:
        return self._invalid

    @invalid.setter
    def invalid(self, invalid: bool) -> None:
        if invalid == self._invalid:
            return
        self._invalid = invalid
        for widget in self.widgets:
            widget.set_class(invalid, "-rejected")  # not "-invalid": Input owns that one
