"""Undo a wrong stop from the TUI: after a stop of a stream whose definition is saved, `r` offers
to start it again, with a confirmation naming what will be created. The request, its record
(`started`, linked to the stop) and its retries are the ones `streamtui start` uses
(streamtui.flows.start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from streamtui.flows.start import StartRequest
from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.tui.screens.confirm import GuardedConfirmation, labelled_row
from streamtui.tui.text import plain
from streamtui.validation import is_uuid

if TYPE_CHECKING:
    from streamtui.config import Entry
    from streamtui.session import Session


def saved_definition(session: Session, target: StopTarget | None) -> Entry | None:
    """The saved stream of `target` when it carries a definition to start it again from."""
    if target is None:
        return None
    entry = session.config.find("stream", target.stream.value, target.conference)
    return entry if entry is not None and entry.definition is not None else None


def request_for(target: StopTarget, entry: Entry, stopped_at: str | None) -> StartRequest:
    assert entry.definition is not None
    return StartRequest(
        account=target.account,
        conference=target.conference,
        definition=entry.definition,
        name=None if is_uuid(entry.sid) else entry.sid,
        label=entry.label,
        undoes=target.stream.value,
        undoes_time=stopped_at,
    )


class ConfirmStartScreen(GuardedConfirmation):
    """Returns True to create the stream, False to cancel."""

    CSS_PATH = ["confirm.tcss", "start_again.tcss"]
    BINDINGS = [
        Binding("y", "confirm", "Yes, start it"),
        Binding("n", "cancel", "No"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, request: StartRequest, *, where: str) -> None:
        super().__init__()
        self.request = request
        self.where = where

    def compose_target(self) -> ComposeResult:
        r = self.request
        yield Static(plain("Start this stream again?", "bold"), id="confirm-title")
        yield Static(labelled_row("Space", self.where, ""), classes="confirm-row")
        yield Static(labelled_row("Account", r.account, ""), classes="confirm-row")
        yield Static(labelled_row("Conference", r.conference, ""), classes="confirm-row")
        yield Static(
            labelled_row("Creates", clean(r.definition.describe()), clean(r.label)),
            classes="confirm-row",
            id="confirm-creates",
        )
        name = clean(r.name) if r.name else "(none: SignalWire gives it a new SID)"
        yield Static(labelled_row("Name", name, ""), classes="confirm-row")

    def confirm_button(self) -> Button:
        return Button("Start stream (y)", id="confirm", variant="success")


def stop_time(session: Session, target: StopTarget) -> str | None:
    from streamtui.flows.start import stop_undone

    stop = stop_undone(session.history.read(limit=200), target.conference, [target.stream.value])
    time = stop.get("time") if stop is not None else None
    return time if isinstance(time, str) else None
