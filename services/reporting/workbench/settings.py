"""Settings of the workbench, read once from the environment (`FUYUAN_WORKBENCH_*`); the
servers come from the runtime's (`NATS_URL`, `DATABASE_URL`)."""

from __future__ import annotations

import socket

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkbenchSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FUYUAN_WORKBENCH_", extra="ignore", frozen=True, populate_by_name=True
    )

    host: str = "127.0.0.1"
    """Where the web server listens."""
    port: int = Field(default=8700, ge=1, le=65535)
    schema_name: str = Field(default="reporting", pattern=r"^[a-z_]+$")
    """The reporting service's schema: its read models, the accounts and sessions."""
    secure_cookies: bool = True
    """Cookies only over HTTPS; `false` for a development stack on plain HTTP."""
    ledger_public_key: str = Field(
        default="",
        validation_alias=AliasChoices(
            "FUYUAN_LEDGER_PUBLIC_KEY", "FUYUAN_WORKBENCH_LEDGER_PUBLIC_KEY"
        ),
    )
    """The ledger's Ed25519 public key (base64), as `fuyuan audit verify` reads it: the audit
    screen checks the latest checkpoint's signature with it."""


def free_port(preferred: int = 8700, host: str = "127.0.0.1") -> int:
    """`preferred` if nothing listens there, else a port the system picks (a second stack on
    the same machine)."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError("no free port")
