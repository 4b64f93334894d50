"""Where a problem is in the TOML text: the line that defines a key path, and the key path as a
person would write it, so that a typo is reported with the file, the key and the line."""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]


def keypath_text(keypath: KeyPath) -> str:
    text = ""
    for part in keypath:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    if len(keypath) >= 2 and isinstance(keypath[1], int):
        text += f" (the {_ordinal(keypath[1] + 1)} [[{keypath[0]}]])"
    return text or "(top level)"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]\]?")
_KEY_LINE = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in re.findall(_KEY_PART, dotted))


def find_line(text: str, keypath: KeyPath) -> int | None:
    """The 1-based line that defines `keypath` (or its nearest enclosing table), best effort."""
    counters: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    best: int | None = None
    best_length = 0
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                counters[names] = counters.get(names, -1) + 1
                table = (*names, counters[names])
            else:
                table = names
            full = table
        else:
            key = _KEY_LINE.match(line)
            if not key:
                continue
            full = (*table, *_split_key(key.group(1)))
        if full == keypath:
            return number
        if len(full) > best_length and keypath[: len(full)] == full:
            best, best_length = number, len(full)
    return best
