"""Most-recently-used order and the last target, in `state_dir()/state.json`.

This is a convenience, so it lives apart from the hand-edited config (it changes on every stop and
would churn the user's file) and it fails soft: a corrupt, unreadable or unwritable state file is
ignored, and the reason kept in `StateStore.problem`, because losing the order of a list must never
stop anyone from stopping a stream. Writes are merged like the config's (lock, re-read, change,
atomic write), so two instances keep each other's entries.

A folder someone else owns or can write in is neither read nor written (its state could prefill
the TUI with a target of their choosing); the file is never followed through a symlink; values
are kept only when they have the expected type and range, whatever the file holds.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from streamtui.paths import (
    Folder,
    atomic_write,
    file_lock,
    folder_problem,
    open_folder,
    read_capped,
    state_dir,
)

STATE_NAME = "state.json"
KINDS = ("account", "conference", "stream")
MRU_CAP = 500
LOCK_TIMEOUT = 2.0
MAX_FILE = 4 << 20  # bytes: 1,500 recent entries take a tenth of this
LATEST_STAMP = 253_402_214_400.0  # 9999-12-31, the last day a date can show in any zone
_VERSION = 1

State = dict[str, Any]


def _empty() -> State:
    return {"version": _VERSION, "recent": {kind: {} for kind in KINDS}, "last_target": None}


def _sanitized(data: object) -> State:
    """Keep what has the expected shape and drop the rest: the file may be from anywhere."""
    state = _empty()
    if not isinstance(data, dict):
        return state
    recent = data.get("recent")
    if isinstance(recent, dict):
        for kind in KINDS:
            stamps = recent.get(kind)
            if isinstance(stamps, dict):
                state["recent"][kind] = {
                    sid: float(when)
                    for sid, when in stamps.items()
                    if isinstance(sid, str) and sid and _is_stamp(when)
                }
    last = data.get("last_target")
    if isinstance(last, dict):
        values = [last.get(kind) for kind in KINDS]
        if all(isinstance(value, str) and value for value in values):
            state["last_target"] = dict(zip(KINDS, values, strict=True))
    return state


def _is_stamp(when: object) -> bool:
    """A time this app could have written: a finite number of seconds from 1970 to year 9999
    (a 400-digit integer does not even fit a float)."""
    if isinstance(when, bool) or not isinstance(when, int | float):
        return False
    if isinstance(when, int):
        return 0 <= when <= LATEST_STAMP
    return math.isfinite(when) and 0 <= when <= LATEST_STAMP


def _capped(stamps: dict[str, float], cap: int) -> dict[str, float]:
    if len(stamps) <= cap:
        return stamps
    return dict(sorted(stamps.items(), key=lambda item: item[1], reverse=True)[:cap])


class StateStore:
    """Reads and merges `state.json` in `directory` (default: `state_dir()`)."""

    def __init__(self, directory: Path | None = None, *, cap: int = MRU_CAP) -> None:
        self.directory = directory if directory is not None else state_dir()
        self.path = self.directory / STATE_NAME
        self.cap = cap
        self.problem: str | None = None

    def check_folder(self) -> str | None:
        """Why nothing will be saved in the state folder (history included), with the fix; also
        kept in `problem`. None when the folder is the user's alone or does not exist yet."""
        problem = folder_problem(self.directory)
        if problem:
            self.problem = f"History and recent targets are not saved: {problem}"
        return self.problem if problem else None

    def _load(self) -> State:
        try:
            with open_folder(self.directory, create=False, trusted=True) as folder:
                return self._load_from(folder)
        except FileNotFoundError:
            return _empty()
        except OSError as exc:  # includes a folder someone else can write
            self.problem = f"cannot read {self.path}: {exc.strerror or exc}"
            return _empty()

    def _load_from(self, folder: Folder) -> State:
        """The state in the open folder; raises OSError (FileNotFoundError when there is none)."""
        fd = folder.open(STATE_NAME, os.O_RDONLY)
        try:
            raw = read_capped(fd, MAX_FILE)
        finally:
            os.close(fd)
        if raw is None:
            self.problem = f"{self.path} is over {MAX_FILE >> 20} MiB; it was ignored"
            return _empty()
        try:
            return _sanitized(json.loads(raw))
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
            self.problem = f"{self.path} is corrupt; it will be rewritten"
            return _empty()

    def _update(self, change: Callable[[State], None]) -> bool:
        """Re-read under the lock, change, write atomically; False (and `problem`) on failure."""
        try:
            with (
                open_folder(self.directory, trusted=True) as folder,
                file_lock(self.path, timeout=LOCK_TIMEOUT, folder=folder),
            ):
                try:
                    state = self._load_from(folder)
                except FileNotFoundError:
                    state = _empty()
                change(state)
                for kind in KINDS:
                    state["recent"][kind] = _capped(state["recent"][kind], self.cap)
                data = json.dumps(state, indent=1).encode("utf-8")
                atomic_write(self.path, data, folder=folder)
        except OSError as exc:  # includes the lock's timeout and an untrusted folder
            self.problem = f"cannot save {self.path}: {exc.strerror or exc}"
            return False
        return True

    def remember(self, targets: Sequence[tuple[str, str, str]], when: float | None = None) -> bool:
        """Record stops of (account, conference, stream): all three used, the last one the last
        target. One locked write for all of them (a batch of 1,000 is one write, not 4,000)."""
        if not targets:
            return True
        stamp = time.time() if when is None else when

        def change(state: State) -> None:
            for target in targets:
                for kind, sid in zip(KINDS, target, strict=True):
                    stamps = state["recent"][kind]
                    stamps[sid] = max(stamp, stamps.get(sid, stamp))
            account, conference, stream = targets[-1]
            state["last_target"] = {"account": account, "conference": conference, "stream": stream}

        return self._update(change)

    def recent(self, kind: str) -> dict[str, float]:
        """SID -> when it was last used (seconds since the epoch); empty if unknown."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return dict(self._load()["recent"][kind])

    def last_target(self) -> tuple[str, str, str] | None:
        """(account, conference, stream) of the last stop, to prefill the TUI."""
        last = self._load()["last_target"]
        if last is None:
            return None
        return last["account"], last["conference"], last["stream"]
