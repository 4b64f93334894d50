"""Finding 3: a token echoed by a server is masked in every output, successes included.

A hostile server on loopback echoes what it received: the token as it is, and the Basic-auth
header it came in. No copy may reach stdout or stderr, text or --json, single or batch.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from streamtui.redact import mask, remember_basic_auth, remember_token
from streamtui.sanitize import clean
from tests.support.cli import run_streamtui
from tests.support.hostile import Conn, HostileServer, Request, response

TOKEN = "PTechoedtoken0123456789abcdef"
PROJECT = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
CONFERENCE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
STREAMS = ("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f")
BASIC = base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()


def _echo_error(request: Request, conn: Conn) -> None:
    message = f"bad token {TOKEN}; you sent {request.headers.get('authorization')}"
    conn.send(response(400, json.dumps({"code": 21, "message": message}).encode()))


def _echo_success(request: Request, conn: Conn) -> None:
    sid = request.target.rsplit("/", 1)[-1]
    body = {
        "sid": sid,
        "status": "stopped",
        "name": f"tok {TOKEN}",
        "uri": f"/x?auth={request.headers.get('authorization')}",
        "account_sid": PROJECT,
        "conference_sid": CONFERENCE,
        "date_updated": "Tue, 01 Sep 2026 10:00:00 +0000",
    }
    conn.send(response(200, json.dumps(body).encode()))


@pytest.fixture
def cli_env(isolated_env: dict[str, str]) -> dict[str, str]:
    return {**isolated_env, "SIGNALWIRE_PROJECT_ID": PROJECT, "SIGNALWIRE_API_TOKEN": TOKEN}


def _stop(env: dict[str, str], base_url: str, *extra: str) -> tuple[str, str]:
    result = run_streamtui(
        ["stop", "--base-url", base_url, "--conference", CONFERENCE, *extra, "--timeout", "10"],
        env,
    )
    return result.stdout, result.stderr


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("streams", [STREAMS[:1], STREAMS], ids=["single", "batch"])
@pytest.mark.parametrize("handler", [_echo_error, _echo_success], ids=["error", "success"])
def test_an_echoed_token_never_reaches_the_output(
    cli_env: dict[str, str], handler: object, streams: tuple[str, ...], as_json: bool
) -> None:
    with HostileServer(handler) as server:  # type: ignore[arg-type]
        args = [arg for sid in streams for arg in ("--stream", sid)]
        out, err = _stop(cli_env, server.base_url, *args, *(["--json"] if as_json else []))
    assert len(server.requests) == len(streams)
    assert server.requests[0].headers["authorization"] == f"Basic {BASIC}"  # it was sent
    for text in (out, err):
        assert TOKEN not in text and BASIC not in text, text
    if not (handler is _echo_success and len(streams) > 1 and not as_json):  # prints no fields
        assert "****" in out + err  # masked, not dropped: the user sees something was echoed
    history = Path(cli_env["STREAMTUI_STATE_DIR"], "history.jsonl").read_text()
    assert TOKEN not in history and BASIC not in history


def test_mask_covers_the_token_its_url_form_and_basic_auth() -> None:
    token = "PTtok/with+chars0123456789"
    remember_token(token)
    remember_basic_auth("user", token)
    basic = base64.b64encode(f"user:{token}".encode()).decode()
    text = mask(f"a {token} b PTtok%2Fwith%2Bchars0123456789 c {basic}")
    assert token not in text and basic not in text and "%2Fwith" not in text
    assert clean(f"x{token}") == "x****6789"
