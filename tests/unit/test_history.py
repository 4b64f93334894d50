"""The audit log: one private, durable record per attempt, rotated, and never the token."""

from __future__ import annotations

import argparse
import errno
import json
import os
import stat
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from streamtui.cli.history import run_history
from streamtui.credentials import Credentials
from streamtui.errors import NetworkError, NotFoundError, StreamTuiError, UnconfirmedStop
from streamtui.history import HISTORY_NAME, HistoryLog, build_record
from streamtui.models import ConferenceStream
from streamtui.secret import Secret
from streamtui.target import StopTarget
from tests.support.clock import FakeClock
from tests.support.records import record_attempt, report_of

TOKEN = "PTxyz-very-secret-api-token-0123456789"
PROJECT = "11111111-2222-4333-8444-555555555555"
ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
CONFERENCE = "8d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
STREAM = "c0ffee00-1234-4abc-8def-0123456789ab"


def creds(base_url: str = "https://acme.signalwire.com", space: str | None = "acme") -> Credentials:
    return Credentials(base_url, PROJECT, Secret(TOKEN), space=space, profile="prod")


def target(stream: str = STREAM) -> StopTarget:
    return StopTarget.parse(
        ACCOUNT,
        CONFERENCE,
        stream,
        stream_label="Transcriber feed",
        conference_label="Support bridge",
    )


def stopped() -> ConferenceStream:
    return ConferenceStream.from_json(
        {"sid": STREAM, "status": "stopped", "conference_sid": CONFERENCE}
    )


@pytest.fixture
def log(tmp_path: Path) -> HistoryLog:
    return HistoryLog(tmp_path / "state" / HISTORY_NAME)


def test_a_record_is_stamped_with_the_clock_it_is_given() -> None:
    clock = FakeClock(wall=datetime.fromisoformat("2031-07-09T03:14:15.926535+00:00"))
    record = build_record(creds(), report_of(target(), stopped()), clock=clock)
    assert record["time"] == "2031-07-09T03:14:15.926Z"


def test_append_and_read_newest_first(log: HistoryLog) -> None:
    for number in range(5):
        log.append({"n": number})
    assert [r["n"] for r in log.read()] == [4, 3, 2, 1, 0]
    assert [r["n"] for r in log.read(2)] == [4, 3]
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700
    assert log.path.read_text().count("\n") == 5


def test_corrupt_lines_are_skipped(log: HistoryLog) -> None:
    log.append({"n": 1})
    with log.path.open("ab") as handle:
        handle.write(b'{"n": 2, "trunc\n[1, 2]\n\xff\xfe\n\n')
    log.append({"n": 3})
    assert [r["n"] for r in log.read()] == [3, 1]


def test_existing_loose_permissions_are_tightened(log: HistoryLog) -> None:
    log.path.parent.mkdir(parents=True)
    log.path.write_text("")
    log.path.chmod(0o644)
    log.append({"n": 1})
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_rotation_keeps_three_old_files(tmp_path: Path) -> None:
    log = HistoryLog(tmp_path / HISTORY_NAME, max_bytes=200)
    for number in range(40):
        log.append({"n": number, "pad": "x" * 30})
    names = sorted(
        p.name
        for p in tmp_path.iterdir()
        if p.name.startswith(HISTORY_NAME) and not p.name.endswith(".lock")
    )
    assert names == [HISTORY_NAME, f"{HISTORY_NAME}.1", f"{HISTORY_NAME}.2", f"{HISTORY_NAME}.3"]
    assert all(p.stat().st_size <= 200 for p in tmp_path.glob(f"{HISTORY_NAME}*"))
    numbers = [r["n"] for r in log.read()]
    assert numbers == list(range(39, 39 - len(numbers), -1))  # newest first, none skipped
    assert len(numbers) > 4 and numbers[-1] > 0  # the oldest were rotated away
    assert [r["n"] for r in log.read(3)] == [39, 38, 37]


def test_success_record(log: HistoryLog) -> None:
    answered = replace(stopped(), http_status=200, request_id="req-ok-1", attempts=2)
    record_attempt(creds(), target(), answered, 0.2504, log=log)
    (record,) = log.read()
    assert record["outcome"] == "stopped" and record["status"] == "stopped"
    # What the server said of a success is kept too: status, request id, attempts.
    assert (record["http_status"], record["request_id"], record["attempts"]) == (
        200,
        "req-ok-1",
        2,
    )
    assert record["profile"] == "prod" and record["space"] == "acme"
    assert (record["account"], record["conference"], record["stream"]) == (
        ACCOUNT,
        CONFERENCE,
        STREAM,
    )
    assert record["stream_is_name"] is False
    assert record["stream_label"] == "Transcriber feed"
    assert record["conference_label"] == "Support bridge" and record["account_label"] is None
    assert record["duration_ms"] == 250
    assert record["code"] is None and record["message"] is None
    assert record["user"] and record["host"]
    when = datetime.fromisoformat(record["time"])
    assert when.utcoffset() == timedelta(0) and record["time"].endswith("Z")
    assert set(record) >= {
        "time",
        "user",
        "host",
        "profile",
        "space",
        "account",
        "conference",
        "stream",
        "stream_is_name",
        "account_label",
        "conference_label",
        "stream_label",
        "outcome",
        "status",
        "http_status",
        "code",
        "request_id",
        "message",
        "attempts",
        "duration_ms",
    }


def test_error_record(log: HistoryLog) -> None:
    error = NotFoundError(
        "The requested resource was not found",
        status=404,
        code=20404,
        request_id="req-123",
        attempts=1,
    )
    record_attempt(creds(), target("my feed"), error, 1.0, log=log)
    (record,) = log.read()
    assert record["outcome"] == "failed" and record["status"] is None
    assert (record["http_status"], record["code"], record["request_id"]) == (404, 20404, "req-123")
    assert record["message"] == "The requested resource was not found"
    assert record["attempts"] == 1
    assert record["stream"] == "my feed" and record["stream_is_name"] is True
    record_attempt(creds(), target(), NetworkError("timed out", attempts=3), 30.0, log=log)
    assert log.read(1)[0]["outcome"] == "failed"
    assert log.read(1)[0]["attempts"] == 3


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("cancelled", "cancelled"),
        ("interrupted", "interrupted"),
        (UnconfirmedStop("the API answered 200 but says in-progress", status=200), "unconfirmed"),
    ],
)
def test_other_outcomes(log: HistoryLog, outcome: object, expected: str) -> None:
    record_attempt(creds(), target(), outcome, 0.0, log=log)  # type: ignore[arg-type]
    assert log.read(1)[0]["outcome"] == expected


def test_base_url_host_replaces_the_space(log: HistoryLog) -> None:
    record_attempt(creds("http://127.0.0.1:8099", space="acme"), target(), stopped(), 0, log=log)
    record_attempt(creds("https://sw.example.com", space=None), target(), stopped(), 0, log=log)
    assert [r["space"] for r in log.read()] == ["sw.example.com", "127.0.0.1:8099"]


def test_the_token_is_never_written(log: HistoryLog) -> None:
    echoed = NotFoundError(
        f"bad credentials {TOKEN}", status=401, request_id=f"id-{TOKEN}", code=TOKEN
    )
    record_attempt(creds(), target(), echoed, 0.1, log=log)
    record_attempt(creds(), target(), stopped(), 0.1, log=log)
    record_attempt(creds(), target(), StreamTuiError(TOKEN), 0.1, log=log)
    content = log.path.read_bytes()
    assert TOKEN.encode() not in content
    assert TOKEN[4:20].encode() not in content
    assert b"****" in content
    assert TOKEN not in json.dumps(build_record(creds(), report_of(target(), echoed)))


def test_a_failing_history_never_raises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    broken = HistoryLog(blocker / "state" / HISTORY_NAME)
    record_attempt(creds(), target(), stopped(), 0.1, log=broken)
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and err.count("\n") == 1
    assert TOKEN not in err


def test_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAMTUI_STATE_DIR", str(tmp_path))
    assert HistoryLog().path == tmp_path / HISTORY_NAME
    record_attempt(creds(), target(), stopped(), 0.1)
    assert (tmp_path / HISTORY_NAME).exists()


# `streamtui history` ---------------------------------------------------------------------------


@pytest.fixture
def history_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HistoryLog:
    monkeypatch.setenv("STREAMTUI_STATE_DIR", str(tmp_path))
    return HistoryLog()


def test_history_command_table(history_dir: HistoryLog, capsys: pytest.CaptureFixture[str]) -> None:
    record_attempt(creds(), target(), stopped(), 0.1)
    # Server-supplied text (a request ID here) may hold terminal escape sequences.
    record_attempt(
        creds(),
        target(),
        NotFoundError("nope", status=404, code=20404, request_id="rq-9\x1b]52;c;aGk=\x07\x1b[2J"),
        0.1,
    )
    assert run_history(argparse.Namespace(json=False, limit=20)) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "TIME",
        "OUTCOME",
        "STREAM",
        "CONFERENCE",
        "HTTP",
        "CODE",
        "REQUEST",
        "ID",
    ]
    assert "failed" in lines[1] and "404" in lines[1] and "20404" in lines[1]
    assert "rq-9" in lines[1] and "stopped" in lines[2]
    assert "\x1b" not in out and "\x07" not in out
    assert CONFERENCE in lines[2] and "Transcriber feed" in lines[2]
    local = datetime.fromisoformat(history_dir.read(1)[0]["time"]).astimezone()
    assert lines[1].startswith(local.strftime("%Y-%m-%d %H:%M:%S"))


def test_history_command_json_and_limit(
    history_dir: HistoryLog, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(3):
        record_attempt(creds(), target(f"feed {number}"), stopped(), 0.1)
    assert run_history(argparse.Namespace(json=True, limit=2)) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["stream"] for r in records] == ["feed 2", "feed 1"]
    assert run_history(argparse.Namespace(json=True, limit=0)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert run_history(argparse.Namespace(json=True, limit=-1)) == 2


def test_history_command_when_empty(
    history_dir: HistoryLog, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_history(argparse.Namespace(json=False, limit=20)) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "No stop attempts" in captured.err


# A full disk and huge server texts ---------------------------------------------------------------


def test_a_partial_write_never_costs_a_later_record(
    log: HistoryLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills half-way through a record; the next one, written once there is space
    again, must not be glued onto the half line and lost."""
    log.append({"n": 1})
    real_write = os.write

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        written = real_write(fd, bytes(data[: len(data) // 2]))
        assert written > 0
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError):
        log.append({"n": 2, "pad": "x" * 100})
    monkeypatch.setattr(os, "write", real_write)
    log.append({"n": 3})
    assert [r["n"] for r in log.read()] == [3, 1]
    assert log.skipped == 0


def test_a_line_cut_by_a_crash_is_closed_before_the_next_record(log: HistoryLog) -> None:
    log.append({"n": 1})
    with log.path.open("ab") as handle:  # what a kill -9 in the middle of a write leaves
        handle.write(b'{"n": 2, "outcome": "sto')
    log.append({"n": 3})
    assert [r["n"] for r in log.read()] == [3, 1]
    assert log.skipped == 1


def test_one_record_is_bounded(log: HistoryLog) -> None:
    huge = "server says: " + "é\x1b" * 500_000
    error = NotFoundError(huge, status=404, code=huge, request_id=huge)
    record_attempt(creds(), target("Night feed"), error, 0.1, log=log)
    size = log.path.stat().st_size
    assert size <= 8 * 1024
    (record,) = log.read()
    assert record["message"].startswith("server says: é") and record["message"].endswith("…")
    assert len(record["message"]) <= 1000
    assert record["http_status"] == 404 and record["outcome"]
    assert record["stream"] == "Night feed"  # short values are kept whole


def test_four_huge_server_errors_do_not_rotate_the_history_away(log: HistoryLog) -> None:
    for number in range(10):
        record_attempt(creds(), target(f"feed {number}"), stopped(), 0.1, log=log)
    for number in range(4):
        message = f"error {number} " + "x" * (1 << 20)
        record_attempt(creds(), target(), NotFoundError(message, status=500), 0.1, log=log)
    records = log.read()
    assert len(records) == 14
    assert [r["stream"] for r in records[4:]] == [f"feed {n}" for n in range(9, -1, -1)]


def test_reading_never_raises_the_f7_screen_reads_it_too(tmp_path: Path) -> None:
    (tmp_path / HISTORY_NAME).mkdir()
    (tmp_path / f"{HISTORY_NAME}.1").write_text('{"n": 1}\n')
    log = HistoryLog(tmp_path / HISTORY_NAME)
    assert log.read() == [{"n": 1}]
    assert log.problem is not None and str(tmp_path / HISTORY_NAME) in log.problem
    blocker = tmp_path / "file"
    blocker.write_text("")
    in_a_file = HistoryLog(blocker / HISTORY_NAME)
    assert in_a_file.read() == [] and in_a_file.problem is not None


def test_history_command_warns_about_a_folder_others_can_write(
    history_dir: HistoryLog, capsys: pytest.CaptureFixture[str]
) -> None:
    record_attempt(creds(), target(), stopped(), 0.1)
    history_dir.path.parent.chmod(0o777)
    assert run_history(argparse.Namespace(json=False, limit=20)) == 0
    captured = capsys.readouterr()
    assert "stopped" in captured.out
    assert f"chmod go-w {history_dir.path.parent}" in captured.err
