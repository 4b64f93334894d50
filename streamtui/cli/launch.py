"""Launch the TUI (the default command). Textual is imported here and only here on the CLI side."""

from __future__ import annotations

import argparse
import gc
import os
from typing import TYPE_CHECKING

from streamtui.cli.common import config_path
from streamtui.errors import ExitCode

if TYPE_CHECKING:
    from streamtui.session import Session
    from streamtui.tui.app import StreamTuiApp
    from streamtui.tui.screens.main import Prefill


def app_class() -> type[StreamTuiApp]:
    """The app, imported with the cyclic garbage collector paused: importing Textual allocates a
    great many objects and frees almost none, so its passes meanwhile are wasted work on the way
    to the first paint (the README's Performance section has the measurement)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from streamtui.tui.app import StreamTuiApp
    finally:
        gc.freeze()  # what the imports made lives as long as the app: later passes skip it
        if collecting:
            gc.enable()
    return StreamTuiApp


def run_tui(args: argparse.Namespace) -> int:
    app = app_class()
    mouse = bool(getattr(args, "mouse", False))
    if args.demo:
        from streamtui.demo import demo_session

        with demo_session() as session:
            prefill = _prefill(args, session)
            app(session, prefill).run(mouse=mouse)
        return ExitCode.OK
    from streamtui.paths import state_dir
    from streamtui.session import Session

    session = Session.open(
        config_path=config_path(args),
        profile=args.profile,
        base_url=args.base_url,
        state_dir=state_dir(),
        env=os.environ,
    )
    app(session, _prefill(args, session)).run(mouse=mouse)
    return ExitCode.OK


def _prefill(args: argparse.Namespace, session: Session) -> Prefill:
    from streamtui.tui.screens.main import Prefill

    if args.account or args.conference or args.stream:
        return Prefill(args.account or "", args.conference or "", args.stream or "")
    last = session.state.last_target()
    if last:
        return Prefill(*last)
    return Prefill()
