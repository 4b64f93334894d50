"""The README's commands as a new user copies them into a fresh root container."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def test_no_command_needs_sudo_and_apt_lists_are_fetched_first() -> None:
    commands = [line for block in shell_blocks() for line in block.splitlines()]
    assert not [line for line in commands if line.lstrip().startswith("sudo")]
    installs = [i for i, line in enumerate(commands) if "apt-get install" in line]
    assert installs
    for index in installs:
        assert any("apt-get update" in line for line in commands[: index + 1])


def test_ci_runs_the_readme_test_command() -> None:
    [pytest_line] = [
        line for block in shell_blocks() for line in block.splitlines() if "pytest" in line
    ]
    assert pytest_line in (ROOT / ".ci" / "run").read_text()
