"""主题 — NATS subject names, stream names and the rules they follow.

A subject is the message type with the organization code appended:
`<context>.<kind>.<name>.v<N>.<ORG>`. The organization is the publisher for commands, replies
and events, and the receiver for notices and rejections, so NATS permissions alone decide who
may publish what and who may read what. Subjects are ASCII and never hold a case number or a
personal id. Stream and consumer names hold no dots (NATS ADR-6).

A context's stream stores a command with one token more, the partition of its publishing
organization (`partition_transform`); `published` gives back the subject it was published on.
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
    """The subject a message was published on, from the subject its stream stored it under:
    a command's partition token (see `partition_transform`) taken off, anything else as is."""
    tokens = stored.split(".")
    if len(tokens) == 6 and tokens[1] == "command" and tokens[5].isdigit():
        return stored.rpartition(".")[0]
    return stored


def partition_transform(context: str, count: int) -> tuple[str, str]:
    """(source, destination) of the stream's subject transform that stores each command under
    its published subject plus the partition of its publishing organization:
    `<context>.command.<name>.v<N>.<ORG>.<k>`, k = FNV-1a(ORG) mod count, NATS's deterministic
    `partition` mapping. Only the organization decides the partition, never a case number."""
    if count < 1:
        raise ValueError(f"not a partition count: {count}")
    tokens = ".".join(f"{{{{wildcard({i})}}}}" for i in (1, 2, 3))
    return commands(context), f"{context}.command.{tokens}.{{{{partition({count},3)}}}}"


def partition_count(destination: str) -> int | None:
    """The count a partition transform's destination was made with (None: not one of ours)."""
    found = _PARTITION.search(destination)
    return int(found.group(1)) if found else None


_PARTITION = re.compile(r"\{\{partition\((\d+),3\)\}\}$")


def partition_of(org: str, count: int) -> int:
    """The partition NATS stores an organization's commands in (the same FNV-1a hash)."""
    h = 0x811C9DC5
    for byte in org.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % count


def stored_as(subject_name: str, count: int) -> str:
    """The subject a stream with `count` partitions stores a message published on `subject_name`
    under (the inverse of `published`)."""
    tokens = subject_name.split(".")
    if len(tokens) == 5 and tokens[1] == "command" and "*" not in tokens and ">" not in tokens:
        return f"{subject_name}.{partition_of(tokens[4], count)}"
    return subject_name


def partition(context: str, k: int) -> str:
    """The stored subjects of partition k of a context's commands."""
    return f"{commands(context)}.{k}"


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
