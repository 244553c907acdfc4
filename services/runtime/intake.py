"""受理 — the edge of a service: validate, check the sender, route to one handler, or refuse.

A message that cannot be accepted (invalid, sent as someone else, refused by the rules) is
answered with a rejection naming the field and the reason; the rejection is appended to the
event log with the inbox row, so it is recorded once and published by the relay. A redelivered
message that was already processed is acknowledged with no second effect. Any other error is
raised, so the consumer redelivers it and in the end sets it aside.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from contracts.envelope import Message
from contracts.registry import FieldError, InvalidMessageError, parse_message
from contracts.rejections import MessageRejectedBase
from contracts.subjects import split
from services.runtime.consumer import Delivery
from services.runtime.eventstore import AlreadyProcessedError, EventStore, InboxEntry, StreamWrite
from services.runtime.messaging import outgoing, rejection

log = structlog.get_logger("intake")

Route = Callable[[Message[Any], datetime], Awaitable[None]]


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
            await self.routes[msg.envelope.type](msg, now)
        except InvalidMessageError as e:
            await self._refuse(d, e.errors, now)
        except self.refusals as e:
            await self._refuse(d, [FieldError(getattr(e, "field", "data"), str(e))], now)
        except AlreadyProcessedError:
            log.info("redelivery recognised, no second effect", subject=d.subject)
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "event_type")

    def _accept(self, d: Delivery) -> Message[Any]:
        subject_type, sender = split(d.subject)
        msg = parse_message(d.data, expected_type=subject_type)
        if msg.envelope.organization != sender:
            raise InvalidMessageError([FieldError(
                "envelope.organization",
                f"{msg.envelope.organization} does not match the sender {sender} of the subject",
            )])  # fmt: skip
        if msg.envelope.type not in self.routes:
            raise InvalidMessageError(
                [FieldError("envelope.type", f"{msg.envelope.type} is not accepted here")]
            )
        return msg

    async def _refuse(self, d: Delivery, errors: list[FieldError], now: datetime) -> None:
        reply = rejection(self.rejection_type, d.data, d.subject, errors, now)
        sender = split(d.subject)[1]
        log.warning("message rejected", subject=d.subject,
                    problems=[f"{e.field}: {e.reason}" for e in errors])  # fmt: skip
        inbox_id = reply.data.rejected_event_id or reply.envelope.event_id
        try:
            await self.store.append(
                StreamWrite(f"rejection-{reply.envelope.event_id}", 0, [outgoing(reply, sender)]),
                inbox=InboxEntry(self.consumer, inbox_id, sender),
            )
        except AlreadyProcessedError:
            log.info("rejection already recorded", subject=d.subject)
