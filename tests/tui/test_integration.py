"""End to end: `streamtui emulator` in its own process on a real socket, the TUI configured the way
a user's shell would (SIGNALWIRE_* and STREAMTUI_BASE_URL, no demo mode), and the request the
emulator received read back through its admin API."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_SPACE,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
)
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import Prefill
from streamtui.tui.widgets.panels import ResultPanel
from tests.tui.conftest import SIZE, current_panel, paste, screen_text, settle, type_text


@pytest.fixture
def emulator_process() -> Iterator[str]:
    """`python -m streamtui emulator --port 0`; yields its base URL (the banner's first line)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamtui", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("streamtui emulator listening on http://127.0.0.1:"), first
        yield first.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.returncode == 0


def admin(base_url: str, endpoint: str) -> Any:
    with urllib.request.urlopen(f"{base_url}/__emulator__/{endpoint}", timeout=5) as answer:  # noqa: S310
        return json.load(answer)


async def test_whole_flow_against_a_real_emulator_process(
    emulator_process: str, tmp_path: Path
) -> None:
    base_url = emulator_process
    env = {
        "SIGNALWIRE_SPACE": DEMO_SPACE,
        "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
        "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
        "STREAMTUI_BASE_URL": base_url,
    }
    session = Session.open(
        config_path=tmp_path / "config.toml", state_dir=tmp_path / "state", env=env
    )
    assert not session.demo
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.main.field("conference").input
        await paste(pilot, DEMO_CONFERENCE_SID)
        await pilot.press("tab")
        assert app.focused is app.main.field("stream").input
        await type_text(pilot, DEMO_STREAM_NAME)  # by name this time
        app.main.field("account").input.focus()
        await type_text(pilot, DEMO_ACCOUNT_SID)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        host = base_url.split("://", 1)[1]
        text = screen_text(app)
        assert host in text
        assert "(by name)" in text
        assert admin(base_url, "requests")["requests"] == []
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
        result = app.main.query_one(ResultPanel).result
        assert result is not None
        assert (result.sid, result.status) == (DEMO_STREAM_SID, "stopped")
        await pilot.press("ctrl+q")
    [request] = admin(base_url, "requests")["requests"]
    assert request["method"] == "POST"
    assert request["path"] == (
        f"/api/laml/2010-04-01/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_CONFERENCE_SID}"
        f"/Streams/{DEMO_STREAM_NAME}"
    )
    assert request["form"] == {"Status": "stopped"}
    assert request["body"] == "Status=stopped"
    assert request["headers"]["content-type"] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(f"{DEMO_PROJECT_ID}:{DEMO_API_TOKEN}".encode()).decode()
    assert request["headers"]["authorization"] == f"Basic {expected}"
    assert request["headers"]["user-agent"].startswith("streamtui/")
    assert request["response_status"] == 200
    listed = admin(base_url, f"streams?account={DEMO_ACCOUNT_SID}&conference={DEMO_CONFERENCE_SID}")
    status = {stream["sid"]: stream["status"] for stream in listed["streams"]}
    assert status[DEMO_STREAM_SID] == "stopped"
    [record] = session.history.read()
    assert record["outcome"] == "stopped"
    assert record["stream_is_name"] is True
