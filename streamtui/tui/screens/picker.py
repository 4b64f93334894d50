"""A fuzzy picker over saved entries (or saved targets): type to filter, enter to choose.

Most recently used first; labels beside SIDs; everything rendered as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from streamtui.fuzzy import FuzzyIndex
from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import pairs, plain

T = TypeVar("T")
SETTLE = 0.05  # seconds a redraw is held back so that it goes out once, whole
SHOWN = 30  # rows in the list at once (a 40-line terminal shows ~28); typing narrows the rest


@dataclass(frozen=True)
class PickerItem(Generic[T]):
    """One row: the value returned, its label and SID, and when it was last used."""

    value: T
    label: str
    detail: str
    recency: float = 0.0
    column: str = ""  # shown after the detail when the list is widened (a stream's conference)
    in_scope: bool = True  # listed before widening (a stream of the chosen conference)
    marker: str = ""  # a dim word between label and detail: "included" (a team file's entry)


class PickerScreen(Dialog[T | None], Generic[T]):
    """Returns the chosen item's value, or None when dismissed."""

    CSS_PATH = "picker.tcss"
    BINDINGS = [
        QUIT,
        Binding("escape", "dismiss_none", "Close", id="picker.close"),
        Binding("enter", "choose", "Choose", priority=True, id="picker.choose"),
        Binding("down", "cursor_down", "Down", show=False, id="picker.down"),
        Binding("up", "cursor_up", "Up", show=False, id="picker.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="picker.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="picker.page-up"),
        Binding("f2", "widen", "All", show=False, id="picker.widen"),
    ]

    def __init__(
        self,
        title: str,
        items: Sequence[PickerItem[T]],
        *,
        empty: str = "",
        label_width: int = 0,
        scope: str = "",
    ) -> None:
        """`label_width`: at most this many columns for a label (0: all the room there is);
        a longer label is cut with an ellipsis so that a row stays one line. `scope` names what
        the items `in_scope` belong to; F2 widens to all of them."""
        super().__init__()
        self.title_text = title
        self.max_label_width = label_width
        self.label_width = 26
        self.all_items = list(items)
        # the marker column takes room only in a list that has a marked item
        self.marker_width = max((len(item.marker) for item in self.all_items), default=0)
        self.scope = scope if any(not item.in_scope for item in items) else ""
        self.widened = not self.scope
        self.empty = empty or "Nothing saved yet."
        self.shown: list[PickerItem[T]] = []
        self._options: dict[int, Option] = {}
        self.items: list[PickerItem[T]] = []
        self.index: FuzzyIndex[PickerItem[T]] = FuzzyIndex([], str)

    def _index(self) -> None:
        """The rows as they are drawn at this width and scope; the filter matches the text each
        row shows, and nothing else."""
        self.items = [item for item in self.all_items if self.widened or item.in_scope]
        self.label_width = self._label_width()
        self._options = {}
        self.shown = []  # drawn again on the next refilter
        self.index = FuzzyIndex(
            self.items, key=lambda item: str(self._option(item).prompt), recency=lambda i: i.recency
        )

    def action_widen(self) -> None:
        if self.widened:
            return
        self.widened = True
        self._index()
        self.refilter(self.query_one("#picker-filter", Input).value)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog"):
            yield Static(
                pairs(
                    (self.title_text, "bold"),
                    ("   type to filter · ↑↓ · enter chooses · esc closes", "dim"),
                ),
                id="picker-title",
            )
            yield Input(placeholder="filter (fuzzy)", id="picker-filter", compact=True)
            yield OptionList(id="picker-options")
            yield Static("", id="picker-count")
        yield Footer()

    def _label_width(self) -> int:
        """What the dialog's width leaves a label beside the longest SID (or detail), the
        marker and, widened, the column: a row stays one line."""
        screen = self.app.size.width
        room = max(int(screen * 0.9), min(78, screen)) - 6  # see picker.tcss; border, padding
        room -= max((len(item.detail) for item in self.items), default=0) + 2
        if self.marker_width:
            room -= self.marker_width + 2
        if self.widened:
            room -= max((len(item.column) + 2 for item in self.items if item.column), default=0)
        width = max(12, room)
        return min(width, self.max_label_width) if self.max_label_width else width

    def on_resize(self) -> None:
        if self._label_width() != self.label_width:
            self._index()
            self.refilter(self.query_one("#picker-filter", Input).value)

    def on_mount(self) -> None:
        # Textual draws a new screen whole twice (layout, then a repaint): held back for a
        # moment, the picker goes out once over SSH (tests/benchmarks/bench_bytes.py).
        self.app.delay_update(SETTLE)
        self._index()
        self.refilter("")
        query = self.query_one("#picker-filter", Input)
        # Filtered as the value changes, not on the Changed message that follows: the input
        # and the list then update in the same frame, one redraw per keystroke instead of two.
        self.watch(query, "value", self.refilter, init=False)
        query.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # handled by the watch above

    def refilter(self, query: str) -> None:
        matches = self.index.filter(query, limit=SHOWN + 1)
        options = self.query_one("#picker-options", OptionList)
        if matches[:SHOWN] != self.shown:  # rows drawn again only when they change
            self.shown = matches[:SHOWN]
            options.set_options([self._option(item) for item in self.shown])
        if self.shown:
            options.highlighted = 0
        widen = f" · F2 shows all {len(self.all_items)}" if not self.widened else ""
        if not self.items and widen:
            count = plain(f"None saved for {self.scope}{widen}", "dim")
        elif not self.items:
            count = plain(self.empty, "italic")
        elif len(matches) > SHOWN:
            count = plain(f"first {SHOWN} matches of {len(self.items)} · type more{widen}", "dim")
        else:
            scope = f" for {self.scope}" if widen else ""
            count = plain(f"{len(matches)} of {len(self.items)}{scope}{widen}", "dim")
        # One line of fixed size: no layout pass for it on every keystroke.
        self.query_one("#picker-count", Static).update(count, layout=False)

    def _option(self, item: PickerItem[T]) -> Option:
        """Built once per item: an option keeps its prompt measured from one keystroke to the
        next (cleaning and styling 10,000 labels per keystroke is not free)."""
        option = self._options.get(id(item))
        if option is None:
            label = item.label or "(no label)"
            width = self.label_width
            if len(label) > width:  # one line per row, even at 80 columns
                label = label[: width - 1] + "…"
            column = item.column if self.widened and item.column else ""
            marker = f"{item.marker:<{self.marker_width}}  " if self.marker_width else ""
            prompt = pairs(
                (f"{label:<{width}}", "bold"),
                ("  ", ""),
                (marker, "dim"),
                (item.detail, "dim"),
                (f"  {column}" if column else "", ""),
            )
            option = self._options[id(item)] = Option(prompt)
        return option

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(self.query_one("#picker-options", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.shown):
            return
        self.app.delay_update(SETTLE)  # the screen below goes out once, as on opening
        self.dismiss(self.shown[index].value)

    def _move(self, action: str) -> None:
        getattr(self.query_one("#picker-options", OptionList), f"action_{action}")()

    def action_cursor_down(self) -> None:
        self._move("cursor_down")

    def action_cursor_up(self) -> None:
        self._move("cursor_up")

    def action_page_down(self) -> None:
        self._move("page_down")

    def action_page_up(self) -> None:
        self._move("page_up")

    def action_choose(self) -> None:
        self._choose(self.query_one("#picker-options", OptionList).highlighted)

    def action_dismiss_none(self) -> None:
        self.app.delay_update(SETTLE)
        self.dismiss(None)
