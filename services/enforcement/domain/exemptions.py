"""限制消费的例外 — what the court allows a person bound by a consumption restriction order:

- spending needed for living or business, applied for and approved first (法释〔2015〕17号 第八条);
- an officer of a restricted organization paying from their own funds (第三条第二款): only a
  legal representative or actual controller the order binds, not the organization itself;
- the temporary lifting of the flight and high-speed-rail restriction (items 1 and 9) for a listed
  emergency, at most one month, approved by the president (法发〔2019〕35号).

The bureaus told of the order that enforce an allowed item are told of the exemption and its
period; the order itself stays in force.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from contracts.enforcement.exemptions import (
    Emergency,
    ExemptionBasis,
    ExemptionNotice,
    GrantRestrictionExemption,
    RestrictionExempted,
)
from contracts.enforcement.measures import Catalogue, Whom
from contracts.enforcement.sanctions import Bound, SanctionKind
from services.enforcement.domain import errors
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out, check_case_court
from services.enforcement.domain.requery import add_months
from services.enforcement.domain.sanction_state import Sanction

TRAVEL_ITEMS = frozenset({1, 9})
"""乘坐飞机 (item 1) and 高铁 (item 9): what an emergency lifting may allow."""
TRAVEL_MONTHS = 1
"""最长不超过1个月."""
OFFICERS = frozenset({Whom.LEGAL_REPRESENTATIVE, Whom.ACTUAL_CONTROLLER})
NATURAL_PERSONS = OFFICERS | {Whom.PERSON}


def _restriction(case: Case, cmd: GrantRestrictionExemption) -> Sanction:
    s = case.sanctions.get(cmd.sanction_id)
    if s is None:
        raise errors.UnknownSanctionError(f"no restriction {cmd.sanction_id} in this case")
    if s.kind != SanctionKind.CONSUMPTION_RESTRICTION:
        raise errors.NotARestrictionError(f"{cmd.sanction_id} is a listing, not a restriction")
    if s.lifted:
        raise errors.SanctionEndedError(f"{cmd.sanction_id} is already lifted")
    return s


def _check_whom(cmd: GrantRestrictionExemption, s: Sanction) -> None:
    if cmd.whom not in s.bound:
        raise errors.ExemptionPartyError(f"the order binds no {cmd.whom}")
    if cmd.basis is ExemptionBasis.PERSONAL_FUNDS and cmd.whom not in OFFICERS:
        raise errors.ExemptionPartyError(
            "spending from personal funds is allowed to an officer the order binds (legal "
            "representative, actual controller), not to the debtor itself (第三条第二款)"
        )
    if cmd.basis is ExemptionBasis.EMERGENCY_TRAVEL and cmd.whom not in NATURAL_PERSONS:
        raise errors.ExemptionPartyError("an emergency travel lifting is for a natural person")


def _check_items(cmd: GrantRestrictionExemption, s: Sanction) -> None:
    if extra := sorted(set(cmd.items) - s.items):
        raise errors.ExemptionItemsError(f"the order does not restrict items {extra}")
    travel = cmd.basis is ExemptionBasis.EMERGENCY_TRAVEL
    if travel and not set(cmd.items) <= TRAVEL_ITEMS:
        raise errors.ExemptionItemsError(
            "an emergency lifting allows flights (item 1) and high-speed rail (item 9) only"
        )


def last_travel_day(from_on: date) -> date:
    """The last day of a one-month temporary lifting that starts on `from_on`."""
    return add_months(from_on, TRAVEL_MONTHS) - timedelta(days=1)


def _check_period(cmd: GrantRestrictionExemption, s: Sanction, today: date) -> None:
    if cmd.from_on < today or (s.since is not None and cmd.from_on < s.since):
        raise errors.ExemptionStartError(
            f"allowed from {cmd.from_on}: approval comes first (第八条), so not before today"
        )
    if cmd.until < cmd.from_on or (s.until is not None and cmd.until > s.until):
        raise errors.ExemptionPeriodError(f"allowed until {cmd.until}: within the order's period")
    if cmd.basis is ExemptionBasis.EMERGENCY_TRAVEL and cmd.until > last_travel_day(cmd.from_on):
        raise errors.ExemptionPeriodError(
            f"a temporary lifting lasts at most one month: until {last_travel_day(cmd.from_on)}"
        )


def _check_emergency(cmd: GrantRestrictionExemption) -> Emergency | None:
    if cmd.basis is not ExemptionBasis.EMERGENCY_TRAVEL:
        return None
    if cmd.emergency is None:
        raise errors.ExemptionEmergencyError(
            "name the emergency: serious_illness, funeral, official_duty, foreign_affairs or "
            "important_exam (法发〔2019〕35号)"
        )
    return cmd.emergency


def decide_exempt(
    cmd: GrantRestrictionExemption,
    case: Case,
    *,
    court: str,
    exemption_id: UUID,
    now: datetime,
    catalogue: Catalogue,
) -> list[Out]:
    """Allow the spending, and tell the bureaus enforcing the allowed items."""
    check_case_court(case, court)
    s = _restriction(case, cmd)
    _check_whom(cmd, s)
    _check_items(cmd, s)
    _check_period(cmd, s, now.date())
    emergency = _check_emergency(cmd)
    bound = Bound(whom=cmd.whom, party=s.bound[cmd.whom])
    granted = RestrictionExempted(
        exemption_id=exemption_id,
        sanction_id=s.sanction_id,
        basis=cmd.basis,
        bound=bound,
        items=cmd.items,
        from_on=cmd.from_on,
        until=cmd.until,
        emergency=emergency,
        approved_by=cmd.approved_by,
    )
    allowed = {
        m.id for m in catalogue.consumption_restrictions() if m.restriction_item in cmd.items
    }
    out: list[Out] = [(granted, court)]
    for sent in sorted(s.notices.values(), key=lambda n: n.bureau):
        if sent.lift or not (measures := sorted(sent.measures & allowed)):
            continue
        notice = ExemptionNotice(
            exemption_id=exemption_id,
            bureau=sent.bureau,
            sanction_id=s.sanction_id,
            case_number=case.case_number or "",
            executing_court=court,
            basis=cmd.basis,
            bound=bound,
            measures=measures,
            from_on=cmd.from_on,
            until=cmd.until,
        )
        out.append((notice, sent.bureau))
    return out
