"""Builders shared by the bankruptcy domain tests: a county court's case in Ruzhou, its units, and
steps that bring a case to a stage. (No tests here: the other test_bankruptcy_* modules use it.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    Debtor,
    PetitionerKind,
    Procedure,
)
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.base import Command, Payload
from contracts.organizations.kinds import Level
from services.bankruptcy.domain import BankruptcyCase, Jurisdiction, Rules, decide_step, evolve
from services.bankruptcy.domain.rules import Out

COURT = "CTRUZHOU"
HIGHER = "CTPINGDINGSHAN"
JOINT_OFFICE = "JORUZHOU"
ADMIN = "ADHENANLAW"
FINANCE = "FNRUZHOU"
PETITION = "（2026）豫0482破申3号"
CASE = "（2026）豫0482破5号"
APPEAL = "（2026）豫04破终2号"

UNITS = {
    "human_resources": ("HRRUZHOU",),
    "police": ("PSRUZHOU",),
    "petition": ("PTRUZHOU",),
    "tax": ("TXRUZHOU",),
    "market_regulation": ("MRRUZHOU",),
    "natural_resources": ("NRRUZHOU",),
    "housing": ("HCRUZHOU",),
    "financial_regulation": ("FRRUZHOU",),
    "bank": ("BKICBCRUZHOU", "BKABCRUZHOU"),
    "credit_reference": ("CRPINGDINGSHAN",),
    "development_reform": ("DRRUZHOU",),
    "finance": (FINANCE,),
    "procuratorate": ("PRRUZHOU",),
}
"""The county's units by kind; 政法委, 医保, 总工会 and the towns are not in the registry."""

TOPICS = TopicCatalogue.load()
LIMITS = ExpenseAidLimits.load()
WHERE = Jurisdiction(level=Level.COUNTY, joint_office=JOINT_OFFICE, units=UNITS)
RULES = Rules(catalogue=TOPICS, limits=LIMITS, where=WHERE)

DEBTOR = Debtor(
    name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E", legal_representative="王某"
)
FILED = date(2026, 3, 2)
ACCEPTED = date(2026, 3, 16)
NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def at(day: date) -> datetime:
    """Nine o'clock on `day`."""
    return datetime.combine(day, time(9), tzinfo=UTC)


def administrator(on: date = ACCEPTED) -> Administrator:
    return Administrator(
        code=ADMIN,
        name="河南某某律师事务所",
        kind=AdministratorKind.LAW_FIRM,
        lead_person="李某",
        contact="0375-1234567",
        appointed_on=on,
    )


def apply(case: BankruptcyCase, out: Iterable[Out]) -> BankruptcyCase:
    for fact, _ in out:
        case = evolve(case, fact)
    return case


def step(
    case: BankruptcyCase, cmd: Command, *, by: str = COURT, now: datetime = NOW
) -> tuple[BankruptcyCase, list[Out]]:
    """Decide a court step and evolve the case with its facts."""
    out = decide_step(cmd, case, by=by, now=now, rules=RULES)
    return apply(case, out), out


def petition(petitioner: PetitionerKind = PetitionerKind.DEBTOR) -> p.FileBankruptcyPetition:
    return p.FileBankruptcyPetition(
        case_number=PETITION,
        filed_on=FILED,
        debtor=DEBTOR,
        petitioner=petitioner,
        petitioner_name="汝州市某某建材有限公司" if petitioner == "debtor" else "某银行",
    )


def petitioned(petitioner: PetitionerKind = PetitionerKind.DEBTOR) -> BankruptcyCase:
    return step(BankruptcyCase(), petition(petitioner))[0]


def accept(procedure: Procedure = Procedure.LIQUIDATION, on: date = ACCEPTED) -> p.AcceptPetition:
    return p.AcceptPetition(
        case_number=CASE,
        petition_case_number=PETITION,
        accepted_on=on,
        procedure=procedure,
        administrator=administrator(on),
    )


def accepted(procedure: Procedure = Procedure.LIQUIDATION) -> BankruptcyCase:
    return step(petitioned(), accept(procedure))[0]


def announced(case: BankruptcyCase | None = None, on: date = date(2026, 4, 1)) -> BankruptcyCase:
    case = case or accepted()
    return step(case, p.NotifyCreditors(case_number=CASE, announced_on=on))[0]


def claims_set(deadline: date = date(2026, 5, 15)) -> BankruptcyCase:
    return step(announced(), p.SetClaimsDeadline(case_number=CASE, claims_deadline=deadline))[0]


def met(held_on: date = date(2026, 5, 25)) -> BankruptcyCase:
    cmd = p.RecordCreditorsMeeting(case_number=CASE, held_on=held_on, summary="通过财产管理方案")
    return step(claims_set(), cmd)[0]


def declared(case: BankruptcyCase | None = None) -> BankruptcyCase:
    cmd = p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 6, 1))
    return step(case or met(), cmd)[0]


def terminated(
    ground: p.TerminationGround = p.TerminationGround.NO_PROPERTY,
    case: BankruptcyCase | None = None,
) -> tuple[BankruptcyCase, list[Out]]:
    cmd = p.TerminateProceedings(case_number=CASE, terminated_on=date(2026, 7, 1), ground=ground)
    return step(case or declared(), cmd, now=at(date(2026, 7, 1)))


def of_type(out: Iterable[Out], kind: type[Payload]) -> list[Out]:
    return [(fact, org) for fact, org in out if isinstance(fact, kind)]


def yuan(amount: str) -> Decimal:
    return Decimal(amount)


def new_id() -> uuid.UUID:
    return uuid.uuid4()
