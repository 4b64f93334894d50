"""How the interpreter runs while `streamtui` starts: tuned for the launch, then put back.

Between `begin()` (the command starts) and `end()` (a CLI command has imported what it needs, or
the TUI has painted its first screen):

- the cyclic garbage collector is paused: imports allocate tens of thousands of objects and free
  almost none, so every collection meanwhile is wasted work (~10 ms of a ~150 ms TUI launch);
- the thread switch interval is 0.5 ms instead of 5 ms: Textual hands each frame to a writer
  thread, and while the main thread goes on with the work that follows the first paint, that
  thread would wait up to the whole interval for the GIL before the frame reaches the terminal.

`end()` restores both, and does nothing the second time.
"""

from __future__ import annotations

import gc
import sys

LAUNCH_SWITCH_INTERVAL = 0.0005

_restore: tuple[bool, float] | None = None


def begin() -> None:
    global _restore
    if _restore is None:
        _restore = (gc.isenabled(), sys.getswitchinterval())
        gc.disable()
        sys.setswitchinterval(LAUNCH_SWITCH_INTERVAL)


def end() -> None:
    global _restore
    if _restore is not None:
        collecting, interval = _restore
        _restore = None
        sys.setswitchinterval(interval)
        if collecting:
            gc.enable()


def launching() -> bool:
    """Whether `begin()` is in effect (for tests)."""
    return _restore is not None
