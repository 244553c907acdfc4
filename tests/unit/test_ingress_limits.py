"""Ingress: every message ends in one effect or one bounded rejection naming a field.

The fast tier drives the enforcement service's own intakes (its subscribers, in memory) with
the hostile input of `chaos.fuzz`; the integration tier does the same through NATS.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from chaos.fuzz import golden, ingress_messages, ingress_types
from contracts import catalog, limits
from contracts.enforcement.measures import Catalogue
from contracts.organizations import Registry
from contracts.registry import InvalidMessageError, check_raw, parse_message, peek_envelope
from contracts.subjects import split
from services.enforcement import subscribers
from services.enforcement.handlers import Handlers
from services.enforcement.projections import Sanctions
from services.enforcement.settings import EnforcementSettings
from services.runtime.consumer import Delivery
from services.runtime.eventstore import InboxEntry, StreamWrite, UnstorableEventError
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.intake import Intake

_ = catalog
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
REGISTER = "enforcement.command.register_case.v1"
COURT = "CT410482"
REGISTRY, CATALOGUE = Registry.load(), Catalogue.load()


class RecordingStore(MemoryEventStore):
    """The in-memory store, keeping each successful append as it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.appends: list[tuple[tuple[StreamWrite, ...], InboxEntry | None]] = []

    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        positions = await super().append(*writes, inbox=inbox)
        self.appends.append((writes, inbox))
        return positions


class NoSanctions(Sanctions):
    """The sanctions read side with nothing in force."""

    def __init__(self) -> None:
        pass

    async def in_force(self, party_id: str, today: Any) -> list[tuple[dict[str, Any], str]]:
        return []


def intakes(store: RecordingStore) -> dict[str, Intake]:
    """The service's own intakes by durable name, over the in-memory store."""
    h = Handlers(store, REGISTRY, EnforcementSettings(), CATALOGUE, NoSanctions())
    return {c.durable: c.handle for c in subscribers.consumers(h, lambda: NOW, 5)}  # type: ignore[misc]


async def deliver(store: RecordingStore, subject: str, data: bytes, seq: int = 1) -> None:
    durable = (
        "enforcement_replies"
        if subject.startswith("enforcement.reply.")
        else ("enforcement_commands")
    )
    await intakes(store)[durable](Delivery(subject, data, {}, 1, seq))


def sample(message_type: str = REGISTER, **envelope: Any) -> dict[str, Any]:
    msg = copy.deepcopy(golden(message_type))
    assert msg is not None
    msg["envelope"].update({"event_id": str(uuid.uuid4()), **envelope})
    return msg


def encoded(msg: Any) -> bytes:
    return json.dumps(msg, ensure_ascii=False).encode()


def the_rejection(store: RecordingStore) -> dict[str, Any]:
    """The one rejection recorded, as stored (and so as the relay publishes it)."""
    [(writes, inbox)] = store.appends
    [event] = [e for w in writes for e in w.events]
    assert event.message.envelope.type.split(".")[1] == "rejection"
    assert inbox is not None
    return {
        "subject": event.subject,
        "inbox": inbox,
        "json": event.message.model_dump_json(),
        **event.message.model_dump(mode="json"),
    }


def fields(rejection: dict[str, Any]) -> list[str]:
    return [p["field"] for p in rejection["data"]["problems"]]


# ---- the raw limits -----------------------------------------------------------------------------

CRASHERS = {
    "deep nesting": b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "a 5,000-digit integer": b'{"a":' + b"9" * 5000 + b"}",
    "an escaped NUL": b'{"a":"\\u0000"}',
    "a lone surrogate": b'{"a":"\\ud800"}',
    "a lone low surrogate": b'{"a":"x\\udfff"}',
    "an escaped ESC": b'{"a":"\\u001b[31m"}',
    "a raw control byte": b'{"a":"\x01"}',
    "an exponent Python turns into infinity": b'{"a":1e999}',
    "NaN": b'{"a":NaN}',
    "a repeated key": b'{"envelope":{},"envelope":[]}',
    "invalid UTF-8": b'{"a":"\xff"}',
    "UTF-16": '{"a":1}'.encode("utf-16"),
    "too large": b" " * (limits.MAX_MESSAGE_BYTES + 1),
}


@pytest.mark.parametrize("raw", CRASHERS.values(), ids=CRASHERS.keys())
def test_what_python_json_or_postgresql_cannot_take_is_refused_before_parsing(raw: bytes) -> None:
    with pytest.raises(InvalidMessageError) as e:
        parse_message(raw)
    assert e.value.errors and all(err.field == "$" for err in e.value.errors)
    assert peek_envelope(raw) is None


@pytest.mark.parametrize("raw", list(CRASHERS.values())[:8], ids=list(CRASHERS)[:8])
def test_check_raw_refuses_the_same_bytes_for_any_parser(raw: bytes) -> None:
    with pytest.raises(InvalidMessageError):
        check_raw(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":"\\\\u0000"}',  # an escaped backslash, then the text u0000
        b'{"a":"\\ud83d\\ude00 \\t\\n\\r"}',  # a surrogate pair and the usual whitespace escapes
        b'{"a":' + b"[" * (limits.MAX_DEPTH - 1) + b"]" * (limits.MAX_DEPTH - 1) + b"}",
        b'{"a":' + b"9" * limits.MAX_DIGITS + b', "b": 1.5e308, "c": "' + b"9" * 5000 + b'"}',
        '{"a":"执行 — 法院 [[[[ {{{{ "}"'.encode(),
    ],
)
def test_what_is_within_the_limits_passes_check_raw(raw: bytes) -> None:
    check_raw(raw)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"envelope": []}, "envelope"),
        ({"envelope": "x"}, "envelope"),
        ({"data": []}, "data"),
        ({"data": None}, "data"),
    ],
)
def test_wrong_json_types_at_the_top_are_refused_naming_the_field(
    change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidMessageError) as e:
        parse_message(encoded({**sample(), **change}))
    assert field in [err.field for err in e.value.errors]


@pytest.mark.parametrize(
    ("key", "value"),
    [("type", 5), ("type", ["x"]), ("event_id", {}), ("occurred_at", 1), ("organization", None)],
)
def test_wrong_json_types_in_the_envelope_are_refused_naming_the_field(
    key: str, value: Any
) -> None:
    with pytest.raises(InvalidMessageError) as e:
        parse_message(encoded(sample(**{key: value})))
    assert f"envelope.{key}" in [err.field for err in e.value.errors]
    assert e.value.message_type is None or isinstance(e.value.message_type, str)


def test_validation_errors_never_echo_the_input_and_are_few() -> None:
    msg = sample(officer="冻" * 400_000)
    msg["data"]["debtors"] = [{"kind": "x" * 1000}] * 5000
    with pytest.raises(InvalidMessageError) as e:
        parse_message(encoded(msg))
    assert len(e.value.errors) <= limits.MAX_PROBLEMS + 1
    assert len(str(e.value)) < 8_000 and "冻冻冻" not in str(e.value)


# ---- bounded rejections -------------------------------------------------------------------------

HUGE = {
    "1.5 MB of control characters": bytes(range(1, 32)) * 50_000,
    "exactly at the size limit": bytes(range(1, 32)) * (limits.MAX_MESSAGE_BYTES // 31)
    + b"\x01" * (limits.MAX_MESSAGE_BYTES % 31),
    "a valid sample padded to the size limit, then one byte over": b"",
    "8 MB of control characters": b"\x1b" * (8 * 1024 * 1024),
    "a megabyte string that fails validation": b"",
}


def _huge(name: str) -> bytes:
    if name.startswith("a valid sample padded"):
        body = encoded(sample())
        return body[:-1] + b" " * (limits.MAX_MESSAGE_BYTES + 1 - len(body)) + b"}"
    if name.startswith("a megabyte string"):
        return encoded(sample(officer="\\" * 400_000 + '"' * 100_000))
    return HUGE[name]


@pytest.mark.parametrize("name", HUGE.keys())
async def test_the_rejection_of_a_huge_message_is_a_few_kib(name: str) -> None:
    data, store = _huge(name), RecordingStore()
    await deliver(store, f"{REGISTER}.{COURT}", data)
    rejection = the_rejection(store)
    assert len(rejection["json"].encode()) < 8 * 1024, "a few KiB, whatever was received"
    assert rejection["data"]["received_size"] == len(data)
    assert rejection["data"]["received_sha256"] == hashlib.sha256(data).hexdigest()
    assert len(rejection["data"]["received_excerpt"]) <= limits.EXCERPT_BYTES + 1
    assert rejection["subject"].endswith(f".{COURT}")


def test_the_excerpt_shows_controls_and_invalid_utf8_safely() -> None:
    shown = limits.excerpt(b'{"a":"\x00\x1b[31m\xff\xfe\xe6\x89"}')
    assert "\x00" not in shown and "\x1b" not in shown
    assert shown == '{"a":"␀␛[31m\ufffd\ufffd\ufffd"}'
    assert limits.excerpt(b"x" * 5000) == "x" * limits.EXCERPT_BYTES + "…"


async def test_a_refused_list_of_many_bad_items_names_at_most_ten_problems() -> None:
    msg = sample()
    msg["data"]["debtors"] = [{"name": 1}] * 40
    store = RecordingStore()
    await deliver(store, f"{REGISTER}.{COURT}", encoded(msg))
    problems = the_rejection(store)["data"]["problems"]
    assert len(problems) == limits.MAX_PROBLEMS + 1 and "more problem" in problems[-1]["reason"]


async def test_a_case_number_too_long_for_an_envelope_is_refused_not_retried() -> None:
    msg = sample()
    msg["data"]["case_number"] = "（2026）豫0482执" + "1" * 3000 + "号"
    msg["envelope"].pop("case_number", None)
    store = RecordingStore()
    await deliver(store, f"{REGISTER}.{COURT}", encoded(msg))
    assert len(the_rejection(store)["json"]) < 8 * 1024


class RefusingStore(RecordingStore):
    """A store whose database refuses what a case's events hold (as PostgreSQL refuses a value
    too large for its index)."""

    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        if any(w.stream_id.startswith("case-") for w in writes):
            raise UnstorableEventError("index row size 9024 exceeds btree maximum 2704")
        return await super().append(*writes, inbox=inbox)


async def test_a_message_whose_effect_the_store_cannot_hold_is_refused_not_retried() -> None:
    store = RefusingStore()
    await deliver(store, f"{REGISTER}.{COURT}", encoded(sample()))
    [problem] = the_rejection(store)["data"]["problems"]
    assert "cannot be stored" in problem["reason"] and "2704" in problem["reason"]


# ---- subjects a rejection cannot be addressed to --------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        f"{REGISTER}.ct410482",
        f"{REGISTER}.法院",
        f"{REGISTER}.*",
        f"{REGISTER}.>",
        f"{REGISTER}.",
        REGISTER,
        "enforcement.command",
        "",
        f"{REGISTER}.CT\x00\x1b",
    ],
)
async def test_a_subject_naming_no_organization_is_answered_to_the_platform(subject: str) -> None:
    store = RecordingStore()
    await deliver(store, subject, encoded(sample()))
    rejection = the_rejection(store)
    assert rejection["subject"] == "enforcement.rejection.message_rejected.v1.FUYUAN"
    assert "subject" in fields(rejection)
    assert "\x00" not in rejection["data"]["subject"] and "\x1b" not in rejection["data"]["subject"]


@pytest.mark.parametrize(
    "subject",
    [
        f"enforcement.command.fly_away.v1.{COURT}",
        f"enforcement.event.case_registered.v1.{COURT}",
        f"enforcement.command.Register_case.v1.{COURT}",
    ],
)
async def test_a_type_on_the_subject_not_taken_here_is_refused_naming_subject(subject: str) -> None:
    store = RecordingStore()
    await deliver(store, subject, encoded(sample()))
    rejection = the_rejection(store)
    assert rejection["subject"] == f"enforcement.rejection.message_rejected.v1.{COURT}"
    assert fields(rejection) == ["subject"]


# ---- the inbox per sender -------------------------------------------------------------------------


async def test_a_true_redelivery_has_no_second_effect_and_no_rejection() -> None:
    msg = sample()
    store, data = RecordingStore(), encoded(msg)
    await deliver(store, f"{REGISTER}.{COURT}", data, seq=1)
    await deliver(store, f"{REGISTER}.{COURT}", data, seq=1)
    [(_, inbox)] = store.appends
    event_id = uuid.UUID(msg["envelope"]["event_id"])
    assert inbox == InboxEntry("enforcement_commands", event_id, COURT)


async def test_the_same_event_id_from_another_organization_is_another_message() -> None:
    store, event_id = RecordingStore(), str(uuid.uuid4())
    await deliver(store, f"{REGISTER}.{COURT}", encoded(sample(event_id=event_id)))
    other = sample(event_id=event_id, organization="CT410300")
    other["data"]["case_number"] = "（2026）豫0300执1号"
    await deliver(store, f"{REGISTER}.CT410300", encoded(other), seq=2)
    assert [i.sender for _, i in store.appends if i] == [COURT, "CT410300"]


async def test_a_redelivered_unreadable_message_is_rejected_once() -> None:
    store = RecordingStore()
    for _ in range(3):
        await deliver(store, f"{REGISTER}.{COURT}", b"\x00garbage", seq=7)
    await deliver(store, f"{REGISTER}.{COURT}", b"\x00garbage", seq=8)
    assert len(store.appends) == 2, "one rejection per message in the stream, not per delivery"


# ---- the property: every hostile input ends in exactly one outcome ------------------------------


def _outcome(store: RecordingStore, subject: str) -> str:
    assert len(store.appends) == 1, "exactly one effect or one rejection"
    writes, inbox = store.appends[0]
    assert inbox is not None, "recorded in the inbox, so a redelivery has no second effect"
    events = [e for w in writes for e in w.events]
    kinds = {e.message.envelope.type.split(".")[1] for e in events}
    if "rejection" not in kinds:
        assert inbox.sender == split(subject)[1]
        return "effect"
    rejection = the_rejection(store)
    assert len(rejection["json"].encode()) < limits.REJECTION_BOUND
    assert all(p["field"] and p["reason"] for p in rejection["data"]["problems"])
    return "rejection"


async def _run(examples: Sequence[tuple[str, bytes]]) -> list[str]:
    out = []
    for n, (subject, data) in enumerate(examples):
        store = RecordingStore()
        await deliver(store, subject, data, seq=n + 1)
        out.append(_outcome(store, subject))
    return out


@settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(ingress_messages(deliverable=False))
def test_every_hostile_message_on_every_ingress_subject_ends_in_one_effect_or_one_rejection(
    message: tuple[str, bytes],
) -> None:
    asyncio.run(_run([message]))


def test_the_fuzzer_covers_every_ingress_type_of_the_service() -> None:
    routed = ingress_types()
    assert any(t.split(".")[1] == "command" for t in routed)
    assert any(t.split(".")[1] == "reply" for t in routed)
    assert all(golden(t) is not None for t in routed), "a golden sample to mutate for each"


async def test_unmutated_golden_samples_of_every_ingress_type_get_an_answer() -> None:
    examples = []
    for t in ingress_types():
        msg = sample(t)
        examples.append((f"{t}.{msg['envelope']['organization']}", encoded(msg)))
    outcomes = await _run(examples)
    assert "effect" in outcomes and set(outcomes) <= {"effect", "rejection"}
