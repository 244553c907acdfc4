"""The key each service's consumers order a message by is the case (or stream) its handler acts
on, for every golden command and reply: the same number the handler reads, spelt as the contracts
normalize it; a message naming two cases, or whose stream is found from more than one field, has
no key and is handled alone."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from contracts.bankruptcy.procedure import AcceptPetition
from contracts.registry import parse_message
from contracts.subjects import subject
from services.bankruptcy.handlers import named_number
from services.runtime.consumer import Consumer, Delivery
from tests.fast.bankruptcy_harness import BankruptcyHarness
from tests.fast.harness import Delivering, Harness
from tests.fast.risk_harness import RiskHarness

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"


def samples(context: str) -> list[Path]:
    return [
        p
        for p in sorted(GOLDEN.glob(f"{context}.*.json"))
        if p.name.split(".")[1] in ("command", "reply")
    ]


@functools.cache
def harness(kind: type[Delivering]) -> Delivering:
    return kind()


def delivered(h: Delivering, path: Path) -> tuple[Consumer, Delivery, Any]:
    raw = path.read_bytes()
    msg = parse_message(raw)
    name = subject(msg.envelope.type, msg.envelope.organization)
    return h.consumer_for(name), Delivery(name, raw, {}, 1, 1), msg


@pytest.mark.parametrize("path", samples("enforcement"), ids=lambda p: p.stem)
def test_enforcement_orders_by_the_case_its_handler_acts_on(path: Path) -> None:
    c, d, msg = delivered(harness(Harness), path)
    assert c.key is not None
    number = getattr(msg.data, "case_number", None) or msg.envelope.case_number
    assert c.key(d) == (str(number) if number else None)


@pytest.mark.parametrize("path", samples("bankruptcy"), ids=lambda p: p.stem)
def test_bankruptcy_orders_by_the_number_its_handler_reads(path: Path) -> None:
    c, d, msg = delivered(harness(BankruptcyHarness), path)
    assert c.key is not None
    if isinstance(msg.data, AcceptPetition):
        assert c.key(d) is None, "names two numbers: alone"
    else:
        assert c.key(d) == named_number(msg)


KEYED_RISK = {
    "item_id": "linkage",
    "meeting_id": "meeting",
    "case_id": "risk_case",
    "reconsideration_id": "reconsideration",
    "referral_id": "mediation",
}


@pytest.mark.parametrize("path", samples("risk"), ids=lambda p: p.stem)
def test_risk_orders_by_the_stream_its_handler_acts_on(path: Path) -> None:
    c, d, msg = delivered(harness(RiskHarness), path)
    assert c.key is not None
    key = c.key(d)
    if key is None:
        return  # handled alone: never out of order
    kind, value = key.split(":", 1)
    field = {v: k for k, v in KEYED_RISK.items()}.get(kind, "case_number")
    assert value == str(getattr(msg.data, field))


def test_most_risk_commands_are_keyed_and_the_others_alone() -> None:
    keyed: set[str] = set()
    alone: set[str] = set()
    for path in samples("risk"):
        c, d, _ = delivered(harness(RiskHarness), path)
        assert c.key is not None
        (keyed if c.key(d) else alone).add(path.stem)
    assert "risk.command.hold_meeting.v1" in keyed
    assert "risk.command.record_leading_group_meeting.v1" in alone
    assert len(keyed) > len(alone)


def test_a_message_without_json_has_no_key() -> None:
    c = harness(Harness).consumer_for("enforcement.reply.property_answer.v1.NR410482")
    assert c.key is not None
    assert (
        c.key(Delivery("enforcement.reply.property_answer.v1.NR410482", b"\xff", {}, 1, 1)) is None
    )
