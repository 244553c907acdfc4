"""法治政府建设 — the law-based-government task: heads of administrative organs appearing in
court (行政机关负责人出庭应诉规定, 法释〔2020〕3号), the outcome of administrative cases,
administrative reconsideration (行政复议法 2023) and mediation referrals with judicial
confirmation (民事诉讼法 第二百零五条). The facts are those reporting needs for the appearance
rate, the loss rate and the mediation-or-withdrawal rate (调撤率)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Event, OrgCode
from contracts.ids import CaseNumber
from contracts.registry import register


class HeadRole(StrEnum):
    """Who appeared for the organ. Only the first four are its head (第二条)."""

    CHIEF = "chief"  # 正职负责人
    DEPUTY = "deputy"  # 副职负责人
    DEPUTY_LEVEL_IN_CHARGE = "deputy_level_in_charge"  # 参照副职管理的负责人
    OTHER_HEAD_IN_CHARGE = "other_head_in_charge"  # 其他参与分管的负责人
    ENTRUSTED_BODY_HEAD = "entrusted_body_head"  # 被委托组织的负责人: not a head
    LOWER_ORGAN_HEAD = "lower_organ_head"  # 下级行政机关的负责人: not a head
    STAFF = "staff"  # 工作人员: not a head

    @property
    def is_head(self) -> bool:
        return self in _HEADS


_HEADS = {
    HeadRole.CHIEF,
    HeadRole.DEPUTY,
    HeadRole.DEPUTY_LEVEL_IN_CHARGE,
    HeadRole.OTHER_HEAD_IN_CHARGE,
}


class AppearanceOutcome(StrEnum):
    APPEARED = "appeared"  # 出庭
    EXCUSED = "excused"  # 有正当理由不能出庭 (第八、九条), with proof
    ABSENT = "absent"  # 未出庭, no valid excuse
    WALKED_OUT = "walked_out"  # 中途退庭


class Excuse(StrEnum):
    FORCE_MAJEURE = "force_majeure"  # 不可抗力
    ACCIDENT = "accident"  # 意外事件
    IRREPLACEABLE_DUTY = "irreplaceable_duty"  # 需要履行他人不能代替的公务
    OTHER_JUST_CAUSE = "other_just_cause"  # 其他正当事由


@register
class SummonHead(Command):
    """通知负责人出庭 — the court serves the summons at least three days before the hearing
    (第五条)."""

    TYPE = "risk.command.summon_head.v1"
    case_number: CaseNumber
    """行政案号 (行初 / 行终)."""
    defendant: OrgCode
    """被诉行政机关."""
    served_on: date
    """送达日期."""
    hearing_on: date
    """开庭日期."""
    mandatory: bool
    """Whether the case is one where the court must summon (第四条第一款)."""


@register
class AppearanceSummoned(Event):
    """已通知出庭."""

    TYPE = "risk.event.appearance_summoned.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    served_on: date
    """送达日期."""
    hearing_on: date
    """开庭日期."""
    mandatory: bool
    """应当通知."""


@register
class RecordAppearance(Command):
    """记录出庭 — the court records who appeared at the hearing, or the excuse, or the absence."""

    TYPE = "risk.command.record_appearance.v1"
    case_number: CaseNumber
    """行政案号."""
    hearing_on: date
    """开庭日期."""
    outcome: AppearanceOutcome
    """appeared · excused · absent · walked_out."""
    person: str | None = Field(default=None, min_length=1, max_length=100)
    """出庭人员, when someone appeared."""
    role: HeadRole | None = None
    """出庭人员身份, when someone appeared."""
    excuse: Excuse | None = None
    """不能出庭的理由, when excused."""
    proof: list[str] = Field(default_factory=list, max_length=20)
    """加盖印章的证明材料, for an excuse."""


@register
class HeadAppeared(Event):
    """负责人已出庭 — `counts` is whether it counts in the appearance rate: a head as defined
    in 第二条, at a level of the case not already counted (第七条)."""

    TYPE = "risk.event.head_appeared.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    hearing_on: date
    """开庭日期."""
    person: str
    """出庭人员."""
    role: HeadRole
    """身份."""
    counts: bool
    """Counts for the appearance rate."""


@register
class HeadAbsent(Event):
    """负责人未出庭 — with the excuse and its proof, or without; an absence without one calls
    for a judicial recommendation (第十二条)."""

    TYPE = "risk.event.head_absent.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    hearing_on: date
    """开庭日期."""
    outcome: AppearanceOutcome
    """excused · absent · walked_out."""
    excuse: Excuse | None
    """The excuse, when excused."""
    proof: list[str]
    """Its proof."""


@register
class SendJudicialRecommendation(Command):
    """发送司法建议 — after an absence without excuse or a walk-out, to the supervisory
    commission and the organ's superior (第十二条)."""

    TYPE = "risk.command.send_judicial_recommendation.v1"
    case_number: CaseNumber
    """行政案号."""
    recipients: list[OrgCode] = Field(min_length=1, max_length=10)
    """监察机关、上一级行政机关."""
    sent_on: date
    """发送日期."""


@register
class JudicialRecommendationSent(Event):
    """已发送司法建议."""

    TYPE = "risk.event.judicial_recommendation_sent.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    recipients: list[OrgCode]
    """Recipients."""
    sent_on: date
    """发送日期."""


class CaseOutcome(StrEnum):
    """How an administrative case or reconsideration ended, for the organ."""

    UPHELD = "upheld"  # 维持 / 驳回诉讼请求: the organ won
    LOST = "lost"  # 撤销、变更、确认违法、责令履行: the organ lost
    MEDIATED = "mediated"  # 调解
    WITHDRAWN = "withdrawn"  # 撤诉 / 撤回申请
    DISMISSED = "dismissed"  # 驳回起诉 / 驳回申请 on procedure


@register
class RecordAdminCaseOutcome(Command):
    """记录结案 — the court records how an administrative case ended for the organ."""

    TYPE = "risk.command.record_admin_case_outcome.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    outcome: CaseOutcome
    """upheld · lost · mediated · withdrawn · dismissed."""
    decided_on: date
    """裁判日期."""


@register
class AdminCaseConcluded(Event):
    """行政案件已审结 — for the loss rate and the mediation-or-withdrawal rate."""

    TYPE = "risk.event.admin_case_concluded.v1"
    case_number: CaseNumber
    """行政案号."""
    defendant: OrgCode
    """被诉行政机关."""
    outcome: CaseOutcome
    """Outcome."""
    decided_on: date
    """裁判日期."""


@register
class FileReconsideration(Command):
    """受理复议申请 — the reconsideration body records an application (行政复议法 第二十条:
    within 60 days of knowing of the act)."""

    TYPE = "risk.command.file_reconsideration.v1"
    reconsideration_id: UUID
    """The application's id."""
    respondent: OrgCode
    """被申请人."""
    act_known_on: date
    """知道该行政行为之日."""
    filed_on: date
    """申请日期."""
    simplified: bool = False
    """简易程序 (30 days, 第六十二条)."""


@register
class ReconsiderationFiled(Event):
    """已申请复议 — with its deadlines."""

    TYPE = "risk.event.reconsideration_filed.v1"
    reconsideration_id: UUID
    """Id."""
    body: OrgCode
    """复议机关."""
    respondent: OrgCode
    """被申请人."""
    filed_on: date
    """申请日期."""
    late: bool
    """Filed more than 60 days after the act was known (the body decides whether a delay is
    excused, 第二十条第二款)."""
    admission_due: date
    """审查受理 by (5 days, 第三十条)."""
    decision_due: date
    """决定 by (60 days, or 30 simplified, 第六十二条)."""


@register
class ExtendReconsideration(Command):
    """延长复议期限 — at most 30 days, once, ordinary procedure only (第六十二条)."""

    TYPE = "risk.command.extend_reconsideration.v1"
    reconsideration_id: UUID
    """Id."""
    days: int = Field(ge=1, le=30)
    """Days added."""


@register
class ReconsiderationExtended(Event):
    """复议期限已延长."""

    TYPE = "risk.event.reconsideration_extended.v1"
    reconsideration_id: UUID
    """Id."""
    decision_due: date
    """The new last day."""


@register
class DecideReconsideration(Command):
    """作出复议决定, or record a mediation or withdrawal."""

    TYPE = "risk.command.decide_reconsideration.v1"
    reconsideration_id: UUID
    """Id."""
    outcome: CaseOutcome
    """Outcome for the respondent."""
    decided_on: date
    """决定日期."""


@register
class ReconsiderationDecided(Event):
    """已决定."""

    TYPE = "risk.event.reconsideration_decided.v1"
    reconsideration_id: UUID
    """Id."""
    respondent: OrgCode
    """被申请人."""
    outcome: CaseOutcome
    """Outcome."""
    decided_on: date
    """决定日期."""
    late: bool
    """After the decision's last day."""


@register
class ReconsiderationOverdue(Event):
    """复议逾期未决 — no decision by the last day (60 days, or 30 simplified, plus any extension,
    第六十二条); once, on the reconsideration's stream."""

    TYPE = "risk.event.reconsideration_overdue.v1"
    reconsideration_id: UUID
    """Id."""
    body: OrgCode
    """复议机关."""
    respondent: OrgCode
    """被申请人."""
    decision_due: date
    """The last day passed."""


class MediationChannel(StrEnum):
    PEOPLE = "people"  # 人民调解
    ADMINISTRATIVE = "administrative"  # 行政调解
    JUDICIAL = "judicial"  # 司法调解 (by the court; its agreement needs no confirmation)


@register
class ReferToMediation(Command):
    """委派调解 — a court or an organ refers a dispute before litigation to mediation."""

    TYPE = "risk.command.refer_to_mediation.v1"
    referral_id: UUID
    """Id."""
    channel: MediationChannel
    """people · administrative · judicial."""
    mediator: OrgCode
    """调解组织."""
    dispute: str = Field(min_length=1, max_length=500)
    """纠纷."""
    referred_on: date
    """委派日期."""


@register
class MediationReferred(Event):
    """已委派调解."""

    TYPE = "risk.event.mediation_referred.v1"
    referral_id: UUID
    """Id."""
    channel: MediationChannel
    """Channel."""
    mediator: OrgCode
    """调解组织."""
    dispute: str
    """纠纷."""
    referred_on: date
    """委派日期."""


@register
class RecordMediationResult(Command):
    """调解结果 — the mediator records an agreement (with the day it took effect) or failure."""

    TYPE = "risk.command.record_mediation_result.v1"
    referral_id: UUID
    """Id."""
    agreed: bool
    """达成协议."""
    on: date
    """The day of the agreement's effect, or of the failure."""


@register
class MediationAgreementReached(Event):
    """已达成调解协议 — judicial confirmation is to be applied for by `confirm_by` (30 days,
    民事诉讼法 第二百零五条), except in judicial mediation."""

    TYPE = "risk.event.mediation_agreement_reached.v1"
    referral_id: UUID
    """Id."""
    effective_on: date
    """生效日期."""
    confirm_by: date | None
    """申请司法确认的最后一日; none for judicial mediation."""


@register
class MediationFailed(Event):
    """调解不成."""

    TYPE = "risk.event.mediation_failed.v1"
    referral_id: UUID
    """Id."""
    failed_on: date
    """The day."""


@register
class ApplyForConfirmation(Command):
    """申请司法确认 — the court records the parties' joint application."""

    TYPE = "risk.command.apply_for_confirmation.v1"
    referral_id: UUID
    """Id."""
    applied_on: date
    """申请日期."""


@register
class JudicialConfirmationApplied(Event):
    """已申请司法确认."""

    TYPE = "risk.event.judicial_confirmation_applied.v1"
    referral_id: UUID
    """Id."""
    court: OrgCode
    """受理法院."""
    applied_on: date
    """申请日期."""


@register
class GrantConfirmation(Command):
    """裁定确认 — the court confirms the agreement; it is enforceable (第二百零六条)."""

    TYPE = "risk.command.grant_confirmation.v1"
    referral_id: UUID
    """Id."""
    granted_on: date
    """裁定日期."""


@register
class JudicialConfirmationGranted(Event):
    """已司法确认."""

    TYPE = "risk.event.judicial_confirmation_granted.v1"
    referral_id: UUID
    """Id."""
    granted_on: date
    """裁定日期."""


@register
class ConfirmationLapsed(Event):
    """逾期未申请司法确认 — no application within 30 days of the agreement's effect (民事诉讼法
    第二百零五条); once, on the referral's stream."""

    TYPE = "risk.event.confirmation_lapsed.v1"
    referral_id: UUID
    """Id."""
    mediator: OrgCode
    """调解组织."""
    confirm_by: date
    """The last day passed."""
