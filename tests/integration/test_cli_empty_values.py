"""An explicitly empty value is invalid input (exit 2, nothing sent), never "use the default".

A runbook line `streamtui stop --account "$ACCOUNT" ...` with ACCOUNT unset must not quietly stop
the stream in the project's own account.
"""

from __future__ import annotations

import pytest

from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_STREAM_SID, Emulator
from tests.support.cli import run_streamtui

STOP = ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID]


@pytest.mark.parametrize(
    "args",
    [
        [*STOP, "--account", ""],
        [*STOP, "--account", "  "],
        [*STOP, "--profile", ""],
        [*STOP, "--config", ""],
        [*STOP, "--base-url", ""],
        ["stop", "--conference", "", "--stream", DEMO_STREAM_SID],
        ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", ""],
        ["stop", "--conference", DEMO_CONFERENCE_SID, "--streams-from", ""],
    ],
    ids=[
        "account",
        "account-blank",
        "profile",
        "config",
        "base-url",
        "conference",
        "stream",
        "from",
    ],
)
def test_an_explicitly_empty_value_exits_2_and_sends_nothing(
    env: dict[str, str], emulator: Emulator, args: list[str]
) -> None:
    result = run_streamtui(args, env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "empty" in result.stderr.lower()
    assert emulator.requests == []


def test_auth_login_refuses_an_empty_space(isolated_env: dict[str, str]) -> None:
    result = run_streamtui(
        ["auth", "login", "--space", "", "--project-id", "x", "--with-token"],
        isolated_env,
        input="PTtoken0123456789\n",
    )
    assert result.returncode == 2
    assert "--space" in result.stderr and "empty" in result.stderr
