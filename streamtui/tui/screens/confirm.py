"""The last look before a stop: space, account, conference and stream, with their labels.

Focus starts on Cancel. `y` confirms, `n`/`escape` cancel. A production profile with the strict
setting asks for the last 4 characters of the stream SID or name instead of `y`.

A confirmation obeys only what the user typed while looking at it. Keys that arrive before it is
on screen (typed ahead over a slow link: `ctrl+s y` in one read) are dropped, and it says how many;
and while the window is too small to show the whole target, `y` does nothing and it says so.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Button, Footer, Input, Static

from streamtui.sanitize import clean
from streamtui.target import StopTarget
from streamtui.tui.screens.dialog import Dialog
from streamtui.tui.text import pairs, plain


def _hidden(note: Static) -> Static:
    """A note that shows only once it has something to say."""
    note.display = False
    return note


def labelled_row(title: str, value: str, label: str, note: str = "") -> Content:
    """`Title      value  (note)` and, on a second line, the saved label."""
    parts: list[tuple[str, str] | str] = [(f"{title:<11}", "bold"), (value, "")]
    if note:
        parts.append((f"  {note}", "dim"))
    if not label:
        return pairs(*parts)
    return Content("\n").join([pairs(*parts), pairs((" " * 11, ""), (f"“{label}”", "italic"))])


class GuardedConfirmation(Dialog[bool]):
    """A confirmation that can only be answered once it is on screen, whole.

    Every confirmation has the same frame: what it acts on (`compose_target`), a note on keys
    typed before it showed, Cancel and the confirming button, and a line when the window is too
    small. It returns True when confirmed, False when cancelled."""

    AUTO_FOCUS = ""  # nothing has the focus until it is on screen: early keys reach no field
    production = False  # the border says PRODUCTION

    def __init__(self) -> None:
        super().__init__()
        self.on_screen = False
        self.fits = True
        self.ignored = 0  # keys dropped because they came before the confirmation was shown
        self.needed = Size(0, 0)  # the dialog's size, measured while it showed

    @property
    def can_confirm(self) -> bool:
        return self.on_screen and self.fits

    def compose(self) -> ComposeResult:
        classes = "dialog -production" if self.production else "dialog"
        with Vertical(id="confirm-dialog", classes=classes):
            yield from self.compose_target()
            yield _hidden(Static("", id="confirm-ignored"))
            with Horizontal(id="confirm-buttons"):
                yield self.cancel_button()
                yield self.confirm_button()
        yield _hidden(Static("", id="confirm-too-small"))
        yield Footer()

    def compose_target(self) -> ComposeResult:
        """The title and what the confirmation acts on."""
        raise NotImplementedError

    def confirm_button(self) -> Button:
        raise NotImplementedError

    def cancel_button(self) -> Button:
        return Button("Cancel (n)", id="cancel")

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_confirm(self) -> None:
        if self.can_confirm:  # otherwise the user cannot see what it would act on
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_mount(self) -> None:
        self.call_after_refresh(self._now_on_screen)

    def _now_on_screen(self) -> None:
        self.on_screen = True
        self._fit()
        if self.ignored:
            keys = "1 key" if self.ignored == 1 else f"{self.ignored} keys"
            verb = "was" if self.ignored == 1 else "were"
            note = self.query_one("#confirm-ignored", Static)
            note.update(
                pairs(
                    (f"{keys} typed before this appeared {verb} ignored: ", "bold yellow"),
                    ("nothing was sent. Check the target, then answer.", "yellow"),
                )
            )
            note.display = True
        if self.fits:
            self.first_focus()

    def first_focus(self) -> None:
        """Focus the widget the user starts on: Cancel, unless a subclass says otherwise."""
        self.query_one("#cancel", Button).focus()

    def on_key(self, event: events.Key) -> None:
        """Before the confirmation is on screen, a key is dropped (and counted): the user has
        not seen what it would answer."""
        if not self.on_screen:
            event.stop()
            event.prevent_default()
            self.ignored += 1

    def on_resize(self, event: events.Resize) -> None:
        if self.on_screen:
            self._fit()
            if self.fits and self.focused is None:
                self.first_focus()

    def _fit(self) -> None:
        """Show the dialog only when all of it fits; otherwise say how much room it needs."""
        dialog = self.query_one("#confirm-dialog")
        if dialog.display:
            self.needed = dialog.outer_size  # its content never changes: measured once shown
        footer = sum(footer.outer_size.height for footer in self.query(Footer))
        room = Size(self.size.width, self.size.height - footer)
        self.fits = self.needed.width <= room.width and self.needed.height <= room.height
        dialog.display = self.fits
        note = self.query_one("#confirm-too-small", Static)
        note.display = not self.fits
        note.update(
            pairs(
                ("Too small to show the target: ", "bold yellow"),
                (f"enlarge to {self.needed.width}x{self.needed.height + footer}; n cancels.", ""),
            )
        )
        self.refresh_bindings()  # the footer offers y only when it can confirm

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`y` (and the Stop button's action) only when it can confirm: hidden otherwise."""
        return self.can_confirm or action != "confirm"


class ConfirmStopScreen(GuardedConfirmation):
    """Returns True to stop, False to cancel."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "confirm", "Yes, stop it", id="confirm.yes"),
        Binding("n", "cancel", "No", id="confirm.no"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(
        self,
        target: StopTarget,
        *,
        where: str,
        production: bool = False,
        strict: bool = False,
        account_is_project: bool = False,
    ) -> None:
        super().__init__()
        self.target = target
        self.where = where
        self.production = production
        self.strict = strict
        self.account_is_project = account_is_project
        self.code = clean(target.stream.value)[-4:]

    def compose_target(self) -> ComposeResult:
        t = self.target
        title = "Stop this stream in PRODUCTION?" if self.production else "Stop this stream?"
        yield Static(plain(title, "bold"), id="confirm-title")
        yield Static(labelled_row("Space", self.where, ""), classes="confirm-row")
        yield Static(
            labelled_row(
                "Account",
                t.account,
                t.account_label,
                "(the project ID)" if self.account_is_project else "",
            ),
            classes="confirm-row",
        )
        yield Static(
            labelled_row("Conference", t.conference, t.conference_label), classes="confirm-row"
        )
        kind = "by name" if t.stream.is_name else "by SID"
        yield Static(
            labelled_row("Stream", t.stream.value, t.stream_label, f"({kind})"),
            classes="confirm-row",
            id="confirm-stream",
        )
        if self.strict:
            yield Static(
                pairs(
                    ("Type the last 4 characters of the stream ", ""),
                    (f"({self.code})", "bold"),
                    (" and press Enter:", ""),
                ),
                id="confirm-strict-help",
            )
            yield Input(
                placeholder="last 4 characters", max_length=8, id="confirm-code", compact=True
            )
            yield Static("", id="confirm-code-error")

    def cancel_button(self) -> Button:
        return Button("Cancel (esc)" if self.strict else "Cancel (n)", id="cancel")

    def confirm_button(self) -> Button:
        label = "Stop stream" if self.strict else "Stop stream (y)"
        return Button(label, id="confirm", variant="error")

    def first_focus(self) -> None:
        if self.strict:
            self.query_one("#confirm-code", Input).focus()
        else:
            super().first_focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check_code(event.value)

    def _check_code(self, typed: str) -> None:
        if not self.can_confirm:
            return
        if typed.strip().casefold() == self.code.casefold():  # 1A36 is 1a36
            self.dismiss(True)
        else:
            self.query_one("#confirm-code-error", Static).update(
                plain(f"✘ That is not {self.code}: nothing was sent. Type it again.", "bold red")
            )

    def action_confirm(self) -> None:
        if self.strict:
            self._check_code(self.query_one("#confirm-code", Input).value)
        else:
            super().action_confirm()
