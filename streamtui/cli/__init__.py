"""The `streamtui` command. Parses arguments and dispatches; the TUI is imported only to launch it.

`streamtui stop` never imports Textual (tests/unit/test_cli_imports.py proves it).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from streamtui.cli.parser import build_parser
from streamtui.errors import ExitCode, StreamTuiError


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(list(sys.argv[1:] if argv is None else argv))


RUNNERS = {
    "stop": ("streamtui.cli.stop", "run_stop"),
    "start": ("streamtui.cli.start", "run_start"),
    "emulator": ("streamtui.emulator.command", "run"),
    "auth": ("streamtui.cli.auth", "run_auth"),
    "history": ("streamtui.cli.history", "run_history"),
    "config": ("streamtui.cli.config", "run_config"),
    None: ("streamtui.cli.launch", "run_tui"),  # no command: the TUI
}


def _dispatch(arguments: list[str]) -> int:
    args = build_parser().parse_args(arguments)
    module, function = RUNNERS[args.command]
    try:
        run: Callable[[argparse.Namespace], int] = getattr(import_module(module), function)
        # They send requests: the TUI and emulator differ.
        if args.command in ("stop", "start", "auth"):
            from streamtui.cli.signals import end_like_ctrl_c

            end_like_ctrl_c()
        return run(args)
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print("\ninterrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except StreamTuiError as exc:
        from streamtui.cli.output import fail  # only on failure: success paths start faster

        return fail(exc)
    except BrokenPipeError:
        # `streamtui history | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return ExitCode.OK
