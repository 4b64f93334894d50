"""The main screen: three fields, ctrl+s, a confirmation, then the result or the error.

The request runs in an exclusive worker so the UI stays responsive; escape cancels it; a second
ctrl+s while one is in flight only says so. Its keys (main_keys.py), the form
(widgets/target_form.py), the panels under it (widgets/answer.py), the saved lists (saved.py) and
incident mode (incident.py) live in modules of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.errors import ConfigError, CredentialsError
from streamtui.hints import unexpected
from streamtui.sanitize import clean
from streamtui.session import Session
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.screens import incident, saved
from streamtui.tui.screens.main_keys import MAIN_KEYS
from streamtui.tui.text import pairs, plain
from streamtui.tui.widgets.answer import AnswerPanels, no_credentials, welcome
from streamtui.tui.widgets.header import SessionBar
from streamtui.tui.widgets.target_field import TargetField
from streamtui.tui.widgets.target_form import TargetForm

if TYPE_CHECKING:
    from streamtui.api import RetryEvent
    from streamtui.flows.start import StartRequest
    from streamtui.target import StopTarget
    from streamtui.tui.widgets.panels import ErrorPanel, ProgressPanel, ResultPanel


FIRST_FRAME_HOLD = 0.02  # seconds the first screen is held back after its mount (on_mount)


@dataclass(frozen=True)
class Prefill:
    account: str = ""
    conference: str = ""
    stream: str = ""


class MainScreen(Screen[None]):
    BINDINGS = MAIN_KEYS

    class Shown(Message):
        """The first screen is on the terminal: what it does not need may be loaded now."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out (None) what cannot run now, rather than refuse it with a toast."""
        if action == "start_again":
            return self._can_start_again()
        if action == "stop" and self.in_flight:
            return None
        # escape hidden when there is nothing to cancel: the 80-column footer needs the room
        return action != "cancel_stop" or self.in_flight

    in_flight: reactive[bool] = reactive(False, bindings=True)

    def __init__(
        self,
        session: Session,
        prefill: Prefill,
        *,
        timeout: float = 30.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__()
        self.session = session
        self.prefill = prefill
        self.timeout = timeout
        self.clock = clock  # the stop's records, retries and durations, and the relative times
        self.last_target: StopTarget | None = None
        self._focus_after: Widget | None = None  # the field focused when a stop began
        self.credentials_problem: Exception | None = None  # set by the probe of the keyring
        self.holding_first_paint = False  # see on_mount
        self._probe: Worker[None] | None = None  # that probe, while the keyring is asked
        self.form: TargetForm  # the fields, and the panels under them: made in compose
        self.answer: AnswerPanels

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # made here, not in __init__: widgets need a running app
        prefill = self.prefill
        self.form = TargetForm(self.session, [prefill.account, prefill.conference, prefill.stream])
        self.answer = AnswerPanels(
            welcome(self.session.problem, self.session.read_only), clock=self.clock
        )
        yield SessionBar(id="session-bar")
        yield self.form
        yield self.answer
        yield Footer()

    def field(self, kind: str) -> TargetField:
        return self.form.field(kind)

    def on_mount(self) -> None:
        self.show_session()
        # Textual draws a new screen whole two or three times as it mounts (layout, a repaint,
        # the footer, the toast rack): held back for a moment after the mount, it goes out once
        # (bench_bytes.py). Until then ctrl+s is ignored: a confirmation counts as seen once
        # drawn. Headless (tests) there is no terminal to spare bytes on.
        if self.app.is_headless:
            self._first_paint_sent()
        else:
            self.holding_first_paint = True
            self.app.delay_update(FIRST_FRAME_HOLD)
            self.set_timer(FIRST_FRAME_HOLD * 2, self._first_paint_sent)

    def _first_paint_sent(self) -> None:
        """The hold is over: ctrl+s may be confirmed now, and the keyring is asked (in a
        thread). What the screen does not need loads after the refresh that sends the frame,
        not to take the interpreter away from drawing it (the app's keymap check)."""
        self.holding_first_paint = False
        self.ask_token_source()
        self.call_after_refresh(self.post_message, self.Shown())

    def show_session(self) -> None:
        """The top bar and the notes as the session now is, the focus on the first empty field."""
        bar = self.query_one(SessionBar)
        bar.profile = self.session.profile_name or ""
        bar.production = self.session.production
        bar.demo = self.session.demo
        bar.where = self.session.where()
        self.form.update_notes()
        self.form.focus_first_empty()

    def credentials_changed(self) -> None:
        """F8 changed the credentials: the top bar, the notes and the token's source again."""
        self.show_session()
        self.ask_token_source()

    def ask_token_source(self) -> None:
        """Where the token comes from, for the top bar. A token at hand (the environment's, this
        session's) is named at once, in the frame that changed it; the keyring may wait (under
        its own timeout), so it is asked in a thread, "checking…" meanwhile."""
        self.workers.cancel_group(self, "probe")  # an answer for the old credentials
        if self.session.token_at_hand():
            self._probe = None
            self._show_token_source(*self._token_source())
        else:
            self.query_one(SessionBar).credential_state = ""
            self._probe = self.probe_keyring()

    @work(exclusive=True, group="probe", exit_on_error=False)
    async def probe_keyring(self) -> None:
        self._show_token_source(*await asyncio.to_thread(self._token_source))

    def _token_source(self) -> tuple[str, CredentialsError | None]:
        """The top bar's word for where the token comes from, or "missing" and why."""
        try:
            return self.session.token_source(), None
        except CredentialsError as exc:
            return "missing", exc

    def _show_token_source(self, source: str, problem: CredentialsError | None) -> None:
        self.query_one(SessionBar).credential_state = source
        self.credentials_problem = problem

    async def panels(self) -> tuple[ProgressPanel, ResultPanel, ErrorPanel]:
        """The progress, result and error panels (mounted on first use)."""
        return await self.answer.stop_panels()

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
        await self.answer.show_error(
            error, target, self.session.where(), stopping=stopping, context=context, again=again
        )

    def show_panel(self, name: str) -> None:
        self.answer.show(name)

    def _can_start_again(self) -> bool:
        """`r` (start it again) only while a stop's result shows and its definition is saved."""
        from streamtui.tui.screens.start_again import saved_definition

        result = self.answer.shown_result()
        stopped = result is not None and result.status == "stopped"
        return (
            stopped
            and not self.in_flight
            and bool(saved_definition(self.session, self.last_target))
        )

    # -- fields ----------------------------------------------------------------------------------
    @on(Input.Changed, "#form Input")
    def _field_changed(self, event: Input.Changed) -> None:
        """The form has updated its notes; an answer shown is now for another target."""
        if not self.in_flight and not self.form.shows(self.last_target):
            self.answer.retire(self.last_target)

    def conference_chosen(self, conference: str) -> None:
        self.form.conference_chosen(conference)

    def read_target(self) -> StopTarget | None:
        """Validate the three fields; mark the bad ones inline; nothing is sent on failure."""
        target = self.form.read_target()
        if not isinstance(target, list):
            return target
        self.answer.not_sent(target)
        self.field(target[0][0]).input.focus()
        return None

    # -- the stop --------------------------------------------------------------------------------
    def watch_in_flight(self, in_flight: bool) -> None:
        """The fields take no keys while a stop runs: what is typed then would change a field
        under a request that was sent with its old value, or end up in the next stop."""
        form = self.form
        if in_flight == form.disabled:
            return
        if in_flight:
            focused = self.focused
            self._focus_after = focused if focused in form.inputs() else None
            form.disabled = True
            return
        form.disabled = False
        # After a result its fields keep the focus (c copies); otherwise back to the field.
        if self.answer.current != "result":
            (self._focus_after or self.field("stream").input).focus()

    def action_stop(self) -> None:
        if self.holding_first_paint:
            return  # before the first frame is on the terminal: nothing could be confirmed
        if self.in_flight:
            self.notify(
                "A stop is already in flight: wait for it, or escape to cancel it.",
                severity="warning",
                timeout=4,
            )
            return
        if self._probe is not None and not self._probe.is_finished:
            # the keyring has not answered yet: take the target as typed now, ask after
            target = self.read_target()
            if target is not None:
                shown = self.answer.current or "welcome"
                self.in_flight = True  # the keys that follow must not change a field
                self.answer.notice(
                    plain("Checking where the token comes from; the confirmation follows.")
                )
                self.confirm_after_probe(self._probe, target, shown)
            return
        if not self._no_credentials():
            target = self.read_target()
            if target is not None:
                self.confirm_stop(target)

    def _no_credentials(self) -> bool:
        """Say at once, in the notice panel, that a stop cannot be sent for want of a token."""
        if self.credentials_problem is None:
            return False
        missing = no_credentials(project_known=self.session.project_id() is not None)
        self.answer.notice(pairs(("✘ Not sent. ", "bold red"), missing))
        return True

    @work(exclusive=True, group="stop", exit_on_error=False)
    async def confirm_after_probe(
        self, probe: Worker[None], target: StopTarget, shown: str
    ) -> None:
        """ctrl+s came while the keyring was being asked: the confirmation waits for its answer
        (under the keyring's own timeout), so it never offers a stop that cannot be sent."""
        try:
            await probe.wait()
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
        clock = self.clock
        try:
            creds = await asyncio.to_thread(self.session.credentials)
            recorder = Recorder(creds, self.session.history, clock=clock)
            async with client_for(
                creds, timeout=self.timeout, on_retry=self._on_retry, clock=clock
            ) as client:
                await stop_one(client, report, recorder, clock=clock)
            if recorder.problem:
                self.notify(recorder.problem, severity="warning", timeout=8)
            if report.outcome is Outcome.STOPPED:
                result_panel.result = report.result
                self.show_panel("result")
                self.query_one("#result-fields").focus()
            elif report.error is not None:
                await self.show_error(report.error, target)
        except asyncio.CancelledError:
            self.answer.cut_short(report.sending)
            raise
        except Exception as exc:  # an unexpected one too: it must never leave "Stopping…" up
            await self.show_error(exc, target)
        finally:
            self.in_flight = False
            progress.finish()
        if report.sending:
            await asyncio.to_thread(self.session.remember, target)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The net under run_stop: even if showing its error failed, the progress panel goes."""
        error = failure_of(event)
        if error is None:
            return
        report_failure(self, error)
        self.in_flight = False
        self.answer.notice(pairs(("✘ ", "bold red"), unexpected(error)))

    def _on_retry(self, event: RetryEvent) -> None:
        cast("ProgressPanel", self.query_one("#progress")).attempt = (
            f"attempt {event.next_attempt} of {event.attempts} in {event.delay:.1f} s "
            f"(last: {clean(event.reason)[:60]})"  # masked before it is cut
        )

    def action_cancel_stop(self) -> None:
        if self.in_flight:
            self.workers.cancel_group(self, "stop")

    # -- start it again (start_again.py) ---------------------------------------------------------
    def action_start_again(self) -> None:
        from streamtui.tui.screens.start_again import offer

        offer(self)

    @work(exclusive=True, group="stop", exit_on_error=False)
    async def run_start_again(self, request: StartRequest, target: StopTarget) -> None:
        from streamtui.tui.screens.start_again import send

        await send(self, request, target)

    # -- pickers and saving (saved.py) -----------------------------------------------------------
    def _focused_kind(self) -> str:
        return self.form.focused_kind(self.focused)

    def action_pick(self) -> None:
        saved.pick_sid(self.form, self.session, self._focused_kind())

    def action_targets(self) -> None:
        saved.pick_target(self.form, self.session)

    def action_save_entry(self) -> None:
        saved.save_entry(self.form, self.session, self._focused_kind(), self.save)

    def action_save_target(self) -> None:
        target = self.read_target()
        if target is not None:
            saved.save_target(self.form, self.session, target, self.save)

    @work(group="save", exit_on_error=False)
    async def save(self, write: Callable[[], None], saved: str) -> None:
        """A save takes the config's lock (another streamtui may hold it for seconds) and
        fsyncs: it runs in a thread, so the keys keep working meanwhile."""
        try:
            await asyncio.to_thread(write)
        except ConfigError as exc:
            self.notify(exc.message, title="Not saved", severity="error", timeout=8)
            return
        self.form.update_notes()
        self.notify(saved, timeout=3)

    # -- incident mode (incident.py) -------------------------------------------------------------
    def action_conferences(self) -> None:
        incident.open_conferences(self.form, self.session, self.show_error)

    def action_batch(self) -> None:
        incident.open_batch(self.form, self.session)

    # -- other screens ---------------------------------------------------------------------------
    def action_history(self) -> None:
        from streamtui.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.session.history))

    def action_credentials(self) -> None:
        from streamtui.tui.screens.credentials import CredentialsScreen

        # the top line changes as soon as F8 does, not when it closes
        self.app.push_screen(CredentialsScreen(self.session, on_change=self.credentials_changed))

    def action_help(self) -> None:
        from streamtui.tui.screens.help import HelpScreen, binding_rows

        self.app.push_screen(HelpScreen(binding_rows(self)))  # type: ignore[arg-type]
