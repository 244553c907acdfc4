"""法治政府建设 — the facts of the law-based-government task, decided:

- 出庭应诉: a court summons the defendant organ's head at least three days before the hearing
  (法释〔2020〕3号 第五条) and records who appeared and as what; only a head as 第二条 defines
  it counts, once per level of the case (第七条); an excuse needs proof (第八、九条); after an
  absence without one, or a walk-out, the court may send a judicial recommendation (第十二条).
- 行政案件结果 and 行政复议 (行政复议法 2023): outcomes for the loss and mediation-or-withdrawal
  rates; the application's deadlines (60 days to apply, 5 to admit, 60 or 30 to decide, one
  extension of at most 30 in the ordinary procedure).
- 调解: a referral to people's, administrative or judicial mediation, its agreement or failure,
  and judicial confirmation applied for within 30 days of the agreement (民事诉讼法 第二百零五条).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from contracts.base import Payload
from contracts.ids.case_number import parse_case_number
from contracts.risk import lawgov as g
from services.risk.domain import item_errors as errors
from services.risk.domain.item_rules import Out, midnight, not_before, not_future

SUMMONS_DAYS = 3
"""第五条: served at least three days before the hearing."""
APPLY_DAYS = 60
"""行政复议法 第二十条."""
ADMIT_DAYS = 5
"""第三十条."""
DECIDE_DAYS, SIMPLIFIED_DAYS, MAX_EXTENSION = 60, 30, 30
"""第六十二条."""
CONFIRM_DAYS = 30
"""民事诉讼法 第二百零五条."""

# Only a court may summon, record an appearance or an outcome, send a recommendation, and take
# or grant a confirmation: the roles table (`contracts.risk.roles`) says so, checked before these
# decisions.

Outcome = g.AppearanceOutcome


def _administrative(number: str) -> str:
    kind = parse_case_number(number).case_type
    if not kind.startswith("行"):
        raise errors.NotAnAdministrativeCaseError(f"{number} is not an administrative case")
    return kind


# --- 出庭应诉 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appearance:
    """One administrative case's summonses and appearances."""

    case_number: str
    defendant: str
    served_on: date
    hearing_on: date
    counted: frozenset[str] = frozenset()
    """The levels (case types, 行初 / 行终) at which a head's appearance was counted."""
    last: g.AppearanceOutcome | None = None
    recommended: bool = False


def decide_summon(c: g.SummonHead, case: Appearance | None, *, by: str, now: datetime) -> list[Out]:
    _administrative(c.case_number)
    not_future(c.served_on, now, "data.served_on")
    if (c.hearing_on - c.served_on).days < SUMMONS_DAYS:
        raise errors.SummonsTooLateError(
            f"served {c.served_on}: the hearing is at least {SUMMONS_DAYS} days later"
        )
    fact = g.AppearanceSummoned(
        case_number=c.case_number,
        defendant=c.defendant,
        served_on=c.served_on,
        hearing_on=c.hearing_on,
        mandatory=c.mandatory,
    )
    return [(fact, by)]


def _details(c: g.RecordAppearance) -> None:
    someone = c.outcome in (Outcome.APPEARED, Outcome.WALKED_OUT)
    if someone and (c.person is None or c.role is None):
        raise errors.AppearanceDetailError("name who appeared and as what", "data.role")
    if not someone and (c.person is not None or c.role is not None):
        raise errors.AppearanceDetailError("nobody appeared: no person or role", "data.person")
    if c.outcome is Outcome.EXCUSED and (c.excuse is None or not c.proof):
        raise errors.AppearanceDetailError("an excuse needs its sealed proof", "data.proof")
    if c.outcome is not Outcome.EXCUSED and (c.excuse is not None or c.proof):
        raise errors.AppearanceDetailError("an excuse only with outcome excused", "data.excuse")


def decide_appearance(
    c: g.RecordAppearance, case: Appearance | None, *, by: str, now: datetime
) -> list[Out]:
    level = _administrative(c.case_number)
    if case is None:
        raise errors.NotSummonedError(f"no head of the defendant was summoned in {c.case_number}")
    _details(c)
    not_future(c.hearing_on, now, "data.hearing_on")
    not_before(c.hearing_on, case.served_on, "the summons", "data.hearing_on")
    fact: Payload
    if c.outcome is Outcome.APPEARED:
        assert c.person is not None and c.role is not None
        fact = g.HeadAppeared(
            case_number=c.case_number,
            defendant=case.defendant,
            hearing_on=c.hearing_on,
            person=c.person,
            role=c.role,
            counts=c.role.is_head and level not in case.counted,
        )
    else:
        fact = g.HeadAbsent(
            case_number=c.case_number,
            defendant=case.defendant,
            hearing_on=c.hearing_on,
            outcome=c.outcome,
            excuse=c.excuse,
            proof=c.proof,
        )
    return [(fact, by)]


def decide_recommendation(
    c: g.SendJudicialRecommendation, case: Appearance | None, *, by: str, now: datetime
) -> list[Out]:
    if case is None or case.last not in (Outcome.ABSENT, Outcome.WALKED_OUT) or case.recommended:
        raise errors.NoRecommendationGroundError(
            "no absence without excuse, or walk-out, awaits a recommendation"
        )
    not_future(c.sent_on, now, "data.sent_on")
    fact = g.JudicialRecommendationSent(
        case_number=c.case_number,
        defendant=case.defendant,
        recipients=c.recipients,
        sent_on=c.sent_on,
    )
    return [(fact, by)]


def evolve_appearance(case: Appearance | None, event: Payload) -> Appearance | None:
    match event:
        case g.AppearanceSummoned():
            if case is None:
                return Appearance(
                    event.case_number, event.defendant, event.served_on, event.hearing_on
                )
            return replace(case, served_on=event.served_on, hearing_on=event.hearing_on)
        case g.HeadAppeared() if case:
            level = parse_case_number(event.case_number).case_type
            counted = case.counted | {level} if event.counts else case.counted
            return replace(case, counted=counted, last=Outcome.APPEARED, recommended=False)
        case g.HeadAbsent() if case:
            return replace(case, last=event.outcome, recommended=False)
        case g.JudicialRecommendationSent() if case:
            return replace(case, recommended=True)
    return case


def decide_case_outcome(c: g.RecordAdminCaseOutcome, *, by: str, now: datetime) -> list[Out]:
    _administrative(c.case_number)
    not_future(c.decided_on, now, "data.decided_on")
    fact = g.AdminCaseConcluded(
        case_number=c.case_number,
        defendant=c.defendant,
        outcome=c.outcome,
        decided_on=c.decided_on,
    )
    return [(fact, by)]


# --- 行政复议 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconsideration:
    reconsideration_id: uuid.UUID
    body: str
    respondent: str
    filed_on: date
    decision_due: date
    simplified: bool
    extended: bool = False
    decided: bool = False
    overdue: bool = False


def decide_file(
    c: g.FileReconsideration, rec: Reconsideration | None, *, by: str, now: datetime
) -> list[Out]:
    if rec is not None:
        raise errors.DuplicateReconsiderationError(f"{c.reconsideration_id} is filed already")
    not_future(c.filed_on, now, "data.filed_on")
    not_before(c.filed_on, c.act_known_on, "the act was known", "data.filed_on")
    days = SIMPLIFIED_DAYS if c.simplified else DECIDE_DAYS
    fact = g.ReconsiderationFiled(
        reconsideration_id=c.reconsideration_id,
        body=by,
        respondent=c.respondent,
        filed_on=c.filed_on,
        late=(c.filed_on - c.act_known_on).days > APPLY_DAYS,
        admission_due=c.filed_on + timedelta(days=ADMIT_DAYS),
        decision_due=c.filed_on + timedelta(days=days),
    )
    return [(fact, by)]


def _pending(rec: Reconsideration | None, rid: uuid.UUID, by: str) -> Reconsideration:
    if rec is None or rec.body != by:
        raise errors.UnknownReconsiderationError(f"{by} has no reconsideration {rid}")
    if rec.decided:
        raise errors.ReconsiderationDecidedError("decided already")
    return rec


def decide_extend(
    c: g.ExtendReconsideration, rec: Reconsideration | None, *, by: str, now: datetime
) -> list[Out]:
    pending = _pending(rec, c.reconsideration_id, by)
    if pending.simplified or pending.extended:
        raise errors.ExtensionError("extended once, in the ordinary procedure only")
    if now.date() > pending.decision_due:
        raise errors.ExtensionError(f"the period ended on {pending.decision_due}")
    due = pending.decision_due + timedelta(days=c.days)
    return [
        (g.ReconsiderationExtended(reconsideration_id=c.reconsideration_id, decision_due=due), by)
    ]


def decide_decision(
    c: g.DecideReconsideration, rec: Reconsideration | None, *, by: str, now: datetime
) -> list[Out]:
    pending = _pending(rec, c.reconsideration_id, by)
    not_future(c.decided_on, now, "data.decided_on")
    not_before(c.decided_on, pending.filed_on, "the application", "data.decided_on")
    fact = g.ReconsiderationDecided(
        reconsideration_id=c.reconsideration_id,
        respondent=pending.respondent,
        outcome=c.outcome,
        decided_on=c.decided_on,
        late=c.decided_on > pending.decision_due,
    )
    return [(fact, by)]


def evolve_reconsideration(rec: Reconsideration | None, event: Payload) -> Reconsideration | None:
    match event:
        case g.ReconsiderationFiled():
            return Reconsideration(
                event.reconsideration_id,
                event.body,
                event.respondent,
                event.filed_on,
                event.decision_due,
                simplified=(event.decision_due - event.filed_on).days == SIMPLIFIED_DAYS,
            )
        case g.ReconsiderationExtended() if rec:
            return replace(rec, decision_due=event.decision_due, extended=True)
        case g.ReconsiderationDecided() if rec:
            return replace(rec, decided=True)
        case g.ReconsiderationOverdue() if rec:
            return replace(rec, overdue=True)
    return rec


def _decision_overdue_from(rec: Reconsideration | None) -> date | None:
    """The day after the decision's last day (with any extension), while undecided."""
    if rec is None or rec.decided or rec.overdue:
        return None
    return rec.decision_due + timedelta(days=1)


def next_due_reconsideration(rec: Reconsideration | None) -> datetime | None:
    day = _decision_overdue_from(rec)
    return midnight(day) if day else None


def decide_reconsideration_overdue(rec: Reconsideration | None, now: datetime) -> list[Out]:
    """逾期未决, once: the body records it on the reconsideration's stream."""
    day = _decision_overdue_from(rec)
    if rec is None or day is None or now.date() < day:
        return []
    fact = g.ReconsiderationOverdue(
        reconsideration_id=rec.reconsideration_id,
        body=rec.body,
        respondent=rec.respondent,
        decision_due=rec.decision_due,
    )
    return [(fact, rec.body)]


# --- 调解与司法确认 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    referral_id: uuid.UUID
    channel: g.MediationChannel
    mediator: str
    referred_on: date
    result: bool = False
    agreed_on: date | None = None
    confirm_by: date | None = None
    court: str | None = None
    granted: bool = False
    lapsed: bool = False


def decide_refer(
    c: g.ReferToMediation, ref: Referral | None, *, by: str, now: datetime
) -> list[Out]:
    if ref is not None:
        raise errors.DuplicateReferralError(f"{c.referral_id} is referred already")
    not_future(c.referred_on, now, "data.referred_on")
    fact = g.MediationReferred(
        referral_id=c.referral_id,
        channel=c.channel,
        mediator=c.mediator,
        dispute=c.dispute,
        referred_on=c.referred_on,
    )
    return [(fact, by)]


def decide_result(
    c: g.RecordMediationResult, ref: Referral | None, *, by: str, now: datetime
) -> list[Out]:
    if ref is None or ref.mediator != by:
        raise errors.UnknownReferralError(f"{by} mediates no referral {c.referral_id}")
    if ref.result:
        raise errors.MediationStepError("the result is recorded already")
    not_future(c.on, now, "data.on")
    not_before(c.on, ref.referred_on, "the referral", "data.on")
    fact: Payload
    if c.agreed:
        judicial = ref.channel is g.MediationChannel.JUDICIAL
        confirm_by = None if judicial else c.on + timedelta(days=CONFIRM_DAYS)
        fact = g.MediationAgreementReached(
            referral_id=c.referral_id, effective_on=c.on, confirm_by=confirm_by
        )
    else:
        fact = g.MediationFailed(referral_id=c.referral_id, failed_on=c.on)
    return [(fact, by)]


def decide_apply(
    c: g.ApplyForConfirmation, ref: Referral | None, *, by: str, now: datetime
) -> list[Out]:
    if ref is None:
        raise errors.UnknownReferralError(f"no referral {c.referral_id}")
    if ref.channel is g.MediationChannel.JUDICIAL:
        raise errors.NoConfirmationNeededError("judicial mediation needs no confirmation")
    if ref.agreed_on is None or ref.confirm_by is None or ref.court is not None:
        raise errors.MediationStepError("confirmation follows an agreement, once")
    not_future(c.applied_on, now, "data.applied_on")
    not_before(c.applied_on, ref.agreed_on, "the agreement", "data.applied_on")
    if c.applied_on > ref.confirm_by:
        raise errors.ConfirmationLateError(
            f"applied after {ref.confirm_by}: {CONFIRM_DAYS} days from the agreement's effect"
        )
    fact = g.JudicialConfirmationApplied(
        referral_id=c.referral_id, court=by, applied_on=c.applied_on
    )
    return [(fact, by)]


def decide_grant(
    c: g.GrantConfirmation, ref: Referral | None, *, by: str, now: datetime
) -> list[Out]:
    if ref is None or ref.court != by or ref.granted:
        raise errors.MediationStepError("no application to this court waits for a ruling")
    not_future(c.granted_on, now, "data.granted_on")
    fact = g.JudicialConfirmationGranted(referral_id=c.referral_id, granted_on=c.granted_on)
    return [(fact, by)]


def evolve_referral(ref: Referral | None, event: Payload) -> Referral | None:
    match event:
        case g.MediationReferred():
            return Referral(event.referral_id, event.channel, event.mediator, event.referred_on)
        case g.MediationAgreementReached() if ref:
            return replace(
                ref, result=True, agreed_on=event.effective_on, confirm_by=event.confirm_by
            )
        case g.MediationFailed() if ref:
            return replace(ref, result=True)
        case g.JudicialConfirmationApplied() if ref:
            return replace(ref, court=event.court)
        case g.JudicialConfirmationGranted() if ref:
            return replace(ref, granted=True)
        case g.ConfirmationLapsed() if ref:
            return replace(ref, lapsed=True)
    return ref


def _confirmation_lapsed_from(ref: Referral | None) -> date | None:
    """The day after `confirm_by`, while no application was made."""
    if ref is None or ref.confirm_by is None or ref.court is not None or ref.lapsed:
        return None
    return ref.confirm_by + timedelta(days=1)


def next_due_referral(ref: Referral | None) -> datetime | None:
    day = _confirmation_lapsed_from(ref)
    return midnight(day) if day else None


def decide_confirmation_lapsed(ref: Referral | None, now: datetime) -> list[Out]:
    """逾期未申请司法确认, once, on the referral's stream, as its mediator."""
    day = _confirmation_lapsed_from(ref)
    if ref is None or ref.confirm_by is None or day is None or now.date() < day:
        return []
    fact = g.ConfirmationLapsed(
        referral_id=ref.referral_id, mediator=ref.mediator, confirm_by=ref.confirm_by
    )
    return [(fact, ref.mediator)]
