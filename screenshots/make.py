"""Make the README's screenshots from the real app in demo mode (80x24, keyboard only).

Run: `.venv/bin/python screenshots/make.py` (needs `rsvg-convert`, Debian package librsvg2-bin,
for the PNG copies; the SVGs are written either way). The two 16-colour PNGs are converted from
the snapshot tests' SVGs: after a UI change, run `pytest tests/tui/test_snapshots.py
--snapshot-update` first.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
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


async def undo(pilot: Pilot[None]) -> None:
    """A wrong stop, then `r`: the confirmation names the stream that will be created."""
    await pick_target(pilot, "transcriber")
    await pilot.press("ctrl+s", "y")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()


async def undone(pilot: Pilot[None]) -> None:
    """...and after `y`: the new stream, with its new SID."""
    await undo(pilot)
    await pilot.press("y")
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
    "undo": undo,
    "undone": undone,
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


def to_png(converter: str, svg: Path, png: Path) -> None:
    """Convert with rsvg-convert. Textual writes each space as a no-break space, which rsvg
    drops at the start of a run, so a wrapped value would be drawn at the left edge: the copy
    it converts has plain spaces, kept as they are (xml:space)."""
    text = svg.read_text().replace("&#160;", " ").replace("<svg ", '<svg xml:space="preserve" ', 1)
    with tempfile.NamedTemporaryFile("w", suffix=".svg") as plain:
        plain.write(text)
        plain.flush()
        subprocess.run([converter, "-w", "960", plain.name, "-o", str(png)], check=True)


# 16-colour screens (TERM=xterm, PuTTY's default): the snapshot tests draw them that way
SNAPSHOTS = HERE.parent / "tests" / "tui" / "__snapshots__" / "test_snapshots"
SIXTEEN = {
    "main_result-16-colours": "test_main_result_16",
    "batch_confirmation-16-colours": ("test_batch_confirmation_16"),
}


def main() -> int:
    converter = shutil.which("rsvg-convert")
    for name, snapshot in SIXTEEN.items():
        if converter:  # regenerate the snapshots first: pytest tests/tui --snapshot-update
            to_png(converter, SNAPSHOTS / f"{snapshot}.svg", HERE / f"{name}.png")
    for name, steps in SHOTS.items():
        svg = asyncio.run(shoot(name, steps))
        if converter:
            to_png(converter, svg, svg.with_suffix(".png"))
        print(f"wrote {svg.name}{' and ' + svg.with_suffix('.png').name if converter else ''}")
    if not converter:
        print(
            "rsvg-convert not found: PNGs not made (apt-get install librsvg2-bin)", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
