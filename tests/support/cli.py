"""Running the installed `streamtui` console script as a user would, for the CLI tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
