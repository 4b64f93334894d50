"""Nothing blocks the event loop: while another process holds the config's lock, a save waits
in a thread and the keys keep working (escape included)."""

from __future__ import annotations

import subprocess
import sys

from streamtui.emulator import DEMO_CONFERENCE_SID
from streamtui.session import Session
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import SIZE, AppFactory, notifications, settle, type_text, wait_until

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


async def test_keys_answer_while_another_process_holds_the_config_lock(
    make_app: AppFactory, session: Session
) -> None:
    lock = f"{session.config_path}.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, lock, "4"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        app = make_app(Prefill(conference=DEMO_CONFERENCE_SID))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            app.main.field("stream").input.focus()
            await type_text(pilot, "night-feed")
            await pilot.press("ctrl+l")
            await pilot.pause()
            await type_text(pilot, "Night feed")
            await pilot.press("enter")  # the save now waits for the lock
            await type_text(pilot, "-2")  # typed while it waits: they land at once
            assert app.main.field("stream").value == "night-feed-2"
            assert holder.poll() is None, "the lock was released before the keys were handled"
            await wait_until(
                pilot,
                lambda: any("Saved stream" in n for n in notifications(app)),
                timeout=15,
                what="the save to finish once the lock is free",
            )
        assert "Night feed" in session.config_path.read_text()
    finally:
        holder.kill()
        holder.wait()
