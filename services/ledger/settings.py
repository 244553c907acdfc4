"""The ledger's own settings, read once."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LedgerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUYUAN_LEDGER_", extra="ignore", frozen=True)

    signing_key: str = Field(min_length=40)
    """Ed25519 private key, Base64 of its 32 raw bytes (`fuyuan audit keygen` makes one)."""
    checkpoint_every: int = Field(default=1000, ge=1)
    """Sign a checkpoint after this many new entries …"""
    checkpoint_interval: float = Field(default=10.0, gt=0)
    """… or after this many seconds, whichever comes first, if anything is new."""
    batch_size: int = Field(default=256, ge=1, le=10_000)
    """Messages appended to the chain in one transaction."""
