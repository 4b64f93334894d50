"""Keys shared by every screen, and the user's `[keymap]` applied to them.

Every binding has an `id`, so a `[keymap]` table in the config can move it (Textual's keymap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding

# On every screen, first: Textual lists the screen's keys before the app's, and an 80-column
# footer cuts the last ones.
QUIT = Binding("ctrl+q", "app.quit", "Quit", priority=True, id="quit")

# Tab moves focus before the next key is handed out. Over a laggy link Tab and the characters
# after it arrive in one read; as Textual's ordinary binding, Tab is handled by the focused field
# after those characters were already given to it, so they landed in the field being left.
# No description: they are not actions to list in help or in the palette.
FOCUS_KEYS = [
    Binding("tab", "focus_step(1)", show=False, priority=True, id="focus.next"),
    Binding("shift+tab", "focus_step(-1)", show=False, priority=True, id="focus.previous"),
]


def binding_ids(classes: Iterable[type]) -> set[str]:
    """The ids of the bindings the given screens and widgets declare."""
    ids: set[str] = set()
    for cls in classes:
        for item in getattr(cls, "BINDINGS", []):
            if isinstance(item, Binding) and item.id:
                ids.add(item.id)
    return ids


def split_keymap(keymap: Mapping[str, str], known: set[str]) -> tuple[dict[str, str], list[str]]:
    """The entries that name a known binding, and the ids that name none (a warning)."""
    usable = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in known}
    unknown = sorted(set(keymap) - known)
    return usable, unknown
