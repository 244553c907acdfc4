"""Refusals: acts the rules of the joint mechanism do not accept; `field` names what is at fault
and the message says why."""

from __future__ import annotations


class RiskError(Exception):
    """A refusal. `field` is the class's unless the rule names a more precise one."""

    field = "data"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


# --- who may act ----------------------------------------------------------------------------


class NotTheOfficeError(RiskError):
    """Only the joint office of the jurisdiction reviews, convenes, holds, issues memos, accepts
    completion, closes, and records accountability, commendation and leading-group meetings."""

    field = "envelope.organization"


class NotTheLeadingGroupError(RiskError):
    """Only the leading group of the jurisdiction decides on a linkage item."""

    field = "envelope.organization"


class NotPermittedError(RiskError):
    """The sender's kind may not send the command (`contracts.risk.roles.PUBLISHERS`): only the
    leading group decides on linkage items, only the office convenes, issues memos, accepts and
    records accountability or commendation, only member units submit, request and report."""

    field = "envelope.organization"


class NotInvolvedError(RiskError):
    """An implementation fact comes from the submitter or a unit the item needs; a report from
    the submitter."""

    field = "envelope.organization"


class NotTheOwnerError(RiskError):
    """A unit reports progress on and claims completion of only the memo items it owns."""

    field = "envelope.organization"


# --- linkage items --------------------------------------------------------------------------


class UnknownLinkageItemError(RiskError):
    field = "data.item_id"


class LinkageItemExistsError(RiskError):
    field = "data.item_id"


class NotApprovedError(RiskError):
    """No implementation fact before the leading group's approval."""

    field = "data.item_id"


class LinkageStageError(RiskError):
    """The step does not follow from where the item stands."""

    field = "data.item_id"


# --- meetings and memo items ----------------------------------------------------------------


class UnknownMeetingError(RiskError):
    field = "data.meeting_id"


class MeetingExistsError(RiskError):
    field = "data.meeting_id"


class MeetingStageError(RiskError):
    """The step does not follow from where the meeting stands (requested → convened → held →
    memo issued)."""

    field = "data.meeting_id"


class DuplicateMemoItemError(RiskError):
    field = "data.items"


class DueDateError(RiskError):
    """A memo item's due date comes after the memo's issue."""

    field = "data.items"


class UnknownMemoItemError(RiskError):
    field = "data.item_id"


class MemoItemStateError(RiskError):
    """Progress and claims on an open item only; acceptance of a claimed one only."""

    field = "data.item_id"


class RemarksRequiredError(RiskError):
    """A returned claim says why."""

    field = "data.remarks"


class FutureDateError(RiskError):
    """A fact is not dated after the day it is recorded."""


# --- accountability and commendation ------------------------------------------------------


class BasisError(RiskError):
    """Accountability rests on an overdue memo item, commendation on an accepted one."""

    field = "data.basis"


class WrongUnitError(RiskError):
    """The unit held to account or commended is the owner of the item cited."""

    field = "data.unit"


class AlreadyRecordedError(RiskError):
    """Accountability once per overdue period of an item; commendation once per item."""

    field = "data.basis"
