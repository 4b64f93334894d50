"""Launch the TUI (the default command). Textual is imported here and only here on the CLI side."""

from __future__ import annotations

import argparse
import os

from streamtui.cli.common import config_path
from streamtui.errors import ExitCode
from streamtui.paths import state_dir
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill


def run_tui(args: argparse.Namespace) -> int:
    mouse = bool(getattr(args, "mouse", False))
    if args.demo:
        from streamtui.demo import demo_session  # the emulator: loaded for the demo only

        with demo_session() as session:
            prefill = _prefill(args, session)
            StreamTuiApp(session, prefill).run(mouse=mouse)
        return ExitCode.OK
    session = Session.open(
        config_path=config_path(args),
        profile=args.profile,
        base_url=args.base_url,
        state_dir=state_dir(),
        env=os.environ,
    )
    StreamTuiApp(session, _prefill(args, session)).run(mouse=mouse)
    return ExitCode.OK


def _prefill(args: argparse.Namespace, session: Session) -> Prefill:
    if args.account or args.conference or args.stream:
        return Prefill(args.account or "", args.conference or "", args.stream or "")
    last = session.state.last_target()
    if last:
        return Prefill(*last)
    return Prefill()
