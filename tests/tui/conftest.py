"""Fixtures for the TUI tests: a demo-like session on a fixed-clock emulator, an app factory, and
helpers to drive and read the app the way a user at an 80x24 terminal would.

Every test gets its own emulator (loopback, latency 0 unless the test sets it), its own config and
state folder under tmp_path, and the demo token in memory: no keyring, no user files.
"""

from __future__ import annotations

import functools
import html
import io
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from streamtui.api import RetryPolicy
from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.config import Profile, save_profile
from streamtui.demo import NoKeyring, seed_demo_config
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_PROJECT_ID,
    DEMO_SPACE,
    Emulator,
    Fault,
    RecordedRequest,
)
from streamtui.paths import atomic_write
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill
from tests.support import textual_internals
from tests.support.textual_internals import (
    key_event,
    render_all_layers,
    rendered_strips,
    wait_for_screen,
)

SIZE = (80, 24)
FIXED_NOW = datetime(2025, 3, 4, 16, 0, 0, tzinfo=UTC)
API = "/api/laml/2010-04-01"


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff between retries is a fixed 50 ms (the schedule itself is unit-tested elsewhere);
    Retry-After is still honoured as sent."""
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, retry_number: 0.05)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator with the demo data, a frozen clock and no latency."""
    with Emulator(clock=fixed_clock) as emulator:
        yield emulator
        assert not emulator.errors, "emulator internal errors:\n" + "\n".join(emulator.errors)


class HeldAnswers:
    """The emulator's answers on one route ("stop", "list", ...) wait, once the request is
    received and recorded, until the test lets them go: one with `let_one_go()`, or all of
    them, the later ones included, with `release()`.

    A request stays in flight exactly as long as the test needs to act on it. A fixed latency
    does not: on a loaded machine the app may handle the test's keys only after it ran out.
    No answer waits longer than MAX_SECONDS, so a failing test cannot keep the emulator busy."""

    MAX_SECONDS = 30.0

    def __init__(self, emu: Emulator, monkeypatch: pytest.MonkeyPatch, route: str) -> None:
        self._changed = threading.Condition()
        self._released = False
        self._permits = 0
        take = emu.faults.take  # asked, for each request, which queued fault it gets

        def take_when_let_go(kind: str) -> Fault | None:
            if kind == route:
                self._wait_to_go()
            return take(kind)

        monkeypatch.setattr(emu.faults, "take", take_when_let_go)

    def _wait_to_go(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._released or self._permits > 0, self.MAX_SECONDS)
            if not self._released and self._permits > 0:
                self._permits -= 1

    def let_one_go(self) -> None:
        with self._changed:
            self._permits += 1
            self._changed.notify_all()

    def release(self) -> None:
        with self._changed:
            self._released = True
            self._changed.notify_all()


Hold = Callable[[str], HeldAnswers]


@pytest.fixture
def hold(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """`hold("stop")`: from now on the emulator answers stops only when the test lets them go
    (see HeldAnswers). Whatever is still held is let go when the test ends."""
    holds: list[HeldAnswers] = []

    def start(route: str) -> HeldAnswers:
        holds.append(HeldAnswers(emu, monkeypatch, route))
        return holds[-1]

    yield start
    for held in holds:
        held.release()


@functools.cache
def demo_config() -> bytes:
    """The file `seed_demo_config` writes, seeded once per test process: it is the same every
    time, and seeding it takes a few dozen locked, validated, durable saves."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        seed_demo_config(path)
        return path.read_bytes()


def build_session(
    root: Path,
    base_url: str,
    *,
    token: str = DEMO_API_TOKEN,
    production: bool = False,
    demo: bool = True,
    state_dir: Path | None = None,
) -> Session:
    """What `demo_session()` builds, in `root`, pointed at `base_url`."""
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / "config.toml"
    atomic_write(config_path, demo_config())
    if production:
        save_profile(
            config_path,
            Profile(name="prod", space=DEMO_SPACE, project_id=DEMO_PROJECT_ID, production=True),
            make_default=True,
        )
    session = Session.open(
        config_path=config_path,
        state_dir=state_dir if state_dir is not None else root / "state",
        base_url=base_url,
        env={},
    )
    session.demo = demo
    session.session_token = Secret(token)
    session.store = NoKeyring()
    return session


SessionFactory = Callable[..., Session]
AppFactory = Callable[..., StreamTuiApp]


@pytest.fixture
def make_session(tmp_path: Path, emu: Emulator) -> SessionFactory:
    counter = iter(range(1000))

    def factory(**kwargs: Any) -> Session:
        base_url = kwargs.pop("base_url", None) or emu.base_url
        return build_session(tmp_path / f"s{next(counter)}", base_url, **kwargs)

    return factory


@pytest.fixture
def session(make_session: SessionFactory) -> Session:
    return make_session()


@pytest.fixture
def make_app(session: Session) -> AppFactory:
    """`make_app(Prefill(...), timeout=..., session=..., clock=...)`: the app as `streamtui
    --demo` runs it (a test that reads the time hands it a FakeClock)."""

    def factory(
        prefill: Prefill | None = None,
        *,
        timeout: float = 30.0,
        session: Session = session,
        clock: Clock = SYSTEM_CLOCK,
    ) -> StreamTuiApp:
        return StreamTuiApp(session, prefill or Prefill(), timeout=timeout, clock=clock)

    return factory


# -- driving ----------------------------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages, callbacks and every worker run to their end."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], *, timeout: float = 10.0, what: str = ""
) -> None:
    """Poll (letting the app run) until `predicate()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` into the focused widget, one key per character, as a quick typist does: the
    app handles the keys one by one, in order, then everything they started settles.

    (`Pilot.press` would wait for the app to look idle after every key: a fifth of a second per
    character, with nothing more proven.)"""
    for character in text:
        pilot.app.post_message(key_event(character))
    await wait_for_screen(pilot)
    await pilot.pause()
    await wait_for_screen(pilot)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """A terminal's bracketed paste: the app forwards it to the focused widget."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def freeze_cursors(app: StreamTuiApp) -> None:
    """No blinking cursor in snapshots: every input of every screen stops blinking."""
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


def screen_lines(app: StreamTuiApp) -> list[str]:
    """The text of the top screen as it is drawn, one string per terminal row."""
    return [strip.text for strip in rendered_strips(app.screen)]


def screen_text(app: StreamTuiApp) -> str:
    return "\n".join(screen_lines(app))


_SVG_TEXT = re.compile(
    r'<text [^>]*x="([0-9.]+)"[^>]*'
    r'clip-path="url\(#terminal-(?:\d+-)?line-(\d+)\)"[^>]*>(.*?)</text>',
    re.S,
)


def svg_lines(svg: str, char_width: float = 12.2) -> list[str]:
    """The rows of an exported SVG screenshot as text (Rich writes one <text> per run)."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, text in _SVG_TEXT.findall(svg):
        rows.setdefault(int(line), {})[round(float(x) / char_width)] = html.unescape(text)
    lines = []
    for number in sorted(rows):
        chars: list[str] = []
        for column, text in sorted(rows[number].items()):
            chars.extend(" " * (column - len(chars)))
            chars[column : column + len(text)] = text
        lines.append("".join(chars).replace("\xa0", " "))
    return lines


def svg_text(app: StreamTuiApp) -> str:
    """Everything on screen (all layers) as the terminal shows it, via a recording console."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(render_all_layers(app))
    return console.export_text(styles=False)


# -- the emulator's side ----------------------------------------------------------------------


def stop_requests(emu: Emulator) -> list[RecordedRequest]:
    return [r for r in emu.requests if r.method == "POST" and "/Streams/" in r.path]


def stop_path(conference: str, stream: str, account: str = DEMO_ACCOUNT_SID) -> str:
    return f"{API}/Accounts/{account}/Conferences/{conference}/Streams/{stream}"


# -- reading the app --------------------------------------------------------------------------


def current_panel(app: StreamTuiApp) -> str | None:
    from textual.widgets import ContentSwitcher

    return app.main.query_one("#panels", ContentSwitcher).current


def notifications(app: StreamTuiApp) -> list[str]:
    """The messages of the toasts raised so far (still listed while they show)."""
    return [n.message for n in textual_internals.notifications(app)]


def static_text(app: StreamTuiApp, selector: str) -> str:
    """The plain text of a Static anywhere on the top screen (or the main screen)."""
    from textual.css.query import NoMatches
    from textual.widgets import Static

    try:
        widget = app.screen.query_one(selector, Static)
    except NoMatches:
        widget = app.main.query_one(selector, Static)
    return str(widget.visual)
