"""The emulator's banner: fits 80 columns, and its example runs as printed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from streamtui.emulator.command import _banner, streamtui_command


def test_the_banner_fits_80_columns() -> None:
    text = _banner("http://127.0.0.1:65535", demo=True, command="streamtui")
    assert [line for line in text.splitlines() if len(line) > 80] == []
    assert "  streamtui stop \\" in text


def script(directory: Path) -> Path:
    path = directory / "streamtui"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_streamtui_is_named_bare_only_when_path_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = script(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert streamtui_command(str(installed)) == "streamtui"
    elsewhere = tmp_path / "venv" / "bin"
    elsewhere.mkdir(parents=True)
    assert streamtui_command(str(script(elsewhere))) == str(elsewhere / "streamtui")


def test_started_as_a_module_the_example_names_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither streamtui nor python3 on PATH
    command = streamtui_command(os.path.join("streamtui", "emulator", "__main__.py"))
    assert command.endswith(" -m streamtui")
    assert command.startswith(sys.executable) or command.startswith("'" + sys.executable)
