"""`streamtui stop` from the outside: the installed console script in a subprocess, against the
emulator over a real socket. Every case checks the exit code of the contract, what was printed, and
what the emulator actually received (nothing at all when the input is refused)."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from urllib.parse import quote, unquote

import pytest

from streamtui import __version__
from streamtui.emulator import (
    API_PREFIX,
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_HOSTILE_STREAM_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from tests.support.cli import run_streamtui, spawned
from tests.support.hostile import Conn, HostileServer, Request, response

TIMEOUT = 30
MARGIN = 1.5  # seconds a loaded machine may add to a bound, past its --timeout
WRONG_TOKEN = "PTwrong-token-7f3a9c2e5b1d"
DOCS_EXAMPLE_SID = "b3877c40-da60-4998-90ad-b792e98472st"
FIELDS = ("account_sid", "conference_sid", "date_updated", "name", "sid", "status", "uri")
SECRETS = (DEMO_API_TOKEN, WRONG_TOKEN)


def stream_path(
    stream: str, conference: str = DEMO_CONFERENCE_SID, account: str = DEMO_ACCOUNT_SID
) -> str:
    return (
        f"{API_PREFIX}/Accounts/{account}/Conferences/{conference}/Streams/{quote(stream, safe='')}"
    )


def since_the_first_request(emulator: Emulator) -> float:
    """Seconds from the first request's arrival until now (just after the command ended): the
    command's own work, without the interpreter's start-up before it."""
    return time.monotonic() - emulator.requests[0].time


def check_clean(result: subprocess.CompletedProcess[str]) -> None:
    """What holds for every run: no traceback, and no token anywhere in the output."""
    assert "Traceback" not in result.stderr, result.stderr
    for secret in SECRETS:
        assert secret not in result.stdout, result.stdout
        assert secret not in result.stderr, result.stderr


def run(
    args: Sequence[str], env: dict[str, str], *, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    result = run_streamtui(args, env, timeout=timeout)
    check_clean(result)
    return result


def stop_args(
    stream: str = DEMO_STREAM_SID, conference: str = DEMO_CONFERENCE_SID, *extra: str
) -> list[str]:
    return ["stop", "--conference", conference, "--stream", stream, *extra]


def assert_refused(
    result: subprocess.CompletedProcess[str], emulator: Emulator, *words: str
) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") or "\nerror: " in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert emulator.requests == []


# --- success -------------------------------------------------------------------------------------


def test_stop_by_sid_sends_exactly_the_documented_request(
    env: dict[str, str], emulator: Emulator
) -> None:
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert set(lines) == set(FIELDS)
    assert lines["status"] == "stopped"
    assert lines["sid"] == DEMO_STREAM_SID
    assert lines["conference_sid"] == DEMO_CONFERENCE_SID
    assert lines["account_sid"] == DEMO_ACCOUNT_SID
    assert lines["name"] == DEMO_STREAM_NAME
    assert lines["uri"] == stream_path(DEMO_STREAM_SID) + ".json"
    stream = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
    assert stream.status == "stopped"
    assert lines["date_updated"].startswith(stream.to_json()["date_updated"])

    [request] = emulator.requests
    assert request.method == "POST"
    assert request.path == stream_path(DEMO_STREAM_SID)
    assert not request.path.endswith(".json")
    assert request.query == {}
    assert request.body == b"Status=stopped"
    assert request.form == {"Status": "stopped"}
    assert request.headers["content-type"].split(";")[0] == "application/x-www-form-urlencoded"
    expected = base64.b64encode(f"{DEMO_PROJECT_ID}:{DEMO_API_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["user-agent"] == f"streamtui/{__version__}"
    assert request.response_status == 200


def test_json_prints_the_emulators_answer(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args(DEMO_STREAM_SID, DEMO_CONFERENCE_SID, "--json"), env)

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    stream = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
    assert printed == stream.to_json()
    assert printed["status"] == "stopped"
    assert len(emulator.requests) == 1


def test_stop_an_already_stopped_stream_again_is_fine(
    env: dict[str, str], emulator: Emulator
) -> None:
    assert run(stop_args(), env).returncode == 0
    result = run(stop_args(DEMO_STREAM_SID, DEMO_CONFERENCE_SID, "--json"), env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "stopped"
    assert len(emulator.requests) == 2


def test_stop_by_name(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args(DEMO_STREAM_NAME), env)

    assert result.returncode == 0, result.stderr
    assert "stopped" in result.stdout
    [request] = emulator.requests
    assert request.path == stream_path(DEMO_STREAM_NAME)
    assert request.path.endswith("/Streams/transcriber-feed")
    assert (
        emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status
        == "stopped"
    )


@pytest.mark.parametrize(
    "typed", [DEMO_STREAM_SID[:-1], DEMO_STREAM_SID + "a", DEMO_STREAM_SID.replace("-", "", 1)]
)
def test_a_mistyped_stream_sid_is_refused_not_sent_as_a_name(
    env: dict[str, str], emulator: Emulator, typed: str
) -> None:
    result = run(stop_args(typed), env)
    assert_refused(result, emulator, "mistyped SID", f"name:{typed}")


def test_a_name_shaped_like_a_sid_is_sent_with_the_name_prefix(
    env: dict[str, str], emulator: Emulator
) -> None:
    name = "cafe-0123-4567-89ab-cdef"
    created = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name=name)

    result = run(stop_args(f"name:{name}", DEMO_CONFERENCE_SID, "--json"), env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sid"] == created.sid
    [request] = emulator.requests
    assert request.path == stream_path(name)


@pytest.mark.parametrize(
    "name",
    [
        "Agent 7 recorder (EU)",
        "bot: café & co + 100€ [beta] 'quoted'",
        "transcriber.json",
    ],
)
def test_stop_by_name_with_spaces_and_punctuation_is_url_encoded(
    env: dict[str, str], emulator: Emulator, name: str
) -> None:
    created = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name=name)

    result = run(stop_args(name, DEMO_CONFERENCE_SID, "--json"), env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sid"] == created.sid
    assert created.status == "stopped"
    [request] = emulator.requests
    segment = request.path.rsplit("/", 1)[1]
    assert unquote(segment) == name
    assert " " not in request.path
    assert request.path == stream_path(name)


def test_name_of_256_characters_is_accepted(env: dict[str, str], emulator: Emulator) -> None:
    name = "n" * 256
    created = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name=name)
    result = run(stop_args(name), env)
    assert result.returncode == 0, result.stderr
    assert created.status == "stopped"


def test_account_defaults_to_the_project_id(env: dict[str, str], emulator: Emulator) -> None:
    assert run(stop_args(), env).returncode == 0
    [request] = emulator.requests
    assert request.path.startswith(f"{API_PREFIX}/Accounts/{DEMO_PROJECT_ID}/Conferences/")


def test_explicit_account_goes_in_the_path_but_auth_stays_the_project(
    env: dict[str, str], emulator: Emulator
) -> None:
    sub = "0a6d7c9e-1111-4e8a-9c61-0d2f4b8a7e13"
    emulator.add_account(sub, parent=DEMO_PROJECT_ID)
    conference = emulator.add_conference(sub)
    stream = emulator.add_stream(sub, conference.sid, name="sub-feed")

    result = run(stop_args(stream.sid, conference.sid, "--account", sub), env)

    assert result.returncode == 0, result.stderr
    [request] = emulator.requests
    assert request.path == stream_path(stream.sid, conference.sid, sub)
    expected = base64.b64encode(f"{DEMO_PROJECT_ID}:{DEMO_API_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert stream.status == "stopped"


def test_pasted_whitespace_quotes_and_case_around_sids_are_accepted(
    env: dict[str, str], emulator: Emulator
) -> None:
    result = run(
        [
            "stop",
            "--account",
            f"  '{DEMO_ACCOUNT_SID.upper()}'\n",
            "--conference",
            f' "{DEMO_CONFERENCE_SID}" ',
            "--stream",
            f"\t{DEMO_STREAM_SID}  \n",
        ],
        env,
    )

    assert result.returncode == 0, result.stderr
    [request] = emulator.requests
    assert request.path == stream_path(DEMO_STREAM_SID)


def test_token_aliases_and_surrounding_whitespace_in_the_environment(
    env: dict[str, str], emulator: Emulator
) -> None:
    env = {k: v for k, v in env.items() if k != "SIGNALWIRE_API_TOKEN"}
    env["SIGNALWIRE_TOKEN"] = f"  {DEMO_API_TOKEN}\n"
    result = run(stop_args(), env)
    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 1


# --- refused before sending: exit 2, zero requests -----------------------------------------------


@pytest.mark.parametrize(
    "conference",
    [
        "not-a-sid",
        DOCS_EXAMPLE_SID,
        DEMO_CONFERENCE_SID[:-1],
        DEMO_CONFERENCE_SID + "0",
        "",
        "   ",
    ],
)
def test_invalid_conference_sid_is_refused(
    env: dict[str, str], emulator: Emulator, conference: str
) -> None:
    result = run(stop_args(DEMO_STREAM_SID, conference), env)
    assert_refused(result, emulator, "Conference SID", "UUID")
    # The message shows what a valid SID looks like.
    assert any(
        len(word.strip(".,'")) == 36 and word.count("-") == 4 for word in result.stderr.split()
    ), result.stderr


@pytest.mark.parametrize("account", ["acct-1", DOCS_EXAMPLE_SID])
def test_invalid_account_sid_is_refused(
    env: dict[str, str], emulator: Emulator, account: str
) -> None:
    result = run([*stop_args(), "--account", account], env)
    assert_refused(result, emulator, "Account SID", "UUID")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("feed/../../Conferences", "/"),
        ("feed?Status=queued", "?"),
        ("feed#fragment", "#"),
        ("feed%2F..", "%"),
        ("feed..x", "'..'"),
        ("..", "'..'"),
        ("a\x1b]52;c;ZXZpbA==\x07b", "control characters"),
        ("line\nbreak", "control characters"),
        ("tab\tinside", "control characters"),
        ("del\x7f", "control characters"),
        ("c1\x9bchar", "control characters"),
        ("bidi\u202eoverride", "control characters"),
        ("x" * 257, "more than 256 characters"),
    ],
)
def test_invalid_stream_name_is_refused(
    env: dict[str, str], emulator: Emulator, name: str, shown: str
) -> None:
    result = run(stop_args(name), env)
    assert_refused(result, emulator, "Stream", shown, "/ ? # %")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


@pytest.mark.parametrize("stream", ["", "  ", "''", '""'])
def test_empty_stream_is_refused(env: dict[str, str], emulator: Emulator, stream: str) -> None:
    result = run(stop_args(stream), env)
    assert_refused(result, emulator, "Stream is empty")


def test_one_bad_value_among_good_ones_sends_nothing(
    env: dict[str, str], emulator: Emulator
) -> None:
    result = run(
        [
            "stop",
            "--conference",
            DEMO_CONFERENCE_SID,
            "--stream",
            DEMO_STREAM_SID,
            "--account",
            "nope",
        ],
        env,
    )
    assert_refused(result, emulator)


@pytest.mark.parametrize(
    "missing", ["SIGNALWIRE_API_TOKEN", "SIGNALWIRE_PROJECT_ID", "STREAMTUI_BASE_URL"]
)
def test_missing_credentials(env: dict[str, str], emulator: Emulator, missing: str) -> None:
    del env[missing]
    result = run(stop_args(), env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert emulator.requests == []
    if missing == "SIGNALWIRE_API_TOKEN":
        assert "SIGNALWIRE_API_TOKEN" in result.stderr
    elif missing == "SIGNALWIRE_PROJECT_ID":
        assert "SIGNALWIRE_PROJECT_ID" in result.stderr
    else:
        assert "SIGNALWIRE_SPACE" in result.stderr


def test_token_with_inner_whitespace_is_refused_without_echoing_it(
    env: dict[str, str], emulator: Emulator
) -> None:
    env["SIGNALWIRE_API_TOKEN"] = f"{DEMO_API_TOKEN} {DEMO_API_TOKEN}"
    result = run(stop_args(), env)
    assert result.returncode == 2
    assert "SIGNALWIRE_API_TOKEN" in result.stderr
    assert emulator.requests == []


def test_blank_token_in_the_environment_counts_as_missing(
    env: dict[str, str], emulator: Emulator
) -> None:
    env["SIGNALWIRE_API_TOKEN"] = "   "
    result = run(stop_args(), env)
    assert result.returncode == 2
    assert "SIGNALWIRE_API_TOKEN" in result.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.nip.io:8080",
        "ftp://127.0.0.1",
        "https://user:pw@example.com",
        "https://example.com/api",
    ],
)
def test_unsafe_base_url_is_refused(env: dict[str, str], emulator: Emulator, base_url: str) -> None:
    env["STREAMTUI_BASE_URL"] = base_url
    result = run(stop_args(), env)
    assert_refused(result, emulator, "Base URL")


def test_plain_http_base_url_flag_to_a_remote_host_is_refused(
    env: dict[str, str], emulator: Emulator
) -> None:
    result = run([*stop_args(), "--base-url", "http://api.example.com"], env)
    assert_refused(result, emulator, "http", "loopback")


def test_space_with_another_domain_is_refused(env: dict[str, str], emulator: Emulator) -> None:
    del env["STREAMTUI_BASE_URL"]
    env["SIGNALWIRE_SPACE"] = "evil.example.com"
    result = run(stop_args(), env)
    assert_refused(result, emulator, "Space")


# --- API errors ----------------------------------------------------------------------------------


def test_wrong_token_exits_3_with_code_and_hint(env: dict[str, str], emulator: Emulator) -> None:
    env["SIGNALWIRE_API_TOKEN"] = WRONG_TOKEN
    result = run(stop_args(), env)

    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "20003" in result.stderr
    assert "HTTP 401" in result.stderr
    assert "hint:" in result.stderr and "Voice scope" in result.stderr
    assert "request id:" in result.stderr
    assert len(emulator.requests) == 1  # an auth failure is not retried


def test_403_exits_3(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(403))
    result = run(stop_args(), env)
    assert result.returncode == 3, result.stderr
    assert "hint:" in result.stderr
    assert len(emulator.requests) == 1


def test_unknown_project_exits_3(env: dict[str, str], emulator: Emulator) -> None:
    env["SIGNALWIRE_PROJECT_ID"] = "00000000-0000-4000-8000-000000000000"
    result = run(stop_args(), env)
    assert result.returncode == 3, result.stderr
    assert "20003" in result.stderr


def test_an_api_error_that_echoes_the_token_does_not_print_it(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(Fault.status(400, message=f"Bad credentials {DEMO_API_TOKEN}"))
    result = run(stop_args(), env)  # `run` fails the test if the token shows anywhere
    assert result.returncode == 5, result.stderr
    assert "Bad credentials" in result.stderr


def test_unknown_stream_exits_4_with_hint(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args("no-such-stream"), env)

    assert result.returncode == 4, result.stderr
    assert result.stdout == ""
    assert "20404" in result.stderr
    assert "hint:" in result.stderr
    assert "'no-such-stream'" in result.stderr
    assert DEMO_CONFERENCE_SID in result.stderr
    assert len(emulator.requests) == 1


def test_unknown_conference_exits_4(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args(DEMO_STREAM_SID, "00000000-0000-4000-8000-000000000000"), env)
    assert result.returncode == 4, result.stderr
    assert len(emulator.requests) == 1


def test_400_exits_5_and_is_not_retried(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(400, message="Status is invalid"))
    result = run(stop_args(), env)

    assert result.returncode == 5, result.stderr
    assert "HTTP 400" in result.stderr
    assert "Status is invalid" in result.stderr
    assert len(emulator.requests) == 1


def test_422_exits_5_shows_the_errors_and_is_not_retried(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(Fault.status(422, message="Stream is not in progress"))
    result = run(stop_args(), env)

    assert result.returncode == 5, result.stderr
    assert "HTTP 422" in result.stderr
    assert "Stream is not in progress" in result.stderr
    assert len(emulator.requests) == 1


def test_409_is_rejected_not_retried(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(409))
    result = run(stop_args(), env)
    assert result.returncode == 5, result.stderr
    assert len(emulator.requests) == 1


# --- retries -------------------------------------------------------------------------------------


def test_503_three_times_exits_6_after_exactly_3_requests(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(*[Fault.status(503)] * 3)
    result = run(stop_args(), env)

    assert result.returncode == 6, result.stderr
    assert result.stdout == ""
    assert "HTTP 503" in result.stderr
    assert "3 attempts" in result.stderr
    assert [r.response_status for r in emulator.requests] == [503, 503, 503]
    assert (
        emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status
        == "in-progress"
    )


def test_503_then_success_exits_0_after_2_requests(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(503))
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    assert "stopped" in result.stdout
    assert [r.response_status for r in emulator.requests] == [503, 200]
    first, second = emulator.requests
    assert second.time > first.time  # backed off, did not fire both at once
    assert second.body == b"Status=stopped"


@pytest.mark.parametrize("status", [500, 502, 504])
def test_every_5xx_is_retried(env: dict[str, str], emulator: Emulator, status: int) -> None:
    emulator.faults.queue(Fault.status(status))
    result = run(stop_args(), env)
    assert result.returncode == 0, result.stderr
    assert [r.response_status for r in emulator.requests] == [status, 200]


def test_a_redirect_is_not_followed(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(302))
    result = run(stop_args(), env)
    assert result.returncode == 6, result.stderr
    assert "redirect" in result.stderr
    assert len(emulator.requests) == 1


def test_429_honours_retry_after(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.rate_limited("1"))
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    first, second = emulator.requests
    assert (first.response_status, second.response_status) == (429, 200)
    assert second.time - first.time >= 0.95
    assert emulator.retry_after_violations == 0


def test_503_with_retry_after_is_honoured_too(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(503, retry_after=1))
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    first, second = emulator.requests
    assert (first.response_status, second.response_status) == (503, 200)
    assert second.time - first.time >= 0.95


def test_retries_stay_inside_the_timeout(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(*[Fault.status(503, retry_after=0.6)] * 3)
    result = run([*stop_args(), "--timeout", "1"], env)
    assert result.returncode == 6, result.stderr
    assert since_the_first_request(emulator) < 1 + MARGIN
    assert len(emulator.requests) == 2  # the third would start after the deadline


def test_429_honours_retry_after_as_an_http_date(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.rate_limited(1, http_date=True))
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    assert [r.response_status for r in emulator.requests] == [429, 200]
    assert emulator.retry_after_violations == 0


def test_429_every_time_exits_6(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(*[Fault.rate_limited("0")] * 3)
    result = run(stop_args(), env)
    assert result.returncode == 6, result.stderr
    assert "20429" in result.stderr
    assert len(emulator.requests) == 3


def test_retry_after_longer_than_the_timeout_gives_up_at_once(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(Fault.rate_limited("60"))
    result = run([*stop_args(), "--timeout", "5"], env)
    assert result.returncode == 6, result.stderr
    assert since_the_first_request(emulator) < 5 - MARGIN  # not at the deadline: at once
    assert len(emulator.requests) == 1
    assert emulator.retry_after_violations == 0


def test_html_502_three_times_exits_6_and_says_html(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(*[Fault.html_502()] * 3)
    result = run(stop_args(), env)

    assert result.returncode == 6, result.stderr
    assert "HTML" in result.stderr
    assert "<html>" not in result.stderr
    assert len(emulator.requests) == 3


def test_malformed_json_200_exits_6_after_one_request(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.queue(Fault.malformed_json())
    result = run(stop_args(), env)

    assert result.returncode == 6, result.stderr
    assert result.stdout == ""
    assert "not valid JSON" in result.stderr
    assert len(emulator.requests) == 1


def test_empty_body_exits_6(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.empty_body())
    result = run(stop_args(), env)

    assert result.returncode == 6, result.stderr
    assert "empty" in result.stderr
    assert len(emulator.requests) == 1


def test_dropped_connection_then_success(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.drop_connection())
    result = run(stop_args(), env)

    assert result.returncode == 0, result.stderr
    assert "stopped" in result.stdout
    assert [r.response_status for r in emulator.requests] == [None, 200]


def test_dropped_connection_every_time_exits_6(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(*[Fault.drop_connection()] * 3)
    result = run(stop_args(), env)
    assert result.returncode == 6, result.stderr
    assert "dropped" in result.stderr
    assert len(emulator.requests) == 3


def test_nothing_listening_exits_6(env: dict[str, str], emulator: Emulator) -> None:
    with Emulator() as other:
        dead = other.base_url
    env["STREAMTUI_BASE_URL"] = dead
    result = run([*stop_args(), "--timeout", "5"], env)
    assert result.returncode == 6, result.stderr
    assert "hint:" in result.stderr


def test_timeout_bounds_the_whole_command(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.set_latency(5)
    result = run([*stop_args(), "--timeout", "1"], env)

    assert result.returncode == 6, result.stderr
    assert since_the_first_request(emulator) < 1 + MARGIN
    assert "1 s" in result.stderr or "--timeout" in result.stderr
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("value", ["0", "-1", "abc", "3601"])
def test_bad_timeout_is_a_usage_error(env: dict[str, str], emulator: Emulator, value: str) -> None:
    result = run([*stop_args(), "--timeout", value], env)
    assert result.returncode == 2
    assert "--timeout" in result.stderr
    assert emulator.requests == []


# --- dry run and interruption --------------------------------------------------------------------


def test_dry_run_prints_the_request_with_the_token_masked_and_sends_nothing(
    env: dict[str, str], emulator: Emulator
) -> None:
    result = run([*stop_args(DEMO_STREAM_NAME), "--dry-run"], env)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"POST {emulator.base_url}{stream_path(DEMO_STREAM_NAME)}" in out
    assert f"Authorization: Basic {DEMO_PROJECT_ID}:****{DEMO_API_TOKEN[-4:]}" in out
    assert "Content-Type: application/x-www-form-urlencoded" in out
    assert f"User-Agent: streamtui/{__version__}" in out
    assert out.rstrip().endswith("Status=stopped")
    assert "dry run" in result.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SIGNALWIRE_SPACE", "acme"),
        ("SIGNALWIRE_SPACE", " ACME.signalwire.com "),
        ("SIGNALWIRE_SPACE_URL", "https://acme.signalwire.com/"),
    ],
)
def test_dry_run_shows_the_space_url(
    env: dict[str, str], emulator: Emulator, variable: str, value: str
) -> None:
    del env["STREAMTUI_BASE_URL"]
    env[variable] = value
    result = run([*stop_args(), "--dry-run"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"POST https://acme.signalwire.com{stream_path(DEMO_STREAM_SID)}\n"
    )


@pytest.mark.parametrize(
    "space",
    [
        "acme.signalwire.com.evil.example",
        "acme@evil.example",
        "acme:8443",
        "acme/x",
        "https://evil.example",
        "evil.example",
    ],
)
def test_a_space_that_is_not_signalwire_is_refused(
    env: dict[str, str], emulator: Emulator, space: str
) -> None:
    del env["STREAMTUI_BASE_URL"]
    env["SIGNALWIRE_SPACE"] = space
    result = run([*stop_args(), "--dry-run"], env)
    assert_refused(result, emulator, "Space")
    assert "evil" not in result.stdout


def test_dry_run_still_validates(env: dict[str, str], emulator: Emulator) -> None:
    result = run([*stop_args("bad/name"), "--dry-run"], env)
    assert_refused(result, emulator)


def test_sigint_during_a_slow_request_exits_130_without_traceback(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.faults.set_latency(10)
    with spawned(stop_args(), env) as process:
        deadline = time.monotonic() + 10
        while not emulator.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert emulator.requests, "the request never arrived"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 3
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert DEMO_API_TOKEN not in stdout + stderr
    assert len(emulator.requests) == 1


def test_sigint_while_backing_off_exits_130(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.rate_limited("20"))
    with spawned(stop_args(), env) as process:
        deadline = time.monotonic() + 10
        while (
            not (emulator.requests and emulator.requests[0].response_status)
            and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        assert emulator.requests, "the request never arrived"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert DEMO_API_TOKEN not in stdout + stderr
    assert len(emulator.requests) == 1


def test_hostile_stream_name_is_printed_inert(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args(DEMO_HOSTILE_STREAM_SID), env)
    assert result.returncode == 0, result.stderr
    for char in ("\x1b", "\x07", "\r", "\x9b"):
        assert char not in result.stdout
    assert "PWNED" in result.stdout
    as_json = run(stop_args(DEMO_HOSTILE_STREAM_SID, DEMO_CONFERENCE_SID, "--json"), env)
    assert as_json.returncode == 0
    assert "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)["name"].startswith("[bold red]PWNED[/] \x1b]52;")


def test_python_dash_m_works_too(env: dict[str, str], emulator: Emulator) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streamtui", *stop_args(), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    check_clean(result)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "stopped"


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_200_that_does_not_confirm_the_stop_says_what_came_back_and_exits_6(
    env: dict[str, str], emulator: Emulator, as_json: bool
) -> None:
    body = {
        **emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).to_json(),
        "status": "in-progress",
    }

    def still_running(request: Request, conn: Conn) -> None:
        conn.send(response(200, json.dumps(body).encode(), headers={"X-Request-Id": "RQ-42"}))

    with HostileServer(still_running) as server:
        result = run(
            stop_args(DEMO_STREAM_SID, DEMO_CONFERENCE_SID, *(["--json"] if as_json else [])),
            {**env, "STREAMTUI_BASE_URL": server.base_url},
        )
    assert result.returncode == 6, result.stderr
    if as_json:  # one object for the stream, which no script can take for a stopped one
        answer = json.loads(result.stdout)
        assert answer["outcome"] == "unconfirmed" and "status" not in answer
        assert answer["error"]["request_id"] == "RQ-42"
    else:
        assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: The API answered 200 but says the stream is in-progress: the stop is not "
        "confirmed. Stopping is safe to repeat: run it again to see the stream's status."
    )
    assert "  HTTP 200" in lines
    assert "  request id: RQ-42" in lines
