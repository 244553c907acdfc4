"""Refusals: steps and answers the rules do not accept; `field` names what is at fault."""

from __future__ import annotations


class BankruptcyError(Exception):
    """A refusal. `field` is the class's unless the rule names a more precise one."""

    field = "data"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


# --- the case and who may act ---------------------------------------------------------------


class NotABankruptcyCaseError(BankruptcyError):
    """The case number is not of the type the step needs (破申, 破, 破终)."""

    field = "data.case_number"


class WrongCaseNumberError(BankruptcyError):
    """The step names another number than the case's (破申 before acceptance, 破 after)."""

    field = "data.case_number"


class NotTheCourtError(BankruptcyError):
    field = "envelope.organization"


class NotTheAdministratorError(BankruptcyError):
    field = "envelope.organization"


class NotAReviewerError(BankruptcyError):
    field = "envelope.organization"


class NotTheLeadUnitError(BankruptcyError):
    field = "envelope.organization"


class NotAllowedToWaiveError(BankruptcyError):
    field = "envelope.organization"


class NotTheFinanceBureauError(BankruptcyError):
    field = "envelope.organization"


# --- the procedure --------------------------------------------------------------------------


class UnlawfulStepError(BankruptcyError):
    """The step is not lawful from where the case stands (docs/BANKRUPTCY.md, transitions)."""

    field = "type"


class FutureDateError(BankruptcyError):
    """A fact dated after today."""


class DateOrderError(BankruptcyError):
    """A fact dated before the fact it follows."""


class HigherCourtError(BankruptcyError):
    """The 破 case is heard by the court of the petition or a higher one; an appeal by a
    higher one."""

    field = "data.case_number"


class ExtensionUsedError(BankruptcyError):
    """The law allows one extension."""

    field = "type"


class AppealLateError(BankruptcyError):
    """Appealed more than 10 days after service (第十二条)."""

    field = "data.filed_on"


class AppealNumberError(BankruptcyError):
    field = "data.appeal_case_number"


class ClaimsPeriodError(BankruptcyError):
    """The claims period is at least 30 days and at most three months (第四十五条)."""

    field = "data.claims_deadline"


class NotAnnouncedError(BankruptcyError):
    """The claims period counts from the announcement: announce first."""

    field = "type"


class MeetingTooEarlyError(BankruptcyError):
    """The first meeting comes after the claims deadline (第六十二条)."""

    field = "data.held_on"


class PlanNotFiledError(BankruptcyError):
    field = "type"


class TerminationGroundError(BankruptcyError):
    """The ground does not fit where the case stands."""

    field = "data.ground"


# --- tasks ----------------------------------------------------------------------------------


class UnknownTopicError(BankruptcyError):
    field = "data.topic"


class UnknownItemError(BankruptcyError):
    field = "data.item"


class DueDateError(BankruptcyError):
    field = "data.due_on"


class UnknownTaskError(BankruptcyError):
    field = "data.task_id"


class TaskClosedError(BankruptcyError):
    """The task is completed or waived."""

    field = "data.task_id"


class AlreadyAcknowledgedError(BankruptcyError):
    field = "data.task_id"


class NotAcknowledgedError(BankruptcyError):
    """Progress, completion or a blockage comes after the acknowledgement."""

    field = "data.task_id"


class CaseClosedError(BankruptcyError):
    field = "data.case_number"


# --- expense aid ----------------------------------------------------------------------------


class OverCapError(BankruptcyError):
    field = "data.costs"


class FeeOverCapError(BankruptcyError):
    field = "data.fee_part"


class OverBudgetError(BankruptcyError):
    field = "data.costs"


class EstateCanPayError(BankruptcyError):
    field = "data.estate_value"


class CostsAdvancedError(BankruptcyError):
    field = "data.advance_offered"


class DuplicateApplicationError(BankruptcyError):
    field = "data.application_id"


class UnknownApplicationError(BankruptcyError):
    field = "data.application_id"


class ReviewOrderError(BankruptcyError):
    """Initial review, then the higher court's, then the finance bureau, then disbursement."""

    field = "data.stage"


class ApplicationClosedError(BankruptcyError):
    field = "data.application_id"


class DecisionAmountError(BankruptcyError):
    field = "data.amount"


class DisbursementAmountError(BankruptcyError):
    field = "data.amount"
