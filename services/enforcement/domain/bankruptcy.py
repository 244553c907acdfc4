"""破产受理 — what the acceptance of a bankruptcy petition against a company does to its
enforcement cases (企业破产法 第十九条: 人民法院受理破产申请后，有关债务人财产的保全措施应当解除，
执行程序应当中止).

The acceptance is recorded once on the debtor (`DebtorBankruptcyRecorded`, stream
`debtor-<credit code>`), and each open case of the debtor is suspended once
(`EnforcementSuspendedForBankruptcy`). Suspension releases each control on the debtor's property
that is in force or queued, hands money deducted and not paid out over to the administrator,
and makes each open-ended listing of the debtor owe its deletion on `execution_suspended`
(法释〔2017〕7号 第十条第一款 (五)). A control whose order is still with its bureau is released
once the bureau answered it. After the acceptance, no new query of the debtor and no new control
of its property is taken; a case registered against it later is suspended with its
registration.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from contracts.bankruptcy.procedure import PetitionAccepted
from contracts.base import Payload
from contracts.enforcement import (
    Action,
    ControlOrder,
    ControlOutcome,
    FreezeProperty,
    Holding,
    QueryProperty,
    ReleaseGround,
    party_id,
)
from contracts.enforcement.aftercare import CaseConcluded, Conclusion, EnforcementResumed
from contracts.enforcement.bankruptcy import (
    DebtorBankruptcyRecorded,
    DeductedFundsHandedOver,
    EnforcementSuspendedForBankruptcy,
)
from services.enforcement.domain import control, errors
from services.enforcement.domain.case import Case, Control, ControlState, evolve
from services.enforcement.domain.conclusion import deletion_duties
from services.enforcement.domain.query import Out

RELEASABLE = frozenset({ControlState.APPLIED, ControlState.QUEUED})
"""Controls released on acceptance: in effect, or registered in the queue (轮候)."""
DELETION_GROUND = "execution_suspended"
"""The deletion ground of an open-ended listing when its case is suspended (第十条第一款 (五))."""
_IDS = uuid.UUID("6f1d2c4e-0b7a-5e53-9a43-3f0c9d1e2b19")
"""Namespace of the ids of the orders the service gives itself on an acceptance."""


def stream(credit_code: str) -> str:
    """The debtor's stream in the enforcement log: what the service knows of its bankruptcy."""
    return f"debtor-{credit_code}"


@dataclass(frozen=True)
class Debtor:
    """What the enforcement service knows of a company's bankruptcy, by 破 case."""

    accepted: dict[str, DebtorBankruptcyRecorded] = field(default_factory=dict)

    def first(self) -> DebtorBankruptcyRecorded | None:
        """The earliest acceptance recorded (the one a later registration is told of)."""
        return min(self.accepted.values(), key=lambda a: a.accepted_on, default=None)


def evolve_debtor(debtor: Debtor, event: Payload) -> Debtor:
    if isinstance(event, DebtorBankruptcyRecorded):
        return replace(debtor, accepted={**debtor.accepted, event.bankruptcy_case_number: event})
    return debtor


def ends_case(event: Payload) -> bool:
    """Whether a fact ends a case for good (performed, terminated, resumed under a new number):
    an ended case is not suspended. One rule for the domain and the `debtor_cases` projection."""
    if isinstance(event, EnforcementResumed):
        return True
    return isinstance(event, CaseConcluded) and event.conclusion in (
        Conclusion.PERFORMED,
        Conclusion.TERMINATED,
    )


def is_open(case: Case) -> bool:
    stopped = case.requery_stopped or ""
    return case.registered and not (
        stopped in (Conclusion.PERFORMED, Conclusion.TERMINATED) or stopped.startswith("resumed")
    )


def decide_record(
    accepted: PetitionAccepted, debtor: Debtor, cases: Iterable[str]
) -> list[DebtorBankruptcyRecorded]:
    """Record the acceptance on the debtor, once per 破 case (a redelivery records nothing)."""
    if accepted.case_number in debtor.accepted:
        return []
    admin = accepted.administrator
    return [
        DebtorBankruptcyRecorded(
            credit_code=accepted.debtor.credit_code,
            debtor_name=accepted.debtor.name,
            bankruptcy_case_number=accepted.case_number,
            bankruptcy_court=accepted.court,
            accepted_on=accepted.accepted_on,
            administrator=admin.code,
            administrator_name=admin.name,
            cases=sorted(cases),
        )
    ]


def _suspension(
    recorded: DebtorBankruptcyRecorded, case_number: str, on_registration: bool
) -> EnforcementSuspendedForBankruptcy:
    return EnforcementSuspendedForBankruptcy(
        case_number=case_number,
        credit_code=recorded.credit_code,
        bankruptcy_case_number=recorded.bankruptcy_case_number,
        bankruptcy_court=recorded.bankruptcy_court,
        accepted_on=recorded.accepted_on,
        administrator=recorded.administrator,
        administrator_name=recorded.administrator_name,
        on_registration=on_registration,
    )


def decide_suspend(
    recorded: DebtorBankruptcyRecorded, case: Case, now: datetime, *, on_registration: bool = False
) -> list[Out]:
    """Suspend an open case of the debtor, once: the suspension, then what it leads to. A case
    already suspended for the debtor, ended, or not against the debtor: nothing."""
    credit = recorded.credit_code
    if case.debtor(credit) is None or credit in case.bankruptcies or not is_open(case):
        return []
    court = case.executing_court or ""
    suspended = _suspension(recorded, case.case_number or "", on_registration)
    after = evolve(case, suspended)
    duties = deletion_duties(
        after, DELETION_GROUND, now.date(), "bankruptcy accepted (企业破产法 第十九条)", credit
    )
    return [(suspended, court), *((d, court) for d in duties), *follow_ups(after, now)]


def owners(case: Case, holding: Holding, bureau: str) -> set[str]:
    """Whose property a holding is: the debtor whose query found it, else any debtor of the
    case (a holding the court found otherwise)."""
    found = {
        party_id(q.debtor)
        for q in case.queries.values()
        if any(
            h.reference == holding.reference and h.kind == holding.kind
            for h in q.answers.get(bureau, ())
        )
    }
    return found or {party_id(d) for d in case.debtors}


def _of(case: Case, c: Control, credit: str) -> bool:
    return credit in owners(case, c.holding, c.bureau)


def _order_id(c: Control, bankruptcy_case_number: str) -> uuid.UUID:
    """The release a bankruptcy orders for a control: one id, so it is ordered once."""
    return uuid.uuid5(_IDS, f"{c.control_id}/release/{bankruptcy_case_number}")


def follow_ups(case: Case, now: datetime) -> list[Out]:
    """For a case suspended for a debtor's bankruptcy: a release order for each control on the
    debtor's property in force or queued and not waiting for its bureau, and the hand-over of
    each deduction not yet handed over. Nothing for a case not suspended."""
    outs: list[Out] = []
    court = case.executing_court or ""
    for credit, s in sorted(case.bankruptcies.items()):
        for c in sorted(case.controls.values(), key=lambda c: str(c.control_id)):
            if not _of(case, c, credit):
                continue
            for order_id, amount in sorted(c.deducted.items(), key=lambda d: str(d[0])):
                if order_id not in case.handed_over:
                    handed = DeductedFundsHandedOver(
                        case_number=case.case_number or "",
                        executing_court=court,
                        bankruptcy_case_number=s.bankruptcy_case_number,
                        control_id=c.control_id,
                        order_id=order_id,
                        amount=amount,
                    )
                    outs.append((handed, s.administrator))
            order = _order_id(c, s.bankruptcy_case_number)
            if c.status in RELEASABLE and not c.pending and order not in c.release_orders:
                # ordered once: a release the bureau refuses goes back to the court
                outs += _release(case, c, order)
        case = _applied(case, outs)
    return outs


def _release(case: Case, c: Control, order_id: uuid.UUID) -> list[Out]:
    outs = control._order(case, c, order_id, Action.RELEASE, c.amount, c.until)
    ground = ReleaseGround.BANKRUPTCY_ACCEPTED
    return [
        (p.model_copy(update={"ground": ground}) if isinstance(p, ControlOrder) else p, org)
        for p, org in outs
    ]


def _applied(case: Case, outs: list[Out]) -> Case:
    for payload, _ in outs:
        case = evolve(case, payload)
    return case


def decide_outcome(reply: ControlOutcome, case: Case, *, bureau: str, now: datetime) -> list[Out]:
    """A bureau's outcome, and in a case suspended for bankruptcy what it leaves to do: a control
    that came into force or into the queue is released, a deduction handed over."""
    outs = control.decide_outcome(reply, case, bureau=bureau, now=now)
    if not case.bankruptcies:
        return outs
    return [*outs, *follow_ups(_applied(case, outs), now)]


def accepted_for(
    case: Case, debtors: Iterable[str], day: date
) -> EnforcementSuspendedForBankruptcy | None:
    """The acceptance in force on `day` for one of `debtors`, if any."""
    for credit in sorted(debtors):
        s = case.bankruptcies.get(credit)
        if s is not None and s.accepted_on <= day:
            return s
    return None


def check_query(cmd: QueryProperty, case: Case, now: datetime) -> None:
    """No new query of a debtor after its bankruptcy was accepted (第十九条)."""
    s = accepted_for(case, {party_id(cmd.debtor)}, now.date())
    if s is not None:
        raise errors.DebtorInBankruptcyError(
            f"bankruptcy of the debtor accepted on {s.accepted_on} in {s.bankruptcy_case_number}: "
            "enforcement against it is suspended (企业破产法 第十九条)"
        )


def check_freeze(cmd: FreezeProperty, case: Case, now: datetime) -> None:
    """No new control of a debtor's property after its bankruptcy was accepted (第十九条)."""
    s = accepted_for(case, owners(case, cmd.holding, cmd.bureau), now.date())
    if s is not None:
        raise errors.PropertyInBankruptcyError(
            f"the holding is property of a debtor whose bankruptcy was accepted on "
            f"{s.accepted_on} in {s.bankruptcy_case_number}: no new control "
            "(企业破产法 第十九条)"
        )


def check_control(control_id: uuid.UUID, case: Case, now: datetime) -> None:
    """No renewal or deduction of a control on a debtor's property after its bankruptcy was
    accepted: the control is released and what it holds is the estate's (第十九条)."""
    c = case.controls.get(control_id)
    if c is None:
        return  # the decision itself says there is no such control
    s = accepted_for(case, owners(case, c.holding, c.bureau), now.date())
    if s is not None:
        raise errors.ControlInBankruptcyError(
            f"control {control_id} holds property of a debtor whose bankruptcy was accepted on "
            f"{s.accepted_on} in {s.bankruptcy_case_number}: it is released, not renewed or "
            "deducted; the money goes to the administrator (企业破产法 第十九条)"
        )


def on_registration(case: Case, debtors: Mapping[str, Debtor], now: datetime) -> list[Out]:
    """A case registered against a company whose bankruptcy was accepted is suspended with its
    registration."""
    outs: list[Out] = []
    for credit in sorted(debtors):
        recorded = debtors[credit].first()
        if recorded is not None:
            outs += decide_suspend(recorded, _applied(case, outs), now, on_registration=True)
    return outs
