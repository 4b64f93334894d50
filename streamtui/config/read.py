"""Reading the config: the file (read safely, see `file`), validated (see `validate`), with the
entries of the files it includes (see `include`)."""

from __future__ import annotations

from pathlib import Path

from streamtui.config.file import read_config_file
from streamtui.config.include import with_includes
from streamtui.config.model import Config
from streamtui.config.validate import validated
from streamtui.errors import ConfigError
from streamtui.paths import default_config_path


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate the config; a missing file is an empty config. Raises ConfigError, also
    for a file others can change or that is not a sane regular file (see `file`)."""
    target = Path(path) if path is not None else default_config_path()
    read = read_config_file(target)
    if read is None:
        return Config(target)
    raw, text = read
    return with_includes(validated(raw, target, text), raw)


def load_config_for_ui(path: Path | str | None = None) -> Config:
    """Like `load_config`, but a bad file gives an empty read-only config saying what is wrong.

    The TUI must open even when the config is broken: it shows `problem` and saves nothing.
    """
    target = Path(path) if path is not None else default_config_path()
    try:
        return load_config(target)
    except ConfigError as exc:
        return Config(target, read_only=True, problem=exc.message)
