"""The streamtui Textual app: one main screen, modal dialogs, and command-palette entries.

Startup stays close to a bare Textual app: httpx, keyring and the emulator are imported only when
first needed, after the first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from streamtui.sanitize import clean
from streamtui.session import Session
from streamtui.tui.screens.main import MainScreen, Prefill


class StreamTuiApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "streamtui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self, session: Session, prefill: Prefill | None = None, *, timeout: float = 30.0
    ) -> None:
        super().__init__()
        self.session = session
        self.prefill = prefill or Prefill()
        self.timeout = timeout

    def on_mount(self) -> None:
        """SIGHUP (the SSH connection dropped) and SIGTERM quit as ctrl+q does, so a stop in
        flight is recorded; Python's default for both ends the process on the spot."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self.exit)

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.session, self.prefill, timeout=self.timeout)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast of the app, and of its widgets (`Widget.notify` calls this), goes through
        here: always plain text, cleaned and masked, whatever the caller asked. A toast quotes
        user and server text, and Textual renders it as markup by default: a `[/b]` in it ends
        the app."""
        super().notify(
            clean(message), title=clean(title), severity=severity, timeout=timeout, markup=False
        )

    def action_help_quit(self) -> None:
        """ctrl+c outside a field: say how to quit (Textual's own toast is markup)."""
        self.notify("Press ctrl+q to quit the app.", title="Do you want to quit?")

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main
        yield SystemCommand(
            "Stop stream",
            "Validate the fields, confirm, and stop the stream (ctrl+s)",
            main.action_stop,
        )
        yield SystemCommand(
            "Pick a saved SID", "Fuzzy picker for the focused field (F2)", main.action_pick
        )
        yield SystemCommand(
            "Pick a saved target",
            "Account, conference and stream in one go (F3)",
            main.action_targets,
        )
        yield SystemCommand(
            "Save the focused SID",
            "Save what is typed, with a label (ctrl+l)",
            main.action_save_entry,
        )
        yield SystemCommand(
            "Save the target", "Save the three fields as a target (ctrl+t)", main.action_save_target
        )
        yield SystemCommand(
            "Cancel the request", "Cancel the stop in flight (escape)", main.action_cancel_stop
        )
        yield SystemCommand(
            "Live conferences",
            "In-progress conferences of the account, to fill the conference field (F4)",
            main.action_conferences,
        )
        yield SystemCommand(
            "Batch stop",
            "Stop several streams of the conference at once (F5)",
            main.action_batch,
        )
        yield SystemCommand(
            "History", "Every stop attempt, most recent first (F7)", main.action_history
        )
        yield SystemCommand(
            "Credentials", "Log in, session-only token, log out (F8)", main.action_credentials
        )
        yield SystemCommand("Help", "Every key (F1)", main.action_help)
