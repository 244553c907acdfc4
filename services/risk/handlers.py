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
from contracts.registry import parse_message
from services.risk import domain, projections
from services.risk.domain import leading_group, linkage, meeting
from services.risk.settings import RiskSettings
from services.runtime.eventstore import (
    ConcurrencyError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
)
from services.runtime.messaging import follow, outgoing

RETRIES = 3

Decide = Callable[[Any], list[domain.Out]]
"""A domain decision over the stream's state as loaded."""

BANKRUPTCY_MEETINGS = uuid.UUID("0b6f6c1e-7d2a-4b8e-9a61-3c5d2e7f4a90")
"""Namespace of the ids of meetings requested by a blocked bankruptcy task (one per notice)."""


async def load(store: EventStore, stream_id: str) -> tuple[domain.State, int]:
    """The stream's state and version."""
    state, version = projections.initial(stream_id), 0
    for stored in await store.load(stream_id):
        state = domain.evolve(state, parse_message(stored.message).data)
        version = stored.version
    return state, version


def emit(
    outs: list[domain.Out], cause: Envelope | None, actor: str, now: datetime
) -> list[NewEvent]:
    """Messages for the log: an event acts as its organization, a notice is sent by `actor` to
    its organization."""
    out = []
    for payload, org in outs:
        acting = org if payload.kind() == "event" else actor
        msg = follow(cause, payload, organization=acting, now=now)
        out.append(outgoing(msg, org))
    return out


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
        self, msg: Message[Any], inbox: InboxEntry, now: datetime, stream_id: str, decide: Decide
    ) -> None:
        """Load → decide → append, again at once if another writer moved the stream meanwhile."""
        env = msg.envelope
        for attempt in range(1, RETRIES + 1):
            state, version = await load(self.store, stream_id)
            events = emit(decide(state), env, env.organization, now)
            try:
                await self.store.append(StreamWrite(stream_id, version, events), inbox=inbox)
                return
            except ConcurrencyError:
                if attempt == RETRIES:
                    raise

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
        """Accountability and commendation: on the stream of the meeting whose item they cite."""
        decider: Callable[..., list[domain.Out]] = (
            meeting.decide_accountability
            if msg.envelope.type == "risk.command.raise_accountability.v1"
            else meeting.decide_commendation
        )
        decide = functools.partial(decider, msg.data, by=self._by(msg), now=now)
        stream_id = projections.meeting_stream(msg.data.basis.meeting_id)
        await self._act(msg, inbox, now, stream_id, decide)

    async def bankruptcy_blocked(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """A bankruptcy task reported blocked: a meeting request by the blocked unit, one per
        notice (the bankruptcy service sends one to the joint office)."""
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
        await self._act(msg, inbox, now, projections.meeting_stream(meeting_id), decide)

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
