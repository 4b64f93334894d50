"""Credentials inside the TUI: status, log in (keyring), a session-only token, log out.

Keyring calls run in threads (they can block); the token input is masked and the token is never
shown, only its last 4 characters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import Worker

from streamtui.errors import CredentialsError, InvalidInput, StreamTuiError
from streamtui.hints import message_of, unexpected
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.keys import QUIT
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import pairs, plain
from streamtui.tui.widgets.secret_input import SecretInput
from streamtui.validation import validate_project_id, validate_space, validate_token


def _field(title: str, field: Input) -> Horizontal:
    """A titled one-line field."""
    return Horizontal(Label(title, classes="field-title"), field, classes="credentials-row")


class CredentialsScreen(Dialog[bool]):
    """Returns True when the credentials changed."""

    CSS_PATH = "credentials.tcss"
    BINDINGS = [QUIT, Binding("escape", "close", "Close", id="credentials.close")]

    def __init__(self, session: Session, on_change: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.session = session
        self.changed = False
        self.on_change = on_change  # the screen below shows the new state at once

    def compose(self) -> ComposeResult:
        profile = self.session.profile
        space = self.session.session_space or (profile.space if profile else "")
        project = self.session.session_project or (profile.project_id if profile else "")
        with Vertical(id="credentials-dialog", classes="dialog"):
            yield Static(plain("Credentials", "bold"), id="credentials-title")
            yield Static(plain("checking…", "dim"), id="credentials-status")
            yield _field("Space", Input(space, placeholder="acme", id="cred-space", compact=True))
            yield _field(
                "Project ID", Input(project, placeholder="UUID", id="cred-project", compact=True)
            )
            yield _field(
                "API token", SecretInput(placeholder="paste the token (hidden)", id="cred-token")
            )
            with Horizontal(id="credentials-buttons"):
                yield Button("Save in keyring", id="cred-login", variant="primary")
                yield Button("This session", id="cred-session")
                yield Button("Profile only", id="cred-profile")
                yield Button("Log out", id="cred-logout", variant="warning")
            yield Static("", id="credentials-message")
        yield Footer()

    def _changed(self) -> None:
        self.changed = True
        if self.on_change is not None:
            self.on_change()

    def on_mount(self) -> None:
        if self.session.demo:  # the demo never touches the keyring: say so, offer nothing
            self.query_one("#cred-login", Button).disabled = True
            self.query_one("#cred-logout", Button).disabled = True
            self._message("Demo mode: the OS keyring is never touched.", "yellow")
        self.refresh_status()
        self.probe_keyring()
        fields = [self.query_one(f"#cred-{name}", Input) for name in ("space", "project", "token")]
        next(field for field in fields if not field.value or field.id == "cred-token").focus()

    @work(exclusive=True, group="keyring-probe", exit_on_error=False)
    async def probe_keyring(self) -> None:
        """Over SSH there is often no keyring: say so, and offer what works without one."""
        from streamtui.errors import KeyringUnavailable

        if self.session.demo:
            return
        try:
            await asyncio.to_thread(self.session.store.get, "streamtui-probe@probe")
        except KeyringUnavailable:
            self.query_one("#cred-login", Button).disabled = True
            self.query_one("#cred-logout", Button).disabled = True
            self._message(
                "No OS keyring here (usual over SSH). This session keeps the three in memory "
                "and writes nothing; Profile only saves the space and project ID to the config, "
                "so the next run asks only for the token.",
                "yellow",
            )

    @work(exclusive=True, group="credentials-status", exit_on_error=False)
    async def refresh_status(self) -> None:
        status = self.query_one("#credentials-status", Static)
        try:
            creds = await asyncio.to_thread(self.session.credentials)
        except CredentialsError:
            status.update(
                pairs(("✘ ", "bold red"), "Not set up yet: fill the fields, then choose below.")
            )
            return
        except Exception as exc:  # an unexpected one too: never "checking…" for ever
            status.update(pairs(("✘ ", "bold red"), message_of(exc)))
            return
        status.update(
            pairs(
                ("✔ ", "bold green"),
                ("project ", "dim"),
                (creds.project_id, ""),
                ("  token ", "dim"),
                (creds.token.masked(), "bold"),
                ("  from ", "dim"),
                (creds.sources.get("token", "?"), ""),
            )
        )

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#credentials-message", Static).update(plain(text, style))

    def _form(self) -> tuple[str, str, Secret]:
        space = validate_space(self.query_one("#cred-space", Input).value)
        project = validate_project_id(self.query_one("#cred-project", Input).value)
        token = Secret(validate_token(self.query_one("#cred-token", Input).value))
        return space, project, token

    def _typed(self, name: str, check: Callable[[str], str]) -> str | None:
        """A typed field, checked; None when left empty."""
        value = self.query_one(f"#cred-{name}", Input).value.strip()
        return check(value) if value else None

    @on(Button.Pressed, "#cred-session")
    def use_for_session(self) -> None:
        """Space, project ID and token for this session: kept in memory, nothing is written."""
        try:
            space = self._typed("space", validate_space)
            project = self._typed("project", validate_project_id)
            token = Secret(validate_token(self.query_one("#cred-token", Input).value))
        except InvalidInput as exc:
            self._message(exc.message, "bold red")
            return
        self.session.session_space = space or self.session.session_space
        self.session.session_project = project or self.session.session_project
        try:
            self.session.identity()
        except CredentialsError:
            self._message("Fill the space and the project ID too.", "bold red")
            return
        self.session.session_token = token
        self.query_one("#cred-token", Input).value = ""
        self._changed()
        self._message(
            f"Space, project ID and token {token.masked()} kept in memory for this session "
            "only: nothing was written to disk. Escape goes back to the stop.",
            "green",
        )
        self.refresh_status()

    @on(Button.Pressed, "#cred-profile")
    @work(exclusive=True, group="credentials", exit_on_error=False)
    async def save_profile_only(self) -> None:
        """The space and project ID to the config, never the token: the next run asks only
        for the token. A token typed now is kept for this session."""
        try:
            space = validate_space(self.query_one("#cred-space", Input).value)
            project = validate_project_id(self.query_one("#cred-project", Input).value)
            typed = self.query_one("#cred-token", Input).value
            token = Secret(validate_token(typed)) if typed.strip() else None
        except InvalidInput as exc:
            self._message(exc.message, "bold red")
            return
        try:
            name = await asyncio.to_thread(self.session.save_profile, space, project)
        except StreamTuiError as exc:
            self._message(f"Not saved: {exc.message}", "bold red")
            return
        self.session.session_space = self.session.session_project = None
        self._changed()
        kept = "no token yet: enter it and choose This session"
        if token is not None:
            self.session.session_token = token
            self.query_one("#cred-token", Input).value = ""
            kept = f"the token {token.masked()} is kept for this session only"
        self._message(
            f"Saved space and project ID as profile {name} in {self.session.config_path}; the "
            f"token is never written there ({kept}).",
            "green",
        )
        self.refresh_status()

    @on(Button.Pressed, "#cred-login")
    @work(exclusive=True, group="credentials", exit_on_error=False)
    async def login(self) -> None:
        if self.session.demo:
            self._message("Demo mode: the OS keyring is never touched.", "yellow")
            return
        try:
            space, project, token = self._form()
        except InvalidInput as exc:
            self._message(exc.message, "bold red")
            return
        from streamtui.config import Profile
        from streamtui.flows import auth as auth_flow

        try:  # the destination and keyring entry the session's credentials() will read
            identity = self.session.identity(space=space, project_id=project)
        except StreamTuiError as exc:
            self._message(exc.message, "bold red")
            return
        profile = Profile(
            name=self.session.profile_name or "default",
            space=space,
            project_id=project,
            base_url=self.session.saved_base_url(),
            production=self.session.production,
        )
        self._message("Checking the credentials against the API…", "dim")
        try:
            result = await auth_flow.login(
                store=self.session.store,
                identity=identity,
                token=token,
                profile=profile,
                config_path=self.session.config_path,
                make_default=self.session.config.default_profile is None,
            )
        except Exception as exc:  # an unexpected one too: never "Checking…" for ever
            self._message(f"Not stored: {message_of(exc)}", "bold red")
            return
        self.session.config = result.config
        self.session.profile_name = profile.name
        self.session.profile = profile
        self.query_one("#cred-token", Input).value = ""
        self._changed()
        self._message(
            f"Stored {token.masked()} in {result.backend}; it is sent only to {identity.where}.",
            "green",
        )
        self.refresh_status()

    @on(Button.Pressed, "#cred-logout")
    @work(exclusive=True, group="credentials", exit_on_error=False)
    async def logout(self) -> None:
        if self.session.demo:
            self._message("Demo mode: the OS keyring is never touched.", "yellow")
            return
        self.session.session_token = None
        from streamtui.flows import auth as auth_flow

        try:
            if self.session.profile is None:
                self._message("No profile to log out of.", "yellow")
                return
            deleted = await auth_flow.logout(self.session.store, self.session.identity())
        except Exception as exc:  # an unexpected one too: it is said, never swallowed
            self._message(message_of(exc), "bold red")
            return
        self._changed()
        self._message(
            "Token deleted from the OS keyring."
            if deleted
            else "There was no token in the OS keyring.",
            "green",
        )
        self.refresh_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The net under the keyring and API checks: what failed is said on the message line."""
        error = failure_of(event)
        if error is not None:
            report_failure(self, error)
            self._message(unexpected(error), "bold red")

    def action_close(self) -> None:
        self.dismiss(self.changed)
