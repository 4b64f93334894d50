"""Credentials inside the TUI: status, log in (keyring), a session-only token, log out.

Keyring calls run in threads (they can block); the token input is masked and the token is never
shown, only its last 4 characters.
"""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from streamtui.errors import InvalidInput, StreamTuiError
from streamtui.hints import message_of, unexpected
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.failures import failure_of, report_failure
from streamtui.tui.text import pairs, plain
from streamtui.tui.widgets.secret_input import SecretInput
from streamtui.validation import validate_project_id, validate_space, validate_token


class CredentialsScreen(ModalScreen[bool]):
    """Returns True when the credentials changed."""

    CSS_PATH = "credentials.tcss"
    BINDINGS = [Binding("escape", "close", "Close", id="credentials.close")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.changed = False

    def compose(self) -> ComposeResult:
        profile = self.session.profile
        with Vertical(id="credentials-dialog"):
            yield Static(plain("Credentials", "bold"), id="credentials-title")
            yield Static(plain("checking…", "dim"), id="credentials-status")
            with Horizontal(classes="credentials-row"):
                yield Label("Space", classes="field-title")
                yield Input(
                    profile.space if profile else "",
                    placeholder="acme",
                    id="cred-space",
                    compact=True,
                )
            with Horizontal(classes="credentials-row"):
                yield Label("Project ID", classes="field-title")
                yield Input(
                    profile.project_id if profile else "",
                    placeholder="UUID",
                    id="cred-project",
                    compact=True,
                )
            with Horizontal(classes="credentials-row"):
                yield Label("API token", classes="field-title")
                yield SecretInput(placeholder="paste the token (hidden)", id="cred-token")
            with Horizontal(id="credentials-buttons"):
                yield Button("Save in keyring", id="cred-login", variant="primary")
                yield Button("This session only", id="cred-session")
                yield Button("Log out", id="cred-logout", variant="warning")
            yield Static("", id="credentials-message")

    def on_mount(self) -> None:
        if self.session.demo:  # the demo never touches the keyring: say so, offer nothing
            self.query_one("#cred-login", Button).disabled = True
            self.query_one("#cred-logout", Button).disabled = True
            self._message("Demo mode: the OS keyring is never touched.", "yellow")
        self.refresh_status()
        self.query_one("#cred-token", Input).focus()

    @work(exclusive=True, group="credentials-status", exit_on_error=False)
    async def refresh_status(self) -> None:
        status = self.query_one("#credentials-status", Static)
        try:
            creds = await asyncio.to_thread(self.session.credentials)
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cred-session":
            self.use_for_session()
        elif event.button.id == "cred-login":
            self.login()
        elif event.button.id == "cred-logout":
            self.logout()

    def use_for_session(self) -> None:
        try:
            token = Secret(validate_token(self.query_one("#cred-token", Input).value))
        except InvalidInput as exc:
            self._message(exc.message, "bold red")
            return
        self.session.session_token = token
        self.query_one("#cred-token", Input).value = ""
        self.changed = True
        self._message(
            f"Token {token.masked()} kept in memory for this session only; it is "
            "not written anywhere.",
            "green",
        )
        self.refresh_status()

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
        self.changed = True
        self._message(
            f"Stored {token.masked()} in {result.backend}; it is sent only to {identity.where}.",
            "green",
        )
        self.refresh_status()

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
        self.changed = True
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
