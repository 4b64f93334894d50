"""Launching the TUI leaves the interpreter as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from streamtui.cli.launch import app_class


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()  # the rest of the test run collects as usual
    (gc.enable if was else gc.disable)()


def test_the_garbage_collector_runs_again_once_the_app_is_imported(collector: None) -> None:
    gc.enable()
    assert app_class().__name__ == "StreamTuiApp"
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what the import made is left out of later passes


def test_a_paused_collector_stays_paused(collector: None) -> None:
    gc.disable()
    app_class()
    assert not gc.isenabled()
