"""Contracts: the committed AsyncAPI document is current, every public type has a golden sample,
and the envelope refuses what it should."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts import catalog
from contracts.asyncapi import GENERATED, rendered
from contracts.envelope import Envelope
from contracts.registry import InvalidMessageError, parse_message

GOLDEN = Path(__file__).parent / "golden"
_ = catalog


def test_the_committed_asyncapi_document_and_schemas_are_current() -> None:
    stale = [
        rel
        for rel, text in rendered().items()
        if not (GENERATED / rel).exists() or (GENERATED / rel).read_text("utf-8") != text
    ]
    assert stale == [], "run `make contracts` (fuyuan contracts export) and commit the result"


def test_every_public_message_type_has_a_golden_sample() -> None:
    missing = [t for t in catalog.public() if not (GOLDEN / f"{t}.json").exists()]
    assert missing == []


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_golden_samples_parse_and_round_trip(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    msg = parse_message(raw)
    assert msg.envelope.type == path.stem
    assert json.loads(msg.model_dump_json()) == raw


def _envelope(**change: object) -> dict[str, object]:
    env = json.loads((GOLDEN / "enforcement.command.register_case.v1.json").read_text("utf-8"))
    return {**env["envelope"], **change}


def test_an_envelope_with_a_naive_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at"):
        Envelope.model_validate(_envelope(occurred_at="2026-11-20T09:00:00"))


def test_an_envelope_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Envelope.model_validate(_envelope(colour="red"))


def test_an_envelope_is_frozen() -> None:
    env = Envelope.model_validate(_envelope())
    with pytest.raises(ValidationError):
        env.organization = "CT410300"  # type: ignore[misc]


def test_an_organization_code_must_be_an_ascii_subject_token() -> None:
    with pytest.raises(ValidationError, match="organization"):
        Envelope.model_validate(_envelope(organization="洛阳中院"))


def test_an_unknown_message_type_is_named_in_the_error() -> None:
    raw = json.loads((GOLDEN / "enforcement.command.register_case.v1.json").read_text("utf-8"))
    raw["envelope"]["type"] = "enforcement.command.fly_away.v1"
    with pytest.raises(InvalidMessageError) as e:
        parse_message(raw)
    assert e.value.errors[0].field == "envelope.type"


def test_a_message_on_the_wrong_subject_is_refused() -> None:
    raw = json.loads((GOLDEN / "enforcement.command.register_case.v1.json").read_text("utf-8"))
    with pytest.raises(InvalidMessageError, match="arrived on the subject"):
        parse_message(raw, expected_type="enforcement.reply.other.v1")


def test_the_envelope_exposes_the_version_of_its_type() -> None:
    assert Envelope.model_validate(_envelope()).version == 1
    assert isinstance(Envelope.model_validate(_envelope()).occurred_at, datetime)


def test_a_rejection_recorded_in_the_first_form_is_still_read_as_an_excerpt() -> None:
    raw = json.loads((GOLDEN / "enforcement.rejection.message_rejected.v1.json").read_text("utf-8"))
    data = raw["data"]
    whole = "\x01" * 5000
    del data["received_size"], data["received_excerpt"]
    msg = parse_message({**raw, "data": {**data, "received": whole}})
    assert msg.data.received_size == 5000
    assert msg.data.received_excerpt.startswith("␁") and msg.data.received_excerpt.endswith("…")
    assert len(msg.data.received_excerpt) <= 2049
    old_base64 = parse_message({**raw, "data": {**data, "received": "base64:/w=="}})
    assert old_base64.data.received_size == 1 and old_base64.data.received_excerpt == "\ufffd"
