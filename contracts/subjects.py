"""主题 — NATS subject names, stream names and the rules they follow.

A subject is the message type with the organization code appended:
`<context>.<kind>.<name>.v<N>.<ORG>`. The organization is the publisher for commands, replies
and events, and the receiver for notices and rejections, so NATS permissions alone decide who
may publish what and who may read what. Subjects are ASCII and never hold a case number or a
personal id. Stream and consumer names hold no dots (NATS ADR-6).
"""

from __future__ import annotations

import re

from contracts.base import TYPE_PATTERN

_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
DEADLETTER_STREAM = "DEADLETTER"
DEADLETTER_ROOT = "deadletter"
DEADLETTER_ACTIONS = "actions"
"""The token after `deadletter.` under which operators' actions on dead letters are recorded."""
REPLAY_STREAM = "REPLAY"
REPLAY_ROOT = "replay"


def subject(message_type: str, org: str) -> str:
    if not TYPE_PATTERN.match(message_type):
        raise ValueError(f"not a message type: {message_type!r}")
    if not _TOKEN.match(org) or not org.isascii():
        raise ValueError(f"not an ASCII subject token: {org!r}")
    return f"{message_type}.{org}"


def split(subject_name: str) -> tuple[str, str]:
    """(message type, organization code) of a subject."""
    message_type, _, org = subject_name.rpartition(".")
    return message_type, org


def published(stored: str) -> str:
    """The subject a message was published on, from the subject its stream stored it under."""
    return stored


def stream_name(context: str) -> str:
    return context.upper()


def stream_subjects(context: str) -> list[str]:
    return [f"{context}.>"]


def inbound(context: str) -> str:
    """Everything organizations send a service: commands and replies."""
    return f"{context}.*.*.*.*"


def commands(context: str) -> str:
    return f"{context}.command.*.*.*"


def replies(context: str) -> str:
    return f"{context}.reply.*.*.*"


def notices_for(context: str, org: str) -> str:
    return f"{context}.notice.*.*.{org}"


def rejections_for(context: str, org: str) -> str:
    return f"{context}.rejection.*.*.{org}"


def deadletter(context: str, consumer: str) -> str:
    return f"{DEADLETTER_ROOT}.{context}.{consumer}"


def deadletter_action(verb: str) -> str:
    """Where an operator's action on a dead letter is recorded: `replayed` or `dropped`."""
    return f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}.{verb}"


def replay_subject(context: str, consumer: str) -> str:
    """Where a dead letter is replayed so that only the consumer that failed gets it again."""
    return f"{REPLAY_ROOT}.{context}.{consumer}"
