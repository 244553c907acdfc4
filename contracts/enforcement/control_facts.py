"""控制的事实 — the facts of a control, one past-tense event each: an order sent, what the bureau
did with it, and what the platform's clock found (expiring, lapsed, a release overdue).

Logs written before these events hold `enforcement.event.control_recorded.v1`, one event whose
`status` named the fact; `contracts.enforcement.upcasts` reads them as these.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from contracts.base import Event, Notice, OrgCode
from contracts.enforcement.control import Action
from contracts.enforcement.parties import Yuan
from contracts.enforcement.query import Holding
from contracts.ids import CaseNumber
from contracts.registry import register


class LapseReason(StrEnum):
    """Why a control no longer holds without a release."""

    EXPIRED = "expired"  # 期满未续: its last day passed without a renewal
    DISPOSED = "disposed"  # 轮候失效: the property was disposed of in full by the authority before


@register
class ControlOrdered(Event):
    """发出控制通知 — the court's order went to the bureau: freeze, seize, renew, release or
    deduct. The first order of a control creates it (its id is the control's)."""

    TYPE = "enforcement.event.control_ordered.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """This order; the bureau's outcome names it."""
    action: Action
    """What the order asks."""
    bureau: OrgCode
    """The bureau holding the property."""
    holding: Holding
    """The holding."""
    amount: Yuan
    """Amount to secure or deduct."""
    until: date | None = None
    """Last day asked for (freeze, seize, renew), or the control's last day."""
    prior_claims: Yuan | None = None
    """On the first order of a control: claims ranking before the court's on the holding."""
    term_days: int | None = None
    """On the first order of a control: the term asked for, in days; a queued control (轮候)
    runs it from the day it takes effect."""


@register
class ControlApplied(Event):
    """已冻结 / 已查封 — the bureau applied a freeze or seizure."""

    TYPE = "enforcement.event.control_applied.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The order applied."""
    until: date | None = None
    """Last day of the control."""
    bureau_reference: str | None = None
    """The bureau's own reference (文书号 / 冻结编号)."""


@register
class ControlQueued(Event):
    """轮候冻结 / 轮候查封 — another authority's measure comes first: the bureau registered the
    order in the queue. It secures nothing until it takes effect."""

    TYPE = "enforcement.event.control_queued.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The order queued."""
    until: date | None = None
    """The last day the order asked for; counted again from the day it takes effect."""
    bureau_reference: str | None = None
    """The bureau's own reference."""
    reason: str | None = None
    """What the bureau said of the queue."""


@register
class QueuedControlTookEffect(Event):
    """轮候生效 — the registry reports that a queued control took effect (the measure before it
    ended); its term is counted from that day, capped at the statutory term."""

    TYPE = "enforcement.event.queued_control_took_effect.v1"
    control_id: UUID
    """The control."""
    order_id: UUID | None = None
    """The order that was queued."""
    effective_on: date
    """The registry's date: the day it took effect."""
    until: date | None = None
    """The last day, counted from `effective_on`."""
    bureau_reference: str | None = None
    """The bureau's own reference."""


@register
class ControlRefused(Event):
    """拒绝协助 — the bureau refused an order, with its reason. A refused first order ends the
    control; a refused renewal, release or deduction leaves it as it was."""

    TYPE = "enforcement.event.control_refused.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The order refused."""
    action: Action | None = None
    """What the order asked."""
    reason: str | None = None
    """The bureau's reason."""


@register
class ControlRenewed(Event):
    """已续冻 / 已续封 — the bureau renewed a control to a new last day."""

    TYPE = "enforcement.event.control_renewed.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The renewal order."""
    until: date
    """The new last day."""
    bureau_reference: str | None = None
    """The bureau's own reference."""


@register
class ControlExpiring(Event):
    """即将到期 — the court is warned that a control ends soon: renew before its last day."""

    TYPE = "enforcement.event.control_expiring.v1"
    control_id: UUID
    """The control."""
    until: date
    """Its last day."""


@register
class ControlLapsed(Event):
    """控制失效 — a control no longer holds: it expired without renewal, or it was queued and the
    property was disposed of in full by the authority before it (轮候失效)."""

    TYPE = "enforcement.event.control_lapsed.v1"
    control_id: UUID
    """The control."""
    reason: LapseReason
    """Expired, or disposed of."""
    order_id: UUID | None = None
    """For a queue that lapsed: the order that was queued."""
    until: date | None = None
    """Its last day, for one that expired."""
    detail: str | None = None
    """What the bureau said, where it said something."""


@register
class ControlReleased(Event):
    """已解除 — the bureau released a control (解冻 / 解封)."""

    TYPE = "enforcement.event.control_released.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The release order."""
    bureau_reference: str | None = None
    """The bureau's own reference."""


@register
class FundsDeducted(Event):
    """已扣划 — the bureau transferred frozen money to the court's account."""

    TYPE = "enforcement.event.funds_deducted.v1"
    control_id: UUID
    """The freeze."""
    order_id: UUID
    """The deduction order."""
    remaining: Yuan
    """What stays frozen."""
    amount: Yuan | None = None
    """How much was transferred (absent in facts recorded before it was kept)."""
    bureau_reference: str | None = None
    """The bureau's own reference."""


@register
class ExcessReleaseOrdered(Event):
    """解除超标的部分 — the court ordered the bureau to release what exceeds the amount a control
    must secure, by a last day (seven days from the ruling taking effect unless the court set
    another term, 强制执行股权规定 第五条)."""

    TYPE = "enforcement.event.excess_release_ordered.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The release order."""
    amount: Yuan
    """The excess to release."""
    ruling_effective_on: date
    """The day the ruling took effect."""
    release_by: date
    """The last day of the release."""


@register
class ExcessReleased(Event):
    """已解除超标的部分 — the bureau released the excess; the control secures the rest."""

    TYPE = "enforcement.event.excess_released.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The release order."""
    remaining: Yuan
    """What the control secures now."""
    late: bool = False
    """Released after its last day."""
    bureau_reference: str | None = None
    """The bureau's own reference."""


@register
class ExcessReleaseOverdue(Notice):
    """超标的解除逾期 — the court, and the joint office of its jurisdiction, are told that the
    excess was not released by its last day; once per release order."""

    TYPE = "enforcement.notice.excess_release_overdue.v1"
    control_id: UUID
    """The control."""
    order_id: UUID
    """The release order."""
    case_number: CaseNumber
    """案号."""
    bureau: OrgCode
    """The bureau asked to release."""
    amount: Yuan
    """The excess still held."""
    release_by: date
    """The last day it was due."""
