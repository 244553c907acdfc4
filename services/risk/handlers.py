"""One async function per message: find the stream the message names, load it, check what the
sender's kind may send, let the pure domain decide, append what it decided with the inbox row,
in one write."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts.bankruptcy import tasks as bankruptcy_tasks
from contracts.envelope import Envelope, Message
from contracts.organizations import PLATFORM_CODE, OrgKind, Registry
from contracts.risk import accountability as acc
from contracts.risk import cases
from contracts.risk import special as special_msgs
from contracts.risk.key_items import KeyItemCatalogue, UnknownKeyItemError
from services.risk import domain, projections
from services.risk.domain import (
    key_items,
    lawgov,
    leading_group,
    linkage,
    meeting,
    risk_cases,
    special,
)
from services.risk.domain.item_rules import ItemRules
from services.risk.settings import RiskSettings
from services.runtime import aggregate
from services.runtime.aggregate import load_state
from services.runtime.eventstore import EventStore, InboxEntry, NewEvent

Decide = Callable[[Any], list[domain.Out]]
"""A domain decision over the stream's state as loaded."""

BANKRUPTCY_MEETINGS = uuid.UUID("0b6f6c1e-7d2a-4b8e-9a61-3c5d2e7f4a90")
"""Namespace of the ids of meetings requested by a blocked bankruptcy task (one per notice)."""


async def load(store: EventStore, stream_id: str) -> tuple[domain.State, int]:
    """The stream's state and version."""
    return await load_state(store, stream_id, domain.evolve, (projections.initial(stream_id), 0))


def emit(
    outs: list[domain.Out],
    cause: Envelope | None,
    actor: str,
    now: datetime,
    case_number: str | None = None,
) -> list[NewEvent]:
    """Messages for the log: an event acts as its organization, a notice is sent by `actor` to
    its organization; `case_number`, when given, goes on each envelope (else the cause's)."""
    return aggregate.emit(outs, cause, actor, now, case_number)


class Handlers:
    """The risk handlers. Built once in `main.py` with the store, the registry and the
    settings."""

    def __init__(self, store: EventStore, registry: Registry, settings: RiskSettings) -> None:
        self.store, self.registry, self.settings = store, registry, settings

    # -- who and where ------------------------------------------------------------------------

    def actor(self, code: str) -> domain.Actor:
        return domain.Actor(code, self.registry.get(code).kind)

    def _nearest(self, kind: OrgKind, code: str) -> str | None:
        found = self.registry.of_kind(kind, self.registry.get(code).jurisdiction)
        return found[0].code if found else None

    def joint_office(self, code: str) -> str:
        """联席办 of the unit's jurisdiction, or of the nearest level above; the platform when
        there is none."""
        return self._nearest(OrgKind.JOINT_OFFICE, code) or PLATFORM_CODE

    def leading_group(self, code: str) -> str | None:
        """领导小组 of the unit's (or its office's) jurisdiction, or of the nearest level above."""
        return self._nearest(OrgKind.LEADING_GROUP, code)

    async def _act(
        self,
        msg: Message[Any],
        inbox: InboxEntry,
        now: datetime,
        stream_id: str,
        decide: Decide,
        case_number: str | None = None,
    ) -> None:
        """Load → decide → append, again at once if another writer moved the stream meanwhile."""
        env = msg.envelope
        await aggregate.act(
            self.store,
            functools.partial(load, self.store, stream_id),
            stream_id,
            lambda state: emit(decide(state), env, env.organization, now, case_number),
            inbox,
        )

    def _by(self, msg: Message[Any]) -> domain.Actor:
        """The sender, once the roles table allows its kind to send the command."""
        by = self.actor(msg.envelope.organization)
        domain.permitted(msg.envelope.type, by)
        return by

    # -- linkage items ------------------------------------------------------------------------

    async def submit_linkage_item(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        by = self._by(msg)
        for unit in msg.data.needs:
            self.registry.get(unit)
        office = self.joint_office(by.code)
        decide = functools.partial(
            linkage.decide_submit,
            msg.data,
            by=by,
            now=now,
            joint_office=office,
            leading_group=self.leading_group(by.code),
        )
        await self._act(msg, inbox, now, projections.linkage_stream(msg.data.item_id), decide)

    async def on_linkage_item(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Review, decision, implementation, report and close: the item's own step."""
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "review_linkage_item": linkage.decide_review,
            "decide_linkage_item": linkage.decide_decision,
            "record_implementation": linkage.decide_implementation,
            "report_linkage_item": linkage.decide_report,
            "close_linkage_item": linkage.decide_close,
        }
        decider = deciders[msg.envelope.type.split(".")[2]]
        decide = functools.partial(decider, msg.data, by=self._by(msg), now=now)
        await self._act(msg, inbox, now, projections.linkage_stream(msg.data.item_id), decide)

    # -- meetings -----------------------------------------------------------------------------

    async def request_meeting(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        by = self._by(msg)
        for unit in msg.data.units:
            self.registry.get(unit)
        decide = functools.partial(
            meeting.decide_request,
            msg.data,
            by=by,
            now=now,
            joint_office=self.joint_office(by.code),
            leading_group=self.leading_group(by.code),
        )
        await self._act(msg, inbox, now, projections.meeting_stream(msg.data.meeting_id), decide)

    async def on_meeting(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Convene, hold, memo, progress, claim, acceptance: the meeting's own step."""
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "convene_meeting": meeting.decide_convene,
            "hold_meeting": meeting.decide_hold,
            "issue_memo": meeting.decide_memo,
            "report_progress": meeting.decide_progress,
            "claim_completion": meeting.decide_claim,
            "accept_completion": meeting.decide_acceptance,
        }
        if msg.envelope.type == "risk.command.issue_memo.v1":
            for item in msg.data.items:
                self.registry.get(item.owner_unit)
        decider = deciders[msg.envelope.type.split(".")[2]]
        decide = functools.partial(decider, msg.data, by=self._by(msg), now=now)
        await self._act(msg, inbox, now, projections.meeting_stream(msg.data.meeting_id), decide)

    async def on_record(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Accountability and commendation, on the stream of what their basis cites: the meeting
        whose memo item, or the key item's work (in the sender's jurisdiction) whose failed
        reconciliation."""
        basis: acc.Basis = msg.data.basis
        by = self._by(msg)
        accountability = msg.envelope.type == acc.RaiseAccountability.TYPE
        decide: Decide
        if basis.kind is acc.BasisKind.FAILED_RECONCILIATION:
            office, item = self.joint_office(by.code), str(basis.key_item)
            stream_id = projections.key_item_stream(office, item)
            if accountability:
                rules = self.item_rules(office, item)
                decide = functools.partial(
                    key_items.decide_accountability, msg.data, by=by.code, now=now, rules=rules
                )
            else:  # refused: commendation rests on a memo item
                decide = functools.partial(meeting.decide_commendation, msg.data, by=by, now=now)
        else:
            decider = (
                meeting.decide_accountability if accountability else meeting.decide_commendation
            )
            decide = functools.partial(decider, msg.data, by=by, now=now)
            stream_id = projections.meeting_stream(uuid.UUID(str(basis.meeting_id)))
        await self._act(msg, inbox, now, stream_id, decide)

    async def bankruptcy_blocked(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """A bankruptcy task reported blocked: a meeting request by the blocked unit, one per
        notice (the bankruptcy service sends one to the joint office), carrying the bankruptcy
        case number on its envelope so the case's trace finds it."""
        notice: bankruptcy_tasks.CoordinationMeetingRequested = msg.data
        meeting_id = uuid.uuid5(BANKRUPTCY_MEETINGS, str(msg.envelope.event_id))
        for unit in notice.needs:
            self.registry.get(unit)
        decide = functools.partial(
            meeting.decide_bankruptcy_request,
            notice,
            meeting_id=meeting_id,
            now=now,
            joint_office=self.joint_office(notice.lead),
            leading_group=self.leading_group(notice.lead),
        )
        stream_id = projections.meeting_stream(meeting_id)
        await self._act(msg, inbox, now, stream_id, decide, str(notice.case_number))

    # -- the leading group --------------------------------------------------------------------

    async def leading_group_meeting(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        by = self._by(msg)
        decide = functools.partial(
            leading_group.decide_meeting,
            msg.data,
            by=by,
            now=now,
            joint_office=by.code,
            months=self.settings.leading_group_months,
        )
        await self._act(msg, inbox, now, projections.leading_group_stream(by.code), decide)

    # -- the key items, risk cases, the special item, the law-based-government task ------------

    @functools.cached_property
    def key_items(self) -> KeyItemCatalogue:
        return KeyItemCatalogue.load()

    def item_rules(self, joint_office: str, item_id: str) -> ItemRules:
        """The catalogue and the item's lead unit in the office's jurisdiction."""
        try:
            kind = self.key_items.item(item_id).lead.value
        except UnknownKeyItemError:
            return ItemRules(self.key_items, joint_office)
        place = self.registry.get(joint_office).jurisdiction
        found = self.registry.of_kind(OrgKind(kind), place) if kind in _KINDS else []
        return ItemRules(self.key_items, joint_office, {kind: tuple(o.code for o in found)})

    async def on_key_item(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Task force, plan, ledger entries, claims, reconciliation, check-off: the work of the
        item in the sender's joint office's jurisdiction."""
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "form_task_force": key_items.decide_form_task_force,
            "adopt_plan": key_items.decide_adopt_plan,
            "add_ledger_entry": key_items.decide_add_entry,
            "claim_entry_completion": key_items.decide_claim,
            "reconcile_entry": key_items.decide_reconcile,
            "close_entry": key_items.decide_close,
        }
        by = self._by(msg)
        office = self.joint_office(by.code)
        decider = deciders[msg.envelope.type.split(".")[2]]
        rules = self.item_rules(office, msg.data.item)
        decide = functools.partial(decider, msg.data, by=by.code, now=now, rules=rules)
        stream_id = projections.key_item_stream(office, msg.data.item)
        await self._act(msg, inbox, now, stream_id, decide)

    async def on_risk_case(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        by = self._by(msg)
        decide: Decide
        if msg.envelope.type == cases.RegisterRiskCase.TYPE:
            office = self.joint_office(by.code)
            decide = _on_case(
                risk_cases.decide_register, msg.data, by=by.code, now=now, office=office
            )
        else:
            decider = (
                risk_cases.decide_status
                if msg.envelope.type == cases.ChangeRiskStatus.TYPE
                else risk_cases.decide_link
            )
            decide = _on_case(decider, msg.data, by=by.code, now=now)
        await self._act(msg, inbox, now, projections.risk_case_stream(msg.data.case_id), decide)

    async def on_gov_case(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        by = self._by(msg)
        decide: Decide
        if msg.envelope.type == special_msgs.AssignGovJudgmentCase.TYPE:
            office = self.joint_office(by.code)
            decide = _on_case(special.decide_assign, msg.data, by=by.code, now=now, office=office)
        else:
            decide = _on_case(special.decide_report, msg.data, by=by.code, now=now)
        await self._act(msg, inbox, now, projections.gov_case_stream(msg.data.case_number), decide)

    async def case_concluded(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """The enforcement service's conclusion of a case: a special-item case is closed when it
        was performed (`special.decide_case_concluded`)."""
        decide = _on_case(special.decide_case_concluded, msg.data)
        await self._act(msg, inbox, now, projections.gov_case_stream(msg.data.case_number), decide)

    async def on_appearance(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Summons, appearance, recommendation and the case's outcome, on the case's stream."""
        by = self._by(msg)
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "summon_head": lawgov.decide_summon,
            "record_appearance": lawgov.decide_appearance,
            "send_judicial_recommendation": lawgov.decide_recommendation,
        }
        name = msg.envelope.type.split(".")[2]
        decide: Decide
        if name == "record_admin_case_outcome":
            decide = functools.partial(
                _stateless, lawgov.decide_case_outcome, msg.data, by=by.code, now=now
            )
        else:
            decide = _on_case(deciders[name], msg.data, by=by.code, now=now)
        stream_id = projections.appearance_stream(msg.data.case_number)
        await self._act(msg, inbox, now, stream_id, decide)

    async def on_reconsideration(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "file_reconsideration": lawgov.decide_file,
            "extend_reconsideration": lawgov.decide_extend,
            "decide_reconsideration": lawgov.decide_decision,
        }
        by = self._by(msg)
        decider = deciders[msg.envelope.type.split(".")[2]]
        decide = _on_case(decider, msg.data, by=by.code, now=now)
        stream_id = projections.reconsideration_stream(msg.data.reconsideration_id)
        await self._act(msg, inbox, now, stream_id, decide)

    async def on_mediation(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        deciders: dict[str, Callable[..., list[domain.Out]]] = {
            "refer_to_mediation": lawgov.decide_refer,
            "record_mediation_result": lawgov.decide_result,
            "apply_for_confirmation": lawgov.decide_apply,
            "grant_confirmation": lawgov.decide_grant,
        }
        by = self._by(msg)
        decider = deciders[msg.envelope.type.split(".")[2]]
        decide = _on_case(decider, msg.data, by=by.code, now=now)
        await self._act(msg, inbox, now, projections.mediation_stream(msg.data.referral_id), decide)


_KINDS = frozenset(k.value for k in OrgKind)


def _on_case(decider: Callable[..., list[domain.Out]], data: Any, **kw: Any) -> Decide:
    """A decision over the case a stream holds (`items.RiskCaseStream` and the like)."""

    def decide(state: Any) -> list[domain.Out]:
        return decider(data, state.case, **kw)

    return decide


def _stateless(
    decider: Callable[..., list[domain.Out]], data: Any, state: Any, **kw: Any
) -> list[domain.Out]:
    return decider(data, **kw)
