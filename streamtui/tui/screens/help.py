"""F1: every key binding, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import pairs, plain

NOTES = (
    "Fields accept a pasted SID: surrounding spaces, quotes and newlines are trimmed.",
    "The account may stay empty: it defaults to the project ID (SignalWire's AccountSid).",
    "ctrl+c does not quit (it copies in a field): ctrl+q quits.",
    "Nothing is sent until you confirm; a bad SID is refused before any request.",
)


def keys_text(keys: str) -> str:
    """`f2,ctrl+o` as `f2 / ^o`: every key that runs the action."""
    return " / ".join(key.strip().replace("ctrl+", "^") for key in keys.split(","))


def binding_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for the screen's and the app's bindings, with the user's keymap."""
    keymap: dict[str, str] = getattr(screen.app, "user_keymap", {})
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for source in (screen, screen.app):
        for item in source.BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = keymap.get(binding.id or "", binding.key)
            rows.append((keys_text(keys), binding.tooltip or binding.description))
    rows.append(("^p", "Command palette: what this screen can do, by name"))
    return rows


class HelpScreen(Dialog[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [QUIT, Binding("escape,f1,ctrl+g,q", "close", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(plain("Keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                for keys, text in self.rows:
                    yield Static(pairs((f"{keys:>19}  ", "bold"), (text, "")))
                yield Static("")
                for note in NOTES:
                    yield Static(plain(f"• {note}", "dim"))
            yield Static(plain("esc closes", "dim"))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
