"""Streams declared in code and created (or brought up to date) at start-up."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from contracts.subjects import (
    DEADLETTER_ROOT,
    DEADLETTER_STREAM,
    REPLAY_ROOT,
    REPLAY_STREAM,
    stream_name,
    stream_subjects,
)

DUPLICATE_WINDOW = 3600.0
"""Seconds JetStream remembers a `Nats-Msg-Id`: far longer than a relay restart takes."""


def context_stream(context: str, replicas: int) -> StreamConfig:
    return StreamConfig(
        name=stream_name(context),
        subjects=stream_subjects(context),
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


async def ensure(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)


async def ensure_all(js: JetStreamContext, contexts: tuple[str, ...], replicas: int) -> None:
    for context in contexts:
        await ensure(js, context_stream(context, replicas))
    await ensure(js, deadletter_stream(replicas))
    await ensure(js, replay_stream(replicas))
