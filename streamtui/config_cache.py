"""The validated config, cached in the state folder: with 10,000 saved entries, a launch (TUI,
`stop`, `auth`) neither reparses the TOML nor keeps the parse's memory.

`tomllib` takes ~160 ms over such a file, and the entries the TUI keeps end up scattered among the
freed parse tree, so the allocator cannot give that memory back: the idle TUI stays ~5 MiB larger.
The cache holds the already-validated values in `marshal` form (standard library; it loads
10,000 entries in ~2 ms into compact memory, and a parent's SID stays one string shared by all
its entries). After a parse, the config is rebuilt from the cache's bytes, so the first launch is
as compact as the next ones.

The config file is always the truth. The cache is keyed by the file's path, size, mtime and the
CRC-32 of its bytes, so any edit (by hand, by another streamtui, by a tool that keeps the mtime)
is a miss and the file is parsed as before. The cache file is private (0600, in the 0700 state
folder) and checked (magic, CRC of its contents, shape) before use; a cache that is missing,
stale, damaged or cannot be written is ignored.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from pathlib import Path

from streamtui import __version__
from streamtui.config import KINDS, Config, Entry, Profile, SavedTarget
from streamtui.paths import atomic_write

CACHE_NAME = "config-cache.bin"
_MAGIC = b"streamtui config cache 1\n"
_CRC = 4  # bytes of the payload's CRC-32 after the magic

Key = tuple[str, int, int, int, str, tuple[int, int]]
Columns = tuple[list[str], list[str], list[str | None]]


def key_of(path: Path, data: bytes) -> Key:
    """What the cache must match: this file, with exactly these bytes, read by this streamtui
    (whose validation rules and field order made the cache) on this Python."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = -1
    return (
        str(path.absolute()),
        len(data),
        mtime,
        zlib.crc32(data),
        __version__,
        sys.version_info[:2],
    )


def dumps(key: Key, config: Config) -> bytes:
    """The cache file's bytes for `config` (a valid one: read-only configs are not cached)."""
    profiles = tuple(
        (p.name, p.space, p.project_id, p.base_url, p.production, p.confirm)
        for p in config.profiles.values()
    )
    entries = tuple(_columns(config.entries(kind)) for kind in KINDS)
    targets = tuple((t.label, t.account, t.conference, t.stream) for t in config.targets)
    payload = marshal.dumps((key, config.default_profile, profiles, entries, targets))
    return _MAGIC + zlib.crc32(payload).to_bytes(_CRC, "big") + payload


def loads(blob: bytes, key: Key, path: Path) -> Config | None:
    """The config in `blob` if it is intact and made for `key`; None otherwise."""
    if not blob.startswith(_MAGIC):
        return None
    start = len(_MAGIC) + _CRC
    payload = memoryview(blob)[start:]
    if zlib.crc32(payload) != int.from_bytes(blob[len(_MAGIC) : start], "big"):
        return None
    try:
        # Our own file, in the private state folder, CRC-checked above; only plain data in it.
        cached_key, default, profiles, entries, targets = marshal.loads(payload)  # noqa: S302
        if cached_key != key:
            return None
        accounts, conferences, streams = (
            _entries(kind, *columns) for kind, columns in zip(KINDS, entries, strict=True)
        )
        by_name = {values[0]: Profile(*values) for values in profiles}
        if default is not None and default not in by_name:
            return None
        return Config(
            path,
            default,
            by_name,
            accounts,
            conferences,
            streams,
            [SavedTarget(*values) for values in targets],
        )
    except (EOFError, ValueError, TypeError, IndexError, KeyError):  # not a cache of ours
        return None


def read(directory: Path) -> bytes | None:
    with contextlib.suppress(OSError):
        return (directory / CACHE_NAME).read_bytes()
    return None


def write(directory: Path, blob: bytes) -> None:
    """Best effort: a state folder that cannot be written only costs the next launch a parse."""
    with contextlib.suppress(OSError):
        atomic_write(directory / CACHE_NAME, blob, durable=False)


def _columns(entries: list[Entry]) -> Columns:
    return (
        [entry.sid for entry in entries],
        [entry.label for entry in entries],
        [entry.parent for entry in entries],
    )


def _entries(
    kind: str, sids: list[str], labels: list[str], parents: list[str | None]
) -> list[Entry]:
    if not len(sids) == len(labels) == len(parents):
        raise ValueError("columns of different lengths")
    return [
        Entry(kind, sid, label, parent)  # type: ignore[arg-type]
        for sid, label, parent in zip(sids, labels, parents, strict=True)
    ]
