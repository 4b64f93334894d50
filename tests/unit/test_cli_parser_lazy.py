"""The parser builds only the named subcommand's options, with the same parse and help as the
full parser; `main` pauses the garbage collector during dispatch and always turns it back on."""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from streamtui import cli, startup
from streamtui.cli import main
from streamtui.cli.parser import COMMANDS, build_parser

CONFERENCE = "8d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

ARGUMENT_LISTS = [
    ["stop", "--conference", CONFERENCE, "--stream", "x", "--json"],
    ["stop", "--conference", CONFERENCE, "--stream", "a", "--stream", "b", "--concurrency", "3"],
    ["--profile", "p", "stop", "--conference", CONFERENCE, "--stream", "x", "--dry-run"],
    ["auth", "login", "--space", "acme"],
    ["auth", "status", "--profile", "prod"],
    ["history", "--limit", "5"],
    ["--config", "/tmp/c.toml", "history", "--json"],
    ["config", "path"],
    ["config", "path", "--config", "/tmp/c.toml"],
    ["emulator", "--port", "0", "--no-demo-data"],
    ["--profile", "stop"],  # a profile named like a command: the TUI, no command
    ["--stream", "stop"],
    ["--account", "history", "--conference", "config"],
    [],
    ["--demo"],
    ["--demo", "--mouse", "--conference", CONFERENCE],
]

BAD_ARGUMENT_LISTS = [
    ["stop", "--stream", "x"],  # --conference is required
    ["stop", "--conference", CONFERENCE, "--concurrency", "99"],
    ["history", "--limit", "many"],
    ["config", "edit"],
    ["auth"],
    ["bogus"],
    ["--stream"],
    ["history", "--conference", CONFERENCE],
]


def subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = commands.choices[name]
    return found


@pytest.mark.parametrize("arguments", ARGUMENT_LISTS, ids=" ".join)
def test_lazy_parser_parses_like_the_full_one(arguments: list[str]) -> None:
    lazy = vars(build_parser(arguments).parse_args(arguments))
    full = vars(build_parser(None).parse_args(arguments))
    assert lazy == full


def test_the_table_exercises_subcommand_options() -> None:
    """The comparison above is not of namespaces that would be equal anyway."""
    parsed = build_parser(ARGUMENT_LISTS[0]).parse_args(ARGUMENT_LISTS[0])
    assert (parsed.command, parsed.conference, parsed.stream, parsed.json) == (
        "stop",
        CONFERENCE,
        ["x"],
        True,
    )
    assert parsed.timeout == 30.0
    parsed = build_parser(["--profile", "stop"]).parse_args(["--profile", "stop"])
    assert (parsed.command, parsed.profile) == (None, "stop")
    # Unnamed, a subcommand gets no options of its own: the laziness is real.
    assert not hasattr(build_parser([]).parse_args(["stop"]), "dry_run")
    assert hasattr(build_parser(["stop"]).parse_args(["stop", "--conference", "c"]), "dry_run")


@pytest.mark.parametrize("arguments", BAD_ARGUMENT_LISTS, ids=" ".join)
def test_lazy_parser_refuses_like_the_full_one(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as lazy_exit:
        build_parser(arguments).parse_args(arguments)
    lazy = capsys.readouterr()
    with pytest.raises(SystemExit) as full_exit:
        build_parser(None).parse_args(arguments)
    full = capsys.readouterr()

    assert lazy_exit.value.code == full_exit.value.code == 2
    assert lazy.err == full.err
    assert "error:" in lazy.err


@pytest.mark.parametrize("name", list(COMMANDS))
def test_subcommand_help_is_the_full_parsers(name: str) -> None:
    lazy = subparser(build_parser([name]), name).format_help()
    full = subparser(build_parser(None), name).format_help()
    assert lazy == full
    assert f"usage: streamtui {name}" in lazy


def test_stop_help_lists_its_options_only_when_named() -> None:
    assert "--dry-run" in subparser(build_parser(["stop"]), "stop").format_help()
    assert "--dry-run" not in subparser(build_parser(["history"]), "stop").format_help()


def test_top_level_help_is_the_same_lazy_or_full() -> None:
    full = build_parser(None).format_help()
    assert build_parser([]).format_help() == full
    assert build_parser(["stop"]).format_help() == full
    for name in COMMANDS:
        assert name in full


PROBE = """
import json, sys
from streamtui.cli.parser import build_parser
build_parser(json.loads(sys.argv[1]))
print(json.dumps("streamtui.emulator" in sys.modules))
"""


@pytest.mark.parametrize(
    ("arguments", "imported"),
    [
        ([], False),
        (["stop", "--conference", CONFERENCE, "--stream", "x"], False),
        (["--demo"], False),
        (["emulator"], True),
        (None, True),  # the control: the probe does see the emulator when it is built
    ],
)
def test_building_the_parser_imports_the_emulator_only_for_it(
    arguments: list[str] | None, imported: bool
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is imported


# The garbage collector around `main` ------------------------------------------------------------


@pytest.fixture
def collector() -> Iterator[None]:
    """gc on before the test, and on again after it whatever happened."""
    gc.enable()
    try:
        yield
    finally:
        gc.enable()


def test_main_leaves_gc_enabled_after_a_quick_command(
    collector: None,
    isolated_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "somewhere" / "config.toml"
    monkeypatch.setenv("STREAMTUI_CONFIG", str(config))

    assert main(["config", "path"]) == 0

    assert capsys.readouterr().out == f"{config}\n"
    assert gc.isenabled()


def test_main_leaves_gc_enabled_after_a_failing_command(
    collector: None, isolated_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stop", "--conference", "not-a-uuid", "--stream", "x"]) == 2

    assert "not-a-uuid" in capsys.readouterr().err
    assert gc.isenabled()


def test_main_leaves_gc_enabled_after_a_usage_error(
    collector: None, isolated_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["stop", "--stream", "x"])
    assert caught.value.code == 2
    assert "--conference" in capsys.readouterr().err
    assert gc.isenabled()


@pytest.fixture
def fake_runners(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, bool]]:
    """Every command and the TUI run a stand-in that notes whether gc was on when it ran (and
    checks the switch interval went with it); `--profile boom` makes it raise, `--profile
    interrupt` press ctrl+c."""
    seen: list[tuple[str | None, bool]] = []

    def run(args: argparse.Namespace) -> int:
        launching = sys.getswitchinterval() == startup.LAUNCH_SWITCH_INTERVAL
        assert launching == (not gc.isenabled()) == startup.launching()
        seen.append((args.command, gc.isenabled()))
        if args.profile == "boom":
            raise RuntimeError("boom")
        if args.profile == "interrupt":
            raise KeyboardInterrupt
        return 7

    module = types.ModuleType("fake_streamtui_runner")
    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for command in cli.RUNNERS:
        monkeypatch.setitem(cli.RUNNERS, command, (module.__name__, "run"))
    return seen


def test_gc_is_paused_for_the_tui_launch_and_resumed_for_commands(
    collector: None, fake_runners: list[tuple[str | None, bool]]
) -> None:
    """The TUI starts with gc paused (its first paint resumes it); a command runs with gc on."""
    interval = sys.getswitchinterval()
    assert main([]) == 7
    assert gc.isenabled() and sys.getswitchinterval() == interval
    assert main(["config", "path"]) == 7
    assert gc.isenabled() and sys.getswitchinterval() == interval

    assert fake_runners == [(None, False), ("config", True)]


@pytest.mark.parametrize("arguments", [["--profile", "boom"], ["history", "--profile", "boom"]])
def test_gc_is_enabled_again_after_a_crash(
    collector: None, fake_runners: list[tuple[str | None, bool]], arguments: list[str]
) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        main(arguments)
    assert gc.isenabled()
    assert len(fake_runners) == 1


def test_gc_is_enabled_again_after_an_interrupted_tui(
    collector: None,
    fake_runners: list[tuple[str | None, bool]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--profile", "interrupt"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert gc.isenabled()
    assert fake_runners == [(None, False)]


# streamtui.startup --------------------------------------------------------------------------------


def test_startup_end_restores_what_begin_changed_once(collector: None) -> None:
    interval = sys.getswitchinterval()
    startup.begin()
    startup.begin()  # a second begin does not record the launch settings as the ones to restore
    assert not gc.isenabled() and startup.launching()
    assert sys.getswitchinterval() == startup.LAUNCH_SWITCH_INTERVAL

    startup.end()
    assert gc.isenabled() and not startup.launching()
    assert sys.getswitchinterval() == interval
    gc.disable()
    startup.end()  # the second end changes nothing
    assert not gc.isenabled()


def test_startup_leaves_a_paused_collector_paused(collector: None) -> None:
    """A caller that had gc off (an embedding program) gets it back off."""
    gc.disable()
    startup.begin()
    startup.end()
    assert not gc.isenabled()
