"""ASCII stand-ins for the glyphs a Linux console (TERM=linux) cannot draw.

Every text the TUI builds goes through `streamtui.tui.text`, which passes it through `fit()`.
"""

from __future__ import annotations

import os

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

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
    "▶": ">",
    "—": "-",
    "–": "-",
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


# Drawn by Textual itself (borders, buttons, scrollbars, the footer, Rich's cut-off mark), so they
# are swapped one cell for one cell on the way to the terminal: the nearest CP437 shape.
CONSOLE_FONT = str.maketrans(
    {
        **{glyph: "▀" for glyph in "▔"},
        **{glyph: "▄" for glyph in "▁▂▃▅"},
        **{glyph: "█" for glyph in "▆▇▉"},
        **{glyph: "▌" for glyph in "▎▍▋▊"},
        **{glyph: "│" for glyph in "▏▕"},
        "╭": "┌",
        "╮": "┐",
        "╰": "└",
        "╯": "┘",
        "…": ".",
        **{
            glyph: stand_in for glyph, stand_in in ASCII.items() if len(glyph) == len(stand_in) == 1
        },
    }
)


class ConsoleFont(LineFilter):
    """Every line drawn with the glyphs a Linux console's font has (see `CONSOLE_FONT`)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text.translate(CONSOLE_FONT), style, control)
            for text, style, control in segments
        ]
