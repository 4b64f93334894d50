"""The main screen's keys, in the order the footer shows them (an 80-column footer cuts the last).

Every key has an id, so a `[keymap]` in the config can move it; F1 and the palette list them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from streamtui.tui.keys import QUIT

MAIN_KEYS: list[BindingType] = [
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
