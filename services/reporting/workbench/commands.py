"""命令 — an officer's command, put in its envelope and published to JetStream.

The envelope carries the officer's organization and staff number; the subject is the command's
type with that organization's code, so the services (and, in production, NATS) check the same
thing they check for any sender. `BrokerPublisher` publishes through the FastStream broker of
the workbench's `NatsRouter` and waits for JetStream's acknowledgement; `RecordingPublisher` is
the fast tests' fake.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from faststream.nats import NatsBroker

from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.subjects import stream_name, subject


def command(organization: str, officer: str, payload: Payload, now: datetime) -> Message[Any]:
    """A new flow: the command's id is its correlation id."""
    event_id = uuid.uuid4()
    envelope = Envelope(
        event_id=event_id,
        type=payload.TYPE,
        occurred_at=now,
        organization=organization,
        officer=officer,
        correlation_id=event_id,
        case_number=getattr(payload, "case_number", None),
    )
    return Message[type(payload)](envelope=envelope, data=payload)  # type: ignore[misc,operator]


def subject_of(message: Message[Any]) -> str:
    return subject(message.envelope.type, message.envelope.organization)


class Publisher:
    """The port: sends a command."""

    async def publish(self, message: Message[Any]) -> None:
        raise NotImplementedError


class RecordingPublisher(Publisher):
    def __init__(self) -> None:
        self.sent: list[Message[Any]] = []

    async def publish(self, message: Message[Any]) -> None:
        self.sent.append(message)


class BrokerPublisher(Publisher):
    def __init__(self, broker: NatsBroker, timeout: float = 5.0) -> None:
        self.broker, self.timeout = broker, timeout

    async def publish(self, message: Message[Any]) -> None:
        context = message.envelope.type.split(".", 1)[0]
        # `stream=` makes FastStream publish through JetStream and wait for the PubAck, so a
        # command the stream did not store is an error the officer sees, not a silent loss;
        # `Nats-Msg-Id` lets JetStream drop a repeat of the same command.
        await self.broker.publish(
            message.model_dump_json().encode(),
            subject_of(message),
            headers={"Nats-Msg-Id": str(message.envelope.event_id)},
            stream=stream_name(context),
            timeout=self.timeout,
        )
