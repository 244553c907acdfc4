"""Refusals of the key problem items, the risk cases, the special item and the
law-based-government task; `field` names what is at fault."""

from __future__ import annotations

from services.risk.domain.errors import FutureDateError as FutureDateError
from services.risk.domain.errors import NotTheOfficeError as NotTheOfficeError
from services.risk.domain.errors import RiskError


class ItemRefusal(RiskError):
    """A refusal of these workflows: a `RiskError`, so the service answers it with a rejection.
    `field` is the class's unless the rule names a more precise one."""


# --- who may act -----------------------------------------------------------------------------


class NotTheLeadUnitError(ItemRefusal):
    """Only the item's or the risk's lead unit may do this."""

    field = "envelope.organization"


class NotTheResponsibleGovernmentError(ItemRefusal):
    field = "envelope.organization"


# --- dates -------------------------------------------------------------------------------------


class DateOrderError(ItemRefusal):
    """A fact dated before the fact it follows, or a deadline before its start."""


# --- key items -----------------------------------------------------------------------------------


class UnknownKeyItemError(ItemRefusal):
    field = "data.item"


class PlanVersionError(ItemRefusal):
    """Plan versions count up from 1, one at a time."""

    field = "data.version"


class NoPlanError(ItemRefusal):
    """Entries go on the ledger after the item's plan is adopted."""

    field = "data.item"


class StockDateError(ItemRefusal):
    """存量 is dated on or before the first plan, 增量 after it."""

    field = "data.stock"


class DuplicateEntryError(ItemRefusal):
    field = "data.entry_id"


class UnknownEntryError(ItemRefusal):
    field = "data.entry_id"


class EntryClosedError(ItemRefusal):
    field = "data.entry_id"


class ClaimPendingError(ItemRefusal):
    """A claim already waits for reconciliation."""

    field = "data.entry_id"


class NoClaimError(ItemRefusal):
    """Reconciliation checks a claim: the lead unit claims first."""

    field = "data.entry_id"


class NotReconciledError(ItemRefusal):
    """No check-off without a reconciliation that bore the claim out (对账销号)."""

    field = "data.entry_id"


# --- risk cases ------------------------------------------------------------------------------------


class DuplicateRiskCaseError(ItemRefusal):
    field = "data.case_id"


class UnknownRiskCaseError(ItemRefusal):
    field = "data.case_id"


class ProjectMismatchError(ItemRefusal):
    """A problem project names its project; other risks name none."""

    field = "data.project"


class StatusStepError(ItemRefusal):
    """Not the next status of this kind of risk."""

    field = "data.status"


class CaseAlreadyLinkedError(ItemRefusal):
    field = "data.case_number"


# --- the special item ------------------------------------------------------------------------------


class NotAnEnforcementCaseError(ItemRefusal):
    field = "data.case_number"


class GovCaseAssignedError(ItemRefusal):
    field = "data.case_number"


class UnknownGovCaseError(ItemRefusal):
    field = "data.case_number"


class GovCaseClosedError(ItemRefusal):
    field = "data.case_number"


# --- law-based government ----------------------------------------------------------------------------


class NotAnAdministrativeCaseError(ItemRefusal):
    field = "data.case_number"


class SummonsTooLateError(ItemRefusal):
    """The summons is served at least three days before the hearing (第五条)."""

    field = "data.hearing_on"


class NotSummonedError(ItemRefusal):
    field = "data.case_number"


class AppearanceDetailError(ItemRefusal):
    """Who appeared, and as what; or the excuse with its proof; nothing else."""


class NoRecommendationGroundError(ItemRefusal):
    """A judicial recommendation follows an absence without excuse or a walk-out (第十二条)."""

    field = "data.case_number"


class DuplicateReconsiderationError(ItemRefusal):
    field = "data.reconsideration_id"


class UnknownReconsiderationError(ItemRefusal):
    field = "data.reconsideration_id"


class ExtensionError(ItemRefusal):
    """Once, and only in the ordinary procedure (第六十二条)."""

    field = "data.reconsideration_id"


class ReconsiderationDecidedError(ItemRefusal):
    field = "data.reconsideration_id"


class DuplicateReferralError(ItemRefusal):
    field = "data.referral_id"


class UnknownReferralError(ItemRefusal):
    field = "data.referral_id"


class MediationStepError(ItemRefusal):
    """Result after referral, confirmation after an agreement, once each."""

    field = "data.referral_id"


class ConfirmationLateError(ItemRefusal):
    """Judicial confirmation is applied for within 30 days of the agreement's effect
    (民事诉讼法 第二百零五条)."""

    field = "data.applied_on"


class NoConfirmationNeededError(ItemRefusal):
    """An agreement reached in judicial mediation is the court's own: nothing to confirm."""

    field = "data.referral_id"
