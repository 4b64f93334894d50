"""The argument parser of the contract (shared/CONTRACT.md). Building it imports nothing heavy:
the emulator's options are defined here, so that `streamtui stop` never imports the emulator."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from streamtui import __version__

if TYPE_CHECKING:
    from streamtui.emulator.faults import Fault

EXIT_CODES = """exit codes (stop, auth):
  0 stopped
  2 invalid input, usage or missing credentials (nothing sent)
  3 authentication failed (401/403)
  4 not found (404)
  5 rejected (400/422)
  6 network error, timeout, 429 or 5xx after retries, unreadable response
  130 interrupted"""

ENVIRONMENT = """environment (used when no option or profile says otherwise):
  SIGNALWIRE_SPACE       space, such as acme or acme.signalwire.com
  SIGNALWIRE_PROJECT_ID  project ID (a UUID)
  SIGNALWIRE_API_TOKEN   API token (instead of the OS keyring)
  STREAMTUI_BASE_URL     API base URL (the local emulator, for example)
  STREAMTUI_CONFIG       config file

A stream value of only hex digits and dashes that is not a valid SID is
refused as a mistyped SID; write name:VALUE to mean a stream name."""


def _given(text: str) -> str:
    """A value given explicitly must say something: `--account ''` (a runbook's unset variable)
    is a mistake to report, never a quiet "use the default"."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "is empty: give a value, or leave the option out to use the default"
        )
    return text


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError("must be from 1 to 16")
    return value


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--profile/--config/--base-url, accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--profile",
        type=_given,
        metavar="NAME",
        default=default,
        help="profile in the config file (default: default_profile)",
    )
    parser.add_argument(
        "--config",
        type=_given,
        metavar="PATH",
        default=default,
        help="config file (default: $STREAMTUI_CONFIG or the user config dir)",
    )
    parser.add_argument(
        "--base-url",
        type=_given,
        metavar="URL",
        default=default,
        help="API base URL instead of https://{space}.signalwire.com (plain http only to loopback)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole parser: every subcommand with its options."""
    parser = argparse.ArgumentParser(
        prog="streamtui",
        description="Stop a runaway SignalWire conference media stream.\n"
        "Without a command, opens the TUI.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"streamtui {__version__}")
    _common(parser, suppress=False)
    parser.add_argument("--account", type=_given, metavar="SID", help="prefill the account SID")
    parser.add_argument(
        "--conference", type=_given, metavar="SID", help="prefill the conference SID"
    )
    parser.add_argument(
        "--stream", type=_given, metavar="SID_OR_NAME", help="prefill the stream SID or name"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against the built-in emulator with demo data; touches neither "
        "your keyring nor your config",
    )
    parser.add_argument(
        "--mouse",
        action="store_true",
        help="enable mouse support (off by default: it costs bandwidth over SSH)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, configure) in COMMANDS.items():
        configure(commands.add_parser(name, help=summary))
    return parser


def _stop(stop: argparse.ArgumentParser) -> None:
    stop.description = "Send Status=stopped to conference streams and print the result."
    stop.epilog = f"{ENVIRONMENT}\n\n{EXIT_CODES}"
    stop.formatter_class = argparse.RawDescriptionHelpFormatter
    _common(stop, suppress=True)
    stop.add_argument(
        "--account",
        type=_given,
        metavar="SID",
        help="AccountSid (default: the project ID, which is SignalWire's AccountSid)",
    )
    aim = stop.add_mutually_exclusive_group(required=True)
    aim.add_argument("--conference", metavar="SID", help="ConferenceSid (UUID)")
    aim.add_argument(
        "--target", type=_given, metavar="LABEL", help="a saved target's label (any case)"
    )
    stop.add_argument(
        "--stream",
        metavar="SID_OR_NAME",
        action="append",
        default=[],
        help="stream SID or name (name:VALUE for a name that looks like a SID); "
        "repeat it to stop several",
    )
    stop.add_argument(
        "--streams-from",
        type=_given,
        metavar="FILE",
        help="read stream SIDs or names, one per line, from FILE ('-' for stdin)",
    )
    stop.add_argument(
        "--concurrency",
        metavar="N",
        type=_concurrency,
        default=None,
        help="parallel requests for several streams (default 4, at most 16)",
    )
    stop.add_argument(
        "--json",
        action="store_true",
        help="print the API's JSON object (one per line for several streams)",
    )
    stop.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=30.0,
        help="bound on the whole command, all attempts included (default 30)",
    )
    stop.add_argument(
        "--dry-run",
        action="store_true",
        help="print the exact request (token masked) and send nothing",
    )


def _start(start: argparse.ArgumentParser) -> None:
    start.description = (
        "Create a conference stream (to undo a wrong stop), from flags or from a\nsaved "
        "stream's definition."
    )
    start.epilog = EXIT_CODES
    start.formatter_class = argparse.RawDescriptionHelpFormatter
    _common(start, suppress=True)
    start.add_argument(
        "--account", type=_given, metavar="SID", help="AccountSid (default: project ID)"
    )
    aim = start.add_mutually_exclusive_group(required=True)
    aim.add_argument("--conference", type=_given, metavar="SID", help="ConferenceSid (UUID)")
    aim.add_argument("--target", type=_given, metavar="LABEL", help="a saved target's label")
    start.add_argument("--url", type=_given, metavar="WSS_URL", help="the WebSocket (wss:// only)")
    start.add_argument("--name", type=_given, metavar="NAME", help="the new stream's name")
    start.add_argument(
        "--track", type=_given, metavar="T", help="inbound_track, outbound_track, both_tracks"
    )
    start.add_argument(
        "--codec", type=_given, metavar="C", help="PCMU, PCMA, L16, L16@16000h, L16@24000h"
    )
    start.add_argument(
        "--stream", type=_given, metavar="SAVED", help="a saved stream (SID, name or label)"
    )
    start.add_argument("--json", action="store_true", help="print the API's JSON object")
    start.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=30.0,
        help="bound on the whole command",
    )
    start.add_argument("--dry-run", action="store_true", help="print the request; send nothing")


def _auth(auth: argparse.ArgumentParser) -> None:
    auth_commands = auth.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
    login = auth_commands.add_parser("login", help="check the credentials and store the token")
    _common(login, suppress=True)
    login.add_argument(
        "--space", type=_given, metavar="SPACE", help="'acme' or 'acme.signalwire.com'"
    )
    login.add_argument("--project-id", type=_given, metavar="ID", help="the project ID (a UUID)")
    login.add_argument("--with-token", action="store_true", help="read the token from stdin")
    login.add_argument(
        "--no-verify",
        action="store_true",
        help="store without checking the credentials against the API",
    )
    login.add_argument(
        "--profile-only",
        action="store_true",
        help="save the space and project ID only, no token (no keyring, e.g. over SSH)",
    )
    login.add_argument(
        "--production",
        action="store_true",
        help="mark the profile as production (stricter confirmation in the TUI)",
    )
    for name, text in (
        ("status", "say where the credentials come from (token masked)"),
        ("logout", "delete the token from the OS keyring"),
    ):
        sub = auth_commands.add_parser(name, help=text)
        _common(sub, suppress=True)


def _history(history: argparse.ArgumentParser) -> None:
    _common(history, suppress=True)
    history.add_argument("--json", action="store_true", help="one JSON record per line")
    history.add_argument(
        "--limit",
        metavar="N",
        type=int,
        default=20,
        help="the N most recent records (default 20; 0 for all)",
    )


def _config(config: argparse.ArgumentParser) -> None:
    _common(config, suppress=True)
    config.add_argument("action", choices=["path"], help="path: print the config file's path")


def _fault(text: str) -> Fault:
    from streamtui.emulator.faults import Fault  # only when a fault is given: it is the emulator

    try:
        return Fault.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds >= 0")
    return value


def emulator_options(parser: argparse.ArgumentParser) -> None:
    """The emulator's options, for `streamtui emulator` and `python -m streamtui.emulator`."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to listen on (default 127.0.0.1); other addresses are refused",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: pick a free one)")
    parser.add_argument(
        "--latency",
        type=_non_negative,
        default=0.0,
        metavar="SECONDS",
        help="delay every API response by this much",
    )
    parser.add_argument(
        "--fault",
        action="append",
        type=_fault,
        default=[],
        metavar="FAULT",
        help="queue a one-shot fault for the next API request (repeatable, in order): an HTTP "
        "status such as 503, 429[:SECONDS], html502, malformed, empty, drop, delay:SECONDS; "
        "append @stop to hit only stop requests",
    )
    parser.add_argument(
        "--rate-limit-every",
        type=int,
        default=0,
        metavar="N",
        help="answer every N-th stop request with 429 and Retry-After: 1",
    )
    parser.add_argument(
        "--no-demo-data",
        action="store_true",
        help="start empty, without the demo account, conferences and streams",
    )


def _emulator(emulator: argparse.ArgumentParser) -> None:
    emulator.description = (
        "Run a local emulator of the SignalWire endpoints streamtui uses, with demo "
        "data and fault injection."
    )
    emulator_options(emulator)


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "stop": ("stop one or more conference streams", _stop),
    "start": ("create a conference stream again (undo a wrong stop)", _start),
    "auth": ("store, show or delete credentials (OS keyring)", _auth),
    "history": ("print the audit log of stop attempts", _history),
    "config": ("show where the config file is", _config),
    "emulator": ("run the local SignalWire-compatible emulator", _emulator),
}
