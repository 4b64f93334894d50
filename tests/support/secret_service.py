"""A real freedesktop Secret Service for tests: gnome-keyring in a private D-Bus session.

The project's own version of shared/recipes/with-secret-service.sh, so that a clone of the repo
can run the keyring tests: HOME and XDG dirs point into a throw-away folder, DISPLAY is hidden so an
unlock prompt fails fast instead of hanging, and the daemons are killed at the end.

Missing packages are a test *failure*, not a skip: CI must install gnome-keyring and dbus-x11.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "ci-keyring-password"
SECRETS_NAME = "org.freedesktop.secrets"


class SecretServiceUnavailable(RuntimeError):
    pass


@dataclass
class SecretService:
    """A running private session: `env` is what a process needs to use it."""

    home: Path
    env: dict[str, str]
    bus_pid: int
    keyring_pid: int

    def lock(self) -> None:
        """Lock every collection (what a screen lock or a timeout does to a real keyring)."""
        subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                f"--dest={SECRETS_NAME}",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=10,
        )

    def unlock(self) -> None:
        subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--replace", "--components=secrets"],
            input=PASSWORD.encode(),
            env=self.env,
            check=True,
            capture_output=True,
            timeout=10,
        )
        self.keyring_pid = _wait_for_owner(self.env)


def _require(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        raise SecretServiceUnavailable(
            f"{', '.join(missing)} not found: install the Debian packages gnome-keyring and "
            "dbus-x11 (the keyring tests need a real Secret Service; see README)."
        )


def _owner_pid(env: Mapping[str, str]) -> int | None:
    out = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            f"string:{SECRETS_NAME}",
        ],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=5,
    )
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["uint32"]:
            return int(parts[1])
    return None


def _wait_for_owner(env: Mapping[str, str], seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid = _owner_pid(env)
        if pid:
            return pid
        time.sleep(0.02)
    raise SecretServiceUnavailable("gnome-keyring-daemon did not appear on the private bus")


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(40):
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split()[2] == "Z":
                    return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def secret_service(*, unlocked: bool = True) -> Iterator[SecretService]:
    """Start a private bus and gnome-keyring; `unlocked=False` leaves no usable collection."""
    _require("dbus-daemon", "dbus-send", "gnome-keyring-daemon")
    root = Path(tempfile.mkdtemp(prefix="streamtui-secret-service."))
    home, run = root / "home", root / "run"
    home.mkdir(mode=0o700)
    run.mkdir(mode=0o700)
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "DBUS_SESSION_BUS_ADDRESS",
            "PYTHON_KEYRING_BACKEND",
            "SIGNALWIRE_API_TOKEN",
            "SIGNALWIRE_TOKEN",
            "SIGNALWIRE_SPACE",
            "SIGNALWIRE_PROJECT_ID",
            "SIGNALWIRE_SPACE_URL",
            "STREAMTUI_CONFIG",
            "STREAMTUI_STATE_DIR",
            "STREAMTUI_BASE_URL",
        }
    }
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(run),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"),
    )
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    address, pid_text = bus.stdout.split()[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    service = SecretService(home=home, env=env, bus_pid=int(pid_text), keyring_pid=0)
    try:
        args = ["gnome-keyring-daemon", "--components=secrets"]
        if unlocked:
            args.insert(1, "--unlock")
        else:
            args.insert(1, "--start")
        subprocess.run(
            args,
            input=PASSWORD.encode() if unlocked else b"",
            env=env,
            capture_output=True,
            timeout=10,
            check=True,
        )
        service.keyring_pid = _wait_for_owner(env)
        yield service
    finally:
        if service.keyring_pid:
            _kill(service.keyring_pid)
        _kill(service.bus_pid)
        shutil.rmtree(root, ignore_errors=True)
