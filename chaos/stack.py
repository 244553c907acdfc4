"""One scenario's stack: NATS (a server or a cluster, maybe behind the proxy), a fresh
database, the migrations and streams, the services as processes, and the suite's own
connection, which never goes through the proxy."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.aio.client import Client

from chaos.processes import Service
from chaos.servers import ClusterNats, Postgres, SingleNats
from services.ledger.signing import generate_key
from services.runtime import streams
from services.runtime.catalog import SERVICES
from services.runtime.migrations import migrate_all


async def _expected(_error: Exception) -> None:
    """Connection errors are what the suite causes; it reads their effects, not their logs."""


@dataclass
class Stack:
    """What a scenario runs against, and the services it breaks."""

    home: Path
    postgres: Postgres
    nats: SingleNats | ClusterNats
    database_url: str
    replicas: int = 1
    service_url: str = ""
    """The NATS URL the services get: the servers, or the proxy in front of them."""
    services: list[Service] = field(default_factory=list)
    signing_key: str = field(default_factory=generate_key)
    nc: Client | None = None
    sampler: asyncio.Task[None] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def nats_url(self) -> str:
        return self.nats.url

    def env(self) -> dict[str, str]:
        return {
            "NATS_URL": self.service_url or self.nats_url,
            "DATABASE_URL": self.database_url,
            "FUYUAN_LEDGER_SIGNING_KEY": self.signing_key,
            "FUYUAN_STREAM_REPLICAS": str(self.replicas),
            "FUYUAN_LOG_LEVEL": "info",
            **self.extra_env,
        }

    def audit_env(self) -> dict[str, str]:
        return {**self.env(), "NATS_URL": self.nats_url}

    async def prepare(self) -> None:
        """Migrations and streams first, as `fuyuan up` does, then the suite's connection."""
        await migrate_all(self.database_url, SERVICES)
        self.nc = await nats.connect(
            servers=self.nats_url.split(","),
            name="chaos",
            error_cb=_expected,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.2,
            connect_timeout=2,
            allow_reconnect=True,
        )
        await streams.ensure_all(self.nc.jetstream(timeout=10), SERVICES, self.replicas)

    def add(self, service: str, instance: str | None = None) -> Service:
        name = instance or service
        s = Service(name, service, self.env(), self.home / "logs" / f"{name}.log")
        self.services.append(s)
        return s

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    async def start_all(self, ready_within: float = 60.0) -> None:
        for s in self.services:
            s.start()
        await self.wait_started(self.services, ready_within)

    async def wait_started(
        self, services: list[Service], within: float, markers: dict[str, int] | None = None
    ) -> bool:
        """Until each logs `service started` (after its marker), or `within` seconds."""
        marks = markers or {}
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if all(s.started_since(marks.get(s.name, 0)) for s in services):
                return True
            await asyncio.sleep(0.2)
        return False

    async def restart(self, s: Service, within: float = 60.0) -> None:
        marker = s.log_size()
        s.start()
        await self.wait_started([s], within, {s.name: marker})

    def start_sampling(self, every: float = 0.5) -> None:
        async def sample() -> None:
            while True:
                for s in self.services:
                    s.sample()
                await asyncio.sleep(every)

        self.sampler = asyncio.create_task(sample(), name="chaos-rss")

    async def close(self) -> None:
        if self.sampler:
            self.sampler.cancel()
        for s in self.services:
            s.stop(5)
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.close(), 5)
