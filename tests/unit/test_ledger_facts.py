"""What the ledger keeps of a delivery: its place in the stream, the authenticated sender, the
claim of the envelope, and something for any bytes at all."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.ledger.domain import ENTRY_FORMATS, encode, entry_hash
from services.ledger.handlers import facts_of, raw_facts
from services.runtime.consumer import Delivery

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
COMMAND = "enforcement.command.register_case.v1.CT410482"
EVENT = "enforcement.event.case_registered.v1.CT410482"
REPLY = "enforcement.reply.property_answered.v1.BANK01"


def message(org: str = "CT410482", event_id: uuid.UUID | None = None, **data: Any) -> bytes:
    eid = str(event_id or uuid.uuid4())
    env = {
        "event_id": eid,
        "type": "enforcement.command.register_case.v1",
        "occurred_at": "2026-11-20T09:00:00+08:00",
        "organization": org,
        "correlation_id": eid,
    }
    return json.dumps({"envelope": env, "data": data}).encode()


def delivery(data: bytes, subject: str = COMMAND, sequence: int = 1, **headers: Any) -> Delivery:
    return Delivery(subject, data, headers, 1, sequence)


def assert_storable(value: object) -> None:
    if isinstance(value, str):
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogate


def test_the_key_is_the_place_in_the_stream_not_the_sender_s_event_id() -> None:
    same = uuid.uuid4()
    first = facts_of(delivery(message(event_id=same), sequence=7))
    second = facts_of(delivery(message(event_id=same, other=1), REPLY, sequence=9))
    assert (first.message_key, second.message_key) == ("ENFORCEMENT:7", "ENFORCEMENT:9")
    assert first.event_id == second.event_id == str(same)


def test_a_dead_letter_is_keyed_on_the_deadletter_stream() -> None:
    f = facts_of(delivery(message(), "deadletter.enforcement.enforcement_commands", 3))
    assert f.message_key == "DEADLETTER:3" and f.sender == "FUYUAN"


def test_a_command_is_sent_by_the_organization_of_its_subject() -> None:
    f = facts_of(delivery(message("CT410482")))
    assert (f.sender, f.organization, f.forgery) == ("CT410482", "CT410482", False)


def test_a_command_claiming_another_court_is_a_forgery_by_the_real_sender() -> None:
    f = facts_of(delivery(message("CT410102")))
    assert (f.sender, f.organization, f.forgery) == ("CT410482", "CT410102", True)


def test_a_reply_claiming_another_bureau_is_a_forgery() -> None:
    f = facts_of(delivery(message("BANK02"), REPLY))
    assert (f.sender, f.forgery) == ("BANK01", True)


def test_the_platform_sends_events_for_the_organization_that_acted() -> None:
    f = facts_of(delivery(message("CT410482"), EVENT))
    assert (f.sender, f.organization, f.forgery) == ("FUYUAN", "CT410482", False)


def test_a_message_with_no_envelope_is_kept_with_its_sender() -> None:
    f = facts_of(delivery(b"{ not json"))
    assert (f.sender, f.organization, f.forgery, f.body) == ("CT410482", None, False, b"{ not json")


def test_sender_and_forgery_are_covered_by_the_entry_hash() -> None:
    f = facts_of(delivery(message("CT410102")))
    honest = entry_hash(1, f, T0, bytes(32), bytes(32))
    import dataclasses

    for changed in (
        dataclasses.replace(f, sender="CT410102"),
        dataclasses.replace(f, forgery=False),
        dataclasses.replace(f, detail="x"),
    ):
        assert entry_hash(1, changed, T0, bytes(32), bytes(32)) != honest
    assert json.loads(encode(1, f, T0, bytes(32), bytes(32)))[0] == ENTRY_FORMATS[2]


def test_a_v1_entry_is_encoded_as_before() -> None:
    import dataclasses

    f = dataclasses.replace(facts_of(delivery(message())), version=1)
    fields = json.loads(encode(1, f, T0, bytes(32), bytes(32)))
    assert fields[0] == "fuyuan-ledger-entry/v1" and len(fields) == 13


def test_dead_letters_relay_alerts_and_operator_actions_have_their_own_types() -> None:
    letter = facts_of(
        delivery(
            message(),
            "deadletter.enforcement.enforcement_commands",
            1,
            **{"Fuyuan-Error": "处理失败", "Fuyuan-Consumer": "c"},
        )
    )
    alert = facts_of(delivery(b"{}", "deadletter.enforcement.relay", 2))
    action = facts_of(delivery(b"{}", "deadletter.actions.dropped", 3))
    assert letter.type == "deadletter.letter" and "处理失败" in (letter.detail or "")
    assert letter.case_number is None and letter.event_id is not None
    assert alert.type == "deadletter.relay_alert"
    assert (action.type, action.sender) == ("deadletter.action.dropped", "operator")


NASTY = [
    b"[" * 100_000 + b"]" * 100_000,
    b"[" * 900 + b"]" * 900,  # parsed by json, too deep for RFC 8785's recursion
    b'{"envelope": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
    b'{"n": ' + b"9" * 5000 + b"}",
    b'{"text": "\\u0000"}',
    b'{"text": "\\ud800"}',
    b'{"envelope": {"event_id": 5, "type": [], "organization": {"a": null}}}',
    b'{"envelope": "CT410482"}',
    b'{"x": NaN, "y": 1e999}',
    b"\x00\xff\xfe",
    b'{"big": "' + b"a" * 2_000_000 + b'"}',
    b"",
]


def test_no_bytes_keep_a_message_from_the_journal() -> None:
    for data in NASTY:
        f = facts_of(delivery(data))
        for value in vars(f).values():
            assert_storable(value)
        entry_hash(1, f, T0, bytes(32), bytes(32))


def test_a_subject_with_characters_postgres_refuses_is_stored_replaced() -> None:
    f = facts_of(delivery(b"{}", "enforcement.command.x\x00.v1.CT\udc80"))
    for value in vars(f).values():
        assert_storable(value)
    assert_storable(raw_facts(delivery(b"{}", "a\x00.b")).subject)


def test_a_header_that_is_not_text_does_not_stop_the_journal() -> None:
    class Header:
        def __str__(self) -> str:
            return "00-" + "a" * 32 + "-" + "b" * 16 + "-01"

    f = facts_of(delivery(b"{}", traceparent=Header()))
    assert f.trace_id == "a" * 32


HOSTILE = st.text(st.characters() | st.sampled_from(["\x00", "\ud800", "\udfff"]), max_size=40)
"""Text with what PostgreSQL text refuses (NUL, lone surrogates) among anything else."""

BODIES = st.binary(max_size=2000) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=30,
).map(lambda v: json.dumps({"envelope": v, "data": v}).encode())

SUBJECTS = st.sampled_from([COMMAND, REPLY, "deadletter.enforcement.enforcement_commands"]) | (
    HOSTILE.map(lambda t: f"enforcement.command.{t}.v1.CT410482")
    | HOSTILE.map(lambda t: f"enforcement.reply.x.v1.{t}")
    | HOSTILE.map(lambda t: f"deadletter.enforcement.{t}")
    | HOSTILE
)
"""Subjects of every shape the journal reads, with hostile text in the tokens it keeps: the
body alone never reaches a stored text field (a random envelope never validates)."""

HEADERS = st.dictionaries(st.sampled_from(["traceparent", "Fuyuan-Error", "X-Court"]), HOSTILE)


@settings(max_examples=300, deadline=None)
@given(BODIES, SUBJECTS, HEADERS)
def test_any_input_gives_facts_postgres_can_store(
    data: bytes, subject: str, headers: dict[str, str]
) -> None:
    for f in (facts_of(delivery(data, subject, **headers)), raw_facts(delivery(data, subject))):
        for value in vars(f).values():
            assert_storable(value)


def test_a_letter_s_encoded_chinese_error_is_journaled_readable() -> None:
    header = "=?utf-8?b?5aSE55CG5aSx6LSlIOKAlCBmYWlsZWQ=?="  # 处理失败 — failed, RFC 2047
    f = facts_of(delivery(b"{}", "deadletter.enforcement.c", 1, **{"Fuyuan-Error": header}))
    assert json.loads(f.detail or "{}") == {"Fuyuan-Error": "处理失败 — failed"}
