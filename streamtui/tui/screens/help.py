"""F1: every key binding, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from streamtui.tui.text import pairs, plain

NOTES = (
    "Fields accept a pasted SID: surrounding spaces, quotes and newlines are trimmed.",
    "The account may stay empty: it defaults to the project ID (SignalWire's AccountSid).",
    "ctrl+c does not quit (it copies in a field): ctrl+q quits.",
    "Nothing is sent until you confirm; a bad SID is refused before any request.",
)


def _key(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("ctrl+", "^").replace(",", " / ")


def binding_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for the app's and the main screen's bindings."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for source in (screen, screen.app):
        for item in source.BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            rows.append((_key(binding), binding.description))
    rows.append(("^p", "Command palette: every action by name"))
    return rows


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(plain("Keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                for keys, text in self.rows:
                    yield Static(pairs((f"{keys:>12}  ", "bold"), (text, "")))
                yield Static("")
                for note in NOTES:
                    yield Static(plain(f"• {note}", "dim"))
            yield Static(plain("esc closes", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
