"""Refusals: commands and answers the rules do not accept; `field` names what is at fault."""


class EnforcementError(Exception):
    field = "data"


class NotAnEnforcementCaseError(EnforcementError):
    field = "data.case_number"


class NotTheExecutingCourtError(EnforcementError):
    field = "envelope.organization"


class CaseAlreadyRegisteredError(EnforcementError):
    field = "data.case_number"


class CaseNotRegisteredError(EnforcementError):
    field = "data.case_number"


class NotADebtorError(EnforcementError):
    field = "data.debtor"


class UnknownQueryError(EnforcementError):
    field = "data.query_id"


class BureauNotAskedError(EnforcementError):
    field = "envelope.organization"


class ResultClosedError(EnforcementError):
    field = "data.query_id"


class DuplicateAnswerError(EnforcementError):
    field = "data.query_id"


class TermTooLongError(EnforcementError):
    field = "data.term_days"


class OverFreezeError(EnforcementError):
    field = "data.amount"


class UnknownControlError(EnforcementError):
    field = "data.control_id"


class ControlStateError(EnforcementError):
    field = "data.control_id"


class UnknownOrderError(EnforcementError):
    field = "data.order_id"


class WrongBureauError(EnforcementError):
    field = "envelope.organization"


class MissingCaseNumberError(EnforcementError):
    field = "envelope.case_number"


class MinorError(EnforcementError):
    field = "data.debtor.id_number"


class UnknownGroundError(EnforcementError):
    field = "data.grounds"


class ExtensionReasonError(EnforcementError):
    field = "data.extension_reason"


class AlreadySanctionedError(EnforcementError):
    field = "data.debtor"


class UnknownSanctionError(EnforcementError):
    field = "data.sanction_id"


class SanctionEndedError(EnforcementError):
    field = "data.sanction_id"


class UnknownNoticeError(EnforcementError):
    field = "data.notice_id"


class DuplicateAckError(EnforcementError):
    field = "data.notice_id"


class BoundPartyMissingError(EnforcementError):
    field = "data.legal_representative"


class CloseTooEarlyError(EnforcementError):
    """终本 only after more than three months since filing (终本规定 第一条)."""

    field = "data.closed_on"


class PropertyNotQueriedError(EnforcementError):
    """终本 only after a network property query of every debtor has completed."""

    field = "data.case_number"


class RestrictionMissingError(EnforcementError):
    """终本 only with a consumption restriction in force on every natural-person debtor."""

    field = "data.case_number"


class ApproverMissingError(EnforcementError):
    """终本 only with its approver recorded (民诉法解释 第五百一十七条)."""

    field = "data.approved_by"
