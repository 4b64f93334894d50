"""Where streamtui keeps its files, and how it writes them without ever leaving half a file.

The config is hand-edited and the state and history are private, so every folder is created 0700
and every file written 0600. A write goes to a temporary file in the same folder, is fsynced, then
renamed over the old one: a crash (even `kill -9`) leaves the old file or the new, never a mix.

Files are opened, renamed and removed relative to an open descriptor of their folder, never
following a symlink, and only regular files are used: a link planted at `history.jsonl` cannot
make streamtui write through it, and a FIFO cannot make it hang. The state folder is used only
when it is the user's alone (`trusted_folder`). platformdirs and filelock are imported only when
used: `streamtui stop` must start fast.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import stat
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


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_LINK_ERRNOS = (errno.ELOOP, errno.EMLINK)  # what O_NOFOLLOW meets a symlink with (Linux, BSD)


class Folder:
    """An open folder: its files are opened, renamed and removed relative to it.

    Where the platform has no descriptors for folders (Windows) `fd` is None and full paths
    are used instead."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    def _name(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        """Open `name` without following a symlink; anything but a regular file is refused.

        Non-blocking, so a FIFO planted there cannot hang the open. Raises OSError."""
        try:
            fd = os.open(self._name(name), flags | _OPEN_FLAGS, mode, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in _LINK_ERRNOS:
                raise _refused(self.path / name, "is a symbolic link") from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise _refused(self.path / name, "is not a regular file (a folder, pipe or device)")
        return fd

    def replace(self, source: str, destination: str) -> None:
        """Rename within the folder; a symlink is moved as a link, never followed."""
        os.replace(
            self._name(source), self._name(destination), src_dir_fd=self.fd, dst_dir_fd=self.fd
        )

    def unlink(self, name: str) -> None:
        os.unlink(self._name(name), dir_fd=self.fd)

    def size(self, name: str) -> int | None:
        """The size of `name` (a link's own), or None when there is no such file."""
        try:
            return os.stat(self._name(name), dir_fd=self.fd, follow_symlinks=False).st_size
        except FileNotFoundError:
            return None

    def fsync(self) -> None:
        """Make a rename durable (a no-op where folders cannot be fsynced)."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.fd)


def _refused(path: Path, what: str) -> PermissionError:
    message = f"{path} {what}, so streamtui does not use it: move it away"
    return PermissionError(errno.EPERM, message)


@contextlib.contextmanager
def open_folder(path: Path, *, create: bool = True, trusted: bool = False) -> Iterator[Folder]:
    """The folder `path` (created 0700 if missing, unless `create` is False), opened.

    With `trusted`, raises PermissionError unless it belongs to the user and no one else can
    write in it (see `folder_problem`). Raises OSError."""
    if create:
        ensure_private_dir(path)
    if not hasattr(os, "O_DIRECTORY") or os.open not in os.supports_dir_fd:  # pragma: no cover
        yield Folder(path, None)
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        problem = folder_problem(path, os.fstat(fd)) if trusted else None
        if problem:
            raise PermissionError(errno.EPERM, problem)
        yield Folder(path, fd)
    finally:
        os.close(fd)


def _user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def folder_problem(path: Path, info: os.stat_result | None = None) -> str | None:
    """Why the folder is not the user's alone (its owner, or others can write), with the fix;
    None when it is (or when the platform has no such notion)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return None
    if info is None:
        try:
            info = os.stat(path)
        except OSError:
            return None
    quoted = shlex.quote(str(path))
    if info.st_uid != os.getuid():
        return (
            f"the folder {path} belongs to another user ({_user_name(info.st_uid)}), so "
            f"streamtui writes nothing there: run chown {_user_name(os.getuid())} {quoted}, or "
            "set STREAMTUI_STATE_DIR to a folder of your own"
        )
    if info.st_mode & 0o022:
        return (
            f"the folder {path} can be written by other users, so streamtui writes nothing "
            f"there: run chmod go-w {quoted}"
        )
    return None


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float, folder: Folder | None = None) -> Iterator[None]:
    """An exclusive lock on `<path>.lock`, released even if the process is killed (flock).

    Raises `TimeoutError` when it cannot be had in time, PermissionError when the lock file is a
    symlink. POSIX flock from the standard library (importing filelock costs ~7 ms of `stop`'s
    start); filelock only where there is no fcntl. `folder` is `path`'s, when already open.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        from filelock import FileLock

        ensure_private_dir(path.parent)
        with FileLock(f"{path}.lock", timeout=timeout, mode=0o600):
            yield
        return
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = stack.enter_context(open_folder(path.parent))
        fd = folder.open(f"{path.name}.lock", os.O_RDWR | os.O_CREAT)
        stack.callback(os.close, fd)
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


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temp_files(path: Path) -> None:
    """Delete temporary files a killed writer left beside `path`. Call only under the lock."""
    for stale in path.parent.glob(f"{_temp_prefix(path)}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()  # unlink removes a link itself, never its target


def atomic_write(
    path: Path, data: bytes, *, durable: bool = True, folder: Folder | None = None
) -> None:
    """Replace `path` with `data` atomically and durably, mode 0600, in a folder made 0700.

    The temporary file is created new (O_EXCL, no symlink followed) and renamed over `path`:
    a symlink at `path` is replaced, never written through. `durable=False` skips the fsync,
    for a file that is fine to lose in a crash. `folder` is `path`'s, when already open."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = stack.enter_context(open_folder(path.parent))
        temp_name = f"{_temp_prefix(path)}{os.urandom(6).hex()}.tmp"
        fd = folder.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            try:
                os.fchmod(fd, 0o600)
                write_all(fd, data)
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
            folder.replace(temp_name, path.name)
        except BaseException:
            with contextlib.suppress(OSError):
                folder.unlink(temp_name)
            raise
        folder.fsync()


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (a write may be short)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_capped(fd: int, cap: int) -> bytes | None:
    """At most `cap` bytes from `fd`; None when there is more than that."""
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = os.read(fd, min(1 << 20, cap + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    return None
