"""SIGTERM and SIGHUP (an SSH disconnect) end a command the way ctrl+c does, so the paths that
record what was sent run for them too. Python's default for both is to die on the spot."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

Result = TypeVar("Result")
NAMES = ("SIGTERM", "SIGHUP")


def _numbers() -> list[int]:
    return [getattr(signal, name) for name in NAMES if hasattr(signal, name)]


def end_like_ctrl_c() -> None:
    """Outside the event loop: the signal raises KeyboardInterrupt, as ctrl+c does."""
    for number in _numbers():
        signal.signal(number, signal.default_int_handler)


def run_to_the_end(main: Coroutine[Any, Any, Result]) -> Result:
    """`asyncio.run`, with SIGTERM and SIGHUP handled as asyncio handles ctrl+c: the main task is
    cancelled at its next await, so a flow's clean-up (one record per stream) runs whole, and
    KeyboardInterrupt is raised after it. Raised as KeyboardInterrupt at any point of the event
    loop instead, a signal could cut that clean-up short."""

    async def guarded() -> Result:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        for number in _numbers():
            loop.add_signal_handler(number, task.cancel)
        try:
            return await main
        finally:
            for number in _numbers():
                loop.remove_signal_handler(number)
            end_like_ctrl_c()

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None
