"""信封 — the envelope every message carries, and the message that wraps a payload."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

from contracts.base import TYPE_PATTERN, Contract, OrgCode, Payload
from contracts.ids import CaseNumber


def _known_shape(value: str) -> str:
    if not TYPE_PATTERN.match(value):
        raise ValueError(
            "must look like <context>.<kind>.<name>.v<N>, e.g. enforcement.event.case_registered.v1"
        )
    return value


MessageType = Annotated[str, StringConstraints(max_length=128), AfterValidator(_known_shape)]
"""消息类型 — `<context>.<kind>.<name>.v<N>`."""


def _not_a_number(value: object) -> object:
    # Left lax, pydantic reads a number as Unix seconds (or milliseconds, if large): a sender's
    # mistake would become a silent 1970 or a far-future date in the journal.
    if isinstance(value, int | float):
        raise ValueError("must be an ISO 8601 date and time with its offset, not a number")
    return value


OccurredAt = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
"""发生时间 — an ISO 8601 date and time with its UTC offset."""

OfficerId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Envelope(Contract):
    """信封 — who did what, when, and why: the same on every message."""

    event_id: UUID
    """Unique id of this message; the deduplication key (`Nats-Msg-Id`) and the inbox key."""
    type: MessageType
    """Message type with version suffix, e.g. `enforcement.event.case_registered.v1`."""
    occurred_at: OccurredAt
    """When it happened, with its timezone (发生时间)."""
    organization: OrgCode
    """Code of the acting organization (行为单位): the publisher of a command or reply, the service's
    organization for its events."""
    officer: OfficerId | None = None
    """The acting officer (承办人) where known: a staff number, never a personal id number."""
    correlation_id: UUID
    """Id shared by every message of one flow, from the first command to the last answer."""
    causation_id: UUID | None = None
    """Id of the message that directly caused this one; absent on the first message of a flow."""
    case_number: Annotated[CaseNumber, StringConstraints(max_length=64)] | None = None
    """案号 — the case this message is about, where there is one."""

    @property
    def version(self) -> int:
        return int(self.type.rsplit(".v", 1)[1])


P = TypeVar("P", bound=Payload)


class Message(Contract, Generic[P]):
    """A message on the wire: `{"envelope": {...}, "data": {...}}`."""

    envelope: Envelope
    """The envelope: identity, type, time, actor, correlation."""
    data: P = Field()
    """The payload, whose schema the envelope's `type` names."""
