"""Every private attribute of Textual (and of Rich under it) that the tests use, in one place.

Tests assert what a user sees; a few things a user sees have no public API in Textual 8. Each
function here says which private name it needs and why, so that a Textual upgrade that renames
one breaks this module only, and the fix is made once.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip


def rendered_strips(screen: Screen[Any]) -> list[Strip]:
    """The rows of `screen` as they are drawn, with their styles.

    `Screen._compositor`: the public `App.export_screenshot` gives only SVG markup, and the tests
    check the text and the styles (no link, no colour a server asked for) of each row."""
    return list(screen._compositor.render_strips())


def render_all_layers(app: App[Any], *, simplify: bool = False) -> object:
    """What the terminal shows, every layer included (a dialog and the screen below it), as a
    renderable for a Rich console.

    `Screen._compositor` and `App._background_screens`: this is how `App.export_screenshot`
    renders; the tests need the renderable itself to print it at another colour depth or as
    plain text."""
    return app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=simplify
    )


def notifications(app: App[Any]) -> list[Notification]:
    """The toasts raised so far, still listed while they show.

    `App._notifications`: there is no public list of them; a toast's text and severity are what
    the user reads."""
    return list(app._notifications)


def key_event(key: str) -> events.Key:
    """The Key event a terminal sends for `key` (a key name or one character), as `Pilot.press`
    builds it.

    `textual.keys._character_to_key` and `_get_unicode_name_from_key`: the same mapping
    `Pilot.press` uses, so `-` arrives as the key "minus" with the character "-"."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        character: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        character = key if len(key) == 1 else None
    return events.Key(key, character)


def send_keys_together(app: App[Any], *keys: str) -> None:
    """Queue `keys` as one terminal read delivers them: all before the app handles any.

    `App._driver`: keys must enter where the terminal's do, so that a screen pushed by the first
    key sees the rest arrive before it is shown (what typing ahead over a slow link does)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)


async def wait_for_screen(pilot: Pilot[Any]) -> None:
    """Wait until the app and every widget of the current screen have handled what was queued.

    `Pilot._wait_for_screen`: what `Pilot.press` does after its keys, without the fixed sleeps
    of `Pilot.pause`."""
    await pilot._wait_for_screen()


def downgrade_recorded_colours(console: Console, system: ColorSystem) -> None:
    """Bring every colour a recording console has printed down to `system` (16 colours for
    TERM=xterm or PuTTY), in place, before it is exported.

    `Console._record_buffer` (Rich): Textual's screenshots are always in true colour, and Rich
    has no public way to change what a recording holds."""
    buffer = console._record_buffer
    for index, segment in enumerate(buffer):
        style = segment.style
        if style is None:
            continue
        buffer[index] = Segment(
            segment.text,
            style
            + Style(
                color=style.color and style.color.downgrade(system),
                bgcolor=style.bgcolor and style.bgcolor.downgrade(system),
            ),
            segment.control,
        )
