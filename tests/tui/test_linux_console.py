"""Issue 12: on the Linux console (TERM=linux) every screen draws with characters its font has.

The console's default font holds ASCII, the line-drawing set and the CP437 blocks; it lacks the
eighth blocks (▔ ▁ ▏ ▎ ▊) that Textual's default borders, buttons, scrollbars and footer use.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_STREAM_SID
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import AppFactory, settle, svg_text

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)

# What the Linux console's default font can draw, beyond ASCII.
CONSOLE = set("─│┌┐└┘├┤┬┴┼═║╔╗╚╝╠╣╦╩╬█▀▄▌▐░▒▓")


def foreign(app: StreamTuiApp) -> set[str]:
    return {c for c in svg_text(app) if ord(c) > 126 and c not in CONSOLE}


async def visit(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


@pytest.mark.parametrize(
    "keys",
    [
        (),  # the main screen
        ("ctrl+s",),  # the confirmation, with its buttons
        ("ctrl+s", "y"),  # a result
        ("f8",),  # credentials, with its buttons
        ("f1",),  # help
        ("f5",),  # batch: paste box and buttons
        ("f7",),  # history
    ],
    ids=["main", "confirm", "result", "credentials", "help", "batch", "history"],
)
async def test_every_screen_draws_with_the_console_font(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...]
) -> None:
    monkeypatch.setenv("TERM", "linux")
    app = make_app(FULL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await visit(pilot, *keys)
        assert foreign(app) == set(), "\n" + svg_text(app)


async def test_a_toast_draws_with_the_console_font(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "linux")
    app = make_app(FULL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.notify("Saved.")
        await settle(pilot)
        assert foreign(app) == set(), "\n" + svg_text(app)
