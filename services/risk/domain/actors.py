"""Who acts: the sender's code and organization kind, resolved by the caller from the registry.
Which kinds may publish a command is the one table `contracts.risk.roles.PUBLISHERS` (the NATS
permissions are generated from it too); which office, leading group or owner is meant is the
domain's, per item."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.organizations.kinds import OrgKind
from contracts.risk import roles
from services.risk.domain.errors import NotPermittedError


@dataclass(frozen=True)
class Actor:
    code: str
    kind: OrgKind


def permitted(message_type: str, by: Actor) -> None:
    """Refuses a command the sender's kind may not publish (the roles table)."""
    if not roles.may_publish(message_type, by.kind):
        allowed = sorted(r.value for r in roles.PUBLISHERS.get(message_type, frozenset()))
        who = " or ".join(allowed) or "no one yet"
        raise NotPermittedError(
            f"{by.code} ({by.kind.value}) may not send {message_type}: only {who} may"
        )
