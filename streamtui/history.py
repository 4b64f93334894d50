"""The audit log: one JSON line per stop attempt, in `state_dir()/history.jsonl`.

Stopping a stream cuts someone's transcription or recording; when that is questioned later, the
log says who stopped what, from where, and what the API answered (with the request ID support
asks for). Each record is flushed and fsynced as it is written, so a crash right after a stop
still leaves its line. The file is private (0600 in a 0700 folder), never holds the token, and is
rotated at 1 MiB (`history.jsonl.1` to `.3`). Writing it must never turn a successful stop into a
failure: `record_attempt` only warns.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamtui.credentials import Credentials
from streamtui.models import ConferenceStream
from streamtui.paths import ensure_private_dir, file_lock, state_dir
from streamtui.target import StopTarget

HISTORY_NAME = "history.jsonl"
MAX_BYTES = 1 << 20
KEEP = 3
LOCK_TIMEOUT = 2.0
_MASK = "****"


class HistoryLog:
    """Append-only JSONL file with size-based rotation; `read` gives the newest records first."""

    def __init__(
        self, path: Path | None = None, *, max_bytes: int = MAX_BYTES, keep: int = KEEP
    ) -> None:
        self.path = path if path is not None else state_dir() / HISTORY_NAME
        self.max_bytes = max_bytes
        self.keep = keep

    def _rotated(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{number}")

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record durably. Raises OSError (or TypeError for a record JSON can't hold)."""
        line = (json.dumps(dict(record), ensure_ascii=False, separators=(",", ":")) + "\n").encode(
            "utf-8"
        )
        ensure_private_dir(self.path.parent)
        with file_lock(self.path, timeout=LOCK_TIMEOUT):
            self._rotate(len(line))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_mode & 0o077:
                    os.fchmod(fd, 0o600)
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)

    def _rotate(self, incoming: int) -> None:
        """history.jsonl -> .1 -> .2 ...; the oldest beyond `keep` is deleted. Under the lock."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes:
            return
        if self.keep < 1:
            self.path.unlink()
            return
        with contextlib.suppress(FileNotFoundError):
            self._rotated(self.keep).unlink()
        for number in range(self.keep - 1, 0, -1):
            with contextlib.suppress(FileNotFoundError):
                os.replace(self._rotated(number), self._rotated(number + 1))
        os.replace(self.path, self._rotated(1))

    def read(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The newest records first, across rotated files; lines that do not parse are skipped."""
        records: list[dict[str, Any]] = []
        for path in (self.path, *(self._rotated(n) for n in range(1, self.keep + 1))):
            try:
                lines = path.read_bytes().splitlines()
            except FileNotFoundError:
                continue
            for line in reversed(lines):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    records.append(record)
                    if limit is not None and len(records) >= limit:
                        return records
        return records


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry, as in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _outcome(outcome: ConferenceStream | BaseException | str | None) -> str:
    if isinstance(outcome, ConferenceStream):
        return "stopped"
    if isinstance(outcome, KeyboardInterrupt):
        return "interrupted"
    asyncio = sys.modules.get("asyncio")  # not imported just for this: the CLI starts fast
    if asyncio is not None and isinstance(outcome, asyncio.CancelledError):
        return "cancelled"
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    return outcome or "unknown"


def build_record(
    creds: Credentials,
    target: StopTarget,
    outcome: ConferenceStream | BaseException | str | None,
    duration: float,
) -> dict[str, Any]:
    """The record of one attempt; any text that could hold the token has it masked."""
    on_space = creds.space is not None and creds.where == f"{creds.space}.signalwire.com"
    error = outcome if isinstance(outcome, BaseException) else None
    status = getattr(error, "status", None)
    code = getattr(error, "code", None)
    request_id = getattr(error, "request_id", None)
    attempts = getattr(error, "attempts", None)
    message = getattr(error, "message", None) or (str(error) if error is not None else None)
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": _user(),
        "host": socket.gethostname(),
        "profile": creds.profile,
        "space": creds.space if on_space else creds.where,
        "account": target.account,
        "conference": target.conference,
        "stream": target.stream.value,
        "stream_is_name": target.stream.is_name,
        "account_label": target.account_label or None,
        "conference_label": target.conference_label or None,
        "stream_label": target.stream_label or None,
        "outcome": _outcome(outcome),
        "status": outcome.status if isinstance(outcome, ConferenceStream) else None,
        "http_status": status if isinstance(status, int) else None,
        "code": code if isinstance(code, int | str) else None,
        "request_id": request_id if isinstance(request_id, str) else None,
        "message": message,
        "attempts": attempts if isinstance(attempts, int) else None,
        "duration_ms": round(duration * 1000),
    }
    token = creds.token.reveal()
    if len(token) >= 4:  # defence in depth: an echoed token never reaches the file
        for key, value in record.items():
            if isinstance(value, str) and token in value:
                record[key] = value.replace(token, _MASK)
    return record


def record_attempt(
    creds: Credentials,
    target: StopTarget,
    outcome: ConferenceStream | BaseException | str | None,
    duration: float,
    *,
    log: HistoryLog | None = None,
) -> None:
    """Append the attempt to the history; on any failure print one warning line, never raise."""
    try:
        (log or HistoryLog()).append(build_record(creds, target, outcome, duration))
    except Exception as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        with contextlib.suppress(Exception):
            print(
                f"warning: the stop attempt was not written to the history ({reason})",
                file=sys.stderr,
            )
