"""The joint mechanism's invariants, as properties over random sequences of acts through the risk
service's real consumers and deadline runner:

- nothing before approval: no implementation fact of a linkage item is written unless the leading
  group's approval was written before it, whoever sends what in whichever order;
- overdue once per period: a memo item not accepted is overdue at most once in each period after
  its due date (however often the runner looks), in the period the clock is in when the runner
  looks, never before the due date, never after its acceptance; each escalated with it;
- memo-item acceptance: an item is accepted only after a claim by its owner, at most once, and
  only by the office;
- accountability only after an overdue or a failed reconciliation: on a memo item that was
  overdue (at most once a period), or on a key item's ledger entry whose reconciliation failed
  (at most once a failure, against the lead unit it names)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.risk.domain.meeting import overdue_period
from services.risk.settings import RiskSettings
from tests.fast import risk_builders as b
from tests.fast import risk_item_builders as ib
from tests.fast.harness import Published
from tests.fast.risk_harness import RiskHarness

SENDERS = (b.UNIT, b.NEEDED, b.OUTSIDER, b.OFFICE, b.GROUP, b.OTHER_OFFICE, b.BANK)
LINKAGE_ACTS = ("submit", "review", "approve", "reject", "implement", "report", "close")


def _linkage(act: str) -> object:
    return {
        "submit": b.submit(),
        "review": b.review(),
        "approve": b.decide(True),
        "reject": b.decide(False),
        "implement": b.implement(),
        "report": b.report(),
        "close": b.close(),
    }[act]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LINKAGE_ACTS), st.sampled_from(SENDERS)), max_size=25))
def test_nothing_is_carried_out_before_the_leading_groups_approval(
    acts: list[tuple[str, str]],
) -> None:
    async def run() -> list[Published]:
        h = RiskHarness()
        out: list[Published] = []
        for act, sender in [("submit", b.UNIT), *acts]:
            out += await h.send(_linkage(act), sender)  # type: ignore[arg-type]
        return out

    names = [p.type.split(".")[2] for p in asyncio.run(run()) if ".event." in p.type]
    for n, name in enumerate(names):
        if name == "linkage_item_implemented":
            assert "linkage_item_approved" in names[:n], names
    assert names.count("linkage_item_approved") + names.count("linkage_item_rejected") <= 1


MEMO_ACTS = ("progress", "claim", "accept", "return", "account", "wait")


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 20),
    st.lists(
        st.tuples(st.sampled_from(MEMO_ACTS), st.sampled_from((b.OWNER, b.OWNER2, b.OFFICE))),
        max_size=20,
    ),
    st.lists(st.integers(0, 15), min_size=1, max_size=20),
)
def test_overdue_once_per_period_and_acceptance_only_of_a_claim(
    period_days: int, acts: list[tuple[str, str]], waits: list[int]
) -> None:
    async def run() -> tuple[list[Published], date, date | None]:
        h = RiskHarness(settings=RiskSettings(overdue_period_days=period_days))
        await b.memo_issued(h, b.memo_item(due=date(2026, 11, 22)))
        out: list[Published] = []
        accepted_on: date | None = None
        for n, (act, sender) in enumerate(acts):
            if act == "wait":
                h.clock.advance(timedelta(days=waits[n % len(waits)]))
                for _ in range(2):  # a second look changes nothing
                    out += await h.tick_deadlines()
                continue
            day = h.clock().date()
            cmd = {
                "progress": b.progress(),
                "claim": b.claim(),
                "accept": b.accept(),
                "return": b.accept(accepted=False, remarks="证据不足"),
                "account": b.accountability(decided_on=day),
            }[act]
            got = await h.send(cmd, sender)
            if any(p.type == "risk.event.memo_item_accepted.v1" for p in got):
                accepted_on = day
            out += got
        out += await h.tick_deadlines()
        return out, h.clock().date(), accepted_on

    out, today, accepted_on = asyncio.run(run())
    due = date(2026, 11, 22)
    events = [(p.type.split(".")[2], p) for p in out if ".event." in p.type]
    names = [name for name, _ in events]

    periods = [p.data["period"] for name, p in events if name == "memo_item_overdue"]
    assert len(periods) == len(set(periods)), periods  # once per period
    assert periods == sorted(periods)
    last = overdue_period(due, accepted_on or today, period_days)
    if accepted_on is None:
        assert periods[-1:] == ([] if last is None else [last])  # the period the runner is in
    else:
        assert all(p <= (last if last is not None else -1) for p in periods)
    escalations = [p for p in out if p.type == "risk.notice.memo_item_escalated.v1"]
    assert len(escalations) == 2 * len(periods)  # the leading group and the owner, each time

    assert names.count("memo_item_accepted") <= 1
    for n, name in enumerate(names):
        if name == "memo_item_accepted":
            assert names[:n].count("memo_item_completion_claimed") > names[:n].count(
                "memo_item_returned"
            )
            assert events[n][1].to == b.OFFICE
        if name == "memo_item_completion_claimed":
            assert events[n][1].to == b.OWNER
        if name == "accountability_raised":
            assert "memo_item_overdue" in names[:n]
    counts = Counter(names)
    assert counts["accountability_raised"] <= max(1, len(periods))


LEDGER_ACTS = ("claim", "reconcile", "fail", "account", "account_other")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(LEDGER_ACTS), max_size=15))
def test_accountability_on_a_ledger_entry_only_after_a_failed_reconciliation(
    acts: list[str],
) -> None:
    async def run() -> list[Published]:
        h = RiskHarness()
        await ib.on_ledger(h)
        out: list[Published] = []
        for act in acts:
            cmd, sender = {
                "claim": (ib.claim(), ib.LEAD),
                "reconcile": (ib.reconcile(), b.OFFICE),
                "fail": (ib.reconcile(matched=False), b.OFFICE),
                "account": (ib.accountability(), b.OFFICE),
                "account_other": (ib.accountability(unit=ib.OTHER_UNIT), b.OFFICE),
            }[act]
            out += await h.send(cmd, sender)  # type: ignore[arg-type]
        return out

    events = [p for p in asyncio.run(run()) if ".event." in p.type]
    names = [p.type.split(".")[2] for p in events]
    for n, name in enumerate(names):
        if name == "accountability_raised":
            assert events[n].data["unit"] == ib.LEAD  # the unit the failure names
            failures = names[:n].count("ledger_reconciliation_failed")
            assert names[:n].count("accountability_raised") < failures, names
