"""死信 — messages set aside after repeated failures: list them, replay them."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.subjects import DEADLETTER_ROOT, DEADLETTER_STREAM


@dataclass(frozen=True)
class DeadLetter:
    sequence: int
    original_subject: str
    consumer: str
    attempts: int
    error: str
    failed_at: int
    data: bytes
    headers: dict[str, str]


def _deadletter(seq: int, data: bytes, headers: dict[str, str]) -> DeadLetter:
    return DeadLetter(
        sequence=seq, original_subject=headers.get("Fuyuan-Original-Subject", "?"),
        consumer=headers.get("Fuyuan-Consumer", "?"),
        attempts=int(headers.get("Fuyuan-Attempts", "0")),
        error=headers.get("Fuyuan-Error", ""), failed_at=int(headers.get("Fuyuan-Failed-At", "0")),
        data=data, headers=headers,
    )  # fmt: skip


async def list_deadletters(js: JetStreamContext, limit: int = 1000) -> list[DeadLetter]:
    try:
        info = await js.stream_info(DEADLETTER_STREAM)
    except NotFoundError:
        return []
    if info.state.messages == 0:
        return []
    out: list[DeadLetter] = []
    seq = info.state.first_seq
    while seq <= info.state.last_seq and len(out) < limit:
        try:
            raw = await js.get_msg(DEADLETTER_STREAM, seq)
        except NotFoundError:  # deleted after a replay
            seq += 1
            continue
        # Only what the consumers set aside: anything else in the stream did not come from them.
        if (raw.subject or "").startswith(f"{DEADLETTER_ROOT}."):
            out.append(_deadletter(seq, raw.data or b"", dict(raw.headers or {})))
        seq += 1
    return out


_DROP = ("Fuyuan-Original-", "Fuyuan-Consumer", "Fuyuan-Attempts", "Fuyuan-Error",
         "Fuyuan-Failed-At", "Nats-")  # fmt: skip


async def replay(js: JetStreamContext, letter: DeadLetter) -> None:
    """Publish the message again on its original subject, then remove it from the stream.

    The inbox of the consumer makes a replay of a message that did succeed meanwhile harmless.
    """
    headers = {k: v for k, v in letter.headers.items() if not k.startswith(_DROP)}
    headers["Nats-Msg-Id"] = f"replay-{letter.sequence}-{letter.headers.get('Nats-Msg-Id', '')}"
    await js.publish(letter.original_subject, letter.data, headers=headers)
    await js.delete_msg(DEADLETTER_STREAM, letter.sequence)
