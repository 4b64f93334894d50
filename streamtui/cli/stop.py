"""`streamtui stop`: validate, resolve credentials, send, print; exit codes of the contract.

The network stack (httpx, through `streamtui.api`) is imported only once the input is valid, in
the functions that send: a refused command answers in a fraction of the time (the README's
"Start-up" figures)."""

from __future__ import annotations

import argparse
import json
import sys

from streamtui.cli.common import base_url_of, config_path, load_profile
from streamtui.cli.output import fail, json_line, warn
from streamtui.cli.signals import run_to_the_end
from streamtui.config import Config, SavedTarget, load_config, report_problems
from streamtui.credentials import Credentials, resolve
from streamtui.errors import ExitCode, InvalidInput
from streamtui.formatting import describe_date
from streamtui.history import HistoryLog
from streamtui.models import ConferenceStream
from streamtui.outcome import Outcome, StopReport
from streamtui.redact import mask
from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.validation import validate_account_sid, validate_conference_sid, validate_stream


def read_stream_list(source: str) -> list[str]:
    """Stream SIDs or names, one per line; blank lines and `#` comments are skipped."""
    if source == "-":
        text = sys.stdin.read().removeprefix("\ufeff")
    else:
        try:
            # utf-8-sig: Notepad and PowerShell start their UTF-8 files with a byte order mark
            with open(source, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text (save it as UTF-8)"
            raise InvalidInput(f"Cannot read --streams-from {source}: {reason}.") from exc
    return [
        line
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith("#")
    ]


def print_result(result: ConferenceStream, *, as_json: bool) -> None:
    if as_json:
        print(mask(json.dumps(dict(result.raw), ensure_ascii=True)))
        return

    width = max(len(name) for name, _ in result.fields())
    for name, value in result.fields():
        shown = describe_date(value) if name == "date_updated" else value
        print(f"{name:<{width}}  {clean(shown) if shown is not None else '-'}")


def _print_dry_run(creds: Credentials, target: StopTarget) -> None:
    from streamtui.api import USER_AGENT, stream_path

    print(f"POST {creds.base_url}{stream_path(target.account, target.conference, target.stream)}")
    print(f"Authorization: Basic {creds.project_id}:{creds.token.masked()}")
    print("Content-Type: application/x-www-form-urlencoded")
    print(f"User-Agent: {USER_AGENT}")
    print()
    print("Status=stopped")
    kind = "name" if target.stream.is_name else "SID"
    print(
        f"# dry run: nothing sent (stream given by {kind}; token from "
        f"{creds.sources.get('token', '?')})",
        file=sys.stderr,
    )


def warn_about_includes(config: Config) -> None:
    """A missing or broken included file: a warning on stderr, once, never an error."""
    if config.include_problems:
        report_problems(config, warn)


def saved_target(args: argparse.Namespace) -> SavedTarget:
    """The saved target (own or included) whose label is `args.target`, compared ignoring case;
    InvalidInput naming the candidates when none or several match. Nothing is sent."""
    config = load_config(config_path(args))
    warn_about_includes(config)
    wanted = args.target.strip().casefold()
    found = [target for target in config.targets if target.label.casefold() == wanted]
    if len(found) == 1:
        return found[0]
    labels = [target.label for target in (found or config.targets)]
    if not labels:
        raise InvalidInput(
            f"No saved targets in {config.path}: add a [[targets]] block with label, account, "
            "conference and stream, or give --conference and --stream."
        )
    listed = "; ".join(clean(label) for label in labels)
    if found:
        raise InvalidInput(f"--target {clean(args.target)!r} matches several targets: {listed}.")
    raise InvalidInput(
        f"No saved target is labelled {clean(args.target)!r}. Saved targets: {listed}."
    )


def _from_target(args: argparse.Namespace) -> None:
    """Fill --account, --conference and --stream from --target; both at once is a mistake."""
    if args.stream or args.streams_from:
        raise InvalidInput("Give either --target or --stream, not both: the target names one.")
    target = saved_target(args)
    args.account = args.account or target.account
    args.conference, args.stream = target.conference, [target.stream]


def run_stop(args: argparse.Namespace) -> int:
    if args.target is not None:
        _from_target(args)
    streams: list[str] = list(args.stream)
    if args.streams_from:
        streams += read_stream_list(args.streams_from)
    if not streams:
        print("error: give at least one --stream (or --streams-from FILE)", file=sys.stderr)
        return ExitCode.INVALID
    # Validate everything before anything else: a bad value sends nothing.
    conference = validate_conference_sid(args.conference)
    account = validate_account_sid(args.account) if args.account else None
    # Each stream once: the same SID or name twice would be stopped (and reported) twice.
    refs = list(dict.fromkeys(validate_stream(value) for value in streams))
    config, profile_name, profile = load_profile(args)
    del config
    creds = resolve(base_url=base_url_of(args, profile), profile=profile, profile_name=profile_name)
    account = account or creds.project_id
    targets = [StopTarget(account, conference, ref) for ref in refs]
    if args.dry_run:
        for target in targets:
            _print_dry_run(creds, target)
        return ExitCode.OK
    if len(targets) > 1:
        from streamtui.cli.batch import run_batch

        return run_batch(args, creds, targets)
    return _stop_one(args, creds, targets[0])


def _stop_one(args: argparse.Namespace, creds: Credentials, target: StopTarget) -> int:
    from streamtui.flows.stop import Recorder, client_for, stop_one

    report = StopReport(target)
    recorder = Recorder(creds, HistoryLog(), on_problem=warn)

    async def send() -> None:
        async with client_for(creds, timeout=args.timeout) as client:
            await stop_one(client, report, recorder)

    run_to_the_end(send())  # ctrl+c, SIGTERM, SIGHUP: recorded, then KeyboardInterrupt
    if report.outcome is Outcome.STOPPED and report.result is not None:
        print_result(report.result, as_json=args.json)
        return ExitCode.OK
    assert report.error is not None
    if args.json:
        print(json_line(report))
    return fail(report.error, target=target, host=creds.where, secret=creds.token)
