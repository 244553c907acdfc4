"""The only module that knows the risk subjects and durable consumer names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts.bankruptcy import tasks as bankruptcy_tasks
from contracts.enforcement.aftercare import CaseConcluded
from contracts.envelope import Message
from contracts.organizations import UnknownOrganizationError
from contracts.registry import InvalidMessageError, parse_message
from contracts.risk import MessageRejected
from contracts.risk import accountability as acc
from contracts.risk import cases as rc
from contracts.risk import key_item_ledger as ki
from contracts.risk import lawgov as lw
from contracts.risk import leading_group as lg
from contracts.risk import linkage as lk
from contracts.risk import meetings as mt
from contracts.risk import special as sp
from contracts.subjects import commands, split
from services.risk.domain import RiskError
from services.risk.handlers import Handlers
from services.runtime.consumer import Consumer, Delivery, Key, data_key
from services.runtime.eventstore import EventStore
from services.runtime.intake import Intake, Route

CONTEXT = "risk"
COMMANDS = "risk_commands"
"""The durable consumer of the units', the joint offices' and the leading groups' commands."""
BANKRUPTCY = "risk_bankruptcy"
"""The durable consumer of the bankruptcy service's meeting requests for blocked tasks."""
ENFORCEMENT = "risk_enforcement"
"""The durable consumer of the enforcement service's case conclusions (the special item)."""
CONTEXTS = ("risk", "bankruptcy", "enforcement")
"""The streams the service reads: its own, the bankruptcy service's and the enforcement
service's."""


class NoticeIntake(Intake):
    """The intake of another service's notices: the subject's last token is the office it is
    addressed to, not the sender (the notice was published by that service's relay, as the
    unit whose act caused it)."""

    def _accept(self, d: Delivery) -> Message[Any]:
        if problems := self._subject_problems(d.subject):
            raise InvalidMessageError(problems)
        return parse_message(d.data, expected_type=split(d.subject)[0])


def _intake(
    store: EventStore,
    consumer: str,
    routes: dict[str, Route],
    clock: Callable[[], datetime],
    kind: type[Intake] = Intake,
) -> Intake:
    return kind(
        store=store,
        consumer=consumer,
        routes=routes,
        rejection_type=MessageRejected,
        refusals=(RiskError, UnknownOrganizationError),
        clock=clock,
    )


def command_routes(h: Handlers) -> dict[str, Route]:
    linkage_steps = (
        lk.ReviewLinkageItem,
        lk.DecideLinkageItem,
        lk.RecordImplementation,
        lk.ReportLinkageItem,
        lk.CloseLinkageItem,
    )
    meeting_steps = (
        mt.ConveneMeeting,
        mt.HoldMeeting,
        mt.IssueMemo,
        mt.ReportProgress,
        mt.ClaimCompletion,
        mt.AcceptCompletion,
    )
    return {
        lk.SubmitLinkageItem.TYPE: h.submit_linkage_item,
        **{cmd.TYPE: h.on_linkage_item for cmd in linkage_steps},
        mt.RequestCoordinationMeeting.TYPE: h.request_meeting,
        **{cmd.TYPE: h.on_meeting for cmd in meeting_steps},
        acc.RaiseAccountability.TYPE: h.on_record,
        acc.GrantCommendation.TYPE: h.on_record,
        lg.RecordLeadingGroupMeeting.TYPE: h.leading_group_meeting,
        **item_routes(h),
    }


def item_routes(h: Handlers) -> dict[str, Route]:
    """The key items, risk cases, the special item and the law-based-government task."""
    key_item_steps = (
        ki.FormTaskForce,
        ki.AdoptPlan,
        ki.AddLedgerEntry,
        ki.ClaimEntryCompletion,
        ki.ReconcileEntry,
        ki.CloseEntry,
    )
    appearance_steps = (
        lw.SummonHead,
        lw.RecordAppearance,
        lw.SendJudicialRecommendation,
        lw.RecordAdminCaseOutcome,
    )
    reconsideration_steps = (
        lw.FileReconsideration,
        lw.ExtendReconsideration,
        lw.DecideReconsideration,
    )
    mediation_steps = (
        lw.ReferToMediation,
        lw.RecordMediationResult,
        lw.ApplyForConfirmation,
        lw.GrantConfirmation,
    )
    return {
        **{cmd.TYPE: h.on_key_item for cmd in key_item_steps},
        **{cmd.TYPE: h.on_risk_case for cmd in (rc.RegisterRiskCase, rc.ChangeRiskStatus)},
        rc.LinkCaseToRisk.TYPE: h.on_risk_case,
        sp.AssignGovJudgmentCase.TYPE: h.on_gov_case,
        sp.ReportGovJudgmentPerformed.TYPE: h.on_gov_case,
        **{cmd.TYPE: h.on_appearance for cmd in appearance_steps},
        **{cmd.TYPE: h.on_reconsideration for cmd in reconsideration_steps},
        **{cmd.TYPE: h.on_mediation for cmd in mediation_steps},
    }


def order_key(h: Handlers) -> Key:
    """Each command keyed by the stream it acts on, its order kept: a linkage item, a meeting, a
    risk case, a special-item case, a summons, a reconsideration, a mediation — each named by
    one field of the command. The rest (key items, accountability and commendation, the leading
    group's meeting, whose stream is found from more than one field) are handled alone."""
    streams: list[tuple[Route, tuple[str, str]]] = [
        (h.submit_linkage_item, ("linkage", "item_id")),
        (h.on_linkage_item, ("linkage", "item_id")),
        (h.request_meeting, ("meeting", "meeting_id")),
        (h.on_meeting, ("meeting", "meeting_id")),
        (h.on_risk_case, ("risk_case", "case_id")),
        (h.on_gov_case, ("gov_case", "case_number")),
        (h.on_appearance, ("appearance", "case_number")),
        (h.on_reconsideration, ("reconsideration", "reconsideration_id")),
        (h.on_mediation, ("mediation", "referral_id")),
    ]
    fields = {
        kind: field
        for kind, route in command_routes(h).items()
        for handler, field in streams
        if route == handler
    }
    return data_key(fields)


def enforcement_routes(h: Handlers) -> dict[str, Route]:
    return {CaseConcluded.TYPE: h.case_concluded}


def bankruptcy_routes(h: Handlers) -> dict[str, Route]:
    return {bankruptcy_tasks.CoordinationMeetingRequested.TYPE: h.bankruptcy_blocked}


def consumers(h: Handlers, clock: Callable[[], datetime], max_attempts: int) -> list[Consumer]:
    return [
        Consumer(
            context=CONTEXT,
            durable=COMMANDS,
            subject=commands(CONTEXT),
            handle=_intake(h.store, COMMANDS, command_routes(h), clock),
            max_attempts=max_attempts,
            key=order_key(h),
        ),
        Consumer(
            context="bankruptcy",
            durable=BANKRUPTCY,
            subject=f"{bankruptcy_tasks.CoordinationMeetingRequested.TYPE}.*",
            handle=_intake(h.store, BANKRUPTCY, bankruptcy_routes(h), clock, NoticeIntake),
            max_attempts=max_attempts,
        ),
        Consumer(
            context="enforcement",
            durable=ENFORCEMENT,
            subject=f"{CaseConcluded.TYPE}.*",
            handle=_intake(h.store, ENFORCEMENT, enforcement_routes(h), clock),
            max_attempts=max_attempts,
        ),
    ]
