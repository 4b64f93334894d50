"""`include = [...]`: a team's shared, read-only lists of accounts, conferences, streams, targets.

A rotation keeps one list in a repository or under /etc instead of every engineer keeping the
same SIDs. Included entries are listed beside the user's own, marked with the file they come
from (`origin`); the user's own entry wins over an included one for the same SID or label.
streamtui never writes an included file: saving an edit of an included entry makes a personal
copy in the user's config. A missing or broken included file is a warning (`Config.problem`,
`Config.include_problems`), never fatal: the user's own entries load all the same.

Included files are read with the safe reader of `file` (a regular file of sane size, nobody
else can change it) and may hold only the four lists: never a profile, which decides where a
token is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from streamtui.config.file import read_config_file
from streamtui.config.model import Config, Entry, Kind, SavedTarget, same_sid
from streamtui.config.validate import validated
from streamtui.errors import ConfigError

LIST_KEYS = ("accounts", "conferences", "streams", "targets")
MAX_INCLUDES = 32
_warned: set[str] = set()


def include_paths(value: object, config_path: Path) -> tuple[list[Path], list[str]]:
    """The included files (relative to the config's folder) and what is wrong with the key."""
    if value is None:
        return [], []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [], [f'{config_path}: include must be a list of file names: include = ["team.toml"]']
    paths = [config_path.parent / Path(item).expanduser() for item in value[:MAX_INCLUDES]]
    problems = [f"{config_path}: only the first {MAX_INCLUDES} includes are read"]
    return paths, problems if len(value) > MAX_INCLUDES else []


def read_included(path: Path) -> Config | None:
    """One included file, validated as a config; None when it is missing.
    Raises ConfigError for a file that cannot be read, is not TOML, or holds more than lists."""
    read = read_config_file(path)
    if read is None:
        return None
    raw, text = read
    extra = [key for key in raw if key not in LIST_KEYS]
    if extra:
        raise ConfigError(
            f"{path}: an included file holds only {', '.join(LIST_KEYS)}; it has "
            f"{', '.join(repr(key) for key in extra)} (profiles and includes belong in your own "
            "config)."
        )
    return validated(raw, path, text)


def with_includes(config: Config, raw: Mapping[str, Any]) -> Config:
    """`config` (read from `raw`) with the entries of the files its `include` names added, marked
    by origin; problems with the included files in `problem` and `include_problems`, never
    raised."""
    if "include" not in raw:
        return config
    paths, problems = include_paths(raw["include"], config.path)
    merged = _Merged(config)
    for path in paths:
        try:
            included = read_included(path)
        except ConfigError as exc:
            problems.append(f"included file skipped: {exc.message}")
            continue
        if included is None:
            problems.append(f"included file {path} is missing; your own entries are loaded")
            continue
        merged.add(included, str(path))
    if not paths and not problems:
        return config
    shown = "; ".join(problems) or None
    return dataclasses.replace(
        config,
        accounts=merged.lists["account"],
        conferences=merged.lists["conference"],
        streams=merged.lists["stream"],
        targets=merged.targets,
        problem=config.problem or shown,
        include_problems=tuple(problems),
    )


class _Merged:
    """The user's own entries, then included ones not already there (own first, then in order)."""

    def __init__(self, config: Config) -> None:
        self.lists: dict[Kind, list[Entry]] = {
            "account": list(config.accounts),
            "conference": list(config.conferences),
            "stream": list(config.streams),
        }
        self.targets: list[SavedTarget] = list(config.targets)
        self.config = config

    def add(self, included: Config, origin: str) -> None:
        for kind, entries in self.lists.items():
            for entry in included.entries(kind):
                if not any(
                    same_sid(kind, mine.sid, mine.parent, entry.sid, entry.parent)
                    for mine in entries
                ):
                    entries.append(dataclasses.replace(entry, origin=origin))
        labels = {target.label for target in self.targets}
        for target in included.targets:
            if target.label not in labels:
                self.targets.append(dataclasses.replace(target, origin=origin))
                labels.add(target.label)


def included_table(
    raw: Mapping[str, Any],
    config_path: Path,
    matches: Callable[[Mapping[str, Any]], bool],
    section: str,
) -> dict[str, Any] | None:
    """A copy of the first included `[[section]]` table that `matches`, for a personal copy."""
    paths, _ = include_paths(raw.get("include"), config_path)
    for path in paths:
        try:
            read = read_config_file(path)
        except ConfigError:
            continue
        items = read[0].get(section, []) if read is not None else []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and matches(item):
                return dict(item)
    return None


def report_problems(config: Config, warn: Callable[[str], None]) -> None:
    """Say each include problem once per process (the CLI may read the config twice)."""
    for problem in config.include_problems:
        if problem not in _warned:
            _warned.add(problem)
            warn(problem)
