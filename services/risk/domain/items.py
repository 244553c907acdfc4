"""The streams of the key items, risk cases, the special item and the law-based-government task:
what each starts from, how each event moves it, when the deadline runner should next look
(`next_due`, built on the same threshold as the overdue decision) and what is overdue at a time
(`decide_deadlines`). One stream per key item and joint office, per risk case, per special-item
case, per administrative case's appearances, per reconsideration, per mediation referral."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from contracts.base import Payload
from services.risk.domain import key_items, lawgov, risk_cases, special
from services.risk.domain.item_rules import Out
from services.risk.domain.key_items import KeyItemWork


@dataclass(frozen=True)
class RiskCaseStream:
    case: risk_cases.RiskCase | None = None


@dataclass(frozen=True)
class GovCaseStream:
    case: special.GovJudgmentCase | None = None


@dataclass(frozen=True)
class AppearanceStream:
    case: lawgov.Appearance | None = None


@dataclass(frozen=True)
class ReconsiderationStream:
    case: lawgov.Reconsideration | None = None


@dataclass(frozen=True)
class ReferralStream:
    case: lawgov.Referral | None = None


ItemState = (
    KeyItemWork
    | RiskCaseStream
    | GovCaseStream
    | AppearanceStream
    | ReconsiderationStream
    | ReferralStream
)
ITEM_STATES = (
    KeyItemWork,
    RiskCaseStream,
    GovCaseStream,
    AppearanceStream,
    ReconsiderationStream,
    ReferralStream,
)


def evolve(state: ItemState, e: Payload) -> ItemState:
    match state:
        case KeyItemWork():
            return key_items.evolve(state, e)
        case RiskCaseStream():
            return replace(state, case=risk_cases.evolve(state.case, e))
        case GovCaseStream():
            return replace(state, case=special.evolve(state.case, e))
        case AppearanceStream():
            return replace(state, case=lawgov.evolve_appearance(state.case, e))
        case ReconsiderationStream():
            return replace(state, case=lawgov.evolve_reconsideration(state.case, e))
        case ReferralStream():
            return replace(state, case=lawgov.evolve_referral(state.case, e))
    return state


def next_due(state: ItemState) -> datetime | None:
    match state:
        case KeyItemWork():
            return key_items.next_due(state)
        case RiskCaseStream():
            return risk_cases.next_due(state.case)
        case GovCaseStream():
            return special.next_due(state.case)
        case ReconsiderationStream():
            return lawgov.next_due_reconsideration(state.case)
        case ReferralStream():
            return lawgov.next_due_referral(state.case)
    return None


def decide_deadlines(state: ItemState, now: datetime) -> list[Out]:
    """Everything overdue at `now`, each once."""
    match state:
        case KeyItemWork():
            return key_items.decide_overdue(state, now)
        case RiskCaseStream():
            return risk_cases.decide_overdue(state.case, now)
        case GovCaseStream():
            return special.decide_overdue(state.case, now)
        case ReconsiderationStream():
            return lawgov.decide_reconsideration_overdue(state.case, now)
        case ReferralStream():
            return lawgov.decide_confirmation_lapsed(state.case, now)
    return []
