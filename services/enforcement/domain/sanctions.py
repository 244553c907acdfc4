"""失信联合惩戒 — listing, consumption restriction, the notices each bureau gets, their
acknowledgements, lifting, and the overdue list for the joint office.

Invariants: a bureau is told once to apply a sanction and once to lift it; every bureau told to
apply one is told to lift it when it ends, acknowledged or not.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from contracts.enforcement import Person, party_id
from contracts.enforcement.sanctions import (
    AckOutcome,
    Bound,
    CreditRepairRecorded,
    InForce,
    LiftCompleted,
    LiftNotice,
    LiftSanction,
    ListDishonestDebtor,
    MeasureFor,
    Overdue,
    OverdueSanctions,
    RecordCreditRepair,
    RestrictConsumption,
    SanctionAck,
    SanctionAcknowledged,
    SanctionImposed,
    SanctionKind,
    SanctionLifted,
    SanctionNotice,
    SanctionStatus,
)
from contracts.ids import age_on, mask_id
from services.enforcement.domain import errors
from services.enforcement.domain.query import Out, check_case_court
from services.enforcement.domain.sanction_state import Sanction
from services.enforcement.domain.terms import add_years

if TYPE_CHECKING:
    from services.enforcement.domain.case import Case

Plan = dict[str, list[MeasureFor]]
"""Bureau code → the measures it applies (from the catalogue and the registry)."""
BASE_TERM_YEARS = 2
_IDS = uuid.UUID("8a4e6c1d-2b3f-4e5a-9c7d-1f2e3d4c5b6a")


def bound_parties(cmd: ListDishonestDebtor | RestrictConsumption) -> list[Bound]:
    whom = "person" if isinstance(cmd.debtor, Person) else "organization"
    out = [Bound(whom=whom, party=cmd.debtor)]
    if cmd.legal_representative is not None:
        out.append(Bound(whom="legal_representative", party=cmd.legal_representative))
    if cmd.actual_controller is not None:
        out.append(Bound(whom="actual_controller", party=cmd.actual_controller))
    return out


def notice_id(sanction_id: UUID, bureau: str, lift: bool) -> UUID:
    """Deterministic: the same decision taken twice names the same notice."""
    return uuid.uuid5(_IDS, f"{sanction_id}/{bureau}/{'lift' if lift else 'apply'}")


def _check_subject(case_debtor: object, cmd: ListDishonestDebtor | RestrictConsumption,
                   sanctions: dict[UUID, Sanction], kind: SanctionKind, today: date,
                   sanction_id: UUID) -> None:  # fmt: skip
    if sanction_id in sanctions:
        raise errors.AlreadySanctionedError(f"{sanction_id} is already recorded")
    if case_debtor is None:
        raise errors.NotADebtorError("the party is not a debtor of this case")
    if isinstance(cmd.debtor, Person) and age_on(cmd.debtor.id_number, today) < 18:
        raise errors.MinorError("a minor is never listed or restricted (未成年人不得纳入)")
    active = [s for s in sanctions.values() if s.kind == kind and not s.lifted
              and s.debtor_id == party_id(cmd.debtor)]  # fmt: skip
    if active:
        raise errors.AlreadySanctionedError(f"already in force as {active[0].sanction_id}")


def _notices(sanction_id: UUID, kind: SanctionKind, case_number: str, court: str,
             bound: list[Bound], plan: Plan, effective: date, until: date | None,
             due: datetime) -> list[Out]:  # fmt: skip
    out: list[Out] = []
    roles = {b.whom for b in bound}
    for bureau, measures in sorted(plan.items()):
        mine = [MeasureFor(measure=m.measure, whom=[w for w in m.whom if w in roles])
                for m in measures if roles.intersection(m.whom)]  # fmt: skip
        if not mine:
            continue
        reach = {w for m in mine for w in m.whom}
        notice = SanctionNotice(
            notice_id=notice_id(sanction_id, bureau, False), bureau=bureau,
            sanction_id=sanction_id, sanction_kind=kind,
            case_number=case_number, executing_court=court, measures=mine,
            bound=[b for b in bound if b.whom in reach], effective_on=effective, until=until,
            acknowledge_by=due,
        )  # fmt: skip
        out.append((notice, bureau))
    return out


def decide_list(cmd: ListDishonestDebtor, case: Case, *, court: str, sanction_id: UUID,
                now: datetime, plan: Plan, grounds: set[str], ack_within: timedelta,
                open_ended: bool = False) -> list[Out]:  # fmt: skip
    """List the debtor. The term is 2 years plus any extension; a listing only for refusing
    to perform while able (第一条第（一）项) has none and lasts until it is deleted."""
    check_case_court(case, court)
    _check_subject(case.debtor(party_id(cmd.debtor)), cmd, case.sanctions,
                   SanctionKind.LISTING, now.date(), sanction_id)  # fmt: skip
    if unknown := [g for g in cmd.grounds if g not in grounds]:
        raise errors.UnknownGroundError(f"not a statutory ground: {', '.join(unknown)}")
    if cmd.extension_years and not (cmd.extension_reason or "").strip():
        raise errors.ExtensionReasonError("an extended term needs its reason (情节严重)")
    start = now.date()
    until = (
        None
        if open_ended
        else (add_years(start, BASE_TERM_YEARS + cmd.extension_years) - timedelta(days=1))
    )
    return _impose(cmd, case.case_number or "", court, sanction_id, SanctionKind.LISTING, start,
                   until, plan, now + ack_within)  # fmt: skip


def decide_restrict(cmd: RestrictConsumption, case: Case, *, court: str, sanction_id: UUID,
                    now: datetime, plan: Plan, ack_within: timedelta) -> list[Out]:  # fmt: skip
    check_case_court(case, court)
    _check_subject(case.debtor(party_id(cmd.debtor)), cmd, case.sanctions,
                   SanctionKind.CONSUMPTION_RESTRICTION, now.date(), sanction_id)  # fmt: skip
    if not isinstance(cmd.debtor, Person) and cmd.legal_representative is None:
        raise errors.BoundPartyMissingError(
            "an organization's restriction binds its legal representative: name them"
        )
    return _impose(cmd, case.case_number or "", court, sanction_id,
                   SanctionKind.CONSUMPTION_RESTRICTION, now.date(), None, plan,
                   now + ack_within)  # fmt: skip


def _impose(cmd: ListDishonestDebtor | RestrictConsumption, case_number: str, court: str,
            sanction_id: UUID, kind: SanctionKind, start: date, until: date | None, plan: Plan,
            due: datetime) -> list[Out]:  # fmt: skip
    bound = bound_parties(cmd)
    imposed = SanctionImposed(sanction_id=sanction_id, sanction_kind=kind, case_number=case_number,
                              bound=bound, effective_on=start, until=until, detail=cmd)  # fmt: skip
    return [(imposed, court), *_notices(sanction_id, kind, case_number, court, bound, plan,
                                        start, until, due)]  # fmt: skip


def _sanction(case: Case, sanction_id: UUID) -> Sanction:
    s = case.sanctions.get(sanction_id)
    if s is None:
        raise errors.UnknownSanctionError(f"no listing or restriction {sanction_id} in this case")
    return s


def lift_all(s: Sanction, case_number: str, ground: str, shield: bool, now: datetime,
             confirm_within: timedelta) -> list[Out]:  # fmt: skip
    """End a sanction: every bureau ever notified is told to lift, acknowledged or not."""
    lifted = SanctionLifted(sanction_id=s.sanction_id, ground=ground, shield=shield,
                            effective_on=now.date())  # fmt: skip
    out: list[Out] = [(lifted, "")]
    for bureau in s.notified():
        out.append((LiftNotice(notice_id=notice_id(s.sanction_id, bureau, True), bureau=bureau,
                               sanction_id=s.sanction_id, case_number=case_number, ground=ground,
                               effective_on=now.date(), confirm_by=now + confirm_within), bureau))  # fmt: skip
    if not s.notified():
        out.append((LiftCompleted(sanction_id=s.sanction_id, completed_at=now), ""))
    return out


def decide_lift(cmd: LiftSanction, case: Case, *, court: str, now: datetime,
                deletion_grounds: set[str], confirm_within: timedelta) -> list[Out]:  # fmt: skip
    check_case_court(case, court)
    s = _sanction(case, cmd.sanction_id)
    if s.lifted:
        raise errors.SanctionEndedError(f"{cmd.sanction_id} is already lifted")
    if cmd.ground not in deletion_grounds:
        raise errors.UnknownGroundError(f"not a deletion ground: {cmd.ground}")
    out = lift_all(s, case.case_number or "", cmd.ground, cmd.shield, now, confirm_within)
    return [(p, org or court) for p, org in out]


def decide_ack(reply: SanctionAck, case: Case, *, bureau: str, now: datetime) -> list[Out]:
    sanctions: dict[UUID, Sanction] = case.sanctions
    found = [s for s in sanctions.values() if reply.notice_id in s.notices]
    if not found:
        raise errors.UnknownNoticeError(f"no notice {reply.notice_id} in this case")
    s = found[0]
    sent = s.notices[reply.notice_id]
    if sent.bureau != bureau:
        raise errors.WrongBureauError(f"notice {reply.notice_id} went to {sent.bureau}")
    if reply.notice_id in s.acks:
        raise errors.DuplicateAckError(f"notice {reply.notice_id} is already acknowledged")
    if sent.lift != (reply.outcome is AckOutcome.LIFTED):
        raise errors.UnknownNoticeError("a lift notice is confirmed with `lifted`, a sanction "
                                        "notice with `applied` or `refused`")  # fmt: skip
    ack = SanctionAcknowledged(sanction_id=s.sanction_id, notice_id=reply.notice_id,
                               outcome=reply.outcome, bureau_reference=reply.bureau_reference,
                               reason=reply.reason)  # fmt: skip
    out: list[Out] = [(ack, bureau)]
    confirmed = {n for n in s.lift_notices() if n in s.acks} | {reply.notice_id}
    if sent.lift and confirmed >= set(s.lift_notices()):
        out.append((LiftCompleted(sanction_id=s.sanction_id, completed_at=now), bureau))
    return out


def decide_overdue(case: Case, now: datetime, joint_office: str) -> list[Out]:
    """Escalate, once each, the notices not answered by their due time."""
    out: list[Out] = []
    for s in case.sanctions.values():
        late = [Overdue(bureau=sent.bureau, notice_id=n, due=sent.due, lift=sent.lift)
                for n, sent in sorted(s.notices.items(), key=lambda kv: kv[1].bureau)
                if n not in s.acks and n not in s.escalated and now >= sent.due
                and (sent.lift or not s.lifted)]  # fmt: skip
        if late:
            out.append((OverdueSanctions(sanction_id=s.sanction_id,
                                         case_number=case.case_number or "",
                                         overdue=late), joint_office))  # fmt: skip
    return out


def decide_expiry(case: Case, now: datetime, confirm_within: timedelta) -> list[Out]:
    """A listing whose term has run out is lifted on the ground `term_expired`."""
    out: list[Out] = []
    court = case.executing_court or ""
    for s in case.sanctions.values():
        if not s.lifted and s.until is not None and now.date() > s.until:
            out += [(p, org or court) for p, org in
                    lift_all(s, case.case_number or "", "term_expired", False, now,
                             confirm_within)]  # fmt: skip
    return out


def decide_credit_repair(cmd: RecordCreditRepair, case: Case, *, court: str) -> list[Out]:
    """信用承诺 / 信用修复: recorded with the listing's history."""
    check_case_court(case, court)
    s = _sanction(case, cmd.sanction_id)
    return [(CreditRepairRecorded(sanction_id=s.sanction_id, repair_kind=cmd.repair_kind,
                                  statement=cmd.statement), court)]  # fmt: skip


def status(asked: UUID, party: str, measure: str | None, imposed: list[tuple[dict[str, Any], str]],
           applicable: dict[str, dict[str, set[str]]], now: datetime) -> SanctionStatus:  # fmt: skip
    """What is in force on `party` now. `imposed` holds (SanctionImposed data, court) still in
    force; `applicable[kind][role]` the measures a sanction of that kind puts on that role."""
    found = []
    for data, court in imposed:
        roles = {b["whom"] for b in data["bound"]
                 if party in (b["party"].get("id_number"), b["party"].get("credit_code"))}  # fmt: skip
        for role in sorted(roles):
            for m in sorted(applicable.get(data["sanction_kind"], {}).get(role, set())):
                if measure in (None, m):
                    found.append(InForce(
                        measure=m, whom=role, sanction_id=data["sanction_id"],
                        sanction_kind=data["sanction_kind"], since=data["effective_on"],
                        until=data["until"], case_number=data["case_number"],
                        executing_court=court))  # fmt: skip
    return SanctionStatus(asked=asked, party=mask_id(party), measure=measure, in_force=found,
                          as_of=now)  # fmt: skip
