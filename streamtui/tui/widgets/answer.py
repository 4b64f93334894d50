"""What the main screen shows under the form, one at a time: a welcome, a notice, or a stop's
progress, result or error. Each answers the fields as they were when it was shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import ContentSwitcher, Static

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.tui.text import pairs, plain

if TYPE_CHECKING:
    from streamtui.models import ConferenceStream
    from streamtui.target import StopTarget
    from streamtui.tui.widgets.panels import ErrorPanel, ProgressPanel, ResultPanel


def welcome(problem: str | None, read_only: bool) -> Content:
    """The keys that matter first, and what is wrong with the config if anything is."""
    lines = [
        pairs(
            ("Fill the three fields, then ", "dim"),
            ("ctrl+s", "bold"),
            (" to stop the stream (you confirm first).", "dim"),
        ),
        pairs(
            ("F2", "bold"),
            (" picks a saved SID for the field, ", "dim"),
            ("F3", "bold"),
            (" a saved target, ", "dim"),
            ("ctrl+l", "bold"),
            (" saves what you typed.", "dim"),
        ),
        pairs(
            ("F4", "bold"),
            (" live conferences · ", "dim"),
            ("F5", "bold"),
            (" batch stop · ", "dim"),
            ("F7", "bold"),
            (" history · ", "dim"),
            ("F8", "bold"),
            (" credentials · ", "dim"),
            ("F1", "bold"),
            (" every key · ", "dim"),
            ("ctrl+q", "bold"),
            (" quits", "dim"),
        ),
        pairs(
            ("No F-keys in your terminal? ", "dim"),
            ("F1", "bold"),
            (" lists a ctrl key for each; ", "dim"),
            ("ctrl+g", "bold"),
            (" shows it, ", "dim"),
            ("ctrl+p", "bold"),
            (" finds actions by name.", "dim"),
        ),
    ]
    if problem:
        lines.append(pairs(("⚠ ", "bold red"), (problem, "red")))
        if read_only:
            lines.append(
                plain(
                    "The config is read-only for this session: nothing will be "
                    "saved to it until it is fixed.",
                    "red",
                )
            )
    return Content("\n").join(lines)


def no_credentials(*, project_known: bool) -> str:
    """Why a stop cannot be sent for want of credentials, and the key that fixes it."""
    if not project_known:
        return (
            "No project ID and no API token are set up for this destination. Press F8 to "
            "enter the space, project ID and token (for this session only, or saved)."
        )
    return (
        "No API token for this destination. Press F8 to enter it for this session only, "
        "or set SIGNALWIRE_API_TOKEN before starting streamtui."
    )


class AnswerPanels(ContentSwitcher):
    """The switcher under the form (`#panels`): `welcome` and `notice` from the start; `progress`,
    `result` and `error` mounted on first use, as the first paint is faster without them."""

    def __init__(self, greeting: Content, *, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(initial="welcome", id="panels")
        self.greeting = greeting
        self.clock = clock  # what the progress and result panels measure time on
        self.stale_shown = False  # the notice says the shown answer was for another target

    def compose(self) -> ComposeResult:
        yield Static(self.greeting, id="welcome")
        yield Static("", id="notice")

    def show(self, name: str) -> None:
        self.stale_shown = False  # whatever shows next answers the fields as they are
        self.current = name

    def notice(self, text: Content) -> None:
        self.query_one("#notice", Static).update(text)
        self.show("notice")

    def not_sent(self, problems: list[tuple[str, str]]) -> None:
        """What is wrong with the fields, (kind, message) each: nothing was sent."""
        # One line per message: `pairs` strips control characters, "\n" included.
        lines = [pairs(("✘ Not sent. ", "bold red"), problems[0][1])]
        lines.extend(plain(message) for _, message in problems[1:])
        self.notice(Content("\n").join(lines))

    async def stop_panels(self) -> tuple[ProgressPanel, ResultPanel, ErrorPanel]:
        """The progress, result and error panels, mounted the first time they are asked for."""
        from streamtui.tui.widgets.panels import ErrorPanel, ProgressPanel, ResultPanel

        if not self.query_children(ProgressPanel):
            panels = (
                ProgressPanel(clock=self.clock, id="progress"),
                ResultPanel(clock=self.clock, id="result"),
                ErrorPanel(id="error"),
            )
            for panel in panels:
                panel.display = False  # the switcher shows one child at a time
            await self.mount(*panels)
        return (
            self.query_one(ProgressPanel),
            self.query_one(ResultPanel),
            self.query_one(ErrorPanel),
        )

    async def show_error(
        self,
        error: BaseException,
        target: StopTarget | None,
        host: str,
        *,
        stopping: bool = True,
        context: str = "",
        again: str = "",
    ) -> None:
        """The error panel, showing `error` (see ErrorPanel.show for the options)."""
        _, _, panel = await self.stop_panels()
        panel.show(error, target=target, host=host, stopping=stopping, context=context, again=again)
        self.show("error")

    def shown_result(self) -> ConferenceStream | None:
        """The stream of the result panel, while that panel is what shows."""
        panel = self.query_children("#result").first() if self.current == "result" else None
        result: ConferenceStream | None = getattr(panel, "result", None)
        return result

    def retire(self, last: StopTarget | None) -> None:
        """A result, error or notice answers the fields as they were: once one changes, it is
        no longer shown as the answer for what the fields now say."""
        if self.current not in ("result", "error", "notice") or self.stale_shown:
            return
        if self.current == "notice" or last is None:
            self.show("welcome")
            return
        name = last.stream_label or last.stream.value
        conference = last.conference_label or last.conference
        self.notice(
            Content("\n").join(
                [
                    plain("Previous result, for another target:", "bold yellow"),
                    plain(f"stream {name} on conference {conference}.", "dim"),
                    plain("The fields have changed since: ctrl+s stops what they now say.", "dim"),
                ]
            )
        )
        self.stale_shown = True

    def cut_short(self, sending: bool) -> None:
        """A stop cancelled by escape: whether its request had gone out."""
        if sending:
            text = (
                "The request had been sent: the stream may be stopped; stopping again is "
                "harmless. Recorded as interrupted."
            )
        else:
            text = "Nothing was sent."
        self.notice(pairs(("Cancelled. ", "bold yellow"), text))
