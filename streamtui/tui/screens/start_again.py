"""Undo a wrong stop from the TUI: after a stop of a stream whose definition is saved, `r` offers
to start it again, with a confirmation naming what will be created. The request, its record
(`started`, linked to the stop) and its retries are the ones `streamtui start` uses
(streamtui.flows.start)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from streamtui.flows.start import StartRequest
from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.tui.screens.confirm import GuardedConfirmation, labelled_row
from streamtui.tui.text import plain
from streamtui.validation import is_uuid, validate_stream

if TYPE_CHECKING:
    from streamtui.config import Entry
    from streamtui.session import Session
    from streamtui.tui.screens.main import MainScreen


def offer(screen: MainScreen) -> None:
    """Confirm, then create the stream of the last stop again from its saved definition."""
    target = screen.last_target
    entry = saved_definition(screen.session, target)
    if target is None or entry is None:
        screen.notify("No saved definition to start this stream from.", timeout=4)
        return
    request = request_for(target, entry, None)

    def confirmed(ok: bool | None) -> None:
        if not ok:
            screen.notify("Cancelled: nothing was sent.", timeout=3)
            return
        screen.in_flight = True  # now: the keys that follow must not reach a field
        screen.run_start_again(request, target)

    screen.app.push_screen(ConfirmStartScreen(request, where=screen.session.where()), confirmed)


async def send(screen: MainScreen, request: StartRequest, target: StopTarget) -> None:
    """Send it; on success the Stream field holds the new stream, the one the panel shows, so
    that ctrl+s would stop that one."""
    from streamtui.flows.start import start_one
    from streamtui.flows.stop import Recorder, client_for
    from streamtui.outcome import Outcome

    progress, result_panel, _ = await screen.panels()
    progress.start(f"Starting {clean(request.label or target.stream.value)} again…")
    screen.show_panel("progress")
    screen.in_flight = True
    clock = screen.clock
    try:
        stopped_at = await asyncio.to_thread(stop_time, screen.session, target)
        request = replace(request, undoes_time=stopped_at)
        creds = await asyncio.to_thread(screen.session.credentials)
        recorder = Recorder(creds, screen.session.history, clock=clock)
        async with client_for(creds, timeout=screen.timeout, clock=clock) as client:
            report = await start_one(client, request, recorder, clock=clock)
    finally:
        screen.in_flight = False
        progress.finish()
    if recorder.problem:
        screen.notify(recorder.problem, severity="warning", timeout=8)
    if report.outcome is Outcome.STARTED and report.result is not None:
        started = replace(target, stream=validate_stream(report.result.sid or ""))
        screen.last_target = started
        screen.field("stream").value = started.stream.value
        result_panel.result = report.result
        screen.show_panel("result")
        screen.notify(f"Started again as {clean(report.result.sid or '')}.", timeout=6)
    elif report.outcome is Outcome.STARTED and report.error is not None:
        screen.notify(clean(report.error.message), timeout=10)
        screen.show_panel("result")
    elif report.error is not None:
        await screen.show_error(report.error, None, stopping=False, context="Start again")


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
