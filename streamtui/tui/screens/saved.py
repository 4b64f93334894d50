"""The main screen's saved lists: F2 picks a saved SID for a field, F3 a saved target for all
three; ctrl+l and ctrl+t save what is typed, under a label the user gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from streamtui.config import Entry, Kind, SavedTarget
from streamtui.errors import InvalidInput
from streamtui.session import Session
from streamtui.target import StopTarget
from streamtui.tui.widgets.target_form import PARENT_KIND, VALIDATORS, TargetForm

Save = Callable[[Callable[[], None], str], object]  # (the write, what to say once it is done)
INCLUDED = "included"  # the marker of an entry from an `include = [...]` file (read-only)


def _marker(origin: str | None) -> str:
    return INCLUDED if origin is not None else ""


def _short(sid: str) -> str:
    """A UUID's first group (enough to tell saved entries apart); names stay whole."""
    return sid[:8] + "…" if len(sid) == 36 and sid.count("-") == 4 else sid


def pick_sid(form: TargetForm, session: Session, kind: str) -> None:
    """The saved SIDs of `kind`, most recently used first; a stream's list starts with those
    of the conference typed (F2 again shows all of them)."""
    from streamtui.tui.screens.picker import PickerItem, PickerScreen

    recency = session.recency(kind)
    conference = form.valid("conference") if kind == "stream" else None
    names = {e.sid: e.label for e in session.entries("conference")}
    items = [
        PickerItem(
            entry.sid,
            entry.label,
            _short(entry.sid) if kind == "stream" else entry.sid,
            recency.get(entry.sid, 0.0),
            column=names.get(entry.parent or "", _short(entry.parent or "")),
            in_scope=conference is None or entry.parent == conference,
            marker=_marker(entry.origin),
        )
        for entry in session.entries(kind)
    ]
    scope = names.get(conference or "", "") or _short(conference or "")

    def chosen(sid: str | None) -> None:
        if sid and kind == "conference":
            form.conference_chosen(sid)
            form.field(kind).input.focus()
        elif sid:
            form.field(kind).value = sid
            form.field(kind).input.focus()

    form.app.push_screen(
        PickerScreen(
            f"Saved {kind}s",
            items,
            empty=f"No saved {kind}s yet: type one and press ctrl+l to save it.",
            scope=f"conference {scope}" if conference else "",
        ),
        chosen,
    )


def pick_target(form: TargetForm, session: Session) -> None:
    """The saved targets; one chosen fills the three fields."""
    from streamtui.tui.screens.picker import PickerItem, PickerScreen

    recency = session.recency("stream")
    items = [
        PickerItem(
            t,
            t.label,
            _short(t.conference) + " › " + _short(t.stream),
            recency.get(t.stream, 0.0),
            marker=_marker(t.origin),
        )
        for t in session.config.targets
    ]

    def chosen(target: SavedTarget | None) -> None:
        if target is not None:
            form.field("account").value = target.account
            form.field("conference").value = target.conference
            form.field("stream").value = target.stream
            form.field("stream").input.focus()

    form.app.push_screen(
        PickerScreen(
            "Saved targets",
            items,
            empty="No saved targets yet: fill the three fields and press ctrl+t.",
            label_width=40,
        ),
        chosen,
    )


def save_entry(form: TargetForm, session: Session, kind: str, save: Save) -> None:
    """Ask a label for the SID typed in the `kind` field, then save it (with its parent, when
    the parent's field holds a valid SID)."""
    from streamtui.tui.screens.label import LabelScreen

    try:
        sid = VALIDATORS[kind](form.field(kind).value)
    except InvalidInput as exc:
        form.notify(exc.message, title="Not saved", severity="error", timeout=6)
        return
    parent_kind = PARENT_KIND.get(kind)
    parent = form.valid(parent_kind) if parent_kind else None

    def labelled(label: str | None) -> None:
        if label:
            entry = Entry(kind=cast(Kind, kind), sid=sid, label=label, parent=parent)
            save(lambda: session.save_entry(entry), f"Saved {kind} “{label}”.")

    form.app.push_screen(
        LabelScreen(kind, sid, suggestion=session.label_for(kind, sid, parent)), labelled
    )


def save_target(form: TargetForm, session: Session, target: StopTarget, save: Save) -> None:
    """Ask a label for the three fields (already validated as `target`), then save them."""
    from streamtui.tui.screens.label import LabelScreen

    def labelled(label: str | None) -> None:
        if label:
            saved = SavedTarget(label, target.account, target.conference, target.stream.value)
            save(lambda: session.save_target(saved), f"Saved target “{label}”.")

    form.app.push_screen(LabelScreen("target", f"{target.conference} / {target.stream}"), labelled)
