"""What a stop is aimed at: the three SIDs, their labels, and where the request goes."""

from __future__ import annotations

from dataclasses import dataclass

from streamtui.validation import (
    StreamRef,
    validate_account_sid,
    validate_conference_sid,
    validate_stream,
)


@dataclass(frozen=True)
class StopTarget:
    """A validated (account, conference, stream) triple, with optional labels for display."""

    account: str
    conference: str
    stream: StreamRef
    account_label: str = ""
    conference_label: str = ""
    stream_label: str = ""

    @classmethod
    def parse(cls, account: str, conference: str, stream: str, **labels: str) -> StopTarget:
        """Validate all three (raising InvalidInput on the first bad one); nothing is sent."""
        return cls(
            validate_account_sid(account),
            validate_conference_sid(conference),
            validate_stream(stream),
            **labels,
        )
