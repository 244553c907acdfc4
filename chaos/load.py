"""负载 — the sustained mixed load: courts register cases, query, freeze what is found, close
cases, list debtors, restrict consumption and lift sanctions (the simulated courts of
`fuyuan simulate courts`), and every bureau answers the notices it gets (the simulated bureaus'
answers). The suite publishes all of it itself, so it knows each message it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import nats.errors
import structlog
from nats.aio.client import Client

from chaos.book import Book, Published, Sent, digest, envelope_id
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.bureaus.replies import subject_of
from services.bureaus.simulator import SIMULATED, Behaviour, simulated_handler
from services.cli.simulate import Courts

log = structlog.get_logger("chaos.load")


@dataclass
class Sender:
    """Publishes until the server acknowledges (the same `Nats-Msg-Id` each time, so a retry
    after a lost acknowledgement is stored once), and books what was stored."""

    nc: Client
    book: Book
    patience: float = 120.0
    unsent: list[tuple[str, str]] = field(default_factory=list)
    """(subject, reason) of messages the server never acknowledged within `patience`."""

    async def send(
        self,
        subject: str,
        body: bytes,
        kind: str,
        msg_id: str | None,
        patience: float | None = None,
    ) -> Sent | None:
        js = self.nc.jetstream(timeout=5)
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        deadline = time.monotonic() + (self.patience if patience is None else patience)
        while True:
            try:
                ack = await js.publish(subject, body, headers=headers, timeout=5)
                break
            except nats.errors.MaxPayloadError:
                self.unsent.append((subject, "larger than the server accepts"))
                return None
            except Exception as e:  # the server is down, restarting or electing a leader
                if time.monotonic() > deadline:
                    self.unsent.append((subject, repr(e)))
                    return None
                await asyncio.sleep(0.3)
        if ack.duplicate and (ack.stream, ack.seq) in self.book.sent:
            # Stored before under this Nats-Msg-Id: an earlier try of ours whose acknowledgement
            # came late, or another message with the same event id, which the server dropped.
            known = self.book.sent[(ack.stream, ack.seq)]
            return known if known.sha256 == digest(body) else None
        sent = Sent(
            ack.seq, subject, kind, digest(body), envelope_id(body), time.monotonic(), ack.stream
        )
        self.book.record_sent(sent)
        return sent


class CourtLink:
    """What `Courts` publishes through: the sender, as a JetStream context would."""

    def __init__(self, sender: Sender, kind: str = "command") -> None:
        self.sender, self.kind = sender, kind

    async def publish(
        self, subject: str, body: bytes, headers: dict[str, str] | None = None, **_: Any
    ) -> None:
        await self.sender.send(subject, body, self.kind, (headers or {}).get("Nats-Msg-Id"))


class Load:
    """Courts and bureaus: the courts step at `rate` per second while `active`; the bureaus
    answer every notice they get and the courts freeze what a result names, while `active`."""

    def __init__(self, sender: Sender, rate: float, seed: int, invalid: float = 0.05) -> None:
        self.sender, self.rate = sender, rate
        self.courts = Courts(CourtLink(sender), random.Random(seed), invalid)
        registry = Registry.load()
        behaviour = Behaviour(latency_ms=0, failure_rate=0.0, seed=seed)
        self.bureaus = {
            b.code: simulated_handler(b, behaviour)
            for b in registry.bureaus()
            if b.handles & SIMULATED
        }
        self.active = False
        self.reactions: set[asyncio.Task[None]] = set()
        self.steps = 0

    async def run(self, seconds: float) -> None:
        """Court steps for `seconds`, open loop: a step that had to wait is not made up."""
        self.active = True
        started = time.monotonic()
        try:
            while time.monotonic() - started < seconds:
                with contextlib.suppress(Exception):
                    await self.courts.step()
                self.steps += 1
                await asyncio.sleep(max(0.0, started + self.steps / self.rate - time.monotonic()))
        finally:
            self.active = False

    async def react(self, subject: str, data: bytes, published: Published) -> None:
        """A notice as its receiver gets it: a bureau answers, a court freezes."""
        if not self.active:
            return
        org = subject.rsplit(".", 1)[1]
        if org in self.bureaus:
            task = asyncio.create_task(self._answer(org, data))
        elif published.type.endswith("property_result.v1") and org in self.courts.courts:
            task = asyncio.create_task(self._freeze(subject, data))
        else:
            return
        self.reactions.add(task)
        task.add_done_callback(self.reactions.discard)

    async def _answer(self, bureau: str, data: bytes) -> None:
        reply = await self.bureaus[bureau](parse_message(data))
        if reply is not None:
            await self.sender.send(
                subject_of(reply),
                reply.model_dump_json().encode(),
                "answer",
                str(reply.envelope.event_id),
            )

    async def _freeze(self, subject: str, data: bytes) -> None:
        await self.courts.on_result(SimpleNamespace(subject=subject, data=data))

    async def settle(self) -> None:
        """Wait for the answers already under way."""
        if self.reactions:
            await asyncio.wait(set(self.reactions), timeout=30)
