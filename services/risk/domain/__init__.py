"""重大风险与运行机制 — the joint mechanism's rules: pure functions over frozen state; time comes in
as an argument.

`linkage` (linkage items), `meeting` (coordination meetings, memo items, overdue once per period,
accountability and commendation citing an item), `leading_group` (its six-monthly meeting),
`actors` (who acts; what its kind may send, from `contracts.risk.roles`), `errors`. A stream holds one of the three states; `evolve`,
`next_due` and `decide_deadlines` take any of them.
"""

from __future__ import annotations

from datetime import datetime

from contracts.base import Payload
from services.risk.domain import items, leading_group, linkage, meeting
from services.risk.domain.actors import Actor, permitted
from services.risk.domain.errors import RiskError
from services.risk.domain.leading_group import LeadingGroupMeetings
from services.risk.domain.linkage import LinkageItem, Out
from services.risk.domain.meeting import Meeting

State = LinkageItem | Meeting | LeadingGroupMeetings | items.ItemState


def evolve(state: State, e: Payload) -> State:
    if isinstance(state, items.ITEM_STATES):
        return items.evolve(state, e)
    if isinstance(state, LinkageItem):
        return linkage.evolve(state, e)
    if isinstance(state, Meeting):
        return meeting.evolve(state, e)
    return leading_group.evolve(state, e)


def next_due(state: State, period_days: int) -> datetime | None:
    """When the deadline runner should next look: a memo item's next overdue period, the
    leading group's meeting due; each on the threshold its decision uses."""
    if isinstance(state, items.ITEM_STATES):
        return items.next_due(state)
    if isinstance(state, Meeting):
        return meeting.next_due(state, period_days)
    if isinstance(state, LeadingGroupMeetings):
        return leading_group.next_due(state)
    return None


def decide_deadlines(
    state: State, now: datetime, period_days: int, leading_group_code: str | None
) -> list[Out]:
    if isinstance(state, items.ITEM_STATES):
        return items.decide_deadlines(state, now)
    if isinstance(state, Meeting):
        return meeting.decide_overdue(state, now, period_days)
    if isinstance(state, LeadingGroupMeetings):
        return leading_group.decide_overdue(state, now, leading_group_code)
    return []


__all__ = [
    "Actor",
    "LeadingGroupMeetings",
    "LinkageItem",
    "Meeting",
    "Out",
    "RiskError",
    "State",
    "decide_deadlines",
    "evolve",
    "next_due",
    "permitted",
]
