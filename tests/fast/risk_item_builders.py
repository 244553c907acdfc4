"""Commands of the key items, risk cases, the special item and the law-based-government task as
their senders send them, and the steps that bring each to a stage, through the risk harness.
The harness's today is 20 November 2026."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from contracts.risk import accountability as acc
from contracts.risk import cases as rc
from contracts.risk import key_item_ledger as ki
from contracts.risk import lawgov as lw
from contracts.risk import special as sp
from tests.fast.risk_builders import OFFICE, assert_effect
from tests.fast.risk_harness import RiskHarness

LEAD, OTHER_UNIT, COURT, GOVERNMENT, JUSTICE = (
    "HC410482",
    "TX410482",
    "CT410482",
    "TG410482001",
    "JB410482",
)
"""住建局 leads 问题楼盘 here; 税务 is another member; the court; a town government; 司法局 (the
reconsideration body and the people's mediation it refers to)."""
ITEM = "problem_projects"
ENTRY = uuid.UUID("7b2d4f60-0000-4000-8000-000000000001")
RISK = uuid.UUID("7b2d4f60-0000-4000-8000-000000000002")
RECON = uuid.UUID("7b2d4f60-0000-4000-8000-000000000003")
REFERRAL = uuid.UUID("7b2d4f60-0000-4000-8000-000000000004")
EXEC, ADMIN = "（2026）豫0482执1234号", "（2026）豫0482行初12号"
PLAN_DAY, DAY = date(2026, 6, 1), date(2026, 11, 2)


def plan(version: int = 1) -> ki.AdoptPlan:
    return ki.AdoptPlan(item=ITEM, version=version, title="一楼一策工作方案", adopted_on=PLAN_DAY)


def entry(**change: Any) -> ki.AddLedgerEntry:
    cmd = ki.AddLedgerEntry(
        item=ITEM,
        entry_id=ENTRY,
        target="某府二期逾期交付",
        stock=ki.Stock.EXISTING,
        arose_on=date(2026, 3, 1),
        deadline=date(2027, 3, 31),
    )
    return cmd.model_copy(update=change)


def claim() -> ki.ClaimEntryCompletion:
    return ki.ClaimEntryCompletion(
        item=ITEM, entry_id=ENTRY, claimed_on=DAY, evidence=["交付备案表"]
    )


def reconcile(matched: bool = True) -> ki.ReconcileEntry:
    return ki.ReconcileEntry(
        item=ITEM, entry_id=ENTRY, reconciled_on=DAY, matched=matched, finding="与备案表一致"
    )


def close() -> ki.CloseEntry:
    return ki.CloseEntry(item=ITEM, entry_id=ENTRY, closed_on=DAY)


def accountability(unit: str = LEAD, **basis: Any) -> acc.RaiseAccountability:
    """追责问责 citing the failed reconciliation of the entry on DAY."""
    cited = {"key_item": ITEM, "entry_id": ENTRY, "reconciled_on": DAY, **basis}
    return acc.RaiseAccountability(
        record_id=uuid.uuid4(),
        basis=acc.Basis(kind=acc.BasisKind.FAILED_RECONCILIATION, **cited),
        unit=unit,
        ground=acc.Ground.STALLING,
        measures="约谈牵头单位负责人，通报批评",
        decided_on=DAY,
    )


async def failed(h: RiskHarness) -> None:
    """The entry claimed, and its reconciliation failed on DAY."""
    await claimed(h)
    assert_effect(await h.send(reconcile(matched=False), OFFICE))


async def on_ledger(h: RiskHarness) -> None:
    assert_effect(await h.send(plan(), LEAD))
    assert_effect(await h.send(entry(), OFFICE))


async def claimed(h: RiskHarness) -> None:
    await on_ledger(h)
    assert_effect(await h.send(claim(), LEAD))


def risk(**change: Any) -> rc.RegisterRiskCase:
    cmd = rc.RegisterRiskCase(
        case_id=RISK,
        category=rc.RiskKind.PROBLEM_PROJECT,
        title="某府二期",
        level=rc.RiskLevel.MAJOR,
        lead=LEAD,
        deadline=date(2027, 6, 30),
        listed_on=date(2026, 9, 1),
        project=rc.ProblemProject(
            name="某府二期",
            developer="91410482MA3X4Y5K2E",
            location="某路1号",
            units_sold=420,
            buyers_affected=398,
        ),
        linked_cases=[EXEC],
    )
    return cmd.model_copy(update=change)


def status(to: rc.RiskStatus) -> rc.ChangeRiskStatus:
    return rc.ChangeRiskStatus(case_id=RISK, status=to, changed_on=DAY, reason="续建资金到位")


def assign(**change: Any) -> sp.AssignGovJudgmentCase:
    cmd = sp.AssignGovJudgmentCase(
        case_number=EXEC,
        debtor_organ="某镇人民政府",
        responsible_government=GOVERNMENT,
        amount=Decimal("1200000.00"),
        assigned_on=date(2026, 10, 1),
        deadline=date(2026, 12, 31),
    )
    return cmd.model_copy(update=change)


def performed() -> sp.ReportGovJudgmentPerformed:
    return sp.ReportGovJudgmentPerformed(case_number=EXEC, performed_on=DAY, evidence=["付款凭证"])


def summon(served_on: date = date(2026, 11, 2)) -> lw.SummonHead:
    return lw.SummonHead(
        case_number=ADMIN,
        defendant=LEAD,
        served_on=served_on,
        hearing_on=date(2026, 11, 10),
        mandatory=True,
    )


def appearance(**change: Any) -> lw.RecordAppearance:
    cmd = lw.RecordAppearance(
        case_number=ADMIN,
        hearing_on=date(2026, 11, 10),
        outcome=lw.AppearanceOutcome.APPEARED,
        person="王五",
        role=lw.HeadRole.DEPUTY,
    )
    return cmd.model_copy(update=change)


def recommendation() -> lw.SendJudicialRecommendation:
    return lw.SendJudicialRecommendation(case_number=ADMIN, recipients=[OFFICE], sent_on=DAY)


def file(**change: Any) -> lw.FileReconsideration:
    cmd = lw.FileReconsideration(
        reconsideration_id=RECON, respondent=LEAD, act_known_on=date(2026, 9, 1), filed_on=DAY
    )
    return cmd.model_copy(update=change)


def extend(days: int = 30) -> lw.ExtendReconsideration:
    return lw.ExtendReconsideration(reconsideration_id=RECON, days=days)


def decide(outcome: lw.CaseOutcome = lw.CaseOutcome.LOST) -> lw.DecideReconsideration:
    return lw.DecideReconsideration(reconsideration_id=RECON, outcome=outcome, decided_on=DAY)


def refer(channel: lw.MediationChannel = lw.MediationChannel.PEOPLE) -> lw.ReferToMediation:
    return lw.ReferToMediation(
        referral_id=REFERRAL,
        channel=channel,
        mediator=JUSTICE,
        dispute="物业服务费纠纷",
        referred_on=date(2026, 9, 1),
    )


def agreed(on: date = date(2026, 10, 1)) -> lw.RecordMediationResult:
    return lw.RecordMediationResult(referral_id=REFERRAL, agreed=True, on=on)


def apply(applied_on: date = date(2026, 10, 20)) -> lw.ApplyForConfirmation:
    return lw.ApplyForConfirmation(referral_id=REFERRAL, applied_on=applied_on)


def grant() -> lw.GrantConfirmation:
    return lw.GrantConfirmation(referral_id=REFERRAL, granted_on=DAY)


async def agreement(
    h: RiskHarness, channel: lw.MediationChannel = lw.MediationChannel.PEOPLE
) -> None:
    assert_effect(await h.send(refer(channel), COURT))
    assert_effect(await h.send(agreed(), JUSTICE))
