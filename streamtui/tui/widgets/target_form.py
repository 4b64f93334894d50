"""The form of the main screen: the account, conference and stream fields, the note beside each
(the saved label of what is typed), and the target they make once validated."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Input

from streamtui.errors import InvalidInput
from streamtui.session import KINDS, Session
from streamtui.target import StopTarget
from streamtui.tui.widgets.target_field import TargetField, target_fields
from streamtui.validation import (
    validate_account_sid,
    validate_conference_sid,
    validate_stream,
)


def _stream_value(value: str) -> str:
    return validate_stream(value).written


VALIDATORS: dict[str, Callable[[str], str]] = {
    "account": validate_account_sid,
    "conference": validate_conference_sid,
    "stream": _stream_value,
}

PARENT_KIND = {"conference": "account", "stream": "conference"}

Problems = list[tuple[str, str]]  # (field kind, message), in the order of the fields


class TargetForm(Container):
    """The three fields, laid out as a grid (see app.tcss `#form`)."""

    def __init__(self, session: Session, values: Sequence[str]) -> None:
        super().__init__(id="form")
        self.session = session
        self.fields, self._titles, self._notes = target_fields(KINDS, values)

    def compose(self) -> ComposeResult:
        # a grid: titles and notes span the three rows
        yield self._titles
        yield self.fields["account"].input
        yield self._notes
        yield self.fields["conference"].input
        yield self.fields["stream"].input

    def field(self, kind: str) -> TargetField:
        return self.fields[kind]

    def inputs(self) -> list[Input]:
        return [self.field(kind).input for kind in KINDS]

    def focused_kind(self, focused: Widget | None) -> str:
        """The kind of the focused field; "stream" when none is focused."""
        for kind in KINDS:
            if focused is not None and focused.id == f"input-{kind}":
                return kind
        return "stream"

    def focus_first_empty(self) -> None:
        """The first empty field after the account (that one may stay empty), else the stream."""
        empty = next((k for k in KINDS[1:] if not self.field(k).value), None)
        self.field(empty or "stream").input.focus()

    # -- notes -----------------------------------------------------------------------------------
    @on(Input.Changed, "Input")
    def _field_changed(self, event: Input.Changed) -> None:
        kind = (event.input.id or "").removeprefix("input-")
        if kind in KINDS:
            self.field(kind).invalid = False
            self.update_note(kind)
            if kind == "conference":  # a stream name's label depends on its conference
                self.update_note("stream")

    @on(Input.Submitted, "Input")
    def _field_submitted(self, event: Input.Submitted) -> None:
        self.screen.focus_next()

    def update_notes(self) -> None:
        for kind in KINDS:
            self.update_note(kind)

    def update_note(self, kind: str) -> None:
        field = self.field(kind)
        value = field.value.strip()
        if not value:
            if kind == "account":
                project = self.session.project_id()
                field.note = f"= project ID {project[:8]}…" if project else ""
            else:
                field.note = ""
            return
        try:
            sid = VALIDATORS[kind](value)
        except InvalidInput:
            field.note = ""
            return
        parent = self.valid("conference") if kind == "stream" else None
        label = self.session.label_for(kind, sid, parent)
        if label:
            field.note = f"“{label}”"
        elif kind == "stream" and validate_stream(value).is_name:
            field.note = "stream name · ^l saves"
        else:
            field.note = "^l saves it"

    # -- values ----------------------------------------------------------------------------------
    def valid(self, kind: str) -> str | None:
        """The field's value as validated; None when it is not valid."""
        try:
            return VALIDATORS[kind](self.field(kind).value)
        except InvalidInput:
            return None

    def conference_chosen(self, conference: str) -> None:
        """A conference picked from a list: a stream of another conference does not follow it."""
        stream = self.field("stream").value.strip()
        parents = {e.parent for e in self.session.entries("stream") if e.sid == stream}
        previous = self.field("conference").value.strip()
        moved = bool(previous) and previous != conference
        if stream and conference not in parents and (moved or parents):
            self.field("stream").value = ""
        self.field("conference").value = conference

    def account(self) -> str:
        """The account field as validated, the project ID when it is empty; marks the field
        and raises InvalidInput when it is not valid."""
        raw = self.field("account").value.strip() or (self.session.project_id() or "")
        try:
            return validate_account_sid(raw)
        except InvalidInput:
            self.field("account").invalid = True
            raise

    def shows(self, target: StopTarget | None) -> bool:
        """Whether the fields, as typed, still name `target` (nothing is marked)."""
        if target is None:
            return False
        account = self.field("account").value.strip() or (self.session.project_id() or "")
        typed = [account, self.field("conference").value, self.field("stream").value]
        try:
            values = [VALIDATORS[kind](raw) for kind, raw in zip(KINDS, typed, strict=True)]
        except InvalidInput:
            return False
        return values == [target.account, target.conference, target.stream.value]

    def read_target(self) -> StopTarget | Problems:
        """The labelled target of the three fields; else what is wrong with each bad field, now
        marked in the form (its title and note turn red)."""
        problems: Problems = []
        values: dict[str, str] = {}
        for kind in KINDS:
            raw = self.field(kind).value
            if kind == "account" and not raw.strip():
                project = self.session.project_id()
                if project is None:
                    problems.append(
                        (kind, "Account is empty and no project ID is configured (F8 credentials).")
                    )
                    continue
                raw = project
            try:
                values[kind] = VALIDATORS[kind](raw)
            except InvalidInput as exc:
                problems.append((kind, exc.message))
        for kind in KINDS:
            self.field(kind).invalid = any(k == kind for k, _ in problems)
        if problems:
            for bad, _ in problems:
                self.field(bad).note = "✘ invalid"
            return problems
        target = StopTarget(
            values["account"], values["conference"], validate_stream(self.field("stream").value)
        )
        return self.session.labelled(target)
