"""Dead-letter headers: ASCII and bounded when written, `str` and intact when read back."""

from __future__ import annotations

from email.header import Header
from email.parser import BytesParser

from hypothesis import given
from hypothesis import strategies as st

from services.runtime.deadletters import (
    ERROR,
    PAYLOAD,
    Failure,
    ascii_header,
    decoded,
    header_text,
    letters,
    read_letter,
    wire_size,
)

MAX_PAYLOAD = 8 * 1024 * 1024


def stored(headers: dict[str, str]) -> dict[str, object]:
    """Headers as nats-py's JetStream API returns a stored message's: through `email.parser`."""
    block = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n"
    return dict(BytesParser().parsebytes(block).items())


def failure(data: bytes, error: str = "ValueError: 案号格式不符", **headers: str) -> Failure:
    return Failure(
        context="enforcement",
        consumer="enforcement_commands",
        subject="enforcement.command.register_case.v1.CT410482",
        stream="ENFORCEMENT",
        sequence=42,
        attempts=5,
        error=error,
        data=data,
        headers=headers,
        msg_id="dlq-enforcement_commands-ENFORCEMENT-42",
    )


def test_a_non_ascii_value_comes_back_from_the_stream_as_a_header_object() -> None:
    [(_, value)] = stored({"X-Sender": "洛阳市中级人民法院"}).items()
    assert isinstance(value, Header)
    assert header_text(value) == "洛阳市中级人民法院"


def test_plain_ascii_is_written_as_it_is() -> None:
    assert ascii_header("enforcement.command.register_case.v1.CT410482") == (
        "enforcement.command.register_case.v1.CT410482"
    )


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
def test_any_text_is_written_as_ascii_and_read_back_unchanged(text: str) -> None:
    value = ascii_header(text)
    assert value.isascii() and value.isprintable() and value == value.strip()
    [(_, back)] = stored({"Fuyuan-Error": value}).items()
    assert decoded(back) == text


def test_a_letter_with_a_chinese_error_and_sender_header_is_ascii_and_reads_back() -> None:
    [inline, _] = letters(failure(b"{}", **{"X-Court": "洛阳中院"}), MAX_PAYLOAD)
    assert all(v.isascii() for v in inline.headers.values())
    letter = read_letter(7, inline.subject, inline.data, stored(inline.headers), 0)
    assert letter.error == "ValueError: 案号格式不符"
    assert letter.headers["X-Court"] == "洛阳中院"
    assert letter.consumer == "enforcement_commands"
    assert letter.original_sequence == 42


def test_a_long_error_is_cut_so_the_letter_stays_small() -> None:
    [inline, _] = letters(failure(b"{}", error="错" * 100_000), MAX_PAYLOAD)
    assert len(inline.headers[ERROR]) < 4096


def test_headers_the_server_acts_on_are_not_copied_into_a_letter() -> None:
    [inline, _] = letters(failure(b"{}", **{"Nats-Expected-Stream": "OTHER"}), MAX_PAYLOAD)
    assert "Nats-Expected-Stream" not in inline.headers
    assert inline.headers["Nats-Msg-Id"] == "dlq-enforcement_commands-ENFORCEMENT-42"


def test_a_letter_that_would_not_fit_carries_a_reference_instead_of_the_payload() -> None:
    [letter] = letters(failure(b"x" * (MAX_PAYLOAD - 200)), MAX_PAYLOAD)
    assert letter.data == b""
    assert letter.headers[PAYLOAD] == "stream"
    assert letter.headers["Fuyuan-Original-Stream"] == "ENFORCEMENT"
    assert letter.headers["Fuyuan-Original-Sequence"] == "42"
    assert wire_size(letter.data, letter.headers) < 8192


def test_a_letter_that_fits_is_under_the_limit_with_all_its_headers() -> None:
    data = b"x" * (MAX_PAYLOAD - 4096)
    first = letters(
        failure(data, **{"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}), MAX_PAYLOAD
    )[0]
    assert wire_size(first.data, first.headers) <= MAX_PAYLOAD


def test_a_relay_alert_is_read_as_a_letter_of_kind_relay() -> None:
    body = (
        b'{"event_id": "e", "position": 9, "subject": "enforcement.notice.x.v1.NR1",'
        b' "size": 9000000, "reason": "too large", "sha256": "ab"}'
    )
    alert = read_letter(3, "deadletter.enforcement.relay", body, {"Fuyuan-Kind": "relay"}, 100)
    assert (alert.kind, alert.original_subject, alert.error) == (
        "relay",
        "enforcement.notice.x.v1.NR1",
        "too large",
    )
    assert alert.size == 9_000_000 and alert.payload == "none" and alert.failed_at == 100
