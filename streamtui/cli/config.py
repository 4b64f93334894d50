"""`streamtui config path`: where the config file is (or would be), for scripts and editors."""

from __future__ import annotations

import argparse

from streamtui.cli.common import config_path
from streamtui.errors import ExitCode


def run_config(args: argparse.Namespace) -> int:
    """Print `--config`, else `$STREAMTUI_CONFIG`, else the platform's default; exit 0."""
    print(config_path(args))
    return ExitCode.OK
