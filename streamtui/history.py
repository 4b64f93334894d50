"""The audit log: one JSON line per stop attempt, in `state_dir()/history.jsonl`.

Stopping a stream cuts someone's transcription or recording; when that is questioned later, the
log says who stopped what, from where, and what the API answered (with the request ID support
asks for). Each record is flushed and fsynced as it is written, so a crash right after a stop
still leaves its line. The file is private (0600 in a 0700 folder), never holds the token, and is
rotated at 1 MiB (`history.jsonl.1` to `.3`). Writing it must never turn a successful stop into a
failure: `flows.stop.Recorder` only warns.

An audit log must not lose records to what happens around it: one record is at most MAX_RECORD
bytes (a server's megabyte of error text is cut, so it cannot rotate earlier records away), and a
write the disk cut short is truncated off again, so the next record starts on a line of its own.
Reading skips (and counts) lines that are not records instead of failing on them.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.credentials import Credentials
from streamtui.outcome import Outcome, StopReport
from streamtui.paths import Folder, file_lock, open_folder, read_capped, state_dir, write_all
from streamtui.redact import mask

HISTORY_NAME = "history.jsonl"
MAX_BYTES = 1 << 20
KEEP = 3
LOCK_TIMEOUT = 2.0
MAX_FIELD = 1000  # characters of one text field: a server's error text is cut, not kept whole
MAX_RECORD = 4096  # bytes of one record's line, so rotation keeps history, not one error
READ_CAP = 64 << 20  # bytes read of one file: more than any rotated file holds
_MAX_DEPTH = 4  # records are flat; a deeply nested line is not one of ours
_MASK = "****"


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: max(length - 1, 0)] + "…"


def _capped(value: object) -> object:
    """One field, at most MAX_FIELD characters; a huge number or a nested value becomes text."""
    if isinstance(value, str):
        return _cut(value, MAX_FIELD)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1 << 63:
        return _cut(str(value) if value.bit_length() < 10_000 else "(huge number)", MAX_FIELD)
    if isinstance(value, dict | list | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return value if len(text) <= MAX_FIELD else _cut(text, MAX_FIELD)
    return value


def _encoded(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(dict(record), ensure_ascii=False, separators=(",", ":")) + "\n").encode(
        "utf-8"
    )


def bounded_line(record: Mapping[str, Any]) -> bytes:
    """The record as one JSON line of at most MAX_RECORD bytes: every field capped, then the
    longest text halved until the line fits. Raises ValueError for a record that cannot fit
    (or TypeError for one JSON cannot hold)."""
    fields = {str(key): _capped(value) for key, value in record.items()}
    line = _encoded(fields)
    while len(line) > MAX_RECORD:
        texts = {key: value for key, value in fields.items() if isinstance(value, str)}
        longest = max(texts, key=lambda key: len(texts[key]), default=None)
        if longest is None or len(texts[longest]) <= 16:
            raise ValueError(f"a record of {len(line)} bytes is too large for the history")
        fields[longest] = _cut(texts[longest], len(texts[longest]) // 2)
        line = _encoded(fields)
    return line


def _shallow(value: object, depth: int = 0) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_shallow(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return all(_shallow(item, depth + 1) for item in value)
    return True


def parse_line(line: bytes) -> dict[str, Any] | None:
    """One record, or None for a line that is not one (cut short, not JSON, nested too deep)."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) and _shallow(record) else None


class HistoryLog:
    """Append-only JSONL file with size-based rotation; `read` gives the newest records first.

    The folder must be the user's alone, and no file in it is a symlink (see paths.open_folder):
    otherwise nothing is written, and `append` raises OSError saying why and how to fix it."""

    def __init__(
        self, path: Path | None = None, *, max_bytes: int = MAX_BYTES, keep: int = KEEP
    ) -> None:
        self.path = path if path is not None else state_dir() / HISTORY_NAME
        self.max_bytes = max_bytes
        self.keep = keep
        self.skipped = 0  # lines the last `read` could not use
        self.problem: str | None = None  # why the last `read` left a file out

    def _rotated(self, number: int) -> str:
        return f"{self.path.name}.{number}"

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record durably, bounded in size. Raises OSError (or ValueError/TypeError
        for a record that cannot be written)."""
        line = bounded_line(record)
        with (
            open_folder(self.path.parent, trusted=True) as folder,
            file_lock(self.path, timeout=LOCK_TIMEOUT, folder=folder),
        ):
            self._rotate(folder, len(line))
            fd = folder.open(self.path.name, os.O_RDWR | os.O_APPEND | os.O_CREAT)
            try:
                info = os.fstat(fd)
                if info.st_mode & 0o077:
                    os.fchmod(fd, 0o600)
                _append_line(fd, info.st_size, line)
            finally:
                os.close(fd)

    def _rotate(self, folder: Folder, incoming: int) -> None:
        """history.jsonl -> .1 -> .2 ...; the oldest beyond `keep` is deleted. Under the lock.

        Renames move a symlink as a link and unlink removes the link: nothing is followed."""
        size = folder.size(self.path.name)
        if not size or size + incoming <= self.max_bytes:
            return
        if self.keep < 1:
            folder.unlink(self.path.name)
            return
        with contextlib.suppress(FileNotFoundError):
            folder.unlink(self._rotated(self.keep))
        for number in range(self.keep - 1, 0, -1):
            with contextlib.suppress(FileNotFoundError):
                folder.replace(self._rotated(number), self._rotated(number + 1))
        folder.replace(self.path.name, self._rotated(1))

    def read(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The newest records first, across rotated files. Never raises: lines that are not
        records are skipped and counted in `skipped`; a file that cannot be read safely (a
        symlink, a folder, a FIFO, no permission) is skipped and said in `problem`."""
        self.skipped = 0
        self.problem = None
        records: list[dict[str, Any]] = []
        try:
            with open_folder(self.path.parent, create=False) as folder:
                for number in range(self.keep + 1):
                    name = self._rotated(number) if number else self.path.name
                    if self._read_file(folder, name, records, limit):
                        break
        except FileNotFoundError:  # no folder yet: nothing was ever recorded
            pass
        except OSError as exc:
            self.problem = f"cannot read the history {self.path}: {exc.strerror or exc}"
        return records

    def _read_file(
        self, folder: Folder, name: str, records: list[dict[str, Any]], limit: int | None
    ) -> bool:
        """Add the records of one file, newest first; True once `limit` is reached."""
        try:
            fd = folder.open(name, os.O_RDONLY)
            try:
                lines = _tail(fd).splitlines()
            finally:
                os.close(fd)
        except FileNotFoundError:
            return False
        except OSError as exc:
            self.problem = self.problem or f"cannot read {folder.path / name}: {exc.strerror}"
            return False
        for line in reversed(lines):
            record = parse_line(line)
            if record is None:
                self.skipped += bool(line.strip())
                continue
            records.append(record)
            if limit is not None and len(records) >= limit:
                return True
        return False


def _append_line(fd: int, size: int, line: bytes) -> None:
    """Append `line` on a line of its own. A failed or partial write is cut off again, and a
    line an earlier crash left unfinished is closed first: neither ever costs this record."""
    if size:
        os.lseek(fd, size - 1, os.SEEK_SET)
        if os.read(fd, 1) != b"\n":
            line = b"\n" + line
    try:
        write_all(fd, line)
        os.fsync(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
        raise


def _tail(fd: int) -> bytes:
    """The file's text, or its last READ_CAP bytes from the first whole line."""
    size = os.fstat(fd).st_size
    if size <= READ_CAP:
        return read_capped(fd, READ_CAP) or b""
    os.lseek(fd, size - READ_CAP, os.SEEK_SET)
    data = read_capped(fd, READ_CAP) or b""
    return data[data.find(b"\n") + 1 :]


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry, as in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _when(now: datetime) -> str:
    """The record's time: UTC, to the millisecond, written with a Z."""
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _answer(report: StopReport) -> dict[str, Any]:
    """What the API answered, from the result or the error: status, code, request id, tries."""
    source: object = report.error if report.error is not None else report.result
    status = getattr(source, "status", None) if report.error is not None else None
    http_status = getattr(source, "http_status", None) if report.error is None else status
    code = getattr(report.error, "code", None)
    request_id = getattr(source, "request_id", None)
    attempts = getattr(source, "attempts", None)
    message = getattr(report.error, "message", None)
    return {
        "status": report.result.status if report.result is not None else None,
        "http_status": http_status if isinstance(http_status, int) else None,
        "code": code if isinstance(code, int | str) else None,
        "request_id": request_id if isinstance(request_id, str) else None,
        "message": message if isinstance(message, str) else None,
        "attempts": attempts if isinstance(attempts, int) else None,
    }


def build_record(
    creds: Credentials, report: StopReport, *, clock: Clock = SYSTEM_CLOCK
) -> dict[str, Any]:
    """The record of one stop (or start), at `clock`'s time; any text that could hold the token
    has it masked.

    A start adds `report.extra`: `name`, and `undoes`/`undoes_time`, the stream and the time
    of the stop record it undoes."""
    target = report.target
    on_space = creds.space is not None and creds.where == f"{creds.space}.signalwire.com"
    outcome = report.outcome if report.outcome is not None else Outcome.INTERRUPTED
    record: dict[str, Any] = {
        "time": _when(clock.now()),
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
        "outcome": outcome.value,
        **_answer(report),
        "duration_ms": round(report.duration * 1000),
        **report.extra,
    }
    for key, value in record.items():  # defence in depth: an echoed token never reaches the file
        if isinstance(value, str):
            record[key] = mask(value)
    return record
