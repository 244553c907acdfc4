"""会话 — server-side sessions: a random token in an HttpOnly, SameSite=Strict cookie, its
SHA-256 in the table, an expiry and a CSRF token of its own."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

LIFETIME = timedelta(hours=8)
"""A working day; signing out ends it sooner."""


@dataclass(frozen=True)
class Session:
    token_sha256: str
    officer: str
    csrf: str
    created_at: datetime
    expires_at: datetime


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(officer: str, now: datetime) -> tuple[str, Session]:
    """A fresh token (for the cookie) and the session kept for it."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    return token, Session(digest(token), officer, csrf, now, now + LIFETIME)


class Sessions:
    """The port: where sessions are kept."""

    async def put(self, session: Session) -> None:
        raise NotImplementedError

    async def find(self, token_sha256: str) -> Session | None:
        raise NotImplementedError

    async def delete(self, token_sha256: str) -> None:
        raise NotImplementedError

    async def start(self, officer: str, now: datetime) -> tuple[str, Session]:
        token, session = new_session(officer, now)
        await self.put(session)
        return token, session

    async def get(self, token: str, now: datetime) -> Session | None:
        """The live session of a cookie's token; an expired one is deleted."""
        session = await self.find(digest(token))
        if session is not None and session.expires_at <= now:
            await self.delete(session.token_sha256)
            return None
        return session

    async def end(self, token: str) -> None:
        await self.delete(digest(token))


class MemorySessions(Sessions):
    def __init__(self) -> None:
        self.rows: dict[str, Session] = {}

    async def put(self, session: Session) -> None:
        self.rows[session.token_sha256] = session

    async def find(self, token_sha256: str) -> Session | None:
        return self.rows.get(token_sha256)

    async def delete(self, token_sha256: str) -> None:
        self.rows.pop(token_sha256, None)


class PostgresSessions(Sessions):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool, self.table = pool, f'"{schema}".workbench_session'

    async def put(self, session: Session) -> None:
        await self.pool.execute(
            f"INSERT INTO {self.table} (token_sha256, officer, csrf, created_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            session.token_sha256,
            session.officer,
            session.csrf,
            session.created_at,
            session.expires_at,
        )

    async def find(self, token_sha256: str) -> Session | None:
        row = await self.pool.fetchrow(
            "SELECT token_sha256, officer, csrf, created_at, expires_at "
            f"FROM {self.table} WHERE token_sha256 = $1",
            token_sha256,
        )
        return Session(**dict(row)) if row else None

    async def delete(self, token_sha256: str) -> None:
        await self.pool.execute(f"DELETE FROM {self.table} WHERE token_sha256 = $1", token_sha256)
