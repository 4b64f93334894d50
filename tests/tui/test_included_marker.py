"""Issue 14: the pickers (F2) and the saved targets (F3) mark the entries of an included team file,
at 80 columns, and the filter matches only what the rows show."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamtui.config import load_config_for_ui
from streamtui.emulator import DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, Emulator
from streamtui.session import Session
from streamtui.tui.screens.main import Prefill
from streamtui.tui.screens.picker import PickerScreen
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    build_session,
    screen_lines,
    settle,
    type_text,
    wait_until,
)

TEAM_STREAM = "7a7a7a7a-1111-4222-8333-444455556666"
TEAM_FILE = "zzqq-rotation.toml"  # letters no row shows: its name must not match the filter
TEAM = f"""
[[streams]]
sid = "{TEAM_STREAM}"
label = "Rotation captions"
conference = "{DEMO_CONFERENCE_SID}"

[[targets]]
label = "Rotation captions target"
account = "{DEMO_ACCOUNT_SID}"
conference = "{DEMO_CONFERENCE_SID}"
stream = "{TEAM_STREAM}"
"""


@pytest.fixture
def team_session(tmp_path: Path, emu: Emulator) -> Session:
    """The demo's own entries, and a team file included by the config."""
    session = build_session(tmp_path / "team", emu.base_url)
    (session.config_path.parent / TEAM_FILE).write_text(TEAM, encoding="utf-8")
    own = session.config_path.read_text(encoding="utf-8")
    session.config_path.write_text(f'include = ["{TEAM_FILE}"]\n{own}', encoding="utf-8")
    session.config = load_config_for_ui(session.config_path)
    assert session.config.problem is None
    return session


def row(lines: list[str], label: str) -> str:
    [line] = [line for line in lines if label in line]
    return line


async def open_picker(pilot, app, key: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen), what=key)
    await settle(pilot)


async def test_f2_marks_an_included_stream_and_not_a_personal_one(
    make_app: AppFactory, team_session: Session
) -> None:
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID), session=team_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_picker(pilot, app, "f2")
        lines = screen_lines(app)
        team = row(lines, "Rotation captions")
        assert "included" in team and "7a7a7a7a…" in team, team
        personal = [e.label for e in team_session.entries("stream") if e.origin is None]
        shown = [line for line in lines if any(label in line for label in personal)]
        assert shown and not any("included" in line for line in shown), lines

        await type_text(pilot, TEAM_FILE[:4])  # in the entry's origin only, never shown
        await settle(pilot)
        assert not any("Rotation captions" in line for line in screen_lines(app))


async def test_f3_marks_an_included_target_and_filters_on_the_marker_shown(
    make_app: AppFactory, team_session: Session
) -> None:
    app = make_app(session=team_session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_picker(pilot, app, "f3")
        lines = screen_lines(app)
        team = row(lines, "Rotation captions target")
        assert "included" in team and "7a7a7a7a…" in team, team  # the row fits 80 columns
        personal = [t.label for t in team_session.config.targets if t.origin is None]
        assert personal
        for label in personal:
            assert "included" not in row(lines, label)

        await type_text(pilot, "included")
        await settle(pilot)
        lines = screen_lines(app)
        assert "included" in row(lines, "Rotation captions target")
        assert not any(label in line for line in lines for label in personal), lines
