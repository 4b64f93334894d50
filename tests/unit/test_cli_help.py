"""`--help` of every command, as a user reads it in an 80-column terminal."""

from __future__ import annotations

import argparse

import pytest

from streamtui.cli import main
from streamtui.cli.parser import build_parser


def command_paths(parser: argparse.ArgumentParser, path: list[str]) -> list[list[str]]:
    """Every command and subcommand the parser knows, so a new one is checked too."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += command_paths(sub, [*path, name])
    return found


COMMANDS = command_paths(build_parser(), [])


def help_of(command: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out: str = capsys.readouterr().out
    return out


@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "COLUMNS unset"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_fits_80_columns(
    command: list[str],
    columns: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    text = help_of(command, capsys)
    assert "usage:" in text
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert too_long == []


def test_stop_help_names_the_environment_variables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = help_of(["stop"], capsys)
    for name in (
        "SIGNALWIRE_SPACE",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
        "STREAMTUI_BASE_URL",
        "STREAMTUI_CONFIG",
    ):
        assert name in text
    assert "name:" in text  # how to give a SID-shaped name


def test_every_subcommand_has_its_options_built(capsys: pytest.CaptureFixture[str]) -> None:
    """Each subcommand's help lists its own options, whatever else is on the command line."""
    assert "--dry-run" in help_of(["stop"], capsys)
    assert "--limit" in help_of(["history"], capsys)
    assert "--with-token" in help_of(["auth", "login"], capsys)
