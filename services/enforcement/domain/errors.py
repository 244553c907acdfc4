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


class UnknownDeletionGroundError(EnforcementError):
    """Not a ground in the catalogue for ending this kind of sanction."""

    field = "data.ground"


class GroundNotForListingError(EnforcementError):
    """The ground does not apply to this listing: the 第十条第一款 grounds end open-ended
    listings only; term expiry and early deletion end fixed-term ones (第十条第二款)."""

    field = "data.ground"


class TermNotExpiredError(EnforcementError):
    """`term_expired` before the listing's last day has passed."""

    field = "data.ground"


class ExtensionNotAllowedError(EnforcementError):
    """An extension only of a fixed term, and only for obstruction by violence or threats or
    for several dishonest acts (第二条)."""

    field = "data.extension_years"


class DecisionDateError(EnforcementError):
    """A listing decision dated in the future, or before the case was filed; a refusal of a
    request to list dated in the future, or before the request was received."""

    field = "data.decided_on"


class RelistingTooSoonError(EnforcementError):
    """Re-listing at the applicant's request within six months of a deletion at the applicant's
    own request (第十条)."""

    field = "data.on_applicant_request"


class FrozenPropertyCoversDebtError(EnforcementError):
    """Ground (一) is excluded when property already frozen covers the debt (第三条), unless the
    court states why it lists all the same (`frozen_property_reason`)."""

    field = "data.grounds"


class OrderDateError(EnforcementError):
    """A restriction order dated in the future, or before the case was filed."""

    field = "data.ordered_on"


class RestrictionPeriodError(EnforcementError):
    """A restriction period that ends before it starts."""

    field = "data.until"


class ListingWithoutRestrictionError(EnforcementError):
    """A listed debtor must be under a consumption restriction (法释〔2015〕17号 第一条第二款):
    order the restriction first, for at least the listing's term."""

    field = "data.debtor"


class RestrictionHeldByListingError(EnforcementError):
    """The restriction may not be lifted while a listing of the debtor is in force."""

    field = "data.sanction_id"


class NotAListingError(EnforcementError):
    """Only a listing's data is corrected (更正); a restriction order is lifted and made anew."""

    field = "data.sanction_id"


class DutyGroundError(EnforcementError):
    """A duty to delete rests on a mandatory deletion ground that applies to the listing; early
    deletion is at the court's discretion and a wrongful listing is revoked, not deleted."""

    field = "data.ground"


class DutyDateError(EnforcementError):
    """A ground that arose after today."""

    field = "data.ground_arose_on"


class DutyAlreadyRecordedError(EnforcementError):
    """The same duty is open on the listing already."""

    field = "data.duty"


class ExecutionNoticeMissingError(EnforcementError):
    """终本 only after the execution notice and the property report order (终本规定 第一条)."""

    field = "data.execution_notice_on"


class InterviewMissingError(EnforcementError):
    """终本 only after the applicant was interviewed (约谈申请执行人)."""

    field = "data.applicant_interviewed_on"


class ResumptionNumberError(EnforcementError):
    """A resumed case has a new number of type 执恢 of the same court (立案结案意见 第六条)."""

    field = "data.resumed_case_number"


class NotClosedError(EnforcementError):
    """Only a case closed for lack of property (终本) is resumed."""

    field = "data.case_number"


class CaseConcludedError(EnforcementError):
    """The case was already resumed under a new number, performed, suspended or terminated."""

    field = "data.case_number"


class ConclusionDateError(EnforcementError):
    """A resumption or conclusion dated after today, or before the case was filed or closed."""

    field = "data.concluded_on"


class ResumptionDateError(EnforcementError):
    """A resumption dated after today, or before the case was closed."""

    field = "data.resumed_on"


class NotARestrictionError(EnforcementError):
    """An exemption is granted from a consumption restriction order, not from a listing."""

    field = "data.sanction_id"


class ExemptionPartyError(EnforcementError):
    """The party allowed must be one the order binds: an officer for personal funds, a natural
    person for an emergency travel lifting."""

    field = "data.whom"


class ExemptionItemsError(EnforcementError):
    """Items the order does not restrict, or, for an emergency lifting, other than 1 and 9."""

    field = "data.items"


class ExemptionStartError(EnforcementError):
    """An exemption starts on or after the day it is approved (第八条: 获批准后方可进行)."""

    field = "data.from_on"


class ExemptionPeriodError(EnforcementError):
    """An exemption ends within the order's period, and a temporary lifting within one month."""

    field = "data.until"


class ExemptionEmergencyError(EnforcementError):
    """A temporary lifting of the travel restriction names its emergency (法发〔2019〕35号)."""

    field = "data.emergency"


class ExemptPropertyError(EnforcementError):
    """Property that may not be seized, frozen or detained (查封规定 第三条)."""

    field = "data.holding.exempt"


class OnlyHomeError(EnforcementError):
    """Only a home (real estate) is seized as the debtor's only home (查封规定 第四条)."""

    field = "data.only_home"


class CourtDocumentsMissingError(EnforcementError):
    """An order rests on a ruling and a notice of assistance with an electronic seal (网络查询
    冻结存款规定 第三条、第四条); refused without them where the service is set to require them."""

    field = "data.documents"


class DeductionChannelError(EnforcementError):
    """Online deduction only where the bureau is technically ready and has agreed (第九条)."""

    field = "data.channel"


class LivingExpensesError(EnforcementError):
    """A deduction from income keeps back the living expenses of the debtor and dependants."""

    field = "data.living_expenses"


class ObjectionOpenError(EnforcementError):
    """An objection to the control already awaits the court's answer."""

    field = "data.control_id"


class UnknownObjectionError(EnforcementError):
    """No such objection in the case."""

    field = "data.objection_id"


class ObjectionAnsweredError(EnforcementError):
    """The objection is answered already."""

    field = "data.objection_id"


class OutcomeNotForOrderError(EnforcementError):
    """An outcome that does not answer the order: only a freeze or seizure is queued (轮候)."""

    field = "data.outcome"


class NotQueuedError(EnforcementError):
    """A queued control's later report (took effect, lapsed) naming an order that is not queued."""

    field = "data.order_id"


class EffectiveDateError(EnforcementError):
    """A queued control reported as taken effect needs the registry's date (轮候生效之日), not a
    day after today."""

    field = "data.effective_on"


class ExcessTooLargeError(EnforcementError):
    """The excess released is less than the control: release all of it with `ReleaseControl`."""

    field = "data.amount"


class RulingDateError(EnforcementError):
    """A ruling on the excess that takes effect in the future."""

    field = "data.ruling_effective_on"


class NotAnApplicantError(EnforcementError):
    """A request to list a debtor made by someone who is not an applicant of the case."""

    field = "data.applicant"


class RequestDateError(EnforcementError):
    """A request to list a debtor received after today, or before the case was filed."""

    field = "data.received_on"


class ListingRequestOpenError(EnforcementError):
    """A request to list the same debtor already awaits the court's decision."""

    field = "data.debtor"


class UnknownListingRequestError(EnforcementError):
    """No such request to list a debtor in the case."""

    field = "data.request_id"


class ListingRequestDecidedError(EnforcementError):
    """The request to list a debtor is decided already (listed, or refused)."""

    field = "data.request_id"


class DebtorInBankruptcyError(EnforcementError):
    """A query of a debtor whose bankruptcy was accepted (企业破产法 第十九条)."""

    field = "data.debtor"


class PropertyInBankruptcyError(EnforcementError):
    """A control of the property of a debtor whose bankruptcy was accepted (第十九条)."""

    field = "data.holding"


class ControlInBankruptcyError(EnforcementError):
    """A renewal or deduction of a control on the property of a debtor whose bankruptcy was
    accepted: the control is to be released and the money goes to the administrator
    (企业破产法 第十九条)."""

    field = "data.control_id"


class DepositAmountError(EnforcementError):
    """A deposit freeze that names no amount: it freezes a specific amount, the rest of the
    account stays in use (法发〔2019〕35号 第4条)."""

    field = "data.amount"


class EquityShareError(EnforcementError):
    """A freeze by ratio or quantity of a stake (强制执行股权规定 第五条) that is not of equity,
    of equity whose value is known, not at the applicant's request, or valued."""

    field = "data.share"
