"""The `streamtui` command. Parses arguments and dispatches; the TUI is imported only to launch it.

`streamtui stop` never imports Textual (tests/unit/test_cli_imports.py proves it).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from streamtui.cli.parser import build_parser
from streamtui.errors import StreamTuiError


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(emulator_options="emulator" in arguments)
    args = parser.parse_args(arguments)
    try:
        if args.command == "stop":
            from streamtui.cli.stop import run_stop

            return run_stop(args)
        if args.command == "emulator":
            from streamtui.emulator.command import run as run_emulator

            return run_emulator(args)
        if args.command == "auth":
            from streamtui.cli.auth import run_auth

            return run_auth(args)
        if args.command == "history":
            from streamtui.cli.history import run_history

            return run_history(args)
        if args.command == "config":
            from streamtui.cli.config import run_config

            return run_config(args)
        from streamtui.cli.launch import run_tui

        return run_tui(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except StreamTuiError as exc:
        from streamtui.cli.output import fail  # only on failure: success paths start faster

        return fail(exc)
    except BrokenPipeError:
        # `streamtui history | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
