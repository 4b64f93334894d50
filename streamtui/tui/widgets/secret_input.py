"""The hidden API-token field: what is typed or pasted in it never leaves it.

Textual's Input copies its selection on ctrl+c (and cuts on ctrl+x) with OSC 52, which puts the
text on the user's clipboard, over SSH on their own machine: a token there is one paste away from
a chat window. Here both are refused, with a toast that says so.
"""

from __future__ import annotations

from textual.widgets import Input

REFUSED = "The API token cannot be copied out of this field."


class SecretInput(Input):
    """A password Input whose copy and cut do nothing but say so."""

    ALLOW_SELECT = False  # no mouse selection to copy from either

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(password=True, placeholder=placeholder, id=id, compact=True)

    def action_copy(self) -> None:
        self.app.notify(REFUSED, severity="warning", timeout=4)

    def action_cut(self) -> None:
        self.app.notify(REFUSED, severity="warning", timeout=4)
