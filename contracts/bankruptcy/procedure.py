"""破产程序 — the court's procedure steps (commands the court sends) and the facts they record.

Every step is a ruling or act of the court hearing the case (企业破产法, the Enterprise Bankruptcy
Law, cited by article). The service accepts only the steps the law allows from where the case
stands, and counts the statutory clocks from the facts (docs/BANKRUPTCY.md).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from contracts.bankruptcy.parties import (
    Administrator,
    Debtor,
    PetitionerKind,
    Procedure,
    Text,
    Yuan,
)
from contracts.base import Command, Event, OrgCode
from contracts.ids import CaseNumber
from contracts.registry import register

# --- petition ------------------------------------------------------------------------------


@register
class FileBankruptcyPetition(Command):
    """破产申请立案 — the court files a bankruptcy petition for review under a 破申 number; the
    ruling on it is due within 15 days, or 22 on a creditor's petition (5 + 7 + 10, 第十条)."""

    TYPE = "bankruptcy.command.file_bankruptcy_petition.v1"
    case_number: CaseNumber
    """案号 — the petition's 破申 number, e.g. （2026）豫0482破申3号."""
    filed_on: date
    """立案日期 — the day the court received the petition."""
    debtor: Debtor
    """债务人."""
    petitioner: PetitionerKind
    """申请人类别 — debtor, creditor or the person responsible for liquidation (第七条)."""
    petitioner_name: str = Field(min_length=1, max_length=200)
    """申请人 — the petitioner's name."""
    procedure: Procedure = Procedure.LIQUIDATION
    """申请的程序 — liquidation, reorganization or settlement (a creditor asks for liquidation
    or reorganization only, 第七条第二款)."""


@register
class BankruptcyPetitionFiled(Event):
    """破产申请已立案 — a bankruptcy petition is under review."""

    TYPE = "bankruptcy.event.bankruptcy_petition_filed.v1"
    case_number: CaseNumber
    """案号 — the 破申 number."""
    court: OrgCode
    """受理法院 — code of the court reviewing the petition."""
    filed_on: date
    """立案日期."""
    debtor: Debtor
    """债务人."""
    petitioner: PetitionerKind
    """申请人类别."""
    petitioner_name: str
    """申请人."""
    procedure: Procedure
    """申请的程序."""
    ruling_due: date
    """应当裁定的最后一日 — the last day to rule on the petition (第十条)."""


@register
class ReferEnforcementToBankruptcy(Command):
    """执行转破产 — the court files a referral from an enforcement case (执转破) for review: the
    executing court suspended the enforcement and sent the file with the consent of an applicant
    or of the debtor (民诉法解释 第五百一十一条至第五百一十四条)."""

    TYPE = "bankruptcy.command.refer_enforcement_to_bankruptcy.v1"
    case_number: CaseNumber
    """案号 — the 破申 number the referral is filed under."""
    referred_on: date
    """移送日期 — the day the receiving court got the file."""
    enforcement_case_number: CaseNumber
    """执行案号 — the enforcement case referred (执, 执恢 or 执保)."""
    debtor: Debtor
    """债务人 — the judgment debtor, a company."""
    consent_by: PetitionerKind
    """同意移送的当事人 — an applicant for enforcement (`creditor`) or the debtor (`debtor`)."""


@register
class BankruptcyReferredFromEnforcement(Event):
    """执转破已移送 — an enforcement case was referred for bankruptcy review."""

    TYPE = "bankruptcy.event.bankruptcy_referred_from_enforcement.v1"
    case_number: CaseNumber
    """案号 — the 破申 number."""
    court: OrgCode
    """受理法院 — code of the receiving court."""
    referred_on: date
    """移送日期."""
    enforcement_case_number: CaseNumber
    """执行案号."""
    debtor: Debtor
    """债务人."""
    consent_by: PetitionerKind
    """同意移送的当事人."""
    ruling_due: date
    """应当裁定的最后一日 — the referral's decision deadline (configured, [U] in the docs)."""


@register
class ExtendRulingPeriod(Command):
    """延长审查期限 — the higher court approved fifteen more days to rule on the petition (第十条
    第三款); once."""

    TYPE = "bankruptcy.command.extend_ruling_period.v1"
    case_number: CaseNumber
    """案号 — the 破申 number."""
    approved_on: date
    """批准日期 — the day the higher court approved."""
    reason: Text
    """特殊情况 — why more time is needed."""


@register
class RulingPeriodExtended(Event):
    """审查期限已延长 — the ruling is now due fifteen days later."""

    TYPE = "bankruptcy.event.ruling_period_extended.v1"
    approved_on: date
    """批准日期."""
    ruling_due: date
    """新的最后一日."""
    reason: str
    """特殊情况."""


# --- acceptance, rejection, dismissal, appeal -------------------------------------------------


@register
class AcceptPetition(Command):
    """裁定受理 — the court accepts the petition under a new 破 number and, in the same act,
    appoints the administrator (第十三条). The 破 case is heard by the same court or a higher one."""

    TYPE = "bankruptcy.command.accept_petition.v1"
    case_number: CaseNumber
    """案号 — the new 破 number, e.g. （2026）豫0482破5号."""
    petition_case_number: CaseNumber
    """破申案号 — the petition accepted."""
    accepted_on: date
    """受理日期 — the day of the ruling; the statutory effects of 第十六条至第二十一条 run from it."""
    procedure: Procedure
    """程序 — the procedure the case opens in (a reorganization accepted is the 裁定重整 of
    第七十一条)."""
    administrator: Administrator
    """管理人 — appointed with the acceptance (第十三条)."""


@register
class PetitionAccepted(Event):
    """已裁定受理 — the petition is accepted and the administrator appointed (第十三条); the
    coordination case opens."""

    TYPE = "bankruptcy.event.petition_accepted.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    petition_case_number: CaseNumber
    """破申案号."""
    court: OrgCode
    """受理法院 — code of the court hearing the 破 case."""
    debtor: Debtor
    """债务人 — the company; enforcement finds its cases by the credit code (第十九条)."""
    accepted_on: date
    """受理日期."""
    procedure: Procedure
    """程序."""
    administrator: Administrator
    """管理人."""
    announce_by: date
    """通知并公告的最后一日 — 25 days after acceptance (第十四条)."""


@register
class RejectPetition(Command):
    """裁定不予受理 — the court refuses to accept the petition (第十二条第一款)."""

    TYPE = "bankruptcy.command.reject_petition.v1"
    case_number: CaseNumber
    """案号 — the 破申 number."""
    ruled_on: date
    """裁定日期."""
    served_on: date
    """送达日期 — served on the petitioner within 5 days (第十二条); the 10 days to appeal run
    from it."""
    reason: Text
    """理由."""


@register
class PetitionRejected(Event):
    """已裁定不予受理."""

    TYPE = "bankruptcy.event.petition_rejected.v1"
    ruled_on: date
    """裁定日期."""
    served_on: date
    """送达日期."""
    appeal_by: date
    """上诉期限的最后一日 — 10 days after service (第十二条)."""
    reason: str
    """理由."""


@register
class DismissPetition(Command):
    """裁定驳回申请 — after acceptance and before the debtor is declared bankrupt, the court finds
    the debtor does not meet 第二条 and dismisses the petition (第十二条第二款)."""

    TYPE = "bankruptcy.command.dismiss_petition.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ruled_on: date
    """裁定日期."""
    served_on: date
    """送达日期 — the 10 days to appeal run from it."""
    reason: Text
    """理由."""


@register
class PetitionDismissed(Event):
    """已裁定驳回申请."""

    TYPE = "bankruptcy.event.petition_dismissed.v1"
    ruled_on: date
    """裁定日期."""
    served_on: date
    """送达日期."""
    appeal_by: date
    """上诉期限的最后一日 — 10 days after service (第十二条)."""
    reason: str
    """理由."""


@register
class FileAppeal(Command):
    """上诉 — the petitioner appealed a ruling not to accept or dismissing the petition to the
    higher court, within 10 days of service (第十二条); the appeal is a 破终 case."""

    TYPE = "bankruptcy.command.file_appeal.v1"
    case_number: CaseNumber
    """案号 — the 破申 or 破 number of the ruling appealed."""
    appeal_case_number: CaseNumber
    """破终案号 — the appeal's number at the higher court, e.g. （2026）豫04破终2号."""
    filed_on: date
    """上诉日期."""


@register
class AppealFiled(Event):
    """已上诉（破终）."""

    TYPE = "bankruptcy.event.appeal_filed.v1"
    appeal_case_number: CaseNumber
    """破终案号."""
    filed_on: date
    """上诉日期."""


class AppealOutcome(StrEnum):
    """二审裁定."""

    UPHELD = "upheld"  # 驳回上诉，维持原裁定
    REVERSED = "reversed"  # 撤销原裁定: the lower court accepts, or the case goes on


@register
class DecideAppeal(Command):
    """二审裁定 — the higher court decided the 破终 appeal. Reversing a refusal sends the
    petition back to be accepted; reversing a dismissal restores the case."""

    TYPE = "bankruptcy.command.decide_appeal.v1"
    case_number: CaseNumber
    """案号 — the 破申 or 破 number of the ruling appealed."""
    appeal_case_number: CaseNumber
    """破终案号."""
    decided_on: date
    """裁定日期."""
    outcome: AppealOutcome
    """upheld · reversed."""


@register
class AppealDecided(Event):
    """上诉已裁定."""

    TYPE = "bankruptcy.event.appeal_decided.v1"
    appeal_case_number: CaseNumber
    """破终案号."""
    decided_on: date
    """裁定日期."""
    outcome: AppealOutcome
    """upheld · reversed."""


# --- announcement, claims, meetings ---------------------------------------------------------


@register
class NotifyCreditors(Command):
    """通知并公告 — the court notified the known creditors and announced the acceptance, within
    25 days of it (第十四条)."""

    TYPE = "bankruptcy.command.notify_creditors.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    announced_on: date
    """公告日期 — the day of the announcement; the claims period counts from it (第四十五条)."""
    first_meeting_on: date | None = None
    """第一次债权人会议的日期 — as announced (第十四条第一款第（五）项), where fixed."""


@register
class CreditorsNotified(Event):
    """已通知并公告."""

    TYPE = "bankruptcy.event.creditors_notified.v1"
    announced_on: date
    """公告日期."""
    first_meeting_on: date | None
    """第一次债权人会议的日期, as announced."""


@register
class SetClaimsDeadline(Command):
    """确定债权申报期限 — the court fixed the last day to declare claims: at least 30 days and at
    most three months after the announcement (第四十五条)."""

    TYPE = "bankruptcy.command.set_claims_deadline.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    claims_deadline: date
    """债权申报期限届满日."""


@register
class ClaimsDeadlineSet(Event):
    """已确定债权申报期限; the first creditors' meeting is due within 15 days after it
    (第六十二条)."""

    TYPE = "bankruptcy.event.claims_deadline_set.v1"
    claims_deadline: date
    """债权申报期限届满日."""
    first_meeting_by: date
    """第一次债权人会议的最后一日 — 15 days after the claims deadline."""


@register
class RecordCreditorsMeeting(Command):
    """债权人会议 — a creditors' meeting was held. The first is convened by the court within 15
    days after the claims deadline (第六十二条); a meeting on a reorganization plan within 30
    days of receiving it (第八十四条)."""

    TYPE = "bankruptcy.command.record_creditors_meeting.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    held_on: date
    """召开日期."""
    summary: Text
    """决议 — what was resolved, in words."""


@register
class CreditorsMeetingHeld(Event):
    """债权人会议已召开."""

    TYPE = "bankruptcy.event.creditors_meeting_held.v1"
    held_on: date
    """召开日期."""
    ordinal: int = Field(ge=1)
    """第几次 — 1 for the first meeting."""
    summary: str
    """决议."""


# --- reorganization and settlement ------------------------------------------------------------


@register
class OrderReorganization(Command):
    """裁定重整 — in a liquidation case, before the declaration, the court orders reorganization
    on the debtor's or a 10% shareholder's application (第七十条第二款、第七十一条)."""

    TYPE = "bankruptcy.command.order_reorganization.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ordered_on: date
    """裁定日期 — the plan is due within six months of it (第七十九条)."""


@register
class ReorganizationOrdered(Event):
    """已裁定重整."""

    TYPE = "bankruptcy.event.reorganization_ordered.v1"
    ordered_on: date
    """裁定日期."""
    plan_due: date
    """重整计划草案提交的最后一日 — six months after the order (第七十九条第一款)."""


@register
class ExtendPlanPeriod(Command):
    """延期提交重整计划草案 — for cause, on the debtor's or administrator's request, the court gave
    three more months to file the plan (第七十九条第二款); once."""

    TYPE = "bankruptcy.command.extend_plan_period.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ruled_on: date
    """裁定日期."""
    reason: Text
    """正当理由."""


@register
class PlanPeriodExtended(Event):
    """重整计划草案提交期限已延长三个月."""

    TYPE = "bankruptcy.event.plan_period_extended.v1"
    ruled_on: date
    """裁定日期."""
    plan_due: date
    """新的最后一日 — nine months after the order."""
    reason: str
    """正当理由."""


@register
class RecordPlanFiling(Command):
    """提交重整计划草案 — the debtor or the administrator filed the reorganization plan with the
    court and the creditors' meeting (第七十九条)."""

    TYPE = "bankruptcy.command.record_plan_filing.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    filed_on: date
    """提交日期 — the meeting on it is due within 30 days (第八十四条)."""


@register
class ReorganizationPlanFiled(Event):
    """重整计划草案已提交."""

    TYPE = "bankruptcy.event.reorganization_plan_filed.v1"
    filed_on: date
    """提交日期."""
    vote_by: date
    """表决会议的最后一日 — 30 days after filing (第八十四条第一款)."""


@register
class ApproveReorganizationPlan(Command):
    """批准重整计划 — the court approved the plan, adopted by the meeting (第八十六条) or over an
    objecting class (第八十七条); the reorganization procedure ends and the plan is performed."""

    TYPE = "bankruptcy.command.approve_reorganization_plan.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    approved_on: date
    """裁定日期."""
    cram_down: bool = False
    """强制批准 — approved under 第八十七条 over a class that did not adopt it."""


@register
class ReorganizationPlanApproved(Event):
    """重整计划已批准 — the credit-repair tasks follow."""

    TYPE = "bankruptcy.event.reorganization_plan_approved.v1"
    approved_on: date
    """裁定日期."""
    cram_down: bool
    """强制批准."""


class ReorganizationEndGround(StrEnum):
    """终止重整的事由."""

    PLAN_NOT_FILED = "plan_not_filed"  # 未按期提出重整计划草案 (第七十九条第三款)
    PLAN_NOT_ADOPTED = "plan_not_adopted"  # 草案未获通过 (第八十八条)
    PLAN_NOT_APPROVED = "plan_not_approved"  # 未获批准 (第八十八条)
    DEBTOR_CONDUCT = "debtor_conduct"  # 第七十八条: deterioration, fraud, impossible to help


@register
class TerminateReorganization(Command):
    """裁定终止重整程序 — the reorganization failed; the court declares the debtor bankrupt next
    (第七十八条、第七十九条、第八十八条)."""

    TYPE = "bankruptcy.command.terminate_reorganization.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ruled_on: date
    """裁定日期."""
    ground: ReorganizationEndGround
    """事由."""


@register
class ReorganizationTerminated(Event):
    """重整程序已终止."""

    TYPE = "bankruptcy.event.reorganization_terminated.v1"
    ruled_on: date
    """裁定日期."""
    ground: ReorganizationEndGround
    """事由."""


@register
class OrderSettlement(Command):
    """裁定和解 — in a liquidation case, before the declaration, the court accepts the debtor's
    application for settlement (第九十五条、第九十六条)."""

    TYPE = "bankruptcy.command.order_settlement.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ordered_on: date
    """裁定日期."""


@register
class SettlementOrdered(Event):
    """已裁定和解."""

    TYPE = "bankruptcy.event.settlement_ordered.v1"
    ordered_on: date
    """裁定日期."""


@register
class ApproveSettlement(Command):
    """认可和解协议 — the court approved the settlement agreement the meeting adopted and ends the
    settlement procedure (第九十八条)."""

    TYPE = "bankruptcy.command.approve_settlement.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    approved_on: date
    """裁定日期."""


@register
class SettlementApproved(Event):
    """和解协议已认可."""

    TYPE = "bankruptcy.event.settlement_approved.v1"
    approved_on: date
    """裁定日期."""


@register
class TerminateSettlement(Command):
    """裁定终止和解程序 — the settlement was not adopted or not approved (第九十九条) or rested on
    fraud (第一百零三条); the court declares the debtor bankrupt next."""

    TYPE = "bankruptcy.command.terminate_settlement.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    ruled_on: date
    """裁定日期."""
    reason: Text
    """事由."""


@register
class SettlementTerminated(Event):
    """和解程序已终止."""

    TYPE = "bankruptcy.event.settlement_terminated.v1"
    ruled_on: date
    """裁定日期."""
    reason: str
    """事由."""


# --- declaration, distribution, termination ---------------------------------------------------


@register
class DeclareBankrupt(Command):
    """宣告破产 — the court declares the debtor bankrupt (第一百零七条): in liquidation, after a
    failed reorganization or settlement, or when an approved plan or agreement is not performed
    (第九十三条、第一百零四条)."""

    TYPE = "bankruptcy.command.declare_bankrupt.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    declared_on: date
    """宣告日期."""


@register
class DebtorDeclaredBankrupt(Event):
    """已宣告破产."""

    TYPE = "bankruptcy.event.debtor_declared_bankrupt.v1"
    declared_on: date
    """宣告日期."""


@register
class RecordDistribution(Command):
    """破产财产分配 — the administrator carried out a distribution under the plan the court
    confirmed (第一百一十五条、第一百一十六条)."""

    TYPE = "bankruptcy.command.record_distribution.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    made_on: date
    """分配日期."""
    amount: Yuan
    """分配金额 — the total distributed, in yuan."""
    final: bool = False
    """最后分配 — the final distribution (第一百二十条第二款)."""


@register
class DistributionMade(Event):
    """已分配."""

    TYPE = "bankruptcy.event.distribution_made.v1"
    made_on: date
    """分配日期."""
    amount: Yuan
    """分配金额."""
    final: bool
    """最后分配."""


class TerminationGround(StrEnum):
    """终结破产程序的事由 — a ruling in the 破 case, not the appeal 破终."""

    NO_FUNDS_FOR_EXPENSES = "no_funds_for_expenses"  # 不足以清偿破产费用 (第四十三条第四款)
    NO_PROPERTY = "no_property"  # 无财产可供分配 (第一百二十条第一款)
    FINAL_DISTRIBUTION = "final_distribution"  # 最后分配完结 (第一百二十条第二款)
    CREDITORS_AGREEMENT = "creditors_agreement"  # 与全体债权人自行达成协议 (第一百零五条)
    FULL_PAYMENT = "full_payment"  # 第三人担保或清偿全部到期债务 (第一百零八条)
    PLAN_PERFORMED = "plan_performed"  # 重整计划执行完毕 (第九十一条、第九十四条)
    SETTLEMENT_APPROVED = "settlement_approved"  # 和解协议已认可 (第九十八条)


LIQUIDATION_ENDS = frozenset(
    {
        TerminationGround.NO_FUNDS_FOR_EXPENSES,
        TerminationGround.NO_PROPERTY,
        TerminationGround.FINAL_DISTRIBUTION,
    }
)
"""The grounds after which the company is deregistered within 10 days (第一百二十一条); after
the others it goes on."""


@register
class TerminateProceedings(Command):
    """裁定终结破产程序 — the court ends the proceedings, within 15 days of the administrator's
    request (第四十三条第四款、第一百二十条)."""

    TYPE = "bankruptcy.command.terminate_proceedings.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    terminated_on: date
    """裁定日期."""
    ground: TerminationGround
    """事由."""


@register
class ProceedingsTerminated(Event):
    """已裁定终结破产程序; after a liquidation ground the administrator deregisters the company
    within 10 days (第一百二十一条)."""

    TYPE = "bankruptcy.event.proceedings_terminated.v1"
    terminated_on: date
    """裁定日期."""
    ground: TerminationGround
    """事由."""
    deregister_by: date | None
    """注销登记的最后一日 — 10 days after termination on a liquidation ground; none when the
    company goes on."""


@register
class DischargeAdministrator(Command):
    """管理人终止执行职务 — the administrator's duties end the day after it deregistered the
    company, unless litigation is pending (第一百二十二条), or once a surviving company's case
    is terminated."""

    TYPE = "bankruptcy.command.discharge_administrator.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    discharged_on: date
    """终止执行职务的日期."""


@register
class AdministratorDischarged(Event):
    """管理人已终止执行职务."""

    TYPE = "bankruptcy.event.administrator_discharged.v1"
    discharged_on: date
    """终止执行职务的日期."""
