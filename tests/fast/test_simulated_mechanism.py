"""What the simulated joint mechanism of `make run` sends is taken by the risk service (in
memory): linkage items run to their close or a rejection, meetings to memos whose items are
accepted or run late, are marked overdue and held to account, ledger entries are reconciled and
checked off, a problem project's status moves, a head's absence brings a judicial
recommendation, reconsiderations are decided, mediation agreements confirmed or lapsed, a
judgment against a government organ performed; nothing is rejected but the reports sent on
purpose by a unit that does not own the item."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime

from contracts.subjects import subject
from services.cli.simulate_risk import Mechanism
from tests.fast.harness import Clock
from tests.fast.risk_harness import RiskHarness

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


async def test_simulated_mechanism_is_taken_by_the_risk_service() -> None:
    service = RiskHarness(Clock(NOW))
    mechanism = Mechanism(random.Random(4))
    facts: Counter[str] = Counter()
    rejected: list[tuple[str, str]] = []
    for _ in range(300):
        msg = mechanism.next_message(NOW)
        out = await service.deliver(msg, subject(msg.envelope.type, msg.envelope.organization))
        out += await service.tick_deadlines()
        for p in out:
            facts[p.subject.rsplit(".", 2)[0]] += 1
            if ".rejection." in p.subject:
                body = p.message if isinstance(p.message, dict) else json.loads(p.message)
                rejected.append((msg.envelope.type, json.dumps(body["data"], ensure_ascii=False)))
    on_purpose = [
        r for r in rejected if r[0] == "risk.command.report_progress.v1" and "does not own" in r[1]
    ]
    assert on_purpose, "the report by a unit that does not own the item is rejected"
    assert rejected == on_purpose, [r for r in rejected if r not in on_purpose]
    for fact in (
        "risk.event.linkage_item_approved",
        "risk.event.linkage_item_rejected",
        "risk.event.linkage_item_closed",
        "risk.event.memo_issued",
        "risk.event.memo_item_accepted",
        "risk.event.memo_item_overdue",
        "risk.event.accountability_raised",
        "risk.event.ledger_entry_closed",
        "risk.event.risk_status_changed",
        "risk.event.judicial_recommendation_sent",
        "risk.event.reconsideration_decided",
        "risk.event.judicial_confirmation_granted",
        "risk.event.confirmation_lapsed",
        "risk.event.gov_judgment_performed",
    ):
        assert facts[fact], fact
