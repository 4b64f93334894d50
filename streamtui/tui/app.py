"""The streamtui Textual app: one main screen, modal dialogs, and command-palette entries.

Startup stays close to a bare Textual app: httpx, keyring and the emulator are imported only when
first needed, after the first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.sanitize import clean
from streamtui.session import Session
from streamtui.tui.glyphs import ConsoleFont, ascii_only, fit
from streamtui.tui.keys import FOCUS_KEYS, QUIT, binding_ids, split_keymap
from streamtui.tui.screens.main import MainScreen, Prefill


class StreamTuiApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "streamtui"
    BINDINGS = [
        QUIT,
        Binding("ctrl+c", "help_quit", show=False, system=True, id="help-quit"),
        *FOCUS_KEYS,
    ]

    def __init__(
        self,
        session: Session,
        prefill: Prefill | None = None,
        *,
        timeout: float = 30.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__()
        self.session = session
        self.prefill = prefill or Prefill()
        self.timeout = timeout
        self.clock = clock  # every flow the app builds, and every relative time it shows
        self.user_keymap: dict[str, str] = {}
        self.console_font = ConsoleFont() if ascii_only() else None

    def _quit_on_hangup(self) -> None:
        """SIGHUP (the SSH connection dropped) and SIGTERM quit as ctrl+q does, so a stop in
        flight is recorded; Python's default for both ends the process on the spot."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self.exit)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """On the Linux console, Textual's own glyphs too are drawn from the console's font."""
        filters = super().get_line_filters()
        return filters if self.console_font is None else [*filters, self.console_font]

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.session, self.prefill, timeout=self.timeout, clock=self.clock)

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

    def on_mount(self) -> None:
        # The config's `[keymap]`, before the first paint: the footer shows the user's keys. An
        # id that no binding has moves nothing; check_keymap names it once the screen is shown.
        self.user_keymap = dict(self.session.config.keymap)
        self.set_keymap(self.user_keymap)
        self._quit_on_hangup()

    @on(MainScreen.Shown)
    def check_keymap(self) -> None:
        """Ids of the `[keymap]` that no binding has are named in a warning, not fatal. Knowing
        every binding means importing every screen: not before the first screen is shown."""
        if not self.user_keymap:
            return
        from streamtui.tui.screens import all_screens

        known = binding_ids([type(self), *all_screens()])
        _, unknown = split_keymap(self.user_keymap, known)
        if unknown:
            self.notify(
                f"The [keymap] of the config names keys that do not exist: {', '.join(unknown)}. "
                "F1 lists the keys; streamtui's README lists their ids.",
                title="Keymap",
                severity="warning",
                timeout=10,
            )

    def get_key_display(self, binding: Binding) -> str:
        """Footer and palette key names, in ASCII on a Linux console (no ⏎ there)."""
        return fit(super().get_key_display(binding))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """No blinking cursor: it rewrites the field twice a second, forever, over SSH."""
        widget = event.widget
        if hasattr(widget, "cursor_blink"):  # Input, TextArea and their subclasses
            widget.cursor_blink = False

    def action_focus_step(self, step: int) -> None:
        """Tab and shift+tab: the screen's own order where it has one (the batch screen stops
        at the ends), else Textual's."""
        screen = self.screen
        own = getattr(screen, "action_focus_step", None)
        if own is not None:
            own(step)
        elif step > 0:
            screen.focus_next()
        else:
            screen.focus_previous()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """What the screen below the palette can do now, from its own keys; no Screenshot (it
        would write a file on the server) and no Keys panel (F1 is the help)."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            seen.add(binding.action)
            keys = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({keys})",
                partial(self._run_from_palette, binding.action, active.node),
            )
        yield SystemCommand("Theme", "Change the colours", self.action_change_theme)

    def _run_from_palette(self, action: str, node: DOMNode) -> None:
        self.call_later(self.run_action, action, node)
