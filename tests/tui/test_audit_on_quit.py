"""Quitting the TUI never leaves a hole in the audit log: every request that was sent has its
record ("interrupted": it may have taken effect), and every queued one too ("cancelled")."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from streamtui.emulator import DEMO_CONFERENCE_SID, Emulator
from streamtui.session import Session
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    Hold,
    settle,
    stop_requests,
    type_text,
    wait_until,
)


async def test_ctrl_q_during_a_batch_records_every_stream(
    make_app: AppFactory, emu: Emulator, session: Session, hold: Hold
) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space", "down", "space", "down", "space", "down", "space")
        assert len(app.screen.query_one(SelectionList).selected) == 4
        await pilot.press("tab", "tab")
        assert app.focused is app.screen.query_one("#batch-concurrency", Input)
        await type_text(pilot, "1")
        hold("stop")
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the first request")
        await pilot.press("ctrl+q")
    records = session.history.read()
    sent = {request.path.rsplit("/", 1)[-1] for request in stop_requests(emu)}
    assert len(sent) == 1
    assert len(records) == 4, records
    outcomes = {record["stream"]: record["outcome"] for record in records}
    assert [outcomes[sid] for sid in sent] == ["interrupted"]
    assert sorted(o for s, o in outcomes.items() if s not in sent) == ["cancelled"] * 3


async def test_ctrl_q_during_a_stop_records_it(
    make_app: AppFactory, emu: Emulator, session: Session, hold: Hold
) -> None:
    from streamtui.emulator import DEMO_STREAM_SID

    app = make_app(Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hold("stop")
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the request")
        await pilot.press("ctrl+q")
    [record] = session.history.read()
    assert (record["stream"], record["outcome"]) == (DEMO_STREAM_SID, "interrupted")
