"""Snapshots of every screen at 80x24 (the main ones at 120x40 too).

Deterministic: frozen emulator clock, a fake clock handed to the app (records, durations and
relative times read it), fixed user@host, time zone, request IDs, history
path and batch timings; the emulator's port never shows (the session's `where()` is pinned); no
blinking cursor and no spinner mid-frame (every worker has finished before the screenshot).

Update with `pytest tests/tui/test_snapshots.py --snapshot-update`, after looking at the report.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.color import ColorSystem
from rich.console import Console
from textual.pilot import Pilot

import streamtui.emulator.server
import streamtui.tui.widgets.header
from streamtui.emulator import (
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill
from tests.support.clock import FakeClock
from tests.support.textual_internals import downgrade_recorded_colours, render_all_layers
from tests.tui.conftest import FIXED_NOW, build_session, freeze_cursors, paste, settle

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]

SMALL = (80, 24)
LARGE = (120, 40)
BOTH_SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
INCIDENT = Prefill("", DEMO_INCIDENT_CONFERENCE_SID, "")


@pytest.fixture(autouse=True)
def frozen_world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setattr(streamtui.tui.widgets.header, "user_at_host", lambda: "oncall@bastion")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("NO_COLOR", raising=False)
    time.tzset()
    request_ids = SimpleNamespace(uuid4=lambda: "5e1f0000-0000-4000-8000-00000000beef")
    monkeypatch.setattr(streamtui.emulator.server, "uuid", request_ids)
    monkeypatch.chdir(tmp_path)  # the history path shows as the relative "state/history.jsonl"
    yield
    monkeypatch.undo()
    time.tzset()


class StillClock(FakeClock):
    """At FIXED_NOW for good: a pause does not move it either, so every duration on screen reads
    0 whichever way a batch's requests and their retries interleave."""

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


def snap_session(emu: Emulator, tmp_path: Path, *, production: bool = False) -> Session:
    session = build_session(
        tmp_path / "snap", emu.base_url, production=production, state_dir=Path("state")
    )
    session.where = lambda: "emulator (loopback)"  # type: ignore[method-assign]
    return session


def app_for(
    emu: Emulator, tmp_path: Path, prefill: Prefill | None = None, *, production: bool = False
) -> StreamTuiApp:
    return StreamTuiApp(
        snap_session(emu, tmp_path, production=production),
        prefill,
        clock=StillClock(wall=FIXED_NOW),
    )


class SixteenColourApp(StreamTuiApp):
    """Screenshots as a 16-colour terminal (TERM=xterm, PuTTY) shows them: Textual's own
    screenshots are always in true colour, so every colour is first brought down to the
    nearest of the 16."""

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        console = Console(
            width=self.size.width,
            height=self.size.height,
            file=io.StringIO(),
            force_terminal=True,
            color_system="truecolor",
            record=True,
            legacy_windows=False,
            safe_box=False,
        )
        console.print(render_all_layers(self, simplify=simplify))
        downgrade_recorded_colours(console, ColorSystem.STANDARD)
        return console.export_svg(title=title or self.title)


def app16(emu: Emulator, tmp_path: Path, prefill: Prefill | None = None) -> StreamTuiApp:
    return SixteenColourApp(snap_session(emu, tmp_path), prefill, clock=StillClock(wall=FIXED_NOW))


def steps(*keys: str, paste_text: str = "") -> RunBefore:
    """Press keys (then paste), let every worker finish, and stop the cursors blinking."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        if paste_text:
            await paste(pilot, paste_text)
            await settle(pilot)
        freeze_cursors(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    return run_before


def then(*parts: RunBefore) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        for part in parts:
            await part(pilot)

    return run_before


# -- the main screen, at both sizes --------------------------------------------------------------


@BOTH_SIZES
def test_main_empty(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    assert snap_compare(app_for(emu, tmp_path), terminal_size=size, run_before=steps())


@BOTH_SIZES
def test_main_result(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    app = app_for(emu, tmp_path, FULL)
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+s", "y"))


@BOTH_SIZES
def test_main_error_404(
    snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any
) -> None:
    app = app_for(emu, tmp_path, Prefill("", DEMO_CONFERENCE_SID, "no-such-feed"))
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+s", "y"))


@BOTH_SIZES
def test_confirmation(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    app = app_for(emu, tmp_path, FULL)
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+s"))


@BOTH_SIZES
def test_confirmation_strict_production(
    snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any
) -> None:
    app = app_for(emu, tmp_path, FULL, production=True)
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+s"))


@BOTH_SIZES
def test_validation_notice(
    snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any
) -> None:
    app = app_for(emu, tmp_path, Prefill("", "not-a-conference", "feeds/transcriber"))
    assert snap_compare(app, terminal_size=size, run_before=steps("ctrl+s"))


# -- the other screens, at both sizes ---------------------------------------------------------


@BOTH_SIZES
def test_picker(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    app = app_for(emu, tmp_path, Prefill(conference=DEMO_CONFERENCE_SID))
    assert snap_compare(app, terminal_size=size, run_before=steps("f2", *"rec"))


@BOTH_SIZES
def test_saved_targets(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    assert snap_compare(app_for(emu, tmp_path), terminal_size=size, run_before=steps("f3"))


@BOTH_SIZES
def test_help(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    assert snap_compare(app_for(emu, tmp_path), terminal_size=size, run_before=steps("f1"))


@BOTH_SIZES
def test_history(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    app = app_for(emu, tmp_path, FULL)

    async def not_found(pilot: Pilot[Any]) -> None:
        main = pilot.app.main  # type: ignore[attr-defined]
        main.field("stream").value = "no-such-feed"
        main.field("stream").input.focus()

    run = then(steps("ctrl+s", "y"), not_found, steps("ctrl+s", "y", "f7"))
    assert snap_compare(app, terminal_size=size, run_before=run)


@BOTH_SIZES
def test_credentials(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    assert snap_compare(app_for(emu, tmp_path), terminal_size=size, run_before=steps("f8"))


@BOTH_SIZES
def test_conferences(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any) -> None:
    assert snap_compare(app_for(emu, tmp_path), terminal_size=size, run_before=steps("f4"))


@BOTH_SIZES
def test_batch_after_run(
    snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any
) -> None:
    app = app_for(emu, tmp_path, INCIDENT)
    run = then(
        steps("f5", "space", "down", "space", "down", "space", "tab"),
        steps(paste_text="no-such-feed\n"),
        steps("ctrl+s", "y"),
    )
    assert snap_compare(app, terminal_size=size, run_before=run)


@BOTH_SIZES
def test_batch_confirmation(
    snap_compare: SnapCompare, emu: Emulator, tmp_path: Path, size: Any
) -> None:
    app = app_for(emu, tmp_path, INCIDENT)
    run = then(steps("f5", "space", "down", "space", "tab"), steps("ctrl+s"))
    assert snap_compare(app, terminal_size=size, run_before=run)


# -- 16 colours (TERM=xterm, PuTTY's default), at 80x24 ----------------------------------------


def test_main_empty_16(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path) -> None:
    assert snap_compare(app16(emu, tmp_path), terminal_size=SMALL, run_before=steps())


def test_main_result_16(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path) -> None:
    app = app16(emu, tmp_path, FULL)
    assert snap_compare(app, terminal_size=SMALL, run_before=steps("ctrl+s", "y"))


def test_picker_16(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path) -> None:
    app = app16(emu, tmp_path, Prefill(conference=DEMO_CONFERENCE_SID))
    assert snap_compare(app, terminal_size=SMALL, run_before=steps("f2"))


def test_batch_confirmation_16(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path) -> None:
    app = app16(emu, tmp_path, INCIDENT)
    run = then(steps("f5", "space", "down", "space", "tab"), steps("ctrl+s"))
    assert snap_compare(app, terminal_size=SMALL, run_before=run)


def test_batch_after_run_16(snap_compare: SnapCompare, emu: Emulator, tmp_path: Path) -> None:
    app = app16(emu, tmp_path, INCIDENT)
    run = then(
        steps("f5", "space", "down", "space", "down", "space", "tab"),
        steps(paste_text="no-such-feed\n"),
        steps("ctrl+s", "y"),
    )
    assert snap_compare(app, terminal_size=SMALL, run_before=run)
