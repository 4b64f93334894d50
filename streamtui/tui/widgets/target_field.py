"""The three target fields: each a title, an input, and a note beside it (the saved label of what
is typed, or why it is invalid).

The form is a grid of five widgets: the three inputs, one column of the three titles and one
column of the three notes (a line per field). Nine widgets, one per title, input and note, cost
the first paint ~4 ms more; a field's title and note still turn red on their own when it is
rejected.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Input, Static

from streamtui.tui.text import plain

PLACEHOLDERS = {
    "account": "empty = the project ID",
    "conference": "ConferenceSid (UUID)",
    "stream": "stream SID (UUID) or stream name",
}
TITLES = {"account": "Account", "conference": "Conference", "stream": "Stream"}
REJECTED = "$error"


class FormColumn(Static):
    """A column of the form: one line per field, a blank line between them (the grid's gutter).

    `style` is each line's style; a rejected field's line is also in the error colour."""

    def __init__(self, texts: dict[str, str], style: str, *, id: str) -> None:
        super().__init__(id=id, classes="form-column")
        self.line_style = style
        self.texts = dict(texts)
        self.rejected = dict.fromkeys(texts, False)
        self._redraw()

    def set_line(self, kind: str, text: str | None = None, rejected: bool | None = None) -> None:
        if text is not None:
            self.texts[kind] = text
        if rejected is not None:
            self.rejected[kind] = rejected
        self._redraw()

    def _redraw(self) -> None:
        rejected_style = f"{self.line_style} {REJECTED}"
        lines = [
            plain(line, rejected_style if self.rejected[kind] else self.line_style)
            for kind, line in self.texts.items()
        ]
        self.update(Content("\n\n").join(lines), layout=False)  # its size never changes


class TargetField:
    """One field: its input, and its line in the title and note columns."""

    def __init__(self, kind: str, value: str, *, titles: FormColumn, notes: FormColumn) -> None:
        self.kind = kind
        self.input = Input(
            value,
            placeholder=PLACEHOLDERS[kind],
            compact=True,
            id=f"input-{kind}",
            classes="field-input",
            select_on_focus=False,
        )
        self.titles = titles
        self.notes = notes
        self._note = ""
        self._invalid = False

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
        if note != self._note:  # most keystrokes leave it as it was: nothing to redraw then
            self._note = note
            self.notes.set_line(self.kind, note)

    @property
    def invalid(self) -> bool:
        return self._invalid

    @invalid.setter
    def invalid(self, invalid: bool) -> None:
        if invalid == self._invalid:
            return
        self._invalid = invalid
        self.input.set_class(invalid, "-rejected")  # not "-invalid": Input owns that one
        self.titles.set_line(self.kind, rejected=invalid)
        self.notes.set_line(self.kind, rejected=invalid)


def target_fields(
    kinds: Sequence[str], values: Sequence[str]
) -> tuple[dict[str, TargetField], FormColumn, FormColumn]:
    """The fields, and the title and note columns they share."""
    titles = FormColumn({kind: TITLES[kind] for kind in kinds}, "bold", id="form-titles")
    notes = FormColumn(dict.fromkeys(kinds, ""), "$foreground-muted", id="form-notes")
    fields = {
        kind: TargetField(kind, value, titles=titles, notes=notes)
        for kind, value in zip(kinds, values, strict=True)
    }
    return fields, titles, notes
