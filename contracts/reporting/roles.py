"""角色 — who may publish which command of the reporting context.

Written once: NATS permissions are generated from it (services/runtime/permissions.py) and the
reporting service refuses from it, so the rule has one place.

- A member unit 成员单位 (`contracts.risk.roles`: departments, courts, procuratorates, towns and
  street offices) submits its own report (`submit_report`): lead units of the key items by the
  25th, towns and streets by month-end, any unit an ad-hoc notice names by the notice's date.
- The joint office 联席办 issues ad-hoc notices, returns reports for more, and runs every other
  reporting command (indicator snapshots, unit assessment).
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts.organizations.kinds import OrgKind
from contracts.risk.roles import ROLE_KINDS, Role

CONTEXT = "reporting"
SUBMIT_REPORT = f"{CONTEXT}.command.submit_report.v1"
UNIT_COMMANDS = frozenset({SUBMIT_REPORT})
"""The commands a member unit publishes as itself; every other reporting command is the
office's."""


def may_publish(command_type: str, kind: OrgKind) -> bool:
    if command_type in UNIT_COMMANDS:
        return kind in ROLE_KINDS[Role.MEMBER]
    return kind is OrgKind.JOINT_OFFICE


def commands_of(kind: OrgKind, command_types: Iterable[str]) -> tuple[str, ...]:
    """The reporting commands among `command_types` an organization of `kind` may publish."""
    return tuple(
        t
        for t in sorted(command_types)
        if t.startswith(f"{CONTEXT}.command.") and may_publish(t, kind)
    )
