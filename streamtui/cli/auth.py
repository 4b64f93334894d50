"""`streamtui auth login | status | logout`, in the manner of `gh auth`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from streamtui.cli.common import base_url_of, config_path, load_profile
from streamtui.cli.output import fail, warn
from streamtui.config import Config, Profile, check_profile_name, load_config, save_profile
from streamtui.credentials import (
    ENV_BASE_URL,
    KeyringStore,
    PartialCredentials,
    resolve,
    resolve_identity,
)
from streamtui.errors import (
    CredentialsError,
    ExitCode,
    InvalidInput,
    KeyringUnavailable,
    StreamTuiError,
)
from streamtui.flows import auth as auth_flow
from streamtui.secret import Secret
from streamtui.validation import validate_token

DEFAULT_PROFILE = "default"


def run_auth(args: argparse.Namespace) -> int:
    action = {"login": _login, "status": _status, "logout": _logout}[args.auth_command]
    return action(args)


def _read_token(args: argparse.Namespace) -> Secret:
    if args.with_token:
        raw = sys.stdin.readline()
    elif sys.stdin.isatty():
        raw = getpass.getpass("API token (input hidden): ")
    else:
        raise InvalidInput(
            "No token: pass --with-token and give the token on stdin, e.g. "
            "'streamtui auth login --with-token < token.txt'."
        )
    try:
        return Secret(validate_token(raw))
    except InvalidInput as exc:
        raise InvalidInput(exc.message + " (nothing was stored)") from exc


def _login(args: argparse.Namespace) -> int:
    path = config_path(args)
    config = load_config(path)  # a broken config stops us before anything is stored
    name = getattr(args, "profile", None) or config.default_profile or DEFAULT_PROFILE
    check_profile_name(name)  # before the check request: a bad name sends nothing
    profile, identity = _profile_to_save(args, config, name)
    make_default = config.default_profile is None
    if getattr(args, "profile_only", False):
        return _save_profile_only(path, profile, make_default=make_default)
    return _store_token(args, path, profile, identity, make_default=make_default)


def _profile_to_save(
    args: argparse.Namespace, config: Config, name: str
) -> tuple[Profile, PartialCredentials]:
    """The profile as the flags change it (or create it), and where its token would be sent."""
    existing = config.profiles.get(name)
    if not (args.space or existing) or not (args.project_id or existing):
        raise InvalidInput(
            "auth login needs --space and --project-id (e.g. --space acme --project-id <uuid>)."
        )
    base_url = getattr(args, "base_url", None) or (existing.base_url if existing else None)
    # Of the environment only STREAMTUI_BASE_URL counts: the token is checked where it points.
    identity = resolve_identity(
        space=args.space or (existing.space if existing else None),
        project_id=args.project_id or (existing.project_id if existing else None),
        base_url=base_url_of(args, existing),
        env={ENV_BASE_URL: os.environ.get(ENV_BASE_URL, "")},
    )
    production = args.production or (existing.production if existing else False)
    profile = Profile(
        name=name,
        space=identity.space or "",
        project_id=identity.project_id,
        base_url=base_url,
        production=production,
    )
    return profile, identity


def _store_token(
    args: argparse.Namespace,
    path: Path,
    profile: Profile,
    identity: PartialCredentials,
    *,
    make_default: bool,
) -> int:
    """Check the keyring, read the token, check it against the API (unless --no-verify), store
    it and save the profile."""
    store = KeyringStore()
    try:  # before the token is asked for: a keyring that cannot keep it is said at once
        asyncio.run(auth_flow.check_keyring(store, identity))
    except KeyringUnavailable as exc:
        print(
            f"error: {exc.message}\nThe token was stored nowhere. Without a keyring, add "
            "--profile-only to save the space and project ID alone.",
            file=sys.stderr,
        )
        return ExitCode.INVALID
    token = _read_token(args)
    try:
        result = asyncio.run(
            auth_flow.login(
                store=store,
                identity=identity,
                token=token,
                profile=profile,
                config_path=path,
                make_default=make_default,
                check=not args.no_verify,
            )
        )
    except KeyringUnavailable as exc:
        print(f"error: {exc.message}\nThe token was stored nowhere.", file=sys.stderr)
        return ExitCode.INVALID
    except StreamTuiError as exc:
        print("The credentials were not stored.", file=sys.stderr)
        return fail(exc, host=identity.base_url, secret=token, stopping=False)
    backend, username = result.backend, result.username
    if result.insecure:
        warn(
            f"the token is in {backend}, which is NOT a secure store (you allowed it with "
            "STREAMTUI_ALLOW_INSECURE_KEYRING=1)."
        )
    checked = "checked against the API and " if not args.no_verify else ""
    print(
        f"Logged in: profile {profile.name!r}, project {identity.project_id}; token "
        f"{token.masked()} {checked}stored in {backend}, as {username}: it is sent only to "
        f"{identity.where}. Profile saved in {path}."
    )
    return ExitCode.OK


def _save_profile_only(path: Path, profile: Profile, *, make_default: bool) -> int:
    """No keyring (over SSH): keep the space and project ID; the token is given each run."""
    save_profile(path, profile, make_default)
    print(
        f"Saved profile {profile.name!r} (space and project ID, no token) in {path}. Give the "
        "token each run: set SIGNALWIRE_API_TOKEN, or in the TUI press F8 and choose This "
        "session (kept in memory, never written)."
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    config, name, profile = load_profile(args, require_config=True)
    del config
    store = KeyringStore()
    try:
        creds = resolve(
            base_url=base_url_of(args, profile), profile=profile, profile_name=name, store=store
        )
    except CredentialsError as exc:
        print(f"profile:    {name or '-'}", file=sys.stderr)
        print(f"keyring:    {store.backend_name()}", file=sys.stderr)
        return fail(exc, stopping=False)
    base_source = creds.sources.get("base_url", "?")
    rows = [
        ("profile", name or "- (none: from the environment)"),
        ("space", f"{creds.space}.signalwire.com" if creds.space else "-"),
        ("sent to", f"{creds.where}   [{'the space' if base_source == 'space' else base_source}]"),
        ("base URL", creds.base_url),
        ("project ID", f"{creds.project_id}   [{creds.sources.get('project_id', '?')}]"),
        ("token", f"{creds.token.masked()}   [{creds.sources.get('token', '?')}]"),
        ("keyring", store.backend_name()),
    ]
    if profile is not None and getattr(profile, "production", False):
        rows.insert(1, ("production", "yes (stricter confirmation in the TUI)"))
    for label, value in rows:
        print(f"{label + ':':<12}{value}")
    return ExitCode.OK


def _logout(args: argparse.Namespace) -> int:
    """Delete the entry `auth status` and `stop` would read: same profile, same base URL."""
    config, name, profile = load_profile(args, require_config=True)
    del config
    if profile is None:
        raise CredentialsError("No profile to log out of: name one with --profile.")
    identity = resolve_identity(
        base_url=base_url_of(args, profile), profile=profile, profile_name=name
    )
    username = identity.keyring_username
    try:
        deleted = asyncio.run(auth_flow.logout(KeyringStore(), identity))
    except KeyringUnavailable as exc:
        return fail(exc, stopping=False)
    if deleted:
        print(
            f"Logged out of profile {name!r}: the token for {identity.where} ({username}) was "
            "deleted from the OS keyring."
        )
    else:
        print(
            f"Profile {name!r} had no token for {identity.where} in the OS keyring; nothing to "
            "delete."
        )
    return ExitCode.OK
