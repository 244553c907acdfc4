"""Streams declared in code and created (or brought up to date) at start-up."""

from __future__ import annotations

from dataclasses import replace

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig, SubjectTransform
from nats.js.errors import NotFoundError

from contracts.subjects import (
    DEADLETTER_ROOT,
    DEADLETTER_STREAM,
    REPLAY_ROOT,
    REPLAY_STREAM,
    partition_transform,
    stream_name,
    stream_subjects,
)

DUPLICATE_WINDOW = 3600.0
"""Seconds JetStream remembers a `Nats-Msg-Id`: far longer than a relay restart takes."""


PARTITIONS = 8
"""Partitions of a context's commands when nothing says otherwise (`FUYUAN_PARTITIONS`)."""


def context_stream(context: str, replicas: int, partitions: int = PARTITIONS) -> StreamConfig:
    # The stream stores each command with the partition of its publishing organization as one
    # more token, so each partition is a filter a durable consumer of its own can take.
    source, destination = partition_transform(context, partitions)
    return StreamConfig(
        name=stream_name(context),
        subjects=stream_subjects(context),
        subject_transform=SubjectTransform(src=source, dest=destination),
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW,
        description=f"Fuyuan {context}: commands, events, notices, replies and rejections",
    )


def deadletter_stream(replicas: int) -> StreamConfig:
    return StreamConfig(
        name=DEADLETTER_STREAM,
        subjects=[f"{DEADLETTER_ROOT}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW,
        description="Messages set aside after repeated failures, relay alerts, operators' actions",
    )


REPLAY_MAX_AGE = 30 * 24 * 3600.0
"""Seconds a replay waits for its consumer: a service stopped for a month gets its replays still;
the letter's action record and the original on its own stream outlive it on the journal."""


def replay_stream(replicas: int) -> StreamConfig:
    # Limits, not work-queue retention: the ledger may read the stream beside the consumers.
    return StreamConfig(
        name=REPLAY_STREAM,
        subjects=[f"{REPLAY_ROOT}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=REPLAY_MAX_AGE,
        num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW,
        description="Dead letters replayed to the one consumer that failed, on replay.<context>.<durable>",
    )


async def ensure(js: JetStreamContext, config: StreamConfig, own: bool = True) -> StreamConfig:
    """Create the stream or bring it up to date; the configuration now in force. A stream the
    caller does not own keeps the subject transform it has: only the service whose commands
    the stream holds decides their partitions."""
    assert config.name
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        return (await js.add_stream(config)).config
    if not own:
        config = replace(config, subject_transform=info.config.subject_transform)
    return (await js.update_stream(config)).config


async def ensure_all(
    js: JetStreamContext,
    contexts: tuple[str, ...],
    replicas: int,
    partitions: int = PARTITIONS,
    owner: str | None = None,
) -> None:
    """Every context's stream, the dead letters' and the replays'. With an `owner`, only its
    own context's stream gets `partitions`; the others keep what they have (or get it if new)."""
    for context in contexts:
        own = owner is None or context == owner
        await ensure(js, context_stream(context, replicas, partitions), own)
    await ensure(js, deadletter_stream(replicas))
    await ensure(js, replay_stream(replicas))
