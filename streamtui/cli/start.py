"""`streamtui start`: create a conference stream again, to undo a wrong stop.

From flags (`--url`, `--name`, `--track`, `--codec`), or from a saved stream's definition
(`--stream`, `--target`), flags overriding. Everything is validated before anything is sent.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from urllib.parse import urlencode

from streamtui.api import USER_AGENT, create_path
from streamtui.cli.common import base_url_of, config_path, load_profile
from streamtui.cli.output import fail, json_line, warn
from streamtui.cli.signals import run_to_the_end
from streamtui.cli.stop import print_result, saved_target, warn_about_includes
from streamtui.config import Config, Entry, load_config
from streamtui.credentials import Credentials, KeyringStore, resolve
from streamtui.errors import InvalidInput, KeyringUnavailable
from streamtui.flows.start import StartRequest, start_one, stop_undone
from streamtui.flows.stop import Recorder, client_for
from streamtui.history import HistoryLog
from streamtui.outcome import Outcome, StopReport
from streamtui.redact import mask
from streamtui.sanitize import clean
from streamtui.stream_definition import StreamDefinition, keyring_entry, validate_wss_url
from streamtui.validation import is_uuid, validate_account_sid, validate_conference_sid


def _saved_stream(config: Config, value: str, conference: str) -> Entry:
    """The saved stream named by SID, name or label (any case), in this conference if it says."""
    found = config.find("stream", value, parent=conference)
    if found is not None:
        return found
    wanted = value.strip().casefold()
    matches = [
        entry
        for entry in config.streams
        if entry.label.casefold() == wanted and entry.parent in (None, conference)
    ]
    if len(matches) == 1:
        return matches[0]
    known = "; ".join(clean(entry.label or entry.sid) for entry in matches or config.streams)
    if matches:
        raise InvalidInput(f"--stream {clean(value)!r} matches several saved streams: {known}.")
    raise InvalidInput(
        f"No saved stream is {clean(value)!r} (by SID, name or label). Saved streams: "
        f"{known or 'none'}. Give --url instead, or add it to [[streams]] in {config.path}."
    )


def _definition(args: argparse.Namespace, entry: Entry | None) -> StreamDefinition:
    """The saved definition with the flags applied, or one from the flags alone."""
    if entry is not None and entry.definition is not None:
        return entry.definition.overridden(url=args.url, track=args.track, codec=args.codec)
    if not args.url:
        shown = clean(entry.label or entry.sid) if entry is not None else ""
        raise InvalidInput(
            f"The saved stream {shown!r} has no definition to start it from: add "
            'url = "wss://..." (and track, codec, ...) to its [[streams]] block, or give --url.'
        )
    base = StreamDefinition(url=validate_wss_url(args.url))
    return base.overridden(url=None, track=args.track, codec=args.codec)


def _request(args: argparse.Namespace) -> tuple[StartRequest, Entry | None]:
    """What to create, all of it validated, and the saved stream it comes from; nothing is
    sent yet."""
    entry: Entry | None = None
    if args.target is not None or args.stream is not None:
        if args.target is not None:
            if args.stream is not None:
                raise InvalidInput(
                    "Give either --target or --stream, not both: the target names one."
                )
            target = saved_target(args)
            args.account = args.account or target.account
            args.conference, args.stream = target.conference, target.stream
        conference = validate_conference_sid(args.conference)
        config = load_config(config_path(args))
        warn_about_includes(config)
        entry = _saved_stream(config, args.stream, conference)
    if args.url:
        validate_wss_url(args.url)  # before anything else: a ws:// URL is the likeliest mistake
    conference = validate_conference_sid(args.conference)
    definition = _definition(args, entry)
    saved_name = entry.sid if entry is not None and not is_uuid(entry.sid) else None
    request = StartRequest(
        account=validate_account_sid(args.account) if args.account else "",
        conference=conference,
        definition=definition,
        name=args.name or saved_name,
        label=entry.label if entry is not None else "",
        undoes=entry.sid if entry is not None else args.name,
    )
    return request, entry


def run_start(args: argparse.Namespace) -> int:
    request, entry = _request(args)
    config, profile_name, profile = load_profile(args)
    del config
    creds = resolve(base_url=base_url_of(args, profile), profile=profile, profile_name=profile_name)
    request = replace(request, account=request.account or creds.project_id)
    if entry is not None:
        request = _with_bearer_token(request, entry.sid)
    request = _with_undone_stop(request)
    if args.dry_run:
        _print_dry_run(creds, request)
        return 0
    return _start(args, creds, request)


def _with_bearer_token(request: StartRequest, saved_sid: str) -> StartRequest:
    """The WebSocket bearer token of a saved stream, from the OS keyring (`stream:<sid>`)."""

    try:
        token = KeyringStore().get(keyring_entry(saved_sid))
    except KeyringUnavailable:
        return request  # most streams have no bearer token; without a keyring, none is sent
    return replace(request, bearer_token=token.reveal()) if token is not None else request


def _with_undone_stop(request: StartRequest) -> StartRequest:
    """Linked to the newest stop of the same stream in the history, when there is one."""

    names = [value for value in (request.undoes, request.name) if value]
    stop = stop_undone(HistoryLog().read(limit=500), request.conference, names)
    if stop is None:
        return replace(request, undoes=None)
    return replace(request, undoes=str(stop.get("stream")), undoes_time=stop.get("time"))


def _print_dry_run(creds: Credentials, request: StartRequest) -> None:

    form = request.definition.form(request.name, "****" if request.bearer_token else None)
    print(f"POST {creds.base_url}{create_path(request.account, request.conference)}")
    print(f"Authorization: Basic {creds.project_id}:{creds.token.masked()}")
    print("Content-Type: application/x-www-form-urlencoded")
    print(f"User-Agent: {USER_AGENT}")
    print()
    print(urlencode(form))
    print("# dry run: nothing sent", file=sys.stderr)


def _start(args: argparse.Namespace, creds: Credentials, request: StartRequest) -> int:
    recorder = Recorder(creds, HistoryLog(), on_problem=warn)
    holder: list[StopReport] = []

    async def send() -> None:
        async with client_for(creds, timeout=args.timeout) as client:
            holder.append(await start_one(client, request, recorder))

    run_to_the_end(send())  # ctrl+c, SIGTERM, SIGHUP: recorded, then KeyboardInterrupt
    report = holder[0]
    if report.outcome is Outcome.STARTED and report.result is not None:
        print_result(report.result, as_json=args.json)
        return 0
    assert report.error is not None
    if report.outcome is Outcome.STARTED:  # created by an attempt whose answer was lost
        if args.json:
            body = {"name": request.name, "sid": None, "outcome": "started"}
            print(mask(json.dumps(body, ensure_ascii=True)))
        print(clean(report.error.message), file=sys.stderr)
        return 0
    if args.json:
        print(json_line(report))
    return fail(report.error, host=creds.where, secret=creds.token, stopping=False)
