"""The TUI against a hostile server on loopback: an echoed token is masked wherever it is shown
(panels, toasts, dialogs, F4/F5/F7 rows, the clipboard), and server text is never parsed as markup.

The server echoes what it received: the token as it is, and the Basic-auth header it came in.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from textual.widgets import DataTable, Input, TextArea

from streamtui.emulator import DEMO_PROJECT_ID
from streamtui.session import Session
from streamtui.tui.screens.batch import BatchScreen
from streamtui.tui.screens.conferences import ConferencesScreen
from streamtui.tui.screens.credentials import CredentialsScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.widgets.panels import FieldList, ProgressPanel
from tests.support.hostile import Conn, HostileServer, Request, response
from tests.support.memory_keyring import MemoryKeyring
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    current_panel,
    notifications,
    paste,
    settle,
    static_text,
    svg_text,
)

TOKEN = "PTtuiechoedtoken0123456789abcdef"
BASIC = base64.b64encode(f"{DEMO_PROJECT_ID}:{TOKEN}".encode()).decode()
CONFERENCE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
STREAM = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
FULL = Prefill("", CONFERENCE, STREAM)
SECRETS = (TOKEN, BASIC, TOKEN[:20], BASIC[:20])  # a prefix of either is a leak too


def echoed(request: Request) -> str:
    return f"token {TOKEN} auth {request.headers.get('authorization')}"


def stop_error(request: Request, conn: Conn) -> None:
    body = {"code": 21, "message": echoed(request), "more_info": f"https://x/?t={TOKEN}"}
    conn.send(response(400, json.dumps(body).encode()))


def stop_success(request: Request, conn: Conn) -> None:
    body = {
        "sid": STREAM,
        "status": "stopped",
        "name": f"feed [/x] {TOKEN}",
        "uri": f"/x?auth={request.headers.get('authorization')}",
        "account_sid": DEMO_PROJECT_ID,
        "conference_sid": CONFERENCE,
    }
    conn.send(response(200, json.dumps(body).encode()))


def conferences(request: Request, conn: Conn) -> None:
    rows = [
        {"sid": TOKEN, "friendly_name": f"[/b] {echoed(request)}", "status": "in-progress"},
        {"sid": CONFERENCE, "friendly_name": "\x1b]52;c;aGk=\x07[/] bridge", "status": "x"},
    ]
    conn.send(response(200, json.dumps({"conferences": rows, "next_page_uri": None}).encode()))


def unauthorised(request: Request, conn: Conn) -> None:
    body = {"code": 20003, "message": f"Authenticate: {echoed(request)}"}
    conn.send(response(401, json.dumps(body).encode()))


def no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, text


@pytest.fixture
def hostile_session(make_session: SessionFactory) -> Iterator[tuple[HostileServer, Session]]:
    """A session holding TOKEN, pointed at a server that routes by method."""

    def route(request: Request, conn: Conn) -> None:
        handler = stop_error if request.method == "POST" else conferences
        handler(request, conn)

    with HostileServer(route) as server:
        session = make_session(base_url=server.base_url, token=TOKEN)
        yield server, session


async def test_an_echoed_token_is_masked_in_the_error_panel_and_what_it_copies(
    make_app: AppFactory, hostile_session: tuple[HostileServer, Session]
) -> None:
    server, session = hostile_session
    app = make_app(FULL, session=session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "error"
        text = svg_text(app)
        assert "****cdef" in text  # masked, not dropped: the user sees it was echoed
        no_secret(text)
        fields = app.main.query_one("#error-fields", FieldList)
        fields.focus()
        for _ in fields.rows:
            await pilot.press("c", "down")
            no_secret(app.clipboard)
        no_secret("\n".join(notifications(app)))
        await pilot.press("f7")  # the history rows
        await settle(pilot)
        no_secret(svg_text(app))
    assert server.requests[0].headers["authorization"] == f"Basic {BASIC}"  # it was sent


async def test_an_echoed_token_is_masked_in_a_success_and_its_toasts(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    with HostileServer(stop_success) as server:
        app = make_app(FULL, session=make_session(base_url=server.base_url, token=TOKEN))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+s", "y")
            await settle(pilot)
            assert current_panel(app) == "result"
            no_secret(svg_text(app))
            fields = app.main.query_one("#result-fields", FieldList)
            fields.cursor = [name for name, _, _ in fields.rows].index("name")
            await pilot.press("c")  # "[/x]" in the toast: shown as it is, no crash
            assert app.is_running
            assert app.clipboard == "feed [/x] ****cdef"
            assert "Copied name: feed [/x] ****cdef" in notifications(app)
            await pilot.pause()
            assert "feed [/x] ****cdef" in svg_text(app)
            fields.cursor = [name for name, _, _ in fields.rows].index("uri")
            await pilot.press("c")
            no_secret(app.clipboard)
            no_secret(svg_text(app))


async def test_the_retry_line_never_shows_a_cut_token(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    """The retry line is cut to fit: a token cut in two is no longer recognised, so it must be
    masked before it is cut."""

    def busy(request: Request, conn: Conn) -> None:
        body = {"code": 20503, "message": "x" * 40 + TOKEN}
        conn.send(response(503, json.dumps(body).encode()))

    with HostileServer(busy) as server:
        app = make_app(FULL, session=make_session(base_url=server.base_url, token=TOKEN))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+s", "y")
            await settle(pilot)
            shown = app.main.query_one(ProgressPanel).attempt
            assert shown.startswith("attempt 3 of 3")
            no_secret(shown)
            assert current_panel(app) == "error"
            no_secret(svg_text(app))


async def test_f4_rows_are_masked_and_a_row_that_is_no_sid_is_not_used(
    make_app: AppFactory, hostile_session: tuple[HostileServer, Session]
) -> None:
    _, session = hostile_session
    app = make_app(session=session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)
        assert app.screen.query_one(DataTable).row_count == 2
        text = svg_text(app)
        no_secret(text)
        assert "[/b] token ****cdef" in text and "[/] bridge" in text
        await pilot.press("enter")  # the first row: its "SID" is the token
        await settle(pilot)
        assert app.is_running
        no_secret(app.main.field("conference").value)
        no_secret(svg_text(app))
        assert isinstance(app.screen, ConferencesScreen)  # still open, saying why
        assert "not a conference SID" in " ".join(svg_text(app).split())
        await pilot.press("down", "enter")  # the second row is a real SID
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("conference").value == CONFERENCE


async def test_f5_rows_mask_an_echoed_token(
    make_app: AppFactory, hostile_session: tuple[HostileServer, Session]
) -> None:
    _, session = hostile_session
    app = make_app(Prefill("", CONFERENCE, ""), session=session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.query_one(TextArea).focus()
        await paste(pilot, STREAM)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "0 stopped, 1 failed" in static_text(app, "#batch-status")
        table = app.screen.query_one(DataTable)
        no_secret(" ".join(str(value) for value in table.get_row_at(0)))
        no_secret(static_text(app, "#batch-detail"))
        no_secret(svg_text(app))


async def test_f8_login_message_masks_an_echoed_token(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    with HostileServer(unauthorised) as server:
        session = make_session(base_url=server.base_url, demo=False)
        session.store = MemoryKeyring()  # type: ignore[assignment]
        app = make_app(session=session)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("f8")
            await settle(pilot)
            assert isinstance(app.screen, CredentialsScreen)
            app.screen.query_one("#cred-space", Input).value = "acme"
            app.screen.query_one("#cred-project", Input).value = DEMO_PROJECT_ID
            app.screen.query_one("#cred-token", Input).focus()
            await paste(pilot, TOKEN)
            app.screen.query_one("#cred-login").press()
            await settle(pilot)
            message = static_text(app, "#credentials-message")
            assert message.startswith("Not stored: ")
            assert "****cdef" in message
            no_secret(message)
            no_secret(svg_text(app))
        assert server.requests[0].headers["authorization"] == f"Basic {BASIC}"


async def test_the_token_field_cannot_be_copied_nor_cut(
    make_app: AppFactory, session: Session
) -> None:
    """ctrl+c in a field copies its selection with OSC 52: never from the hidden token field."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        field = app.screen.query_one("#cred-token", Input)
        assert app.focused is field
        await paste(pilot, TOKEN)
        field.select_all()
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert app.clipboard == ""
        assert field.value == TOKEN  # nothing was cut either
        assert "The API token cannot be copied out of this field." in notifications(app)
        space = app.screen.query_one("#cred-space", Input)  # other fields still copy
        space.focus()
        space.value = "acme"
        space.select_all()
        await pilot.press("ctrl+c")
        assert app.clipboard == "acme"
