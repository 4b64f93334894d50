"""The look every dialog shares, defined once: centred over the dimmed screen below it, in a box
with a thick border on the surface colour.

A dialog screen subclasses `Dialog` and gives its box the `dialog` class; its own stylesheet says
only what differs (the box's size, a border colour that means something)."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > .dialog {
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """
