"""The first screen reaches the terminal before the app loads what only later keys need: the HTTP
client and the pop-up screens. Seen from outside, in order: the interpreter reports each import on
the terminal as it happens (PYTHONPROFILEIMPORTTIME), so an import listed before the first
screen's text was made before the user saw anything."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

from tests.support.cli import STREAMTUI

FIRST_SCREEN = b"Fill the three fields"
IMPORT_LINE = re.compile(rb"import time:\s+\d+ \|\s+\d+ \| *([\w.]+)")
POP_UPS = ("batch", "conferences", "confirm", "credentials", "help", "history", "picker")
LATER = ("httpx", "streamtui.api", *(f"streamtui.tui.screens.{name}" for name in POP_UPS))
# A user's config: the token for this space and project is looked up in the keyring.
CONFIG = """default_profile = "prod"

[profiles.prod]
space = "acme"
project_id = "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13"

[[streams]]
sid = "1c5a8f9e-3b7d-4e2a-8c61-0d2f4b8a7e13"
label = "transcriber feed"
"""


def terminal_output(env: dict[str, str], until: bytes) -> bytes:
    """What `streamtui` writes to an 80x24 terminal until `until` shows."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [STREAMTUI], env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        # read as soon as anything is written: a full terminal would hold up the app's writes
        while until not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        os.close(master)
    assert until in seen, seen[-2000:]
    return seen


def test_the_first_screen_is_drawn_before_the_http_client_and_the_pop_ups_load(
    isolated_env: dict[str, str],
) -> None:
    config = Path(isolated_env["STREAMTUI_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text(CONFIG)
    env = {**isolated_env, "TERM": "xterm-256color", "PYTHONPROFILEIMPORTTIME": "1"}

    before = terminal_output(env, FIRST_SCREEN).split(FIRST_SCREEN)[0]

    loaded = {name.decode() for name in IMPORT_LINE.findall(before)}
    assert "textual.app" in loaded  # the control: the imports are reported
    early = [name for name in loaded if name.startswith(LATER)]
    assert sorted(early) == []
