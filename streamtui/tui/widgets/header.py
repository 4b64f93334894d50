"""The top bar: who (user@host), where (space), and which profile, production made loud."""

from __future__ import annotations

import getpass
import socket

from textual.reactive import reactive
from textual.widgets import Static

from streamtui.tui.text import pairs


def user_at_host() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname().split('.')[0]}"


class SessionBar(Static):
    """One line: app, profile (PRODUCTION in red), destination, user@host."""

    profile: reactive[str] = reactive("")
    where: reactive[str] = reactive("")
    production: reactive[bool] = reactive(False)
    demo: reactive[bool] = reactive(False)
    # where the token comes from: "" while the keyring is probed, "keyring", "environment",
    # "this session", or "missing"
    credential_state: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.who = user_at_host()

    def render(self) -> object:  # type: ignore[override]
        parts: list[tuple[str, str] | str] = [(" streamtui ", "bold")]
        if self.demo:
            parts.append((" DEMO ", "bold black on yellow"))
            parts.append(" ")
        if self.production:
            parts.append((" PRODUCTION ", "bold white on red"))
            parts.append(" ")
        if not self.production:  # at 80 columns the badge needs the room
            parts.append(("profile ", "dim"))
        parts.append((self.profile or "-", "bold"))
        parts.append((" → ", "dim"))
        parts.append((self.where or "-", "bold"))
        parts.extend(self._token_parts())
        parts.append(("  ", ""))
        parts.append((self.who, "dim"))
        return pairs(*parts)

    def _token_parts(self) -> list[tuple[str, str]]:
        if not self.credential_state:
            return [(" · token ", "dim"), ("checking…", "dim")]
        if self.credential_state == "missing":
            return [(" · ", "dim"), ("no token: F8", "bold red")]
        return [(" · token ", "dim"), (self.credential_state, "green")]

    def watch_production(self, production: bool) -> None:
        self.set_class(production, "-production")
