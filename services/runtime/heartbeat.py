"""心跳 — each running service instance says every few seconds what runs, what restarts,
whether it is paused, which command partitions it pulls (`partitions`) and which its service has
(`units`, held or not), in the JetStream key-value bucket `fuyuan_status`.

The key is `<service>.<instance>`; a reader counts an instance stale when its `at` is older than
20 s. On a clean stop the last heartbeat says every loop "stopped".
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue

from services.runtime.supervision import reason, sleep_or_stop

log = structlog.get_logger("heartbeat")

BUCKET = "fuyuan_status"
MAX_AGE = 300.0
STALE_AFTER = 20.0


_STARTS = itertools.count(1)


def instance_name() -> str:
    """hostname-pid (hostname-pid-n for the n-th instance started in one process, as tests and
    benchmarks start several), with anything a key cannot hold (dots first) replaced by `_`."""
    n = next(_STARTS)
    name = f"{socket.gethostname()}-{os.getpid()}" + (f"-{n}" if n > 1 else "")
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def bucket(js: JetStreamContext, replicas: int = 1) -> KeyValue:
    """The status bucket, created on first use (history 1, entries expire after 5 minutes)."""
    try:
        return await js.key_value(BUCKET)
    except BucketNotFoundError:
        config = KeyValueConfig(
            bucket=BUCKET,
            history=1,
            ttl=MAX_AGE,
            replicas=replicas,
            storage=StorageType.FILE,
            description="Fuyuan: heartbeats of running services",
        )
        return await js.create_key_value(config)


@dataclass
class Heartbeat:
    """Puts this instance's state every `interval` seconds; `tasks` and `paused` are read
    fresh each time from the supervisor."""

    js: JetStreamContext
    service: str
    tasks: Callable[[], dict[str, dict[str, Any]]]
    paused: Callable[[], str | None]
    partitions: Callable[[], list[str]] = list
    """The command partitions this instance pulls (see services/runtime/partitions.py)."""
    units: Sequence[str] = ()
    """Every command partition of the service as this instance found them at its start, held or
    not: a reader names those no live instance holds."""
    interval: float = 5.0
    replicas: int = 1
    instance: str = field(default_factory=instance_name)
    started_at: str = field(default_factory=_now)
    beats: int = 0
    _kv: KeyValue | None = None

    @property
    def key(self) -> str:
        return f"{self.service}.{self.instance}"

    def state(self, *, stopped: bool = False) -> dict[str, Any]:
        tasks = self.tasks()
        if stopped:
            tasks = {name: {**t, "state": "stopped"} for name, t in tasks.items()}
        return {
            "service": self.service,
            "instance": self.instance,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": self.started_at,
            "at": _now(),
            "paused": None if stopped else self.paused(),
            "partitions": [] if stopped else self.partitions(),
            "units": list(self.units),
            "tasks": tasks,
        }

    async def beat(self, *, stopped: bool = False) -> None:
        # Bounded: a heartbeat that cannot be written is skipped, never waited for.
        async with asyncio.timeout(max(1.0, self.interval)):
            if self._kv is None:
                self._kv = await bucket(self.js, self.replicas)
            await self._kv.put(self.key, json.dumps(self.state(stopped=stopped)).encode())
        self.beats += 1

    async def run(self, stop: asyncio.Event) -> None:
        failing = False
        while not stop.is_set():
            try:
                await self.beat()
                failing = False
            except Exception as exc:
                if not failing:  # once per outage, not every few seconds
                    log.warning("heartbeat not written", service=self.service, error=reason(exc))
                failing = True
            await sleep_or_stop(stop, self.interval)

    async def last(self) -> None:
        """The final heartbeat of a clean stop: every loop stopped."""
        try:
            await self.beat(stopped=True)
        except Exception as exc:
            log.warning("last heartbeat not written", service=self.service, error=reason(exc))
