"""Before/after PNGs of issue 11's findings and issue 12's 16-colour screens.

Run the same script with each checkout's own venv (its editable install decides which code is
imported, whatever PYTHONPATH says), e.g. `.venv/bin/python screenshots/findings.py --prefix after`
here and `<checkout of 8dd01d4>/.venv/bin/python screenshots/findings.py --prefix before`. It drives
the real app at 80x24 with keys only, against an emulator on loopback, with keyring's "no backend"
(what an SSH session without D-Bus gets). Needs `rsvg-convert` (librsvg2-bin).
Where the two versions differ (where focus starts, which screen opens), the steps look at the
screen by name or widget id instead of importing what only one version has.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from make import to_png  # this folder's own converter (the script's folder is on sys.path)
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.pilot import Pilot

from streamtui.config import Profile, save_profile
from streamtui.demo import seed_demo_config
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill

FULL = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
Steps = Callable[[Pilot[Any]], Awaitable[None]]


class SixteenColourApp(StreamTuiApp):
    """What a 16-colour terminal (TERM=xterm, PuTTY) shows: every colour of the screenshot is
    brought down to the nearest of the 16 (Textual's own screenshots are in true colour)."""

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        console = Console(
            width=self.size.width,
            height=self.size.height,
            file=io.StringIO(),
            force_terminal=True,
            color_system="truecolor",
            record=True,
            legacy_windows=False,
            safe_box=False,
        )
        console.print(
            self.screen._compositor.render_update(full=True, screen_stack=self._background_screens)
        )
        buffer = console._record_buffer
        for index, segment in enumerate(buffer):
            style = segment.style
            if style is not None:
                colour, background = style.color, style.bgcolor
                style += Style(
                    color=colour and colour.downgrade(ColorSystem.STANDARD),
                    bgcolor=background and background.downgrade(ColorSystem.STANDARD),
                )
            buffer[index] = Segment(segment.text, style, segment.control)
        return console.export_svg(title=title or self.title)


# -- sessions ----------------------------------------------------------------------------------


def bare_session(root: Path, base_url: str) -> Session:
    """Nothing set up: an empty config, no environment, no keyring (see main)."""
    session = Session.open(
        config_path=root / "config.toml", state_dir=root / "state", base_url=base_url, env={}
    )
    return session


def saved_session(
    root: Path, base_url: str, *, token: bool = True, space: str = "", production: bool = False
) -> Session:
    """The demo's saved profile and SIDs (or a profile for `space`), not in demo mode."""
    config = root / "config.toml"
    seed_demo_config(config)
    if space or production:
        profile = Profile(space or "prod", space or "demo", DEMO_PROJECT_ID, production=production)
        save_profile(config, profile, make_default=True)
    session = Session.open(config_path=config, state_dir=root / "state", base_url=base_url, env={})
    session.session_token = Secret(DEMO_API_TOKEN) if token else None
    return session


# -- driving -----------------------------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)


async def focus(pilot: Pilot[Any], widget_id: str) -> None:
    """Tab until `widget_id` has the focus (the two versions start focus in different places)."""
    for _ in range(12):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
        await pilot.pause()
    raise RuntimeError(f"could not tab to #{widget_id}")


def on_screen(pilot: Pilot[Any], name: str) -> bool:
    return type(pilot.app.screen).__name__ == name


async def stop_and_wait(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    if on_screen(pilot, "ConfirmStopScreen"):
        await pilot.press("y")
        await settle(pilot)


async def enter_credentials(pilot: Pilot[Any]) -> None:
    await pilot.press("f8")
    await settle(pilot)
    await focus(pilot, "cred-space")
    await pilot.press(*"acme", "tab", *DEMO_PROJECT_ID, "tab", *DEMO_API_TOKEN)
    await focus(pilot, "cred-session")
    await pilot.press("enter")
    await settle(pilot)


async def first_run_header(pilot: Pilot[Any]) -> None:
    await enter_credentials(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def first_run_stop(pilot: Pilot[Any]) -> None:
    await first_run_header(pilot)
    await stop_and_wait(pilot)


async def stale_result(pilot: Pilot[Any]) -> None:
    await stop_and_wait(pilot)
    await focus(pilot, "input-stream")
    await pilot.press(*DEMO_RECORDING_STREAM_SID)
    await settle(pilot)


async def stream_picker(pilot: Pilot[Any]) -> None:
    await focus(pilot, "input-stream")
    await pilot.press("f2")
    await settle(pilot)


async def stream_picker_all(pilot: Pilot[Any]) -> None:
    """F2 a second time: the new picker widens to every saved stream."""
    await stream_picker(pilot)
    await keys(pilot, "f2")


async def strict_code(code: str, pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press(*code, "enter")
    await settle(pilot)


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    await settle(pilot)
    await pilot.press(*pressed)
    await settle(pilot)


# -- the shots: name -> (how the session is made, prefill, steps, 16 colours) -------------------

Shot = tuple[Callable[[Path, str], Session], Prefill, Steps, bool]
SHOTS: dict[str, Shot] = {
    "11-1-first-run": (bare_session, FULL, enter_credentials, False),
    "11-1-first-run-header": (bare_session, FULL, first_run_header, False),
    "11-1-first-run-stop": (bare_session, FULL, first_run_stop, False),
    "11-2-missing-credentials-ctrl-s": (
        lambda root, url: saved_session(root, url, token=False),
        FULL,
        lambda pilot: keys(pilot, "ctrl+s"),
        False,
    ),
    "11-2-missing-credentials": (
        lambda root, url: saved_session(root, url, token=False),
        FULL,
        stop_and_wait,
        False,
    ),
    "11-3-stale-result": (saved_session, FULL, stale_result, False),
    "11-4-header-base-url": (
        lambda root, url: saved_session(root, url, space="acme"),
        FULL,
        settle,
        False,
    ),
    "11-4-confirmation-base-url": (
        lambda root, url: saved_session(root, url, space="acme"),
        FULL,
        lambda pilot: keys(pilot, "ctrl+s"),
        False,
    ),
    "11-5-stream-picker": (
        saved_session,
        Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, ""),
        stream_picker,
        False,
    ),
    "11-5-stream-picker-all": (
        saved_session,
        Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, ""),
        stream_picker_all,
        False,
    ),
    "11-6-strict-upper-case": (
        lambda root, url: saved_session(root, url, production=True),
        Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_RECORDING_STREAM_SID),
        lambda pilot: strict_code("1A36", pilot),
        False,
    ),
    "11-6-strict-wrong-code": (
        lambda root, url: saved_session(root, url, production=True),
        Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_RECORDING_STREAM_SID),
        lambda pilot: strict_code("9999", pilot),
        False,
    ),
    "12-16-colours-main": (saved_session, Prefill(), settle, True),
    "12-16-colours-result": (saved_session, FULL, stop_and_wait, True),
    "12-16-colours-picker": (
        saved_session,
        Prefill(conference=DEMO_CONFERENCE_SID),
        lambda pilot: keys(pilot, "f2"),
        True,
    ),
    "12-16-colours-batch-list": (
        saved_session,
        Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""),
        lambda pilot: keys(pilot, "f5", "space", "down", "space", "down"),
        True,
    ),
    "12-16-colours-batch-confirmation": (
        saved_session,
        Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""),
        lambda pilot: keys(pilot, "f5", "space", "down", "space", "tab", "ctrl+s"),
        True,
    ),
}


async def shoot(name: str, shot: Shot, svg_dir: Path, emu: Emulator) -> Path:
    make_session, prefill, steps, sixteen = shot
    with tempfile.TemporaryDirectory() as root:
        session = make_session(Path(root), emu.base_url)
        app = (SixteenColourApp if sixteen else StreamTuiApp)(session, prefill)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await steps(pilot)
            for widget in app.screen.query("Input"):
                widget.cursor_blink = False  # type: ignore[attr-defined]
            await pilot.pause()
            return Path(app.save_screenshot(f"{name}.svg", str(svg_dir)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "findings")
    parser.add_argument("--prefix", choices=["before", "after"], required=True)
    parser.add_argument("--only", help="make only the shots whose name contains this")
    args = parser.parse_args()
    converter = shutil.which("rsvg-convert")
    if converter is None:
        parser.error("rsvg-convert not found (apt-get install librsvg2-bin)")
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["USER"] = os.environ["LOGNAME"] = "oncall"  # the header's user@host
    # what keyring finds over SSH with no D-Bus session: no Secret Service, so its fail backend
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    with tempfile.TemporaryDirectory() as svg_dir:
        for name, shot in SHOTS.items():
            if args.only and args.only not in name:
                continue
            with Emulator() as emu:
                svg = asyncio.run(shoot(name, shot, Path(svg_dir), emu))
            png = args.out / f"{name}-{args.prefix}.png"
            to_png(converter, svg, png)
            print("wrote", png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
