"""Refusals of the reporting rules; `field` names what is at fault."""

from __future__ import annotations


class ReportingError(Exception):
    """A refusal. `field` is the class's unless the rule names a more precise one."""

    field = "data"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class NotTheUnitError(ReportingError):
    """The sender is not the unit that owes the report."""

    field = "envelope.organization"


class WrongPeriodError(ReportingError):
    """A submission for another period than the obligation's, or before the period began."""

    field = "data.period"


class AlreadySubmittedError(ReportingError):
    """A report stands for the period and was not returned for more."""

    field = "data.report_id"


class NotSubmittedError(ReportingError):
    """Nothing to return: no report stands under that id."""

    field = "data.report_id"


class UnknownIndicatorError(ReportingError):
    """A submitted indicator value names no indicator of the catalogue."""

    field = "data.body.indicators"


class NoticeNotForUnitError(ReportingError):
    """An ad-hoc notice applied to an obligation whose period or unit it does not name."""

    field = "data.units"


class PeriodNotClosedError(ReportingError):
    """An assessment of a period that is not closed (not past its due date)."""

    field = "data.period"


class SnapshotMismatchError(ReportingError):
    """A snapshot of another period or scope given to an assessment."""

    field = "data.snapshots"
