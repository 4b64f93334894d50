"""ASCII stand-ins for the glyphs a Linux console (TERM=linux) cannot draw.

Every text the TUI builds goes through `streamtui.tui.text`, which passes it through `fit()`.
"""

from __future__ import annotations

import os

ASCII = {
    "✔": "+",
    "✘": "x",
    "🔎": "?",
    "⚠": "!",
    "→": "->",
    "↑↓": "up/down",
    "…": "...",
    "•": "*",
    "·": "-",
    "“": '"',
    "”": '"',
    **{spinner: "|" for spinner in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"},
    "▔": "-",
    "▁": "_",
    "▏": "|",
    "▋": "#",
    "⏎": "enter",
}


def ascii_only(env: dict[str, str] | None = None) -> bool:
    """The Linux console's font has no dingbats, braille or block eighths."""
    return (os.environ if env is None else env).get("TERM", "") == "linux"


def fit(text: str, *, ascii: bool | None = None) -> str:
    """`text` with every glyph the terminal lacks replaced by its ASCII stand-in."""
    if not (ascii_only() if ascii is None else ascii):
        return text
    for glyph, stand_in in ASCII.items():
        text = text.replace(glyph, stand_in)
    return text
