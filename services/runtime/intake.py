"""受理 — the edge of a service: validate, check the sender, route to one handler, or refuse.

Every message ends in one effect or one recorded rejection, never in silence and never in the
dead-letter stream for what it holds. A message that cannot be accepted (over the limits, not
JSON, invalid, sent as someone else, on a subject that is not ours, refused by the rules) is
answered with a rejection naming the field and the reason; the rejection is appended to the
event log with the inbox row, so it is recorded once and published by the relay. A subject whose
last token is not an organization code cannot be answered on it: its rejection goes to the
platform (`FUYUAN`), where operators see it. A redelivered message that was already processed
is acknowledged with no second effect. Any other error (an outage, a bug) is raised, so the
consumer redelivers it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from pydantic import ValidationError

from contracts import limits
from contracts.base import TYPE_PATTERN
from contracts.envelope import Message
from contracts.registry import FieldError, InvalidMessageError, parse_message
from contracts.rejections import MessageRejectedBase
from contracts.subjects import split
from services.runtime.consumer import Delivery
from services.runtime.eventstore import (
    AlreadyProcessedError,
    EventStore,
    InboxEntry,
    StreamWrite,
    UnstorableEventError,
)
from services.runtime.messaging import PLATFORM, outgoing, rejection, sender_of

log = structlog.get_logger("intake")

Route = Callable[[Message[Any], datetime, InboxEntry], Awaitable[None]]
"""A handler: the message, the time, and the inbox row to write with its effect (this consumer,
the message's id, its sender) so a redelivery has no second effect."""

_NOT_A_SENDER = "its last token must be the sender's organization code (ASCII capitals, digits)"

_UNREADABLE = uuid.UUID("5d1f3a4e-8b0c-4c6e-9f2a-7e3b1d0c9a84")
"""Namespace of the inbox ids of rejected messages whose event id could not be read."""


@dataclass(frozen=True)
class Intake:
    store: EventStore
    consumer: str
    routes: dict[str, Route]
    rejection_type: type[MessageRejectedBase]
    refusals: tuple[type[Exception], ...]
    clock: Callable[[], datetime]

    async def __call__(self, d: Delivery) -> None:
        now = self.clock()
        try:
            msg = self._accept(d)
            structlog.contextvars.bind_contextvars(
                correlation_id=str(msg.envelope.correlation_id), event_type=msg.envelope.type
            )
            inbox = InboxEntry(self.consumer, msg.envelope.event_id, msg.envelope.organization)
            await self.routes[msg.envelope.type](msg, now, inbox)
        except InvalidMessageError as e:
            await self._refuse(d, e.errors, now)
        except self.refusals as e:
            await self._refuse(d, [FieldError(getattr(e, "field", "data"), str(e))], now)
        except ValidationError as e:
            # The contract let the message in but what it led to is invalid: a gap in the
            # contract, answered as a refusal (the sender is told) and logged for the developers.
            error = limits.shown(str(e), 500)
            log.error(
                "accepted message led to an invalid one", subject=_shown(d.subject), error=error
            )
            await self._refuse(d, [FieldError("data", "cannot be processed as given")], now)
        except UnstorableEventError as e:
            await self._refuse(d, [FieldError("$", f"what it leads to cannot be stored: {e}")], now)
        except AlreadyProcessedError:
            log.info("redelivery recognised, no second effect", subject=_shown(d.subject))
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "event_type")

    def accept(self, d: Delivery) -> Message[Any]:
        """The message as this intake would route it (valid, sent by the organization its
        subject names, of a type taken here); else the InvalidMessageError it would refuse."""
        if problems := self._subject_problems(d.subject):
            raise InvalidMessageError(problems)
        return self._accept(d)

    def _accept(self, d: Delivery) -> Message[Any]:
        if problems := self._subject_problems(d.subject):
            raise InvalidMessageError(problems)
        subject_type, sender = split(d.subject)
        msg = parse_message(d.data, expected_type=subject_type)
        if msg.envelope.organization != sender:
            raise InvalidMessageError(
                [
                    FieldError(
                        "envelope.organization",
                        f"{msg.envelope.organization} does not match the sender {sender} of the subject",
                    )
                ]
            )
        return msg

    def _subject_problems(self, subject_name: str) -> list[FieldError]:
        subject_type, _ = split(subject_name)
        problems = []
        if sender_of(subject_name) is None:
            problems.append(FieldError("subject", _NOT_A_SENDER))
        if not TYPE_PATTERN.match(subject_type):
            problems.append(FieldError("subject", "must be <context>.<kind>.<name>.v<N>.<ORG>"))
        elif subject_type not in self.routes:
            problems.append(FieldError("subject", f"{subject_type} is not accepted here"))
        return problems

    async def _refuse(self, d: Delivery, errors: list[FieldError], now: datetime) -> None:
        reply = rejection(self.rejection_type, d.data, d.subject, errors, now)
        sender = sender_of(d.subject)
        problems = [f"{p.field}: {p.reason}" for p in reply.data.problems]
        to = sender or PLATFORM
        log.warning("message rejected", subject=_shown(d.subject), to=to, problems=problems)
        write = StreamWrite(f"rejection-{reply.envelope.event_id}", 0, [outgoing(reply, to)])
        try:
            await self.store.append(write, inbox=self._inbox(d, reply))
        except AlreadyProcessedError:
            log.info("rejection already recorded", subject=_shown(d.subject))

    def _inbox(self, d: Delivery, reply: Message[Any]) -> InboxEntry:
        """The rejection's inbox row, per sender like every other: the refused message's event id
        if it could be read (so a redelivery that would now succeed has no effect after its
        rejection); else an id drawn from the message's place in the stream and its digest, the
        same on every redelivery of that message."""
        token = split(d.subject)[1]
        sender = (
            sender_of(d.subject) or "~" + hashlib.sha256(token.encode(errors="replace")).hexdigest()
        )
        message_id = reply.data.rejected_event_id or uuid.uuid5(
            _UNREADABLE, f"{d.stream_sequence}:{reply.data.received_sha256}:{reply.data.subject}"
        )
        return InboxEntry(self.consumer, message_id, sender)


def _shown(subject_name: str) -> str:
    return limits.shown(subject_name, limits.MAX_SUBJECT_CHARS)
