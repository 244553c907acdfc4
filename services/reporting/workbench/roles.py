"""岗位 — an officer's role in the workbench, which organization kinds may hold it, and which
commands it may send.

No second rulebook: the commands come from the table the services and NATS enforce
(`services.runtime.permissions.governed_commands`, built from `contracts/risk/roles.py` and
`contracts/reporting/roles.py`). A role only narrows who holds an account (a `town` account
belongs to a town government) and what the screens show; the services stay the authority and
their rejections are shown to the officer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from contracts.organizations.kinds import OrgKind
from contracts.risk.roles import ROLE_KINDS
from contracts.risk.roles import Role as MechanismRole
from services.runtime.permissions import governed_commands


class Role(StrEnum):
    """岗位 — what an officer does in the workbench."""

    OFFICE = "office"  # 联席办
    LEADING_GROUP = "leading_group"  # 领导小组
    MEMBER = "member"  # 成员单位
    TOWN = "town"  # 乡镇街道
    COURT = "court"  # 法院
    BUREAU = "bureau"  # 政府部门
    AUDITOR = "auditor"  # 审计 — reads only


LABELS: Mapping[Role, str] = {
    Role.OFFICE: "联席办",
    Role.LEADING_GROUP: "领导小组",
    Role.MEMBER: "成员单位",
    Role.TOWN: "乡镇街道",
    Role.COURT: "法院",
    Role.BUREAU: "政府部门",
    Role.AUDITOR: "审计",
}

_MEMBERS = ROLE_KINDS[MechanismRole.MEMBER]

KINDS: Mapping[Role, frozenset[OrgKind]] = {
    Role.OFFICE: ROLE_KINDS[MechanismRole.OFFICE],
    Role.LEADING_GROUP: ROLE_KINDS[MechanismRole.LEADING_GROUP],
    Role.MEMBER: _MEMBERS,
    Role.TOWN: frozenset({OrgKind.TOWN_GOVERNMENT}),
    Role.COURT: ROLE_KINDS[MechanismRole.COURT],
    Role.BUREAU: _MEMBERS - {OrgKind.COURT, OrgKind.PROCURATORATE, OrgKind.TOWN_GOVERNMENT},
    Role.AUDITOR: frozenset(OrgKind),
}
"""The organization kinds whose officers may hold each role."""


def fits(role: Role, kind: OrgKind) -> bool:
    return kind in KINDS[role]


def commands(role: Role, kind: OrgKind) -> frozenset[str]:
    """The governed commands an officer may send: its organization's, none for an auditor."""
    if role is Role.AUDITOR:
        return frozenset()
    return frozenset(governed_commands(kind))
