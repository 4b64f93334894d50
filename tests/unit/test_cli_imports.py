"""`streamtui stop` must start fast: it never imports Textual, and with the token in the
environment it never imports keyring either. Proven by running a real stop against the emulator
in a fresh interpreter and looking at `sys.modules` afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence

import pytest

from streamtui.emulator import (
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
)

MARKER = "@@modules@@"
PROBE = f"""
import json, sys
from streamtui.cli import main
code = main(json.loads(sys.argv[1]))
sys.stdout.flush()
def loaded(name):
    return sorted(m for m in sys.modules if m == name or m.startswith(name + "."))
print({MARKER!r} + json.dumps({{"code": code, "textual": loaded("textual"),
      "keyring": loaded("keyring"), "tui": loaded("streamtui.tui")}}))
"""


def probe(args: Sequence[str], env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert DEMO_API_TOKEN not in result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    report: dict[str, object] = json.loads(line.removeprefix(MARKER))
    return report


@pytest.mark.parametrize(
    ("stream", "extra", "code", "requests"),
    [
        (DEMO_STREAM_SID, [], 0, 1),
        (DEMO_STREAM_NAME, ["--json"], 0, 1),
        ("no-such-stream", [], 4, 1),
        (DEMO_STREAM_SID, ["--dry-run"], 0, 0),
        ("bad/name", [], 2, 0),
    ],
)
def test_stop_imports_neither_textual_nor_keyring(
    env: dict[str, str], emulator: Emulator, stream: str, extra: list[str], code: int, requests: int
) -> None:
    report = probe(["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", stream, *extra], env)

    assert report["code"] == code
    assert len(emulator.requests) == requests  # the stop really ran
    assert report["textual"] == []
    assert report["tui"] == []
    assert report["keyring"] == []


def test_the_probe_does_see_keyring_when_the_token_must_come_from_it(
    env: dict[str, str], emulator: Emulator
) -> None:
    """The control: without SIGNALWIRE_API_TOKEN, stop asks the keyring (the fail backend of
    `isolated_env` here), so keyring must show up in sys.modules; and still no Textual."""
    del env["SIGNALWIRE_API_TOKEN"]
    report = probe(["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID], env)

    assert report["code"] == 2
    assert emulator.requests == []
    assert "keyring" in report["keyring"]  # type: ignore[operator]
    assert report["textual"] == []


KEYRING_ENTRY = """
import sys
from streamtui.credentials import keyring_username
print(keyring_username("5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13", "acme", sys.argv[1]))
print("httpx" in sys.modules)
"""


@pytest.mark.parametrize(
    ("base_url", "entry", "httpx"),
    [
        ("https://acme.signalwire.com", "acme", False),
        ("http://127.0.0.1:9", "127.0.0.1:9", True),  # the control: an explicit host needs it
    ],
)
def test_a_spaces_keyring_entry_is_named_without_the_http_client(
    base_url: str, entry: str, httpx: bool
) -> None:
    """The TUI asks the keyring right after its first paint: for a space, naming the entry
    must not load the HTTP client, which the first screens do not need."""
    result = subprocess.run(
        [sys.executable, "-c", KEYRING_ENTRY, base_url],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.split() == [f"5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13@{entry}", str(httpx)]
