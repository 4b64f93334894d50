"""The clock of the running app (`StreamTuiApp(clock=)`), for the screens that build flows or show
relative times: a test hands the whole TUI one fake clock instead of patching modules."""

from __future__ import annotations

from textual.dom import DOMNode

from streamtui.clock import SYSTEM_CLOCK, Clock


def app_clock(node: DOMNode) -> Clock:
    """The app's `clock`; the system's under an app that has none."""
    clock: Clock = getattr(node.app, "clock", SYSTEM_CLOCK)
    return clock
