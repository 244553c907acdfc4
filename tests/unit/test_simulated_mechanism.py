"""What the simulated joint mechanism of `make run` sends: every sender publishes only what its
role allows, each story is dated in the past in order, late memo items are held to account and
accepted ones sometimes commended, and the only message wrong on purpose is a report by a unit
that does not own the item."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from contracts.envelope import Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.risk import roles
from contracts.risk.accountability import BasisKind, GrantCommendation, RaiseAccountability
from contracts.risk.cases import ChangeRiskStatus, RegisterRiskCase
from contracts.risk.key_item_ledger import CloseEntry, ReconcileEntry
from contracts.risk.linkage import DecideLinkageItem, SubmitLinkageItem
from contracts.risk.meetings import IssueMemo, MemoItemSpec, ReportProgress
from services.cli.simulate_risk import Mechanism

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def run(seed: int, count: int) -> list[Message[Any]]:
    mechanism = Mechanism(random.Random(seed))
    return [mechanism.next_message(NOW) for _ in range(count)]


def test_every_sender_publishes_only_what_its_role_allows() -> None:
    registry = Registry.load()
    sent = run(1, 400)
    for msg in sent:
        kind = registry.get(msg.envelope.organization).kind
        assert roles.may_publish(msg.envelope.type, kind), (msg.envelope.type, kind)
        again = parse_message(json.dumps(msg.model_dump(mode="json")).encode())
        assert again == msg
    kinds = Counter(type(msg.data) for msg in sent)
    for wanted in (SubmitLinkageItem, DecideLinkageItem, IssueMemo, ReportProgress):
        assert kinds[wanted], wanted
    for wanted in (RaiseAccountability, ReconcileEntry, CloseEntry, RegisterRiskCase):
        assert kinds[wanted], wanted
    assert kinds[ChangeRiskStatus]
    assert {msg.envelope.organization[:2] for msg in sent} >= {"JO", "LG", "HC", "CT"}


def test_the_leading_group_rejects_some_items_and_nothing_is_dated_after_today() -> None:
    sent = run(2, 400)
    decisions = [m.data.approved for m in sent if isinstance(m.data, DecideLinkageItem)]
    assert True in decisions and False in decisions
    for msg in sent:
        for name, value in msg.data:
            if name.endswith("_on") and name != "due_on" and hasattr(value, "year"):
                assert value <= NOW.date(), (msg.envelope.type, name, value)


def test_late_memo_items_are_held_to_account_and_a_non_owner_report_is_the_only_wrong_one() -> None:
    sent = run(3, 800)
    items: dict[UUID, MemoItemSpec] = {}
    for msg in sent:
        if isinstance(msg.data, IssueMemo):
            items |= {spec.item_id: spec for spec in msg.data.items}
    late = {i for i, spec in items.items() if spec.due_on < NOW.date()}
    assert late and set(items) - late
    held = [m.data for m in sent if isinstance(m.data, RaiseAccountability)]
    for record in held:
        assert record.basis.kind is BasisKind.OVERDUE_MEMO_ITEM
        assert record.basis.item_id in late
        assert record.unit == items[record.basis.item_id].owner_unit
        assert record.decided_on > items[record.basis.item_id].due_on
    for msg in sent:
        if isinstance(msg.data, GrantCommendation):
            assert msg.data.basis.item_id not in late
    reports = [m for m in sent if isinstance(m.data, ReportProgress)]
    wrong = [m for m in reports if m.envelope.organization != items[m.data.item_id].owner_unit]
    assert wrong, "some report is sent by a unit that does not own the item, on purpose"
    assert all(m.data.item_id in late for m in wrong)
