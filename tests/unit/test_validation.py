"""Unit tests of streamtui.validation: everything a user types, refused before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamtui.api import stream_path
from streamtui.errors import InvalidInput
from streamtui.validation import (
    EXAMPLE_UUID,
    STREAM_NAME_MAX,
    StreamRef,
    is_loopback_host,
    is_uuid,
    space_url,
    tidy,
    validate_account_sid,
    validate_base_url,
    validate_conference_sid,
    validate_project_id,
    validate_space,
    validate_stream,
    validate_token,
    validate_uuid,
)

UUID = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
DOCS_EXAMPLE = "b3877c40-da60-4998-90ad-b792e98472st"


# --------------------------------------------------------------------------------------------
# UUIDs


def test_example_uuid_is_itself_valid() -> None:
    assert is_uuid(EXAMPLE_UUID)


@pytest.mark.parametrize(
    "typed",
    [
        UUID,
        UUID.upper(),
        "3F2A9C1E-7b4d-4E8A-9c0f-1A2B3C4D5E6F",
        f"  {UUID}  ",
        f"{UUID}\n",
        f"\r\n\t{UUID}\r\n",
        f'"{UUID}"',
        f"'{UUID}'",
        f"`{UUID}`",
        f"<{UUID}>",
        f"“{UUID}”",
        f' "{UUID}"\n',
        f"\"'{UUID}'\"",
    ],
)
def test_uuid_pastes_are_trimmed_and_lowercased(typed: str) -> None:
    assert validate_account_sid(typed) == UUID
    assert validate_conference_sid(typed) == UUID
    assert validate_project_id(typed) == UUID


def test_docs_example_sid_is_refused_with_a_valid_example() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_conference_sid(DOCS_EXAMPLE)
    message = caught.value.message
    assert caught.value.field == "conference"
    assert "Conference SID" in message
    assert DOCS_EXAMPLE in message
    assert EXAMPLE_UUID in message
    assert "8-4-4-4-12" in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "typed",
    [
        "3f2a9c1e7b4d4e8a9c0f1a2b3c4d5e6f",  # no dashes
        "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6",  # one digit short
        "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f0",
        "{3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f}",
        "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f/..",
        "3f2a9c1e 7b4d 4e8a 9c0f 1a2b3c4d5e6f",
        "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6\n",
        "３f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f",  # fullwidth digit
        "CA3f2a9c1e7b4d4e8a9c0f1a2b3c4d5e6f",
        "not a sid",
    ],
)
def test_malformed_uuids_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_account_sid(typed)
    assert caught.value.field == "account"
    assert EXAMPLE_UUID in caught.value.message


@pytest.mark.parametrize("typed", ["", "   ", "\n", '""', "''"])
def test_empty_uuid_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_project_id(typed)
    assert "empty" in caught.value.message
    assert EXAMPLE_UUID in caught.value.message
    assert caught.value.field == "project_id"


def test_refused_value_is_quoted_without_control_characters() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_uuid("abc\x1b]52;c;ZXZpbA==\x07def", field="f", what="Thing")
    assert "\x1b" not in caught.value.message
    assert "\x07" not in caught.value.message
    assert caught.value.message.startswith("Thing ")


def test_a_very_long_refused_value_is_shortened() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_account_sid("x" * 5000)
    assert len(caught.value.message) < 400
    assert "..." in caught.value.message


def test_tidy() -> None:
    assert tidy('  "abc"  ') == "abc"
    assert tidy("'\"abc\"'") == "abc"
    assert tidy("a'b") == "a'b"
    assert tidy('"abc') == '"abc'
    assert tidy("") == ""
    assert tidy('"') == '"'


# --------------------------------------------------------------------------------------------
# Streams


def test_stream_sid_is_a_sid() -> None:
    ref = validate_stream(f" {UUID.upper()}\n")
    assert ref == StreamRef(UUID, is_name=False)
    assert ref.kind == "SID"
    assert str(ref) == UUID


@pytest.mark.parametrize(
    "name",
    [
        "transcriber",
        "my stream",
        "flux-ü-ñ-日本語-🎧",
        "a+b&c;d=e",
        "[bold]feed[link=x]",
        "x" * STREAM_NAME_MAX,
        "a.b",
        ".hidden",
        "trailing.",
        "@:!$'()*,",
        "deadbeefdeadbeefdeadbeef",  # hex without a dash: a name
        "cafe-feed",  # too short to be a mistyped SID
    ],
)
def test_valid_stream_names(name: str) -> None:
    ref = validate_stream(name)
    assert ref.is_name
    assert ref.kind == "name"
    assert ref.value == name


@pytest.mark.parametrize(
    "typed",
    [
        DOCS_EXAMPLE[:-2] + "ab" + "c",  # one hex digit too many
        UUID[:-1],  # one hex digit short
        UUID.replace("-", "", 1),  # a dash missing
        "b3877c40-da60-4998-90ad",  # cut short in a paste
        UUID + "-" + UUID[:4],
    ],
)
def test_a_mistyped_sid_is_refused_not_sent_as_a_name(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_stream(typed)
    message = caught.value.message
    assert caught.value.field == "stream"
    assert "mistyped" in message
    assert EXAMPLE_UUID in message
    assert f"name:{typed}" in message  # says how to mean it as a name


@pytest.mark.parametrize("value", [UUID[:-1], DOCS_EXAMPLE, "transcriber", UUID])
def test_the_name_prefix_makes_any_value_a_name(value: str) -> None:
    ref = validate_stream(f" name:{value}\n")
    assert ref == StreamRef(value, is_name=True)


def test_the_name_prefix_still_checks_the_name() -> None:
    with pytest.raises(InvalidInput):
        validate_stream("name:a/b")
    with pytest.raises(InvalidInput) as caught:
        validate_stream("name:")
    assert "empty" in caught.value.message


def test_stream_name_is_trimmed() -> None:
    assert validate_stream('  "my feed"\n') == StreamRef("my feed", is_name=True)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a/b", "/"),
        ("what?", "?"),
        ("tag#1", "#"),
        ("100%", "%"),
        ("a/b?c#d%e", "# % / ?"),
        ("..", "'..'"),
        ("a..b", "'..'"),
        ("../x", "/"),
        (".", "'.'"),
        ("bell\x07", "control characters"),
        ("esc\x1b[31m", "control characters"),
        ("nl\nx", "control characters"),
        ("del\x7f", "control characters"),
        ("c1\x9b", "control characters"),
        ("bidi\u202eevil", "control characters"),
        ("zero\u200bwidth", "control characters"),
        ("line\u2028sep", "control characters"),
        ("x" * (STREAM_NAME_MAX + 1), f"more than {STREAM_NAME_MAX} characters"),
    ],
)
def test_invalid_stream_names(name: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_stream(name)
    message = caught.value.message
    assert caught.value.field == "stream"
    assert problem in message
    assert EXAMPLE_UUID in message
    assert "/ ? # %" in message
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in message)


@pytest.mark.parametrize("name", ["", "   ", "\n\t", "''"])
def test_empty_stream_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_stream(name)
    assert "empty" in caught.value.message
    assert EXAMPLE_UUID in caught.value.message


def _request_path(stream: StreamRef) -> bytes:
    client = httpx.Client(base_url="https://acme.signalwire.com")
    request = client.build_request("POST", stream_path(UUID, UUID, stream))
    return request.url.raw_path


@given(st.text(max_size=300))
def test_accepted_stream_names_are_one_path_segment(value: str) -> None:
    try:
        ref = validate_stream(value)
    except InvalidInput:
        return
    if not ref.is_name:
        assert is_uuid(ref.value)
        return
    assert 1 <= len(ref.value) <= STREAM_NAME_MAX
    assert not set(ref.value) & set("/?#%")
    segment = quote(ref.value, safe="")
    assert "/" not in segment
    assert unquote(segment) == ref.value
    assert segment not in (".", "..")
    # and the URL actually sent ends with exactly that segment (no dot-segment removal)
    assert _request_path(ref).endswith(b"/Streams/" + segment.encode("ascii"))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda s: s + "."))
def test_names_ending_in_a_dot_keep_their_segment(value: str) -> None:
    try:
        ref = validate_stream(value)
    except InvalidInput:
        return
    assert _request_path(ref).endswith(b"/" + quote(ref.value, safe="").encode("ascii"))


ALL_VALIDATORS: list[Callable[[str], object]] = [
    validate_account_sid,
    validate_conference_sid,
    validate_project_id,
    validate_stream,
    validate_space,
    validate_base_url,
    validate_token,
    space_url,
]


@pytest.mark.parametrize("validator", ALL_VALIDATORS, ids=lambda f: f.__name__)
@given(value=st.text(max_size=80))
def test_validators_raise_only_invalid_input(
    validator: Callable[[str], object], value: str
) -> None:
    try:
        validator(value)
    except InvalidInput as exc:
        assert exc.message
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in exc.message)


url_like = st.builds(
    lambda scheme, user, host, port, path: f"{scheme}{user}{host}{port}{path}",
    st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "", "//"]),
    st.sampled_from(["", "u@", "u:p@", ":@"]),
    st.sampled_from(["127.0.0.1", "[::1]", "localhost", "acme.signalwire.com", "[::", "h"])
    | st.text(max_size=12),
    st.sampled_from(["", ":8080", ":0", ":99999", ":x", ":"]),
    st.sampled_from(["", "/", "/x", "?q", "#f", "/%2e"]) | st.text(max_size=6),
)


@given(url_like)
def test_validate_base_url_raises_only_invalid_input(value: str) -> None:
    try:
        result = validate_base_url(value)
    except InvalidInput:
        return
    assert result.lower().startswith(("http://", "https://"))
    assert httpx.URL(result).host
    httpx.Client(base_url=result).close()  # what SignalWireClient will do with it


# --------------------------------------------------------------------------------------------
# Spaces


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("acme", "acme"),
        ("ACME", "acme"),
        ("acme.signalwire.com", "acme"),
        ("ACME.signalwire.com", "acme"),
        ("acme.SignalWire.COM", "acme"),
        ("acme.signalwire.com.", "acme"),
        ("  acme\n", "acme"),
        ('"acme"', "acme"),
        ("my-space-01", "my-space-01"),
        ("a", "a"),
        ("a" * 63, "a" * 63),
    ],
)
def test_valid_spaces(typed: str, expected: str) -> None:
    assert validate_space(typed) == expected
    assert space_url(typed) == f"https://{expected}.signalwire.com"


@pytest.mark.parametrize(
    "typed",
    [
        "acme.evil.com",
        "https://acme.signalwire.com/x",
        "https://acme.signalwire.com",
        "acme@x",
        "acme:443",
        "acme.signalwire.com:443",
        "a/b",
        "",
        "   ",
        "signalwire.com",
        ".signalwire.com",
        "x.acme.signalwire.com",
        "acme.signalwire.com.evil.com",
        "acme.signalwire.co",
        "-acme",
        "acme-",
        "ac me",
        "a" * 64,
        "acme\x00",
        "acmeſ",  # long s: matches [a-z] case-insensitively, but is not ASCII
        "acmeı",  # dotless i
        "аcme",  # Cyrillic a
    ],
)
def test_invalid_spaces(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_space(typed)
    assert caught.value.field == "space"
    assert "acme.signalwire.com" in caught.value.message
    with pytest.raises(InvalidInput):
        space_url(typed)


def test_space_with_scheme_gets_a_hint() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_space("https://acme.signalwire.com/")
    assert "scheme" in caught.value.message


@given(st.text(max_size=80))
def test_accepted_spaces_only_lead_to_signalwire(value: str) -> None:
    try:
        name = validate_space(value)
    except InvalidInput:
        return
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", name, re.ASCII)
    url = httpx.URL(space_url(name))
    assert url.scheme == "https"
    assert url.host == f"{name}.signalwire.com"
    assert url.port is None


# --------------------------------------------------------------------------------------------
# Base URLs


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://acme.signalwire.com", "https://acme.signalwire.com"),
        ("https://acme.signalwire.com/", "https://acme.signalwire.com"),
        ("https://proxy.example.com:8443", "https://proxy.example.com:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        # localhost is never looked up: the validated URL names 127.0.0.1 itself.
        ("http://localhost:9000", "http://127.0.0.1:9000"),
        ("http://LOCALHOST", "http://127.0.0.1"),
        ("https://localhost:8443", "https://localhost:8443"),  # TLS checks that name
        ("  http://127.0.0.1:8080\n", "http://127.0.0.1:8080"),
    ],
)
def test_valid_base_urls(typed: str, expected: str) -> None:
    assert validate_base_url(typed) == expected


@pytest.mark.parametrize(
    ("typed", "wording"),
    [
        ("http://acme.signalwire.com", "plain http"),
        ("http://10.0.0.1:8080", "plain http"),
        ("http://localhost.evil.com", "plain http"),
        ("http://127.0.0.1.nip.io", "plain http"),
        ("http://localhost.:8080", "plain http"),  # a name for DNS, not for /etc/hosts alone
        ("http://LOCALHOST.:8080", "plain http"),
        ("http://localhost.localdomain:8080", "plain http"),
        ("http://foo.localhost:8080", "plain http"),
        ("http://127.1:8080", "plain http"),  # not an address Python reads: a name to look up
        ("http://2130706433:8080", "plain http"),
        ("http://[fe80::1%25eth0]:80", "zone"),
        ("http://[::1%lo]:8080", "zone"),
        ("https://[fe80::1%eth0]", "zone"),
        ("https://acme.signalwire.com/api", "only scheme, host and port"),
        ("https://acme.signalwire.com?x=1", "only scheme, host and port"),
        ("https://acme.signalwire.com#frag", "only scheme, host and port"),
        ("https://user:pw@acme.signalwire.com", "credentials"),
        ("https://user@acme.signalwire.com", "credentials"),
        ("ftp://acme.signalwire.com", "https://host"),
        ("acme.signalwire.com", "https://host"),
        ("https://", "https://host"),
        ("", "https://host"),
        ("https://acme.signalwire.com:99999", "not a valid URL"),
        ("https://acme.signalwire.com:port", "not a valid URL"),
        ("http://[::1", "not a valid URL"),
        ("https://acmeſ.example.com", "not a valid URL"),  # httpx cannot IDNA-encode it
        ("https://xn--a.com", "not a valid URL"),  # broken punycode
        ("https://\u2028.com", "not a valid URL"),
    ],
)
def test_invalid_base_urls(typed: str, wording: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_base_url(typed)
    assert caught.value.field == "base_url"
    assert wording in caught.value.message


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("::1", True),
        ("localhost", True),
        ("LocalHost", True),
        ("10.0.0.1", False),
        ("localhost.evil.com", False),
        ("localhost.", False),
        ("LOCALHOST.", False),
        ("localhost.localdomain", False),
        ("foo.localhost", False),
        ("::1%lo", False),
        ("127.0.0.1%lo", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_loopback_host(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected


# --------------------------------------------------------------------------------------------
# Tokens


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("PTabc123", "PTabc123"), ("  PTabc123\n", "PTabc123"), ("a-b_c.d", "a-b_c.d")],
)
def test_valid_tokens(typed: str, expected: str) -> None:
    assert validate_token(typed) == expected


@pytest.mark.parametrize(
    ("typed", "wording"),
    [
        ("", "empty"),
        ("  \n", "empty"),
        ("PT abc", "spaces"),
        ("PT\tabc", "spaces"),
        ("PT\nabc", "spaces"),
        ("PT\x00abc", "control"),
        ("PT\x1babc", "control"),
        ("PT\x9babc", "control"),
    ],
)
def test_invalid_tokens(typed: str, wording: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_token(typed)
    assert wording in caught.value.message
    assert caught.value.field == "token"
    secret_part = typed.strip()
    if len(secret_part) > 3:
        assert secret_part not in caught.value.message  # never echo the token back


def test_a_lowercase_sid_is_returned_as_the_same_string() -> None:
    """A config of 10,000 SIDs keeps one string per SID, not the parsed one and a lowered copy;
    an uppercase SID is still lowered."""
    sid = "".join(["3f2a9c1e-7b4d-4e8a-9c0f-", "1a2b3c4d5e6f"])  # built at run time: not a constant
    assert validate_conference_sid(sid) is sid
    assert validate_stream(sid).value is sid
    upper = sid.upper()
    assert validate_conference_sid(upper) == sid
    assert validate_stream(upper).value == sid


def test_a_zone_id_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_base_url("http://[fe80::1%25eth0]:8080")
    message = caught.value.message
    assert "zone" in message
    assert "http://[::1]:PORT" in message  # what to write instead


def test_plain_http_to_a_looked_up_name_says_what_to_write() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_base_url("http://localhost.:8080")
    assert "http://127.0.0.1:8080" in caught.value.message


@pytest.mark.parametrize(
    "typed", [UUID, "feed", "name:" + UUID[:-1], "name:name:x", "name:" + UUID, "cafe-feed"]
)
def test_a_stream_written_back_reads_the_same(typed: str) -> None:
    """What the config and the TUI's field keep of a stream validates to the same reference:
    a saved name shaped like a SID is not refused when the config is read again."""
    ref = validate_stream(typed)
    assert validate_stream(ref.written) == ref
