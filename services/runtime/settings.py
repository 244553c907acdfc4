"""Settings every service reads once, from the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RuntimeSettings(BaseSettings):
    """Where the servers are and how hard to try; `fuyuan up` sets these for its children."""

    model_config = SettingsConfigDict(env_prefix="FUYUAN_", extra="ignore", frozen=True)

    nats_url: str = Field(validation_alias=AliasChoices("NATS_URL", "FUYUAN_NATS_URL"))
    """NATS servers, comma-separated (nats://host:4222,nats://host2:4222)."""
    database_url: str = Field(validation_alias=AliasChoices("DATABASE_URL", "FUYUAN_DATABASE_URL"))
    """PostgreSQL URL; each service works in its own schema."""
    stream_replicas: int = Field(default=1, ge=1, le=5)
    """JetStream replicas per stream: 1 in development, 3 in a cluster."""
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    max_attempts: int = Field(default=5, ge=1, le=100)
    """Deliveries of a failing message before it is set aside in the dead-letter stream."""
    pool_size: int = Field(default=10, ge=1, le=100)

    @property
    def nats_servers(self) -> list[str]:
        return [s.strip() for s in self.nats_url.split(",") if s.strip()]
