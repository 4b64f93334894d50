"""What several commands share: finding the config file and the profile."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from streamtui.cli.output import warn
from streamtui.config import Config, Profile, load_config, report_problems
from streamtui.credentials import ENV_BASE_URL, ENV_PROJECT_ID, ENV_SPACE, ENV_TOKEN
from streamtui.errors import ConfigError
from streamtui.paths import default_config_path


def config_path(args: argparse.Namespace) -> Path:
    explicit = getattr(args, "config", None)
    return Path(explicit).expanduser() if explicit else default_config_path()


def base_url_of(args: argparse.Namespace, profile: Profile | None) -> str | None:
    """--base-url, else $STREAMTUI_BASE_URL (read by `resolve`), else the profile's base URL
    (saved by `auth login --base-url`: without it the token would go to the space instead)."""
    explicit: str | None = getattr(args, "base_url", None)
    if explicit or os.environ.get(ENV_BASE_URL, "").strip():
        return explicit
    return profile.base_url if profile is not None else None


def _environment_is_complete() -> bool:
    def has(names: tuple[str, ...]) -> bool:
        return any(os.environ.get(name, "").strip() for name in names)

    where = has(ENV_SPACE) or bool(os.environ.get(ENV_BASE_URL, "").strip())
    return where and has(ENV_PROJECT_ID) and has(ENV_TOKEN)


def load_profile(
    args: argparse.Namespace, *, require_config: bool = False
) -> tuple[Config | None, str | None, Profile | None]:
    """The config and the chosen profile. With complete SIGNALWIRE_* variables and no
    --profile, the config is not even read (it cannot matter, and `stop` starts faster)."""
    profile_flag = getattr(args, "profile", None)
    if not require_config and profile_flag is None and _environment_is_complete():
        return None, None, None

    path = config_path(args)
    try:
        config = load_config(path)
    except ConfigError as exc:
        if profile_flag is None and not require_config and _environment_is_complete():
            warn(f"{exc.message} (ignored: the SIGNALWIRE_* variables are complete)")
            return None, None, None
        raise
    if config.include_problems:  # a missing or broken included file: a warning, never fatal
        report_problems(config, warn)
    name, profile = config.profile(profile_flag)
    return config, name, profile
