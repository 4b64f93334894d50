"""Screens and modal dialogs."""

from __future__ import annotations


def all_screens() -> list[type]:
    """Every screen and widget class with bindings: with the app's own, the ids a `[keymap]`
    may name.

    Imported here, on demand: the first paint needs only the main screen."""
    from streamtui.tui.screens.batch import BatchConfirmScreen, BatchScreen
    from streamtui.tui.screens.conferences import ConferencesScreen
    from streamtui.tui.screens.confirm import ConfirmStopScreen
    from streamtui.tui.screens.credentials import CredentialsScreen
    from streamtui.tui.screens.help import HelpScreen
    from streamtui.tui.screens.history import HistoryScreen
    from streamtui.tui.screens.label import LabelScreen
    from streamtui.tui.screens.main import MainScreen
    from streamtui.tui.screens.picker import PickerScreen
    from streamtui.tui.widgets.panels import FieldList

    return [
        MainScreen,
        PickerScreen,
        ConferencesScreen,
        BatchScreen,
        BatchConfirmScreen,
        ConfirmStopScreen,
        CredentialsScreen,
        HistoryScreen,
        HelpScreen,
        LabelScreen,
        FieldList,
    ]
