"""Safe text for widgets: server and user strings are never parsed as markup.

`Content(...)` is plain text; we also strip escape sequences ourselves (sanitize.clean) so that the
same rules apply to the CLI and the TUI.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from streamtui.sanitize import clean
from streamtui.tui.glyphs import fit


def plain(text: object, style: str = "") -> Content:
    """Literal text, control characters and escape sequences removed, optionally styled."""
    content = Content(fit(clean(text)))
    return content.stylize(style) if style else content


def pairs(*parts: tuple[str, str] | str | Content) -> Content:
    """Assemble a line from (text, style) pairs; every text part is cleaned and stays literal."""
    cleaned: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, tuple):
            cleaned.append((fit(clean(part[0])), part[1]))
        elif isinstance(part, Content):
            cleaned.append(part)
        else:
            cleaned.append(fit(clean(part)))
    return Content.assemble(*cleaned)


def cell(text: object, style: str = "") -> Text:
    """A DataTable cell: literal text (a str cell would be parsed as markup), cleaned.

    Rich `Text`, not `Content`, because DataTable sizes its columns by measuring Rich renderables.
    """
    return Text(fit(clean(text)), style=style, no_wrap=True, overflow="ellipsis")
