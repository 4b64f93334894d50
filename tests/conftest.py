"""Shared fixtures."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from streamtui.emulator import DEMO_API_TOKEN, DEMO_PROJECT_ID, Emulator
from tests.support.secret_service import SecretService
from tests.support.secret_service import secret_service as secret_service_session

# Hypothesis fails an example that takes longer than its deadline (200 ms), and a test whose
# inputs are slow to generate: wall-clock bounds, which a loaded machine breaks with no fault of
# the code. The suite proves behaviour; speed is measured in tests/benchmarks.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# A suite started in the background by a script (`pytest &`) inherits SIGINT ignored, and every
# streamtui it starts would too: the tests that press ctrl+c (send SIGINT) need it as a terminal
# has it. Python's own handler in the test process is reset to the default in each child.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# The suite mostly waits (on a TUI's timers, a subprocess, a socket, a Retry-After), so a core
# has room for a second worker: `-n auto` (addopts) runs two per core.
WORKERS_PER_CORE = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """The worker count of `-n auto`; PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return WORKERS_PER_CORE * (cores or 1)


@pytest.fixture(autouse=True)
def no_terminal_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output goes to a pipe, as in CI: no COLUMNS or LINES from the developer's shell or from a
    test runner's worker (pytest-xdist sets 80x24) narrows the tables the CLI prints. A test of
    a narrow terminal sets them itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started emulator with the demo data on a free loopback port; stopped afterwards.

    Fails the test if the emulator hit a bug of its own (it answered a 500 with a traceback).
    """
    with Emulator() as emu:
        yield emu
        assert not emu.errors, "emulator internal errors:\n" + "\n".join(emu.errors)


@pytest.fixture
def secret_service() -> Iterator[SecretService]:
    """A real gnome-keyring in a private D-Bus session, unlocked, with a throw-away HOME.

    The test process's environment points at it for the test's duration (keyring reads
    DBUS_SESSION_BUS_ADDRESS at each call). Missing packages fail the test: never a skip.
    """
    with secret_service_session() as service, pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name not in service.env:
                patch.delenv(name)
        for name, value in service.env.items():
            patch.setenv(name, value)
        yield service


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment with no credentials, config or state of the developer's: HOME, config and
    state in tmp_path; no keyring backend at all unless a test brings one."""
    for name in (
        "SIGNALWIRE_SPACE",
        "SIGNALWIRE_SPACE_URL",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
        "SIGNALWIRE_TOKEN",
        "STREAMTUI_BASE_URL",
        "DBUS_SESSION_BUS_ADDRESS",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "STREAMTUI_ALLOW_INSECURE_KEYRING",
    ):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    values = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "STREAMTUI_CONFIG": str(tmp_path / "config" / "config.toml"),
        "STREAMTUI_STATE_DIR": str(tmp_path / "state"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)


@pytest.fixture
def env(isolated_env: dict[str, str], emulator: Emulator) -> dict[str, str]:
    """`isolated_env` with complete credentials for the emulator in the SIGNALWIRE_* variables,
    for running `streamtui` commands against it (a test file may define its own `env`)."""
    return {
        **isolated_env,
        "STREAMTUI_BASE_URL": emulator.base_url,
        "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
        "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
    }
