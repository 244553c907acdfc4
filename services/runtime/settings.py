"""Settings every service reads once, from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, ByteSize, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts import workdays

PROCESS_ENV: dict[str, str] = {"MALLOC_ARENA_MAX": "2"}
"""Environment a service process starts with where the environment does not set it already
(`fuyuan up`, the benchmarks; the image and the compose file set the same). glibc gives every
thread that allocates its own malloc arena, up to 8 per core, each holding on to what it freed;
a service's few threads (the trace exporter's, the thread pool's) need no more than two."""


class RetentionSettings(BaseSettings):
    """How long a context stream keeps its messages (docs/SCALING.md, "Stream retention"). Every
    fact is kept for good elsewhere, in the services' event logs and the ledger's journal: the
    streams only carry messages to their consumers and bureaus."""

    model_config = SettingsConfigDict(env_prefix="FUYUAN_", extra="ignore", frozen=True)

    stream_max_age_days: float = Field(default=30.0, gt=0, le=3650)
    """Days a context stream keeps a message: longer than any consumer (the ledger first) may
    be stopped and then catch up, and than a dead letter may wait for `fuyuan dlq replay`."""
    stream_max_bytes: ByteSize = Field(default=ByteSize(1_000_000_000), ge=1_000_000)
    """A guard on the size of the stream of the service's own context ("12GB", "500MB"): the
    oldest messages go first when it is reached. JetStream reserves it on every node that holds
    a replica, so the guards of all streams must fit in the node's store together."""


class RuntimeSettings(RetentionSettings):
    """Where the servers are and how hard to try; `fuyuan up` sets these for its children."""

    model_config = SettingsConfigDict(env_prefix="FUYUAN_", extra="ignore", frozen=True)

    nats_url: str = Field(validation_alias=AliasChoices("NATS_URL", "FUYUAN_NATS_URL"))
    """NATS servers, comma-separated (nats://host:4222,nats://host2:4222)."""
    database_url: str = Field(validation_alias=AliasChoices("DATABASE_URL", "FUYUAN_DATABASE_URL"))
    """PostgreSQL URL; each service works in its own schema."""
    stream_replicas: int = Field(default=1, ge=1, le=5)
    """JetStream replicas per stream: 1 in development, 3 in a cluster."""
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_ack_timeout: float = Field(default=5.0, gt=0, le=120)
    """Seconds the relay waits for every acknowledgement of a batch before it publishes the
    batch again on a fresh connection (JetStream drops what it already stored)."""
    relay_max_attempts: int = Field(default=3, ge=1, le=100)
    """Refusals by the server of one event before the relay sets it aside and goes on."""
    database_timeout: float = Field(default=10.0, gt=0, le=300)
    """Seconds any one statement of the relay or a heartbeat may take before it counts as an
    outage."""
    max_attempts: int = Field(default=5, ge=1, le=100)
    """Deliveries of a failing message before it is set aside in the dead-letter stream."""
    consumer_concurrency: int = Field(default=16, ge=1, le=256)
    """Cases a consumer keyed by case works on at once; each case's messages stay in order."""
    pool_size: int = Field(default=10, ge=1, le=100)
    heartbeat_interval: float = Field(default=5.0, gt=0, le=60)
    """Seconds between two heartbeats in the `fuyuan_status` bucket."""
    restart_backoff_max: float = Field(default=30.0, gt=0, le=600)
    """Longest wait before a crashed loop is started again (the wait doubles from 0.5 s)."""
    shutdown_timeout: float = Field(default=15.0, gt=0, le=300)
    """Seconds the loops get to finish the message in hand when the service stops."""
    partitions: int = Field(default=8, ge=1, le=64)
    """Partitions of a service's commands, by publishing organization; each is pulled by one
    instance at a time, so up to this many instances share the commands. Every instance of a
    service must have the same; to change it see docs/OPERATIONS.md, "Several instances"."""

    holiday_calendar: Path | None = None
    """A file of official holiday calendars (YAML or JSON, docs/holiday-calendar.example.yaml):
    each year it names wins over the pinned `chinesecalendar`'s, for a year the State Council
    has published and no release has yet (docs/OPERATIONS.md, "Next year's holiday calendar").
    Checked strictly: a bad entry fails the start, named."""

    @field_validator("holiday_calendar")
    @classmethod
    def _a_calendar(cls, path: Path | None) -> Path | None:
        if path is not None:
            workdays.load_calendar(path)
        return path

    @property
    def nats_servers(self) -> list[str]:
        return [s.strip() for s in self.nats_url.split(",") if s.strip()]


def setting_error(exc: ValidationError) -> str:
    """One line an operator can act on: which setting, what is wrong, what was given."""
    parts = []
    for e in exc.errors():
        name = ".".join(str(p) for p in e["loc"]) or "?"
        given = f" (got {e['input']!r:.60})" if e["type"] != "missing" else ""
        parts.append(f"{_env_name(exc.title, name)}: {e['msg']}{given}")
    return f"bad setting {'; '.join(parts)}"


def _env_name(model: str, field: str) -> str:
    # The house convention: RuntimeSettings reads FUYUAN_*, <Context>Settings FUYUAN_<CONTEXT>_*;
    # a field read through an alias is reported under the alias.
    if field.isupper():
        return field
    context = model.removesuffix("Settings").upper()
    prefix = "FUYUAN_" if context in ("RUNTIME", "RETENTION", "") else f"FUYUAN_{context}_"
    return f"{prefix}{field.upper()}"
