"""Incident mode from the main screen: F4 lists the account's live conferences, F5 stops several
streams of one conference at once. Both need a valid account (or the project ID) first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from streamtui.errors import InvalidInput
from streamtui.session import Session
from streamtui.tui.widgets.target_form import VALIDATORS, TargetForm


def _account(form: TargetForm) -> str | None:
    """The account typed (or the project ID); None, said in a toast, when it is not valid."""
    try:
        return form.account()
    except InvalidInput as exc:
        form.notify(exc.message, title="Account", severity="error", timeout=6)
        return None


def open_conferences(
    form: TargetForm, session: Session, show_error: Callable[..., Awaitable[None]]
) -> None:
    """The live conferences: one chosen fills the conference field; a failed listing shows in
    the error panel (`show_error`, MainScreen.show_error)."""
    from streamtui.tui.screens.conferences import ConferencesScreen

    account = _account(form)
    if account is None:
        return

    async def failed(error: Exception) -> None:
        await show_error(
            error, None, stopping=False, context="Listing conferences", again="F4 lists them again."
        )

    def chosen(result: str | Exception | None) -> None:
        if isinstance(result, Exception):
            form.call_later(failed, result)
        elif result:
            form.conference_chosen(result)
            form.field("stream").input.focus()

    form.app.push_screen(ConferencesScreen(account, session.credentials), chosen)


def open_batch(form: TargetForm, session: Session) -> None:
    """The batch screen for the conference typed."""
    from streamtui.tui.screens.batch import BatchScreen

    account = _account(form)
    if account is None:
        return
    conference = form.field("conference")
    try:
        sid = VALIDATORS["conference"](conference.value)
    except InvalidInput as exc:
        conference.invalid = True
        form.notify(exc.message, title="Conference", severity="error", timeout=6)
        conference.input.focus()
        return
    form.app.push_screen(BatchScreen(session, account, sid))
