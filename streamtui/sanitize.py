"""Make server-supplied text safe to show in a terminal.

Stream names come from whoever created the stream. Printed raw they could set the user's clipboard
(OSC 52), spoof links (OSC 8), move the cursor or hide text (CSI, `\\r`), or reorder what is shown
(bidi overrides). We drop whole escape sequences, then any remaining control character.
"""

from __future__ import annotations

import re

from streamtui import redact

# OSC ... BEL|ST, DCS/SOS/PM/APC ... ST, CSI ... final byte, then any other ESC sequence
# (`ESC ( B` from tput, `ESC 7`, `ESC c`) with its intermediate and final bytes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # OSC
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC
  | (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?                        # CSI
  | \x1b[ -/]*[0-~]?                                          # other ESC (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)
# C0 (but tab), DEL, C1, and the Unicode bidi controls used for "trojan source" spoofing.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """Return `text` as a string with escape sequences and control characters removed, and any
    API token it echoes masked (streamtui.redact)."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    value = _ESCAPE_SEQUENCE.sub("", value)
    value = _CONTROL.sub("", value)
    return redact.mask(value.replace("\t", " "))
