"""The words streamtui uses for what became of a request, defined once: the CLI prints them, the
TUI shows them, the audit log records them, and `history --json` readers match on them."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    STOPPED = "stopped"  # the API confirmed it: status stopped, the stream asked for
    UNCONFIRMED = "unconfirmed"  # a 200 that does not confirm the stop: state unknown
    FAILED = "failed"  # the API refused or could not be reached (see http_status and code)
    CANCELLED = "cancelled"  # never sent
    INTERRUPTED = "interrupted"  # sent, then cut short: it may have taken effect
