"""Saved SIDs and targets: F2 picker, F3 targets, ctrl+l / ctrl+t saving, a broken config."""

from __future__ import annotations

import tomllib

from textual.widgets import OptionList

from streamtui.config import load_config
from streamtui.demo import NoKeyring
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CAPTIONS_STREAM_SID,
    DEMO_CONFERENCE_SID,
    DEMO_FLAKY_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_SALES_CONFERENCE_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.screens.label import LabelScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.screens.picker import PickerItem, PickerScreen
from tests.support import textual_internals
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    notifications,
    paste,
    screen_text,
    settle,
    type_text,
)

NEW_STREAM = "0e0e0e0e-1111-4222-8333-444455556666"


def option_texts(app: object) -> list[str]:
    options = app.screen.query_one("#picker-options", OptionList)  # type: ignore[attr-defined]
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_f2_on_the_stream_field_picks_a_saved_stream_by_fuzzy_filter(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill(conference=DEMO_INCIDENT_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.main.field("stream").input
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "Saved streams" in screen_text(app)
        everything = option_texts(app)
        assert len(everything) == 3  # the chosen conference's saved streams (issue 11)
        assert "3 of 3 for conference Incident war room · F2 shows all 8" in screen_text(app)

        await type_text(pilot, "flkyrec")  # fuzzy: letters in order, not a substring
        shown = option_texts(app)
        assert shown and shown[0].startswith("Flaky recorder")
        assert len(shown) < len(everything)
        assert f"{len(shown)} of 3" in screen_text(app)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        field = app.main.field("stream")
        assert field.value == DEMO_FLAKY_STREAM_SID
        assert field.note == "“Flaky recorder (always 503)”"
        assert app.focused is field.input
    assert emu.requests == []


async def test_f2_follows_the_focused_field_and_escape_changes_nothing(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.field("conference").input.focus()
        await pilot.press("f2")
        await pilot.pause()
        assert "Saved conferences" in screen_text(app)
        await type_text(pilot, "sales")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("conference").value == ""
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "sales")
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.field("conference").value == DEMO_SALES_CONFERENCE_SID
        assert app.main.field("conference").note == "“Sales all-hands”"


async def test_picker_moves_with_arrows(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.main.field("conference").input
        await pilot.press("f2")
        await pilot.pause()
        shown = app.screen.shown  # type: ignore[attr-defined]
        assert len(shown) == 4
        await pilot.press("down", "down", "up", "down", "enter")
        await pilot.pause()
        assert app.main.field("conference").value == shown[2].value


async def test_f3_saved_target_fills_all_three_fields(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        text = screen_text(app)
        assert "Saved targets" in text
        assert "Live captions — Incident war room" in text
        await type_text(pilot, "captions")
        await pilot.press("enter")
        await pilot.pause()
        main = app.main
        assert main.field("account").value == DEMO_ACCOUNT_SID
        assert main.field("conference").value == DEMO_INCIDENT_CONFERENCE_SID
        assert main.field("stream").value == DEMO_CAPTIONS_STREAM_SID
        assert main.field("conference").note == "“Incident war room”"
        assert main.field("stream").note == "“Live captions”"
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
    [sent] = emu.requests
    assert sent.path.endswith(
        f"/Conferences/{DEMO_INCIDENT_CONFERENCE_SID}/Streams/{DEMO_CAPTIONS_STREAM_SID}"
    )


async def test_ctrl_l_saves_a_typed_sid_with_a_label(
    make_app: AppFactory, session: Session
) -> None:
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, NEW_STREAM)
        assert app.main.field("stream").note == "^l saves it"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LabelScreen)
        assert NEW_STREAM in screen_text(app)
        await type_text(pilot, "Night  shift feed ")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("stream").note == "“Night shift feed”"
        assert "Saved stream “Night shift feed”." in notifications(app)
        assert "“Night shift feed”" in screen_text(app)
    raw = tomllib.loads(session.config_path.read_text())
    saved = [s for s in raw["streams"] if s["sid"] == NEW_STREAM]
    assert saved == [
        {"sid": NEW_STREAM, "label": "Night shift feed", "conference": DEMO_CONFERENCE_SID}
    ]
    assert "token" not in session.config_path.read_text().lower()


async def test_ctrl_l_escape_and_invalid_sid_save_nothing(
    make_app: AppFactory, session: Session
) -> None:
    before = session.config_path.read_bytes()
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, NEW_STREAM)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await type_text(pilot, "label")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        app.main.field("stream").value = "bad/name"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # no label dialog for an invalid SID
        assert any("neither a SID" in message for message in notifications(app))
    assert session.config_path.read_bytes() == before


async def test_ctrl_t_saves_the_target(make_app: AppFactory, session: Session) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, LabelScreen)
        assert "Save target" in screen_text(app)
        await type_text(pilot, "Night shift")
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved target “Night shift”." in notifications(app)
        await pilot.press("f3")
        await pilot.pause()
        assert "Night shift" in screen_text(app)
    config = load_config(session.config_path)
    target = config.target("Night shift")
    assert target is not None
    assert (target.account, target.conference, target.stream) == (
        DEMO_ACCOUNT_SID,
        DEMO_CONFERENCE_SID,
        DEMO_STREAM_SID,
    )


BROKEN = b'default_profile = "demo"\n[profiles.demo\nspace = "demo"  # a missing bracket\n'


def broken_config_session(make_session: SessionFactory) -> Session:
    seeded = make_session()
    seeded.config_path.write_bytes(BROKEN)
    session = Session.open(
        config_path=seeded.config_path,
        state_dir=seeded.state.directory,
        base_url=seeded.base_url,
        env={},
    )
    session.demo = True
    session.session_token = Secret(DEMO_API_TOKEN)
    session.store = NoKeyring()
    return session


async def test_unparseable_config_is_read_only_and_left_byte_for_byte(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    session = broken_config_session(make_session)
    assert session.read_only
    folder = sorted(session.config_path.parent.iterdir())
    app = make_app(Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID), session=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "read-only for this session" in screen_text(app)
        await paste(pilot, NEW_STREAM)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await type_text(pilot, "Night feed")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        errors = [n for n in textual_internals.notifications(app) if n.severity == "error"]
        assert errors and errors[-1].title == "Not saved"
        assert "read-only" in errors[-1].message
        assert app.main.field("stream").note == "^l saves it"

        await pilot.press("ctrl+t")
        await pilot.pause()
        await type_text(pilot, "Night target")
        await pilot.press("enter")
        await pilot.pause()
        errors = [n for n in textual_internals.notifications(app) if n.severity == "error"]
        assert len(errors) == 2 and errors[-1].title == "Not saved"
        assert app.is_running
    assert session.config_path.read_bytes() == BROKEN
    assert sorted(session.config_path.parent.iterdir()) == folder  # no temp file left either


async def test_rows_are_drawn_again_for_a_wider_terminal(make_app: AppFactory) -> None:
    """The same rows after a resize still get the room the new width gives their labels."""
    label = "A very long label for a saved stream that an 80-column terminal cuts short"
    items = [PickerItem(f"sid-{n}", f"{label} {n}", f"sid-{n}") for n in range(3)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PickerScreen("Saved streams", items))
        await settle(pilot)
        assert all("…" in row for row in option_texts(app))
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert option_texts(app)[0].startswith(f"{label} 0")


async def test_every_stream_shows_its_conference_on_its_own_row_at_80_columns(
    make_app: AppFactory,
) -> None:
    """Widened to all streams, a row is still one line: the label gives way to the column."""
    app = make_app()  # no conference chosen: every saved stream, with its conference
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.field("stream").input.focus()
        await pilot.press("f2")
        await settle(pilot)
        session = app.main.session
        names = {e.sid: e.label for e in session.entries("conference")}
        lines = screen_text(app).splitlines()
        streams = session.entries("stream")
        for stream in streams:
            [line] = [line for line in lines if stream.label[:12] in line]
            assert names[stream.parent or ""] in line
        assert f"{len(streams)} of {len(streams)}" in screen_text(app)
