"""Make the README's screenshots from the real app in demo mode (80x24, keyboard only).

Run: `.venv/bin/python screenshots/make.py` (needs `rsvg-convert`, Debian package librsvg2-bin,
for the PNG copies; the SVGs are written either way).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from streamtui.demo import demo_session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill

HERE = Path(__file__).resolve().parent
Steps = Callable[[Pilot[None]], Awaitable[None]]


async def pick_target(pilot: Pilot[None], name: str) -> None:
    await pilot.press("f3")
    await pilot.pause()
    await pilot.press(*name)
    await pilot.press("enter")
    await pilot.pause()


async def main_screen(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def confirmation(pilot: Pilot[None]) -> None:
    await pick_target(pilot, "transcriber")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def stopped(pilot: Pilot[None]) -> None:
    await pick_target(pilot, "hostile")
    await pilot.press("ctrl+s", "y")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def failed(pilot: Pilot[None]) -> None:
    await pick_target(pilot, "flaky")
    await pilot.press("ctrl+s", "y")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def picker(pilot: Pilot[None]) -> None:
    await pilot.press("f3")
    await pilot.pause()
    await pilot.press(*"incident")
    await pilot.pause()


async def conferences(pilot: Pilot[None]) -> None:
    await pilot.press("f4")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def batch(pilot: Pilot[None]) -> None:
    await pick_target(pilot, "captions")
    await pilot.press("f5")
    await pilot.pause()
    await pilot.press("space", "down", "space", "down", "space", "ctrl+s")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause(2.0)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def help_screen(pilot: Pilot[None]) -> None:
    await pilot.press("f1")
    await pilot.pause()


SHOTS: dict[str, Steps] = {
    "main": main_screen,
    "confirm": confirmation,
    "stopped": stopped,
    "error": failed,
    "targets": picker,
    "conferences": conferences,
    "batch": batch,
    "help": help_screen,
}


async def shoot(name: str, steps: Steps) -> Path:
    with demo_session(latency=0.05) as session:
        app = StreamTuiApp(session, Prefill())
        async with app.run_test(size=(80, 24)) as pilot:
            await steps(pilot)
            path = app.save_screenshot(f"{name}.svg", str(HERE))
    return Path(path)


def main() -> int:
    converter = shutil.which("rsvg-convert")
    for name, steps in SHOTS.items():
        svg = asyncio.run(shoot(name, steps))
        if converter:
            png = svg.with_suffix(".png")
            subprocess.run([converter, "-w", "960", str(svg), "-o", str(png)], check=True)
        print(f"wrote {svg.name}{' and ' + svg.with_suffix('.png').name if converter else ''}")
    if not converter:
        print(
            "rsvg-convert not found: PNGs not made (apt-get install librsvg2-bin)", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
