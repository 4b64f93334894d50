"""The top bar: who (user@host), where (space), and which profile, production made loud."""

from __future__ import annotations

import getpass
import socket

from textual.content import Content
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
    """One line: app, profile (PRODUCTION in red), destination, token source, user@host.

    At 80 columns not everything fits: the words that only label (the app's name, "profile",
    "token") go first, so that what tells one session from another stays whole.
    """

    profile: reactive[str] = reactive("")
    where: reactive[str] = reactive("")
    production: reactive[bool] = reactive(False)
    demo: reactive[bool] = reactive(False)
    # where the token comes from: "" while the keyring is probed, "keyring", "environment",
    # "this session", or "missing"
    credential_state: reactive[str] = reactive("")
    who: reactive[str] = reactive(user_at_host)

    def render(self) -> object:  # type: ignore[override]
        width = self.size.width
        for labels, name in ((True, True), (False, True), (False, False)):
            line = self._line(labels=labels, name=name)
            if line.cell_length <= width:
                return line
        # still too wide: the machine's name gives way last, visibly cut
        room = max(width - (line.cell_length - len(self.who)), 2)
        return self._line(labels=False, name=False, who=self.who[: room - 1] + "…")

    def _line(self, *, labels: bool, name: bool, who: str | None = None) -> Content:
        parts: list[tuple[str, str] | str] = [(" streamtui ", "bold")] if name else [" "]
        if self.demo:
            parts.extend([(" DEMO ", "bold black on yellow"), " "])
        if self.production:
            parts.extend([(" PRODUCTION ", "bold white on red"), " "])
        if self.profile:  # none when the credentials are for this session only
            if labels and not self.production:
                parts.append(("profile ", "dim"))
            parts.extend([(self.profile, "bold"), (" → ", "dim")])
        parts.append((self.where or "-", "bold"))
        parts.extend(self._token_parts(labels))
        parts.append(("  ", ""))
        parts.append((self.who if who is None else who, "dim"))
        return pairs(*parts)

    def _token_parts(self, labels: bool) -> list[tuple[str, str]]:
        lead = " · token " if labels else " · "
        if not self.credential_state:
            return [(lead, "dim"), ("checking…", "dim")]
        # the header's own foreground, bold: readable on any palette, and still readable when a
        # pop-up dims the screen behind it (a coloured badge dimmed to one grey in 16 colours)
        if self.credential_state == "missing":
            return [(" · ", "dim"), (" no token: F8 ", "bold white on red")]
        return [(lead, "dim"), (self.credential_state, "bold")]

    def watch_production(self, production: bool) -> None:
        self.set_class(production, "-production")
