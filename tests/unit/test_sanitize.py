"""Unit tests of streamtui.sanitize: server text made safe for a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamtui.sanitize import clean

ESC = "\x1b"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def is_unsafe(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # OSC 52: write to the clipboard, BEL- and ST-terminated
        (f"feed{ESC}]52;c;ZWNobyBwd25lZA=={chr(7)}name", "feedname"),
        (f"feed{ESC}]52;c;ZWNobyBwd25lZA=={ESC}\\name", "feedname"),
        # OSC 8: a hyperlink whose text differs from its target
        (f"{ESC}]8;;https://evil.example{ESC}\\click{ESC}]8;;{ESC}\\", "click"),
        # OSC 0: set the window title
        (f"{ESC}]0;pwned{chr(7)}ok", "ok"),
        # CSI colours, cursor moves, erase line
        (f"{ESC}[31mred{ESC}[0m", "red"),
        (f"{ESC}[1;38;5;196mbold{ESC}[m", "bold"),
        (f"{ESC}[2K{ESC}[1Ahidden", "hidden"),
        (f"{ESC}[?1049h", ""),
        # C1 single-byte CSI and OSC
        ("\x9b31mred\x9b0m", "red"),
        ("\x9d52;c;Zm9v\x9cafter", "after"),
        # DCS ... ST
        (f"{ESC}Pq#0;2;0;0;0{ESC}\\x", "x"),
        # carriage return, backspace, bell, NUL, DEL, newline
        ("safe\roverwritten", "safeoverwritten"),
        ("ab\x08\x08cd", "abcd"),
        ("ding\x07", "ding"),
        ("nul\x00byte", "nulbyte"),
        ("del\x7f", "del"),
        ("two\nlines", "twolines"),
        ("tab\there", "tab here"),
        # lone ESC and two-byte escapes
        (f"a{ESC}", "a"),
        (f"a{ESC}cb", "ab"),
        (f"a{ESC}7b{ESC}8", "ab"),
        (f"{ESC}(Bplain{ESC}[m", "plain"),  # tput sgr0
        (f"x{ESC} Fy", "xy"),
        # bidi overrides ("trojan source")
        ("user\u202egnp.exe", "usergnp.exe"),
        ("\u2066isolated\u2069", "isolated"),
        ("\u200eltr\u200f", "ltr"),
    ],
)
def test_escapes_and_controls_are_removed(raw: str, expected: str) -> None:
    assert clean(raw) == expected
    assert clean(raw) != raw


@pytest.mark.parametrize(
    "text",
    [
        "transcriber",
        "my stream (prod) #2 50% [bold]x[/bold] <b>",
        "Flux ü ñ 日本語 עברית العربية 🎧 — “quotes”",
        "",
        "emoji 👩‍💻 zero-width-joiner is kept",
    ],
)
def test_plain_and_unicode_text_is_kept(text: str) -> None:
    assert clean(text) == text
    assert clean(text) == text


@pytest.mark.parametrize(("value", "expected"), [(None, ""), (42, "42"), (1.5, "1.5")])
def test_non_strings(value: object, expected: str) -> None:
    assert clean(value) == expected


def test_markup_is_left_for_the_renderer_to_escape() -> None:
    # clean() is about terminal control; Rich markup is text and must be shown escaped, not parsed
    assert clean("[link=https://evil.example]x[/link]") == "[link=https://evil.example]x[/link]"


def test_unterminated_osc_swallows_the_rest() -> None:
    assert clean(f"ok{ESC}]52;c;Zm9vYmFy and more") == "ok"


@given(st.text())
def test_output_never_holds_control_characters(text: str) -> None:
    out = clean(text)
    assert not any(is_unsafe(c) for c in out)
    assert "\t" not in out


@given(st.text())
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert clean(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1FF)))
def test_output_with_dense_control_input(text: str) -> None:
    out = clean(text)
    assert not any(is_unsafe(c) for c in out)
    assert clean(out) == out


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"])))
def test_printable_text_is_untouched(text: str) -> None:
    text = text.replace("\t", " ")
    if any(is_unsafe(c) for c in text):
        return
    assert clean(text) == text
