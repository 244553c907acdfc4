"""角色 — who in the joint mechanism 府院联动机制 may publish which command of the risk context.

The one table of who may do what (`PUBLISHERS`): NATS permissions are generated from it
(services/runtime/permissions.py: an organization may publish exactly the risk commands its kind
may) and the risk service refuses from it (`may_publish`), so the rule is written once.

Roles follow the seeds (Luoyang, Henan):
- the leading group 领导小组 (`leading_group`) approves or rejects linkage items;
- the joint office 联席办 (`joint_office`, seated at the justice bureau) reviews linkage items,
  convenes and holds coordination meetings, issues memos and assigns their items, accepts
  completion, reconciles and checks off ledger entries, records accountability or commendation;
- a member unit 成员单位 — a government department, court, procuratorate, town or street office —
  submits linkage items, requests meetings through the office, reports progress and claims
  completion (of what it owns: the service checks that);
- within the law-based-government task, a court summons heads of organs and confirms mediation
  agreements, and the justice bureau, as reconsideration body, takes reconsideration.

A risk command missing from the table may be published by nobody: add its row with its contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from contracts.organizations.kinds import MARKET_KINDS, OrgKind

CONTEXT = "risk"


class Role(StrEnum):
    """角色 — a part in the joint mechanism."""

    LEADING_GROUP = "leading_group"  # 领导小组
    OFFICE = "office"  # 联席办
    MEMBER = "member"  # 成员单位
    COURT = "court"  # 法院, a member unit with acts of its own (出庭应诉, 司法确认)
    RECONSIDERATION_BODY = "reconsideration_body"  # 行政复议机构: the justice bureau


NOT_MEMBERS = frozenset(
    {
        *MARKET_KINDS,  # banks, securities firms, payment providers, telecoms, insurers, administrators
        OrgKind.PLATFORM,
        OrgKind.JOINT_OFFICE,
        OrgKind.LEADING_GROUP,
        OrgKind.RAILWAY,  # a state-owned company, not a member of the mechanism
        OrgKind.CREDIT_REFERENCE,
    }
)
"""Kinds that are not member units: the market institutions, the platform, and the office and
the leading group, which have roles of their own."""

ROLE_KINDS: Mapping[Role, frozenset[OrgKind]] = {
    Role.LEADING_GROUP: frozenset({OrgKind.LEADING_GROUP}),
    Role.OFFICE: frozenset({OrgKind.JOINT_OFFICE}),
    Role.MEMBER: frozenset(kind for kind in OrgKind if kind not in NOT_MEMBERS),
    Role.COURT: frozenset({OrgKind.COURT}),
    Role.RECONSIDERATION_BODY: frozenset({OrgKind.JUSTICE_BUREAU}),
}
"""The organization kinds that play each role."""


def _command(name: str) -> str:
    return f"{CONTEXT}.command.{name}.v1"


MEMBER_ONLY = frozenset({Role.MEMBER})
OFFICE_ONLY = frozenset({Role.OFFICE})
MEMBER_OR_OFFICE = frozenset({Role.MEMBER, Role.OFFICE})
COURT_ONLY = frozenset({Role.COURT})

PUBLISHERS: Mapping[str, frozenset[Role]] = {
    # 联动事项 — linkage items
    _command("submit_linkage_item"): MEMBER_ONLY,
    _command("review_linkage_item"): OFFICE_ONLY,
    _command("decide_linkage_item"): frozenset({Role.LEADING_GROUP}),
    _command("record_implementation"): MEMBER_ONLY,
    _command("report_linkage_item"): MEMBER_ONLY,
    _command("close_linkage_item"): OFFICE_ONLY,
    # 专题协调会商 and 跟踪问效 — coordination meetings, memos, follow-up
    _command("request_coordination_meeting"): MEMBER_ONLY,
    _command("convene_meeting"): OFFICE_ONLY,
    _command("hold_meeting"): OFFICE_ONLY,
    _command("issue_memo"): OFFICE_ONLY,
    _command("report_progress"): MEMBER_ONLY,
    _command("claim_completion"): MEMBER_ONLY,
    _command("accept_completion"): OFFICE_ONLY,
    # 追责问责 and 表扬表彰
    _command("raise_accountability"): OFFICE_ONLY,
    _command("grant_commendation"): OFFICE_ONLY,
    # 领导小组会议 — recorded by the office
    _command("record_leading_group_meeting"): OFFICE_ONLY,
    # 十项重点问题事项 — the lead unit's task force, plan and claims; the office's reconciliation
    # and check-off (对账销号); either puts an entry on the ledger
    _command("form_task_force"): MEMBER_ONLY,
    _command("adopt_plan"): MEMBER_ONLY,
    _command("add_ledger_entry"): MEMBER_OR_OFFICE,
    _command("claim_entry_completion"): MEMBER_ONLY,
    _command("reconcile_entry"): OFFICE_ONLY,
    _command("close_entry"): OFFICE_ONLY,
    # 重大风险 — risk cases
    _command("register_risk_case"): OFFICE_ONLY,
    _command("change_risk_status"): MEMBER_OR_OFFICE,
    _command("link_case_to_risk"): frozenset({Role.OFFICE, Role.COURT}),
    # 涉党政机关未履行生效判决 — the special item
    _command("assign_gov_judgment_case"): OFFICE_ONLY,
    _command("report_gov_judgment_performed"): MEMBER_OR_OFFICE,
    # 法治政府建设 — heads appearing in court, reconsideration, mediation
    _command("summon_head"): COURT_ONLY,
    _command("record_appearance"): COURT_ONLY,
    _command("send_judicial_recommendation"): COURT_ONLY,
    _command("record_admin_case_outcome"): COURT_ONLY,
    _command("file_reconsideration"): frozenset({Role.RECONSIDERATION_BODY}),
    _command("extend_reconsideration"): frozenset({Role.RECONSIDERATION_BODY}),
    _command("decide_reconsideration"): frozenset({Role.RECONSIDERATION_BODY}),
    _command("refer_to_mediation"): MEMBER_ONLY,
    _command("record_mediation_result"): MEMBER_ONLY,
    _command("apply_for_confirmation"): COURT_ONLY,
    _command("grant_confirmation"): COURT_ONLY,
}
"""Command TYPE → the roles whose organizations may publish it (under their own code). Which
unit of a role may (the owner of a memo item, the lead unit of a key item) is the service's
check; a kind not allowed here is refused by NATS before the service sees the message."""


def who_may(message_type: str) -> frozenset[OrgKind]:
    """The organization kinds that may publish this risk command; none if it has no row."""
    roles = PUBLISHERS.get(message_type, frozenset())
    return frozenset(kind for role in roles for kind in ROLE_KINDS[role])


def may_publish(message_type: str, kind: OrgKind) -> bool:
    """Whether an organization of `kind` may publish this risk command."""
    return kind in who_may(message_type)


def commands_of(kind: OrgKind) -> tuple[str, ...]:
    """The risk commands an organization of `kind` may publish, in the table's order."""
    return tuple(type_ for type_ in PUBLISHERS if may_publish(type_, kind))


def roles_of(kind: OrgKind) -> frozenset[Role]:
    """The roles an organization of `kind` plays: none for a bank or the platform; a court is a
    member unit and a court."""
    return frozenset(role for role, kinds in ROLE_KINDS.items() if kind in kinds)
