"""流 — reading a JetStream stream from its first message to its last, for the auditor: the
checkpoints the ledger published on the LEDGER stream, and every message of a context stream or
of the DEADLETTER stream to reconcile with the journal. Nothing here acknowledges or changes
anything: each read is an ephemeral consumer that the server forgets when it is done."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from contracts.envelope import Message
from contracts.ledger import CheckpointSigned
from contracts.registry import parse_message
from contracts.subjects import published, stream_name
from services.ledger.signing import Checkpoint

CHECKPOINT_SUBJECT = f"{CheckpointSigned.TYPE}.>"
PAGE = 256
"""Messages asked for at once."""
WAIT = 2.0
"""Seconds a fetch may wait for messages the stream says it holds."""


@dataclass(frozen=True)
class StreamMessage:
    subject: str
    data: bytes
    headers: dict[str, str]
    sequence: int


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[Client]:
    nc = await nats.connect(servers=url.split(","), connect_timeout=5, max_reconnect_attempts=2)
    try:
        yield nc
    finally:
        await nc.close()


async def last_sequence(nc: Client, stream: str) -> int | None:
    """The stream's last sequence, or None when there is no such stream."""
    try:
        info = await nc.jetstream().stream_info(stream)
    except NotFoundError:
        return None
    return info.state.last_seq


async def messages(nc: Client, stream: str, subject: str = ">") -> AsyncIterator[StreamMessage]:
    """Every message of `stream` on `subject` in order, up to the last one there when called."""
    last = await last_sequence(nc, stream)
    if not last:
        return
    js = nc.jetstream()
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.ALL,
        inactive_threshold=30.0,
        mem_storage=True,
    )
    sub = await js.pull_subscribe(subject, stream=stream, config=config)
    try:
        sequence = 0
        # Bounded: every page moves the sequence forward, or the stream has nothing more.
        while sequence < last:
            try:
                page = await sub.fetch(PAGE, timeout=WAIT)
            except TimeoutError:
                return
            for msg in page:
                sequence = msg.metadata.sequence.stream
                if sequence > last:
                    return
                headers = {k: str(v) for k, v in (msg.headers or {}).items()}
                yield StreamMessage(published(msg.subject), msg.data, headers, sequence)
            if page and page[-1].metadata.num_pending == 0:
                return
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()


def _checkpoint(data: bytes) -> Checkpoint | None:
    try:
        msg: Message[CheckpointSigned] = parse_message(data, CheckpointSigned.TYPE)
    except (ValueError, RecursionError):  # not a checkpoint: the auditor counts only real ones
        return None
    e = msg.data
    return Checkpoint(e.tree_size, e.root_hash, e.signed_at, e.key_id, e.signature)


async def published_checkpoints(nc: Client) -> list[Checkpoint]:
    """Every checkpoint the ledger's relay published on the LEDGER stream."""
    out = []
    async for m in messages(nc, stream_name("ledger"), CHECKPOINT_SUBJECT):
        if cp := _checkpoint(m.data):
            out.append(cp)
    return out
