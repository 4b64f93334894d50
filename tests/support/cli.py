"""Running the installed `streamtui` console script as a user would, for the CLI tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STREAMTUI = str(Path(sys.executable).with_name("streamtui"))


def run_streamtui(
    args: Sequence[str],
    env: dict[str, str],
    *,
    input: str | None = None,
    timeout: float = 30,
    secrets: Iterable[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run `streamtui ARGS`; whatever happens, no traceback and none of `secrets` in the output."""
    result = subprocess.run(
        [STREAMTUI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
    )
    assert "Traceback" not in result.stderr, result.stderr
    for secret in secrets:
        assert secret not in result.stdout, result.stdout
        assert secret not in result.stderr, result.stderr
    return result


def timed_streamtui(
    args: Sequence[str], env: dict[str, str], **options: Any
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`run_streamtui`, and how long the run took beyond start-up: its wall time less that of
    `streamtui --version` run just before in the same environment (`startup_seconds`). A bound
    on the work then does not count a loaded machine's slow start."""
    startup = startup_seconds(env)
    started = time.monotonic()
    result = run_streamtui(args, env, **options)
    return result, max(0.0, time.monotonic() - started - startup)


def startup_seconds(env: dict[str, str]) -> float:
    """Wall time of `streamtui --version` in `env`, now: what any run pays before its work."""
    started = time.monotonic()
    run_streamtui(["--version"], env)
    return time.monotonic() - started


@contextmanager
def spawned(args: Sequence[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`streamtui ARGS` running in the background; killed if the test leaves it running."""
    with subprocess.Popen(
        [STREAMTUI, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
