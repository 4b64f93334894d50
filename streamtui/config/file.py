"""Reading the config file safely: only a regular file of sane size, only one nobody else can
change, and only TOML a parser gets through without crashing.

A profile's `base_url` decides where the token is sent, so a config that another user owns or
can write is refused, as ssh refuses its own config (root may own it). A config path that is a
FIFO or a device (`/dev/zero`) is refused before a byte is read, without blocking on the open;
the checks run on the opened descriptor, so the file cannot be swapped between check and read.
"""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from pathlib import Path
from typing import Any

from streamtui.errors import ConfigError
from streamtui.paths import read_capped

MAX_CONFIG_BYTES = 4 << 20  # a config of 10,000 labelled SIDs takes about a quarter of this
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_config_file(path: Path) -> tuple[dict[str, Any], str] | None:
    """The parsed TOML and its text (to find the line of a problem); None when there is no
    file. Raises ConfigError."""
    data = read_config_bytes(path)
    return None if data is None else parse_toml(path, data)


def read_config_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when there is none. Raises ConfigError (with the fix) for a
    folder, a device or FIFO, a file over MAX_CONFIG_BYTES, or one that others can change."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _folder(path) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the config file {path}: {exc.strerror or exc}. Check its permissions."
        ) from exc
    try:
        info = os.fstat(fd)
        _check_kind(path, info)
        problem = untrusted_file(path, info)
        if problem:
            raise ConfigError(problem)
        try:
            data = read_capped(fd, MAX_CONFIG_BYTES)
        except OSError as exc:
            raise ConfigError(
                f"Cannot read the config file {path}: {exc.strerror or exc}."
            ) from exc
    finally:
        os.close(fd)
    if data is None:  # it grew past the limit since fstat
        raise _too_large(path)
    return data


def _folder(path: Path) -> ConfigError:
    return ConfigError(
        f"{path} is a folder, not a file: point --config or STREAMTUI_CONFIG "
        "at a file (such as config.toml)."
    )


def _too_large(path: Path) -> ConfigError:
    return ConfigError(
        f"{path} is larger than {MAX_CONFIG_BYTES >> 20} MiB, which no config needs: point "
        "--config or STREAMTUI_CONFIG at the right file."
    )


def _check_kind(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise _folder(path)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            f"{path} is not a regular file (a device, a pipe or a socket): point --config or "
            "STREAMTUI_CONFIG at a config.toml file."
        )
    if info.st_size > MAX_CONFIG_BYTES:
        raise _too_large(path)


def untrusted_file(path: Path, info: os.stat_result) -> str | None:
    """Why a config whose target is `info` cannot be trusted with credentials, with the fix;
    None when only the user (or root) can change it, or the platform has no owners."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return None
    quoted = shlex.quote(str(path))
    if info.st_uid not in (os.getuid(), 0):
        return (
            f"{path} belongs to another user, so streamtui does not use it (a profile there "
            "decides where your token is sent). Copy it to a file of your own, or have it "
            f"chowned to you (chown $USER {quoted})."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (
            f"{path} can be changed by other users, so streamtui does not use it (a profile "
            f"there decides where your token is sent). Fix it with: chmod go-w {quoted}"
        )
    return None


def parse_toml(path: Path, data: bytes) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text. Raises ConfigError, also for TOML that crashes the parser
    (nesting thousands deep, an integer of thousands of digits)."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}): save the file as UTF-8."
        ) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc}. Fix the file there (text values need "
            'quotes, such as space = "acme").'
        ) from exc
    except (ValueError, RecursionError):
        raise ConfigError(
            f"{path}: not a config streamtui can read (values nested too deeply, or a number "
            "too long): fix the file there."
        ) from None
    return raw, text
