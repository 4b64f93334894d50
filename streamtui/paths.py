"""Where streamtui keeps its files, and how it writes them without ever leaving half a file.

The config is hand-edited and the state and history are private, so every folder is created 0700
and every file written 0600. A write goes to a temporary file in the same folder, is fsynced, then
renamed over the old one: a crash (even `kill -9`) leaves the old file or the new, never a mix.
platformdirs and filelock are imported only when used: `streamtui stop` must start fast.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ENV_CONFIG = "STREAMTUI_CONFIG"
ENV_STATE_DIR = "STREAMTUI_STATE_DIR"
APP_NAME = "streamtui"
CONFIG_NAME = "config.toml"


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """`$STREAMTUI_CONFIG`, else `config.toml` in the platform's user config folder."""
    env = os.environ if env is None else env
    explicit = env.get(ENV_CONFIG, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / CONFIG_NAME


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$STREAMTUI_STATE_DIR`, else the platform's user state folder (MRU order, history)."""
    env = os.environ if env is None else env
    explicit = env.get(ENV_STATE_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and its parents) with mode 0700; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
    return path


def real_path(path: Path) -> Path:
    """Follow a symlink (dotfiles managers link the config) so a save replaces the target."""
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float) -> Iterator[None]:
    """An exclusive lock on `<path>.lock`, released even if the process is killed (flock).

    Raises `TimeoutError` when it cannot be had in time. POSIX flock from the standard library
    (importing filelock costs ~7 ms of `stop`'s start); filelock only where there is no fcntl.
    """
    ensure_private_dir(path.parent)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        from filelock import FileLock

        with FileLock(f"{path}.lock", timeout=timeout, mode=0o600):
            yield
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path}.lock is held by another process") from None
                time.sleep(0.005)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temp_files(path: Path) -> None:
    """Delete temporary files a killed writer left beside `path`. Call only under the lock."""
    for stale in path.parent.glob(f"{_temp_prefix(path)}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data` atomically and durably, mode 0600, in a folder made 0700.

    `durable=False` skips the fsync, for a cache that is fine to lose in a crash."""
    folder = ensure_private_dir(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable: fsync the folder that holds it (a no-op where unsupported)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
