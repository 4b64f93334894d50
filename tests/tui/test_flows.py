"""The stop flow driven by keys: fields, ctrl+s, the confirmation, y/n/escape, and what was sent."""

from __future__ import annotations

import base64
import re

import pytest
from textual.widgets import Button, Input

from streamtui.config import Entry, add_entry, load_config
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_CONFERENCE_SID,
    DEMO_HOSTILE_STREAM_NAME,
    DEMO_HOSTILE_STREAM_SID,
    DEMO_PROJECT_ID,
    DEMO_SALES_CONFERENCE_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from streamtui.models import STREAM_FIELDS
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.widgets.panels import ProgressPanel, ResultPanel
from streamtui.tui.widgets.target_field import TargetField
from tests.support.textual_internals import rendered_strips
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    Hold,
    SessionFactory,
    current_panel,
    notifications,
    paste,
    screen_lines,
    screen_text,
    settle,
    static_text,
    stop_path,
    stop_requests,
    svg_lines,
    svg_text,
    type_text,
    wait_until,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


def in_error_colour(app: StreamTuiApp, column: str, kind: str) -> bool:
    """Whether the field's line in a form column (titles or notes) is drawn in red."""
    y = ("account", "conference", "stream").index(kind) * 2  # a blank line between fields
    strip = app.main.query_one(column).render_line(y)
    error = app.theme_variables["error"].lower()
    return any(error in str(segment.style) for segment in strip if segment.text.strip())


async def test_typed_fields_confirm_then_y_sends_exactly_one_post(
    make_app: AppFactory, emu: Emulator, session: Session
) -> None:
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "input-stream"
        await type_text(pilot, DEMO_STREAM_SID)
        assert app.main.field("stream").note == "“Transcriber feed”"

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        assert app.focused is not None and app.focused.id == "cancel"
        text = screen_text(app)
        for shown in (
            "Stop this stream?",
            session.where(),
            DEMO_PROJECT_ID,
            "(the project ID)",  # the empty account is the project ID, and says so
            "“Demo project”",
            DEMO_CONFERENCE_SID,
            "“Support bridge — EU”",
            DEMO_STREAM_SID,
            "(by SID)",
            "“Transcriber feed”",
        ):
            assert shown in text, shown
        assert "emulator 127.0.0.1:" in text
        assert emu.requests == []  # nothing is sent before the confirmation

        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        sent = stop_requests(emu)
        assert len(sent) == 1
        assert len(emu.requests) == 1
        assert sent[0].path == stop_path(DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
        assert sent[0].form == {"Status": "stopped"}
        assert current_panel(app) == "result"
        result = app.main.query_one(ResultPanel).result
        assert result is not None
        assert (result.sid, result.name, result.status) == (
            DEMO_STREAM_SID,
            DEMO_STREAM_NAME,
            "stopped",
        )
        text = screen_text(app)
        assert "✔ Stream stopped" in text
        for name in STREAM_FIELDS:
            assert re.search(rf"^\s*▶?\s*{name}\s", text, re.M), name
        assert re.search(r"status\s+stopped", text)
        assert re.search(rf"name\s+{DEMO_STREAM_NAME}", text)
        assert "Tue, 04 Mar 2025 16:00:00 GMT" in text  # the emulator's frozen clock
    assert emu.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "stopped"
    )
    [record] = session.history.read()
    assert record["outcome"] == "stopped"
    assert record["stream"] == DEMO_STREAM_SID


@pytest.mark.parametrize("key", ["n", "escape"])
async def test_n_and_escape_cancel_and_send_nothing(
    make_app: AppFactory, emu: Emulator, session: Session, key: str
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 1
        assert "Cancelled: nothing was sent." in notifications(app)
        assert current_panel(app) == "welcome"
        assert not app.main.in_flight
    assert emu.requests == []
    assert session.history.read() == []
    assert emu.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "in-progress"
    )


async def test_stream_by_name_is_sent_url_encoded(make_app: AppFactory, emu: Emulator) -> None:
    emu.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name="night shift: feed #2 ü")
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "night shift: feed 2 ü")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(by name)" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        # No such name (the real one has a '#', which a name may not): a 404, not a crash.
        assert current_panel(app) == "error"
    [sent] = stop_requests(emu)
    assert sent.path == stop_path(DEMO_CONFERENCE_SID, "night%20shift%3A%20feed%202%20%C3%BC")


@pytest.mark.parametrize(
    ("prefill", "bad", "message"),
    [
        (Prefill("", "not-a-conference", DEMO_STREAM_SID), "conference", "Conference"),
        (Prefill("", DEMO_CONFERENCE_SID, "feeds/transcriber"), "stream", "neither a SID"),
        (Prefill("", DEMO_CONFERENCE_SID, ""), "stream", "Stream is empty"),
        (Prefill("12345", DEMO_CONFERENCE_SID, DEMO_STREAM_SID), "account", "Account"),
    ],
    ids=["conference-sid", "stream-with-slash", "empty-stream", "account-sid"],
)
async def test_invalid_fields_are_marked_inline_and_nothing_is_sent(
    make_app: AppFactory, emu: Emulator, prefill: Prefill, bad: str, message: str
) -> None:
    app = make_app(prefill)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Start from another field, so moving the focus to the bad one is visible.
        other = "account" if bad != "account" else "stream"
        app.main.field(other).input.focus()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.screen_stack) == 1  # no confirmation
        fields = {kind: app.main.field(kind) for kind in ("account", "conference", "stream")}
        assert [k for k, f in fields.items() if f.invalid] == [bad]
        assert [k for k, f in fields.items() if f.input.has_class("-rejected")] == [bad]
        # Its title and note, and only its, are drawn in the theme's error colour.
        for column in ("#form-titles", "#form-notes"):
            red = [kind for kind in fields if in_error_colour(app, column, kind)]
            assert red == [bad], column
        assert fields[bad].note == "✘ invalid"
        assert app.focused is fields[bad].input
        assert current_panel(app) == "notice"
        notice = static_text(app, "#notice")
        assert notice.startswith("✘ Not sent.")
        assert message in notice
        assert "✘ Not sent." in screen_text(app)

        # Editing the bad field clears the mark.
        await pilot.press("x")
        assert not fields[bad].invalid
    assert emu.requests == []


async def test_pasted_sid_with_quotes_and_spaces_is_accepted(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, f' "{DEMO_STREAM_SID.upper()}" ')
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "result"
    [sent] = stop_requests(emu)
    assert sent.path == stop_path(DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


async def test_hostile_stream_name_is_shown_inert(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await type_text(pilot, "hostile")
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.field("stream").value == DEMO_HOSTILE_STREAM_SID
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
        result = app.main.query_one(ResultPanel).result
        assert result is not None and result.name == DEMO_HOSTILE_STREAM_NAME

        svg = app.export_screenshot()
        for text in (screen_text(app), svg_text(app), svg):
            for bad in ("\x1b", "\x07", "\r", "\x9b", "\x9d"):
                assert bad not in text
        text = screen_text(app)
        # The markup is shown literally, not interpreted (which would hide the brackets).
        assert "[bold red]PWNED[/]" in text
        assert "[link=https://evil.example]x[/link]" in text
        assert "[bold red]PWNED[/]" in "\n".join(svg_lines(svg))
        # Nothing on screen became a link or took the red the name asked for.
        for strip in rendered_strips(app.screen):
            for segment in strip:
                style = segment.style
                if style is not None and "PWNED" in segment.text:
                    assert not style.link
                    assert not (style.color and style.color.name == "red" and style.bold)
                if style is not None:
                    assert not style.link
    assert len(stop_requests(emu)) == 1


async def test_escape_cancels_the_stop_in_flight(
    make_app: AppFactory, emu: Emulator, session: Session, hold: Hold
) -> None:
    hold("stop")
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the request to arrive")
        assert app.main.in_flight
        assert current_panel(app) == "progress"
        await pilot.press("escape")
        await settle(pilot)
        assert not app.main.in_flight
        assert current_panel(app) == "notice"
        notice = static_text(app, "#notice")
        assert notice.startswith("Cancelled.")
        assert "stopping again is harmless" in notice
        assert "Cancelled." in screen_text(app)
        assert len(app.screen_stack) == 1
    [record] = session.history.read()
    assert record["outcome"] == "interrupted"  # sent, then cut short: it may have taken effect
    assert len(emu.requests) == 1


async def test_second_ctrl_s_in_flight_does_no_harm(
    make_app: AppFactory, emu: Emulator, hold: Hold
) -> None:
    held = hold("stop")
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: app.main.in_flight, what="the stop to start")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # no second confirmation
        # greyed out in the footer while one is in flight, rather than refused with a toast
        assert app.screen.active_bindings["ctrl+s"].enabled is False
        await pilot.press("y")  # a stray y does nothing either
        held.release()
        await settle(pilot)
        assert current_panel(app) == "result"
        assert len(app.screen_stack) == 1
    assert len(stop_requests(emu)) == 1


async def test_progress_shows_elapsed_time_and_the_retry_after_a_503(
    make_app: AppFactory, emu: Emulator, hold: Hold
) -> None:
    held = hold("stop")
    emu.faults.queue(Fault.status(503))
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: app.main.in_flight, what="the stop to start")
        text = screen_text(app)
        assert "Stopping Transcriber feed on emulator 127.0.0.1:" in text
        assert "escape cancels" in text
        await wait_until(pilot, lambda: len(stop_requests(emu)) == 1, what="the first attempt")
        await pilot.pause(0.6)  # the first attempt is in flight this long at least
        held.let_one_go()  # its 503; the second attempt is held while the test reads the screen
        progress = app.main.query_one(ProgressPanel)
        await wait_until(pilot, lambda: bool(progress.attempt), what="the retry")
        await wait_until(  # drawn at the progress timer's next tick
            pilot, lambda: any("attempt" in line for line in screen_lines(app)), what="redraw"
        )
        lines = screen_lines(app)
        [timing] = [line for line in lines if "Stopping" in line]
        assert re.search(r"\b\d+\.\d s\b", timing)
        seconds = float(re.findall(r"(\d+\.\d) s\b", timing)[-1])
        assert seconds >= 0.6  # the first attempt's latency has passed
        [attempt] = [line for line in lines if "attempt" in line]
        assert "attempt 2 of 3" in attempt
        assert "503" in attempt or "Service Unavailable" in attempt
        held.release()
        await settle(pilot)
        assert current_panel(app) == "result"
    assert [r.response_status for r in stop_requests(emu)] == [503, 200]


async def test_ctrl_c_does_not_quit_and_ctrl_q_does(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+s", "y")  # then the focus is on the result, outside an input
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "result-fields"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None  # not on its way out
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0  # exiting
    assert not app.is_running
    assert app.return_code == 0


async def test_prefilled_targets_focus_the_first_empty_field(make_app: AppFactory) -> None:
    app = make_app(Prefill(stream=DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.main.field("conference").input
        assert isinstance(app.main.field("conference"), TargetField)
        note = app.main.field("account").note
        assert note == f"= project ID {DEMO_PROJECT_ID[:8]}…"


async def test_account_field_goes_in_the_path_but_auth_stays_the_project(
    make_app: AppFactory, emu: Emulator
) -> None:
    """A subaccount's stream: the URL names the subaccount, Basic auth is still the project."""
    sub = "7a7a7a7a-0000-4000-8000-000000000001"
    conference = "7a7a7a7a-0000-4000-8000-000000000002"
    emu.add_account(sub, "PTsub-token-never-used-0000", parent=DEMO_PROJECT_ID)
    emu.add_conference(sub, conference, "Subaccount bridge")
    stream = emu.add_stream(sub, conference, name="sub-feed")
    app = make_app(Prefill(sub, conference, "sub-feed"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert sub in text
        assert "(the project ID)" not in text
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
    [sent] = stop_requests(emu)
    assert sent.path == stop_path(conference, "sub-feed", account=sub)
    user = base64.b64decode(sent.headers["authorization"].split()[1]).decode().split(":")[0]
    assert user == DEMO_PROJECT_ID
    assert emu.get_stream(sub, conference, stream.sid).status == "stopped"


async def test_every_invalid_field_gets_its_own_line_in_the_notice(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill("", "not-a-conference", "feeds/transcriber"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [k for k in ("account", "conference", "stream") if app.main.field(k).invalid] == [
            "conference",
            "stream",
        ]
        assert app.focused is app.main.field("conference").input  # the first bad one
        lines = static_text(app, "#notice").splitlines()
        assert len(lines) == 2
        assert lines[0].startswith("✘ Not sent. Conference SID 'not-a-conference'")
        assert lines[1].startswith("Stream 'feeds/transcriber' is neither")
        assert re.search(r"^ ?Stream 'feeds/transcriber'", screen_text(app), re.M)
    assert emu.requests == []


async def test_a_saved_stream_name_labels_only_its_own_conference(
    make_app: AppFactory, emu: Emulator, session: Session
) -> None:
    """Stream names are unique per conference only, and case-sensitive: the confirmation must
    not borrow the label of a same-named stream saved for another conference."""
    add_entry(
        session.config_path,
        Entry("stream", DEMO_STREAM_NAME, "Support transcriber", DEMO_CONFERENCE_SID),
    )
    session.config = load_config(session.config_path)
    app = make_app(Prefill("", DEMO_SALES_CONFERENCE_SID, DEMO_STREAM_NAME))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.field("stream").note == "stream name · ^l saves"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Support transcriber" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        app.main.field("conference").value = DEMO_CONFERENCE_SID  # now it is that stream
        await pilot.pause()
        assert app.main.field("stream").note == "“Support transcriber”"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "“Support transcriber”" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        app.main.field("stream").value = DEMO_STREAM_NAME.upper()  # another name
        await pilot.pause()
        assert app.main.field("stream").note == "stream name · ^l saves"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Support transcriber" not in screen_text(app)
    assert emu.requests == []


async def test_strict_production_confirmation_wants_the_last_4_characters(
    make_app: AppFactory, make_session: SessionFactory, emu: Emulator
) -> None:
    session = make_session(production=True)
    assert session.production and session.strict_confirmation
    app = make_app(FULL, session=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "PRODUCTION" in screen_lines(app)[0]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        text = screen_text(app)
        assert "Stop this stream in PRODUCTION?" in text
        assert "Type the last 4 characters of the stream (b04a)" in text
        code = app.screen.query_one("#confirm-code", Input)
        assert app.focused is code

        await pilot.press("y")  # y is not enough here: it is typed, not obeyed
        assert isinstance(app.screen, ConfirmStopScreen)
        assert code.value == "y"
        await pilot.press("backspace", *"b04b", "enter")
        assert isinstance(app.screen, ConfirmStopScreen)
        assert "That is not b04a: nothing was sent." in static_text(app, "#confirm-code-error")
        assert emu.requests == []

        await pilot.press(*["backspace"] * 4, *"b04a", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert current_panel(app) == "result"
    assert len(stop_requests(emu)) == 1


async def test_strict_confirmation_escape_and_button_with_wrong_code(
    make_app: AppFactory, make_session: SessionFactory, emu: Emulator
) -> None:
    app = make_app(FULL, session=make_session(production=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", *"0000", "tab", "tab")
        assert app.focused is app.screen.query_one("#confirm", Button)
        await pilot.press("enter")  # the Stop button checks the code too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert emu.requests == []


async def test_markup_typed_by_the_user_stays_literal(make_app: AppFactory, emu: Emulator) -> None:
    name = "[bold red]feed [reverse]x [@click=app.quit]y"  # a name cannot hold "/"
    app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, name)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await paste(pilot, "[blink]label[/blink]")
        await pilot.press("enter")
        await settle(pilot)  # the save runs in a worker
        assert app.main.field("stream").note == "“[blink]label[/blink]”"
        assert "“[blink]label[/blink]”" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert name in text
        assert "“[blink]label[/blink]”" in text
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "error"  # no such stream: the hint quotes the name
        assert name in " ".join(screen_text(app).split())
        for strip in rendered_strips(app.screen):
            assert not any(segment.style and segment.style.link for segment in strip)
    [sent] = stop_requests(emu)
    assert "%5Bbold%20red%5Dfeed%20%5Breverse%5Dx%20%5B%40click%3Dapp.quit%5Dy" in sent.path


async def test_c_copies_the_selected_value_of_the_result(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "result-fields"
        await pilot.press("down", "c")
        assert app.clipboard == DEMO_CONFERENCE_SID
        assert f"Copied conference_sid: {DEMO_CONFERENCE_SID}" in notifications(app)
        await pilot.press("up", "up", "ctrl+y")  # wraps around to the uri
        assert app.clipboard.endswith(f"/Streams/{DEMO_STREAM_SID}.json")
