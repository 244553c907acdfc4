"""Streams declared in code and created (or brought up to date) at start-up."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import nats.errors
import structlog
from nats.js import JetStreamContext
from nats.js.api import (
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    SubjectTransform,
)
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError

from contracts.subjects import (
    DEADLETTER_ROOT,
    DEADLETTER_STREAM,
    REPLAY_ROOT,
    REPLAY_STREAM,
    partition_transform,
    stream_name,
    stream_subjects,
)
from services.runtime.settings import RetentionSettings

log = structlog.get_logger("streams")

DUPLICATE_WINDOW = 3600.0
"""Seconds JetStream remembers a `Nats-Msg-Id`: far longer than a relay restart takes."""


PARTITIONS = 8
"""Partitions of a context's commands when nothing says otherwise (`FUYUAN_PARTITIONS`)."""


@dataclass(frozen=True)
class Retention:
    """What a context stream keeps: messages younger than `max_age` seconds, and at most
    `max_bytes`; past either, the oldest messages go (docs/SCALING.md, "Stream retention")."""

    max_age: float
    max_bytes: int

    @classmethod
    def configured(cls, settings: RetentionSettings | None = None) -> Retention:
        """From `FUYUAN_STREAM_MAX_AGE_DAYS` and `FUYUAN_STREAM_MAX_BYTES`."""
        s = settings if settings is not None else RetentionSettings()
        return cls(s.stream_max_age_days * 86400.0, int(s.stream_max_bytes))


LIMITS = ("max_age", "max_bytes", "max_msgs", "discard", "duplicate_window")
"""What a stream's retention is made of: only the service that owns the stream changes it."""


def context_stream(
    context: str,
    replicas: int,
    partitions: int = PARTITIONS,
    retention: Retention | None = None,
) -> StreamConfig:
    # The stream stores each command with the partition of its publishing organization as one
    # more token, so each partition is a filter a durable consumer of its own can take.
    source, destination = partition_transform(context, partitions)
    keep = retention if retention is not None else Retention.configured()
    return StreamConfig(
        name=stream_name(context),
        subjects=stream_subjects(context),
        subject_transform=SubjectTransform(src=source, dest=destination),
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=keep.max_age,
        max_bytes=keep.max_bytes,
        discard=DiscardPolicy.OLD,
        num_replicas=replicas,
        # JetStream refuses a window longer than the stream keeps its messages.
        duplicate_window=min(DUPLICATE_WINDOW, keep.max_age),
        description=f"Fuyuan {context}: commands, events, notices, replies and rejections",
    )


def deadletter_stream(replicas: int) -> StreamConfig:
    # No age or size limit, on purpose: a letter stays until an operator acts on it (discarding
    # the oldest would lose letters nobody acted on; refusing new ones would refuse the
    # operators' action records too, which go on this stream, so `fuyuan dlq` could not empty
    # it). Letters are few, and `fuyuan status` flags every one (docs/SCALING.md).
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
    caller does not own keeps the subject transform and the retention it has: only the service
    whose commands the stream holds decides their partitions and how long the stream keeps its
    messages. Updating a stream's retention keeps its messages (those within the new limits)."""
    assert config.name
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        return (await js.add_stream(config)).config
    if not own:
        kept = {name: getattr(info.config, name) for name in LIMITS}
        config = replace(config, subject_transform=info.config.subject_transform, **kept)
    return (await js.update_stream(config)).config


UNAVAILABLE = frozenset({10005, 10008, 10009})
"""JetStream error codes that say the cluster cannot place or serve a stream yet, not that the
request is wrong: no suitable peers (a peer offline, the cluster still forming), the JetStream
system temporarily unavailable, the cluster unable to handle the request (no meta leader)."""
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 10.0
"""Seconds between tries while the cluster refuses: doubling from the first to the longest."""


def unavailable(error: BaseException) -> bool:
    """A refusal of an outage (try again later), not of the configuration."""
    if isinstance(error, ServiceUnavailableError | nats.errors.TimeoutError | TimeoutError):
        return True
    if isinstance(error, nats.errors.NoRespondersError):
        return True
    return isinstance(error, APIError) and error.err_code in UNAVAILABLE


async def patiently(
    what: str,
    attempt: Callable[[], Awaitable[StreamConfig]],
    patience: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> StreamConfig:
    """`attempt` until it succeeds, while JetStream refuses for an outage (`unavailable`), with
    growing pauses and a warning each time; for `patience` seconds, or for as long as it takes
    (None). Any other error at once."""
    deadline = None if patience is None else time.monotonic() + patience
    pause, tries = FIRST_PAUSE, 0
    while True:
        try:
            return await attempt()
        except Exception as e:
            tries += 1
            if not unavailable(e) or (deadline is not None and time.monotonic() + pause > deadline):
                raise
            log.warning(
                "stream not ready, trying again",
                stream=what,
                tries=tries,
                retry_in=pause,
                error=str(e) or type(e).__name__,
            )
            await sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


async def ensure_all(
    js: JetStreamContext,
    contexts: tuple[str, ...],
    replicas: int,
    partitions: int = PARTITIONS,
    owner: str | None = None,
    patience: float | None = None,
    retention: Retention | None = None,
) -> None:
    """Every context's stream, the dead letters' and the replays'. With an `owner`, only its
    own context's stream gets `partitions` and `retention` (by default from the settings,
    `Retention.configured`); the others keep what they have (or get it if new).

    A service starts while NATS may be out of reach or a cluster still forming (a node down, no
    meta leader yet): JetStream then refuses a replicated stream ("no suitable peers for
    placement") or does not answer. That is an outage, not a mistake: each stream is tried again
    with growing pauses (`patiently`), for `patience` seconds or until it is there."""
    keep = retention if retention is not None else Retention.configured()
    configs = [
        (context_stream(context, replicas, partitions, keep), owner is None or context == owner)
        for context in contexts
    ]
    configs += [(deadletter_stream(replicas), True), (replay_stream(replicas), True)]
    for config, own in configs:
        assert config.name
        await patiently(config.name, functools.partial(ensure, js, config, own), patience)
