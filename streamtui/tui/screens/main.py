"""The main screen: three fields, ctrl+s, a confirmation, then the result or the error.

The request runs in an exclusive worker so the UI stays responsive; escape cancels it; a second
ctrl+s while one is in flight only says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Input, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from streamtui.config import Entry, Kind, SavedTarget
from streamtui.errors import ConfigError, InvalidInput
from streamtui.hints import unexpected
from streamtui.sanitize import clean
from streamtui.session import KINDS, Session
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.keys import QUIT
from streamtui.tui.text import pairs, plain
from streamtui.tui.widgets.header import SessionBar
from streamtui.tui.widgets.target_field import TargetField, target_fields
from streamtui.validation import (
    validate_account_sid,
    validate_conference_sid,
    validate_stream,
)

if TYPE_CHECKING:
    from streamtui.api import RetryEvent
    from streamtui.outcome import StopReport
    from streamtui.target import StopTarget
    from streamtui.tui.widgets.panels import ErrorPanel, ProgressPanel, ResultPanel


def _stream_value(value: str) -> str:
    return validate_stream(value).written


VALIDATORS: dict[str, Callable[[str], str]] = {
    "account": validate_account_sid,
    "conference": validate_conference_sid,
    "stream": _stream_value,
}


_PARENT_KIND = {"conference": "account", "stream": "conference"}


def _short(sid: str) -> str:
    """A UUID's first group (enough to tell saved entries apart); names stay whole."""
    return sid[:8] + "…" if len(sid) == 36 and sid.count("-") == 4 else sid


@dataclass(frozen=True)
class Prefill:
    account: str = ""
    conference: str = ""
    stream: str = ""


class MainScreen(Screen[None]):
    BINDINGS = [
        QUIT,
        # priority: taken when the key arrives, before the keys typed after it reach a field
        Binding(
            "ctrl+s",
            "stop",
            "Stop",
            priority=True,
            id="stop",
            tooltip="Stop the stream (you confirm first)",
        ),
        Binding(
            "r",
            "start_again",
            "Start again",
            id="start-again",
            tooltip="Start the stream just stopped again, from its saved definition",
        ),
        Binding(
            "escape",
            "cancel_stop",
            "Cancel",
            id="cancel-request",
            tooltip="Cancel the request in flight",
        ),
        # Each F-key has a ctrl letter beside it: macOS Terminal, tmux and some SSH clients
        # keep F-keys for themselves. Not ctrl+a/b (tmux, screen) nor the fields' own ctrl keys.
        Binding("f2,ctrl+o", "pick", "Pick", id="pick", tooltip="Pick a saved SID for the field"),
        Binding(
            "f3,ctrl+f",
            "targets",
            "Targets",
            id="targets",
            tooltip="Pick a saved target (all three fields)",
        ),
        Binding(
            "f4,ctrl+n",
            "conferences",
            "Conferences",
            id="conferences",
            tooltip="Live conferences of the account",
        ),
        Binding(
            "f5,ctrl+z", "batch", "Batch", id="batch", tooltip="Batch stop: several streams at once"
        ),
        Binding("f1,ctrl+g", "help", "Help", id="help", tooltip="Every key"),
        Binding(
            "ctrl+l",
            "save_entry",
            "Save SID",
            show=False,
            id="save-sid",
            tooltip="Save the SID typed, with a label",
        ),
        Binding(
            "ctrl+t",
            "save_target",
            "Save target",
            show=False,
            id="save-target",
            tooltip="Save the three fields as a target",
        ),
        Binding(
            "f7,ctrl+r",
            "history",
            "History",
            show=False,
            id="history",
            tooltip="History of stop attempts",
        ),
        Binding(
            "f8,ctrl+backslash",
            "credentials",
            "Credentials",
            show=False,
            id="credentials",
            tooltip="Credentials: log in, token, log out",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out (None) what cannot run now, rather than refuse it with a toast."""
        if action == "start_again":
            return self._can_start_again()
        if action == "stop" and (self.in_flight or getattr(self.app, "holding_first_paint", False)):
            return None  # in flight, or the app's first frame is not on the terminal yet
        # escape hidden when there is nothing to cancel: the 80-column footer needs the room
        return action != "cancel_stop" or self.in_flight

    in_flight: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, session: Session, prefill: Prefill, *, timeout: float = 30.0) -> None:
        super().__init__()
        self.session = session
        self.prefill = prefill
        self.timeout = timeout
        self.last_target: StopTarget | None = None
        self.fields: dict[str, TargetField] = {}  # made in compose: widgets need a running app
        self._focus_after: Widget | None = None  # the field focused when a stop began
        self.credentials_problem: Exception | None = None  # set by the probe of the keyring
        self._probe: Worker[None]  # that probe, started on mount
        self._stale_shown = False  # the notice says the shown answer was for another target

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SessionBar(id="session-bar")
        self.fields, titles, notes = target_fields(
            KINDS, [getattr(self.prefill, kind) for kind in KINDS]
        )
        with Container(id="form"):  # a grid: titles and notes span the three rows
            yield titles
            yield self.fields["account"].input
            yield notes
            yield self.fields["conference"].input
            yield self.fields["stream"].input
        with ContentSwitcher(initial="welcome", id="panels"):
            yield Static(self._welcome(), id="welcome")
            yield Static("", id="notice")
        yield Footer()

    def _welcome(self) -> Content:
        lines = [
            pairs(
                ("Fill the three fields, then ", "dim"),
                ("ctrl+s", "bold"),
                (" to stop the stream (you confirm first).", "dim"),
            ),
            pairs(
                ("F2", "bold"),
                (" picks a saved SID for the field, ", "dim"),
                ("F3", "bold"),
                (" a saved target, ", "dim"),
                ("ctrl+l", "bold"),
                (" saves what you typed.", "dim"),
            ),
            pairs(
                ("F4", "bold"),
                (" live conferences · ", "dim"),
                ("F5", "bold"),
                (" batch stop · ", "dim"),
                ("F7", "bold"),
                (" history · ", "dim"),
                ("F8", "bold"),
                (" credentials · ", "dim"),
                ("F1", "bold"),
                (" every key · ", "dim"),
                ("ctrl+q", "bold"),
                (" quits", "dim"),
            ),
            pairs(
                ("No F-keys in your terminal? ", "dim"),
                ("F1", "bold"),
                (" lists a ctrl key for each; ", "dim"),
                ("ctrl+g", "bold"),
                (" shows it, ", "dim"),
                ("ctrl+p", "bold"),
                (" finds actions by name.", "dim"),
            ),
        ]
        if self.session.problem:
            lines.append(pairs(("⚠ ", "bold red"), (self.session.problem, "red")))
            if self.session.read_only:
                lines.append(
                    plain(
                        "The config is read-only for this session: nothing will be "
                        "saved to it until it is fixed.",
                        "red",
                    )
                )
        return Content("\n").join(lines)

    def on_mount(self) -> None:
        bar = self.query_one(SessionBar)
        bar.profile = self.session.profile_name or ""
        bar.production = self.session.production
        bar.demo = self.session.demo
        bar.where = self.session.where()
        self._probe = self.probe_credentials()
        for kind in KINDS:
            self._update_note(kind)
        empty = next((k for k in KINDS[1:] if not self.field(k).value), None)
        self.field(empty or "stream").input.focus()

    @work(exclusive=True, group="probe", exit_on_error=False)
    async def probe_credentials(self) -> None:
        """Where the token comes from, for the top bar: the keyring may wait (under its own
        timeout), so it is asked in a thread after the first paint."""
        from streamtui.errors import CredentialsError

        bar = self.query_one(SessionBar)
        bar.credential_state = ""
        try:
            bar.credential_state = await asyncio.to_thread(self.session.token_source)
            self.credentials_problem = None
        except CredentialsError as exc:
            bar.credential_state = "missing"
            self.credentials_problem = exc

    def _missing_credentials(self) -> str | None:
        """What to say when a stop cannot be sent for want of credentials; None when it can."""
        if self.credentials_problem is None:
            return None
        if self.session.project_id() is None:
            return (
                "No project ID and no API token are set up for this destination. Press F8 to "
                "enter the space, project ID and token (for this session only, or saved)."
            )
        return (
            "No API token for this destination. Press F8 to enter it for this session only, "
            "or set SIGNALWIRE_API_TOKEN before starting streamtui."
        )

    def field(self, kind: str) -> TargetField:
        return self.fields[kind]

    async def panels(self) -> tuple[ProgressPanel, ResultPanel, ErrorPanel]:
        """The progress, result and error panels, mounted on first use: the first paint is
        faster without them."""
        from streamtui.tui.widgets.panels import ErrorPanel, ProgressPanel, ResultPanel

        switcher = self.query_one("#panels", ContentSwitcher)
        if not switcher.query_children(ProgressPanel):
            panels = (
                ProgressPanel(id="progress"),
                ResultPanel(id="result"),
                ErrorPanel(id="error"),
            )
            for panel in panels:
                panel.display = False  # the switcher shows one child at a time
            await switcher.mount(*panels)
        return (
            switcher.query_one(ProgressPanel),
            switcher.query_one(ResultPanel),
            switcher.query_one(ErrorPanel),
        )

    async def show_error(
        self,
        error: BaseException,
        target: StopTarget | None,
        *,
        stopping: bool = True,
        context: str = "",
        again: str = "",
    ) -> None:
        """Any failure, expected or not, ends here (see ErrorPanel.show for the options)."""
        _, _, panel = await self.panels()
        panel.show(
            error,
            target=target,
            host=self.session.where(),
            stopping=stopping,
            context=context,
            again=again,
        )
        self.show_panel("error")

    def _can_start_again(self) -> bool:
        """`r` (start it again) only while a stop's result shows and its definition is saved."""
        from streamtui.tui.screens.start_again import saved_definition

        switcher = self.query_one("#panels", ContentSwitcher)
        panel = switcher.query_children("#result").first() if switcher.current == "result" else None
        result = getattr(panel, "result", None)
        stopped = result is not None and result.status == "stopped"
        return (
            stopped
            and not self.in_flight
            and bool(saved_definition(self.session, self.last_target))
        )

    def action_start_again(self) -> None:
        from streamtui.tui.screens.start_again import offer_start_again

        offer_start_again(self)

    def show_panel(self, name: str) -> None:
        self._stale_shown = False  # whatever shows next answers the fields as they are
        self.query_one("#panels", ContentSwitcher).current = name

    # -- fields ----------------------------------------------------------------------------------
    @on(Input.Changed, "#form Input")
    def _field_changed(self, event: Input.Changed) -> None:
        kind = (event.input.id or "").removeprefix("input-")
        if kind in KINDS:
            self.field(kind).invalid = False
            self._update_note(kind)
            self._retire_answer()
            if kind == "conference":  # a stream name's label depends on its conference
                self._update_note("stream")

    def _retire_answer(self) -> None:
        """A result, error or notice answers the fields as they were: once one changes, it is
        no longer shown as the answer for what the fields now say."""
        switcher = self.query_one("#panels", ContentSwitcher)
        if self.in_flight or switcher.current not in ("result", "error", "notice"):
            return
        last = self.last_target
        if self._stale_shown:
            return
        if switcher.current == "notice" or last is None:
            self.show_panel("welcome")
            return
        name = last.stream_label or last.stream.value
        conference = last.conference_label or last.conference
        self.query_one("#notice", Static).update(
            Content("\n").join(
                [
                    plain("Previous result, for another target:", "bold yellow"),
                    plain(f"stream {name} on conference {conference}.", "dim"),
                    plain("The fields have changed since: ctrl+s stops what they now say.", "dim"),
                ]
            )
        )
        self.show_panel("notice")
        self._stale_shown = True

    def conference_chosen(self, conference: str) -> None:
        """A conference picked from a list: a stream of another conference does not follow it."""
        stream = self.field("stream").value.strip()
        parents = {e.parent for e in self.session.entries("stream") if e.sid == stream}
        previous = self.field("conference").value.strip()
        moved = bool(previous) and previous != conference
        if stream and conference not in parents and (moved or parents):
            self.field("stream").value = ""
        self.field("conference").value = conference

    @on(Input.Submitted, "#form Input")
    def _field_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def _update_note(self, kind: str) -> None:
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
        parent = self._valid("conference") if kind == "stream" else None
        label = self.session.label_for(kind, sid, parent)
        if label:
            field.note = f"“{label}”"
        elif kind == "stream" and validate_stream(value).is_name:
            field.note = "stream name · ^l saves"
        else:
            field.note = "^l saves it"

    def _valid(self, kind: str) -> str | None:
        try:
            return VALIDATORS[kind](self.field(kind).value)
        except InvalidInput:
            return None

    def _focused_kind(self) -> str:
        focused = self.focused
        for kind in KINDS:
            if focused is not None and focused.id == f"input-{kind}":
                return kind
        return "stream"

    def read_target(self) -> StopTarget | None:
        """Validate the three fields; mark the bad ones inline; nothing is sent on failure."""
        errors: list[tuple[str, str]] = []
        values: dict[str, str] = {}
        for kind in KINDS:
            raw = self.field(kind).value
            if kind == "account" and not raw.strip():
                project = self.session.project_id()
                if project is None:
                    errors.append(
                        (kind, "Account is empty and no project ID is configured (F8 credentials).")
                    )
                    continue
                raw = project
            try:
                values[kind] = VALIDATORS[kind](raw)
            except InvalidInput as exc:
                errors.append((kind, exc.message))
        for kind in KINDS:
            self.field(kind).invalid = any(k == kind for k, _ in errors)
        if errors:
            kind = errors[0][0]
            for bad, _ in errors:
                self.field(bad).note = "✘ invalid"
            # One line per message: `pairs` strips control characters, "\n" included.
            lines = [pairs(("✘ Not sent. ", "bold red"), errors[0][1])]
            lines.extend(plain(message) for _, message in errors[1:])
            self.query_one("#notice", Static).update(Content("\n").join(lines))
            self.show_panel("notice")
            self.field(kind).input.focus()
            return None
        from streamtui.target import StopTarget

        target = StopTarget(
            values["account"], values["conference"], validate_stream(self.field("stream").value)
        )
        return self.session.labelled(target)

    # -- the stop --------------------------------------------------------------------------------
    def watch_in_flight(self, in_flight: bool) -> None:
        """The fields take no keys while a stop runs: what is typed then would change a field
        under a request that was sent with its old value, or end up in the next stop."""
        form = self.query_one("#form")
        if in_flight == form.disabled:
            return
        if in_flight:
            focused = self.focused
            self._focus_after = focused if focused in self._inputs() else None
            form.disabled = True
            return
        form.disabled = False
        # After a result its fields keep the focus (c copies); otherwise back to the field.
        if self.query_one("#panels", ContentSwitcher).current != "result":
            (self._focus_after or self.field("stream").input).focus()

    def _inputs(self) -> list[Input]:
        return [self.field(kind).input for kind in KINDS]

    def action_stop(self) -> None:
        if self.in_flight:
            self.notify(
                "A stop is already in flight: wait for it, or escape to cancel it.",
                severity="warning",
                timeout=4,
            )
            return
        if not self._probe.is_finished:
            # the keyring has not answered yet: take the target as typed now, ask after
            target = self.read_target()
            if target is not None:
                shown = self.query_one("#panels", ContentSwitcher).current or "welcome"
                self.in_flight = True  # the keys that follow must not change a field
                self.query_one("#notice", Static).update(
                    plain("Checking where the token comes from; the confirmation follows.")
                )
                self.show_panel("notice")
                self.confirm_after_probe(target, shown)
            return
        if not self._no_credentials():
            target = self.read_target()
            if target is not None:
                self.confirm_stop(target)

    def _no_credentials(self) -> bool:
        """Say at once, in the notice panel, that a stop cannot be sent for want of a token."""
        missing = self._missing_credentials()
        if missing is not None:
            self.query_one("#notice", Static).update(pairs(("✘ Not sent. ", "bold red"), missing))
            self.show_panel("notice")
        return missing is not None

    @work(exclusive=True, group="stop", exit_on_error=False)
    async def confirm_after_probe(self, target: StopTarget, shown: str) -> None:
        """ctrl+s came while the keyring was being asked: the confirmation waits for its answer
        (under the keyring's own timeout), so it never offers a stop that cannot be sent."""
        try:
            await self._probe.wait()
        except (WorkerCancelled, WorkerFailed):
            pass  # the probe recorded what it found, or found nothing usable
        finally:
            self.in_flight = False
        if not self._no_credentials():
            self.show_panel(shown)
            self.confirm_stop(target)

    def confirm_stop(self, target: StopTarget) -> None:
        from streamtui.tui.screens.confirm import ConfirmStopScreen

        account_is_project = (
            not self.field("account").value.strip() or target.account == self.session.project_id()
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.in_flight = True  # now: the keys that follow must not reach a field
                self.run_stop(target)
            else:
                self.notify("Cancelled: nothing was sent.", timeout=3)

        self.app.push_screen(
            ConfirmStopScreen(
                target,
                where=self.session.where(),
                production=self.session.production,
                strict=self.session.strict_confirmation,
                account_is_project=account_is_project,
            ),
            confirmed,
        )

    @work(exclusive=True, group="stop", exit_on_error=False)
    async def run_stop(self, target: StopTarget) -> None:
        from streamtui.flows.stop import Recorder, client_for, stop_one
        from streamtui.outcome import Outcome, StopReport

        self.in_flight = True
        self.last_target = target
        progress, result_panel, _ = await self.panels()
        name = target.stream_label or target.stream.value
        progress.start(f"Stopping {name} on {self.session.where()}…")
        self.show_panel("progress")
        report = StopReport(target)
        try:
            creds = await asyncio.to_thread(self.session.credentials)
            recorder = Recorder(creds, self.session.history)
            async with client_for(creds, timeout=self.timeout, on_retry=self._on_retry) as client:
                await stop_one(client, report, recorder)
            if recorder.problem:
                self.notify(recorder.problem, severity="warning", timeout=8)
            if report.outcome is Outcome.STOPPED:
                result_panel.result = report.result
                self.show_panel("result")
                self.query_one("#result-fields").focus()
            elif report.error is not None:
                await self.show_error(report.error, target)
        except asyncio.CancelledError:
            self._show_cut_short(report)
            raise
        except Exception as exc:  # an unexpected one too: it must never leave "Stopping…" up
            await self.show_error(exc, target)
        finally:
            self.in_flight = False
            progress.finish()
        if report.sending:
            await asyncio.to_thread(self.session.remember, target)

    def _show_cut_short(self, report: StopReport) -> None:
        if report.sending:
            text = (
                "The request had been sent: the stream may be stopped; stopping again is "
                "harmless. Recorded as interrupted."
            )
        else:
            text = "Nothing was sent."
        self.query_one("#notice", Static).update(pairs(("Cancelled. ", "bold yellow"), text))
        self.show_panel("notice")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The net under run_stop: even if showing its error failed, the progress panel goes."""
        error = failure_of(event)
        if error is None:
            return
        report_failure(self, error)
        self.in_flight = False
        self.query_one("#notice", Static).update(pairs(("✘ ", "bold red"), unexpected(error)))
        self.show_panel("notice")

    def _on_retry(self, event: RetryEvent) -> None:
        cast("ProgressPanel", self.query_one("#progress")).attempt = (
            f"attempt {event.next_attempt} of {event.attempts} in {event.delay:.1f} s "
            f"(last: {clean(event.reason)[:60]})"  # masked before it is cut
        )

    def action_cancel_stop(self) -> None:
        if self.in_flight:
            self.workers.cancel_group(self, "stop")

    # -- pickers and saving ----------------------------------------------------------------------
    def action_pick(self) -> None:
        from streamtui.tui.screens.picker import PickerItem, PickerScreen

        kind = self._focused_kind()
        recency = self.session.recency(kind)
        conference = self._valid("conference") if kind == "stream" else None
        names = {e.sid: e.label for e in self.session.entries("conference")}
        items = [
            PickerItem(
                entry.sid,
                entry.label,
                _short(entry.sid) if kind == "stream" else entry.sid,
                recency.get(entry.sid, 0.0),
                column=names.get(entry.parent or "", _short(entry.parent or "")),
                in_scope=conference is None or entry.parent == conference,
            )
            for entry in self.session.entries(kind)
        ]
        scope = names.get(conference or "", "") or _short(conference or "")

        def chosen(sid: str | None) -> None:
            if sid and kind == "conference":
                self.conference_chosen(sid)
                self.field(kind).input.focus()
            elif sid:
                self.field(kind).value = sid
                self.field(kind).input.focus()

        self.app.push_screen(
            PickerScreen(
                f"Saved {kind}s",
                items,
                empty=f"No saved {kind}s yet: type one and press ctrl+l to save it.",
                scope=f"conference {scope}" if conference else "",
            ),
            chosen,
        )

    def action_targets(self) -> None:
        from streamtui.tui.screens.picker import PickerItem, PickerScreen

        recency = self.session.recency("stream")
        items = [
            PickerItem(
                t,
                t.label,
                _short(t.conference) + " › " + _short(t.stream),
                recency.get(t.stream, 0.0),
            )
            for t in self.session.config.targets
        ]

        def chosen(target: SavedTarget | None) -> None:
            if target is not None:
                self.field("account").value = target.account
                self.field("conference").value = target.conference
                self.field("stream").value = target.stream
                self.field("stream").input.focus()

        self.app.push_screen(
            PickerScreen(
                "Saved targets",
                items,
                empty="No saved targets yet: fill the three fields and press ctrl+t.",
                label_width=40,
            ),
            chosen,
        )

    def action_save_entry(self) -> None:
        from streamtui.tui.screens.label import LabelScreen

        kind = self._focused_kind()
        try:
            sid = VALIDATORS[kind](self.field(kind).value)
        except InvalidInput as exc:
            self.notify(exc.message, title="Not saved", severity="error", timeout=6)
            return
        parent = None
        parent_kind = {"conference": "account", "stream": "conference"}.get(kind)
        if parent_kind:
            try:
                parent = VALIDATORS[parent_kind](self.field(parent_kind).value)
            except InvalidInput:
                parent = None

        def labelled(label: str | None) -> None:
            if label:
                entry = Entry(kind=cast(Kind, kind), sid=sid, label=label, parent=parent)
                self.save(lambda: self.session.save_entry(entry), f"Saved {kind} “{label}”.")

        self.app.push_screen(
            LabelScreen(kind, sid, suggestion=self.session.label_for(kind, sid, parent)), labelled
        )

    def action_save_target(self) -> None:
        from streamtui.tui.screens.label import LabelScreen

        target = self.read_target()
        if target is None:
            return

        def labelled(label: str | None) -> None:
            if label:
                saved = SavedTarget(label, target.account, target.conference, target.stream.value)
                self.save(lambda: self.session.save_target(saved), f"Saved target “{label}”.")

        self.app.push_screen(
            LabelScreen("target", f"{target.conference} / {target.stream}"), labelled
        )

    @work(group="save", exit_on_error=False)
    async def save(self, write: Callable[[], None], saved: str) -> None:
        """A save takes the config's lock (another streamtui may hold it for seconds) and
        fsyncs: it runs in a thread, so the keys keep working meanwhile."""
        try:
            await asyncio.to_thread(write)
        except ConfigError as exc:
            self.notify(exc.message, title="Not saved", severity="error", timeout=8)
            return
        for kind in KINDS:
            self._update_note(kind)
        self.notify(saved, timeout=3)

    # -- incident mode ---------------------------------------------------------------------------
    def _account(self) -> str | None:
        raw = self.field("account").value.strip() or (self.session.project_id() or "")
        try:
            return validate_account_sid(raw)
        except InvalidInput as exc:
            self.field("account").invalid = True
            self.notify(exc.message, title="Account", severity="error", timeout=6)
            return None

    def action_conferences(self) -> None:
        from streamtui.tui.screens.conferences import ConferencesScreen

        account = self._account()
        if account is None:
            return

        def chosen(result: str | Exception | None) -> None:
            if isinstance(result, Exception):
                self.call_later(self._listing_failed, result)
            elif result:
                self.conference_chosen(result)
                self.field("stream").input.focus()

        self.app.push_screen(ConferencesScreen(account, self.session.credentials), chosen)

    async def _listing_failed(self, error: Exception) -> None:
        await self.show_error(
            error,
            None,
            stopping=False,
            context="Listing conferences",
            again="F4 lists them again.",
        )

    def action_batch(self) -> None:
        from streamtui.tui.screens.batch import BatchScreen

        account = self._account()
        if account is None:
            return
        try:
            conference = validate_conference_sid(self.field("conference").value)
        except InvalidInput as exc:
            self.field("conference").invalid = True
            self.notify(exc.message, title="Conference", severity="error", timeout=6)
            self.field("conference").input.focus()
            return
        self.app.push_screen(BatchScreen(self.session, account, conference))

    # -- other screens ---------------------------------------------------------------------------
    def action_history(self) -> None:
        from streamtui.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.session.history))

    def action_credentials(self) -> None:
        from streamtui.tui.screens.credentials import CredentialsScreen

        def closed(changed: bool | None) -> None:
            if changed:
                self.on_mount()

        self.app.push_screen(CredentialsScreen(self.session), closed)

    def action_help(self) -> None:
        from streamtui.tui.screens.help import HelpScreen, binding_rows

        self.app.push_screen(HelpScreen(binding_rows(self)))  # type: ignore[arg-type]
