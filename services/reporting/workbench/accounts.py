"""账号 — officers who may sign in: staff number, name, organization, role, argon2 hash.

`Accounts` is the port; `PostgresAccounts` keeps them in the reporting schema
(deploy/migrations/reporting/0003_workbench_accounts.sql) and `MemoryAccounts` in a dict for
the fast tests. Whether an account may be created (its organization in the registry, its role
fitting the organization's kind) is `check`, written once for both.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contracts.organizations.registry import Registry
from services.reporting.workbench.roles import LABELS, Role, fits

HASHER = PasswordHasher()
FREE_FAILURES = 3
"""Wrong passwords an account may give before it has to wait."""
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)


class AccountError(ValueError):
    """An account that may not be created or changed as asked; the message is Chinese."""


@dataclass(frozen=True)
class Account:
    """承办人账号."""

    officer: str
    name: str
    organization: str
    role: Role
    password_hash: str
    disabled: bool = False
    failures: int = 0
    locked_until: datetime | None = None


def check(registry: Registry, officer: str, organization: str, role: Role) -> None:
    """Refuse an account whose organization is unknown or whose role its kind cannot hold."""
    if not officer.strip() or len(officer) > 64:
        raise AccountError("工号：不能为空，且不超过 64 个字符")
    if organization not in registry:
        raise AccountError(f"单位：组织名录中没有代码为 {organization} 的单位")
    kind = registry.get(organization).kind
    if not fits(role, kind):
        raise AccountError(f"岗位：{LABELS[role]}不能由{registry.get(organization).name}担任")


@functools.cache
def unknown() -> Account:
    """What a sign-in with an unknown staff number is checked against, to take as long."""
    return Account("", "", "", Role.OFFICE, HASHER.hash("no account has this password"))


def verify(account: Account, password: str) -> bool:
    try:
        return HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def wait_after(failures: int) -> timedelta | None:
    """How long an account waits after `failures` wrong passwords in a row: none for the first
    few, then 30 s doubling up to 15 min."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def failed(account: Account, now: datetime) -> Account:
    failures = account.failures + 1
    wait = wait_after(failures)
    return dataclasses.replace(
        account, failures=failures, locked_until=now + wait if wait else None
    )


class Accounts:
    """The port: where accounts are kept."""

    async def get(self, officer: str) -> Account | None:
        raise NotImplementedError

    async def all(self) -> list[Account]:
        raise NotImplementedError

    async def put(self, account: Account) -> None:
        """Create or replace the account."""
        raise NotImplementedError

    async def add(self, account: Account) -> None:
        if await self.get(account.officer) is not None:
            raise AccountError(f"工号：{account.officer} 已有账号")
        await self.put(account)


class MemoryAccounts(Accounts):
    def __init__(self) -> None:
        self.rows: dict[str, Account] = {}

    async def get(self, officer: str) -> Account | None:
        return self.rows.get(officer)

    async def all(self) -> list[Account]:
        return [self.rows[k] for k in sorted(self.rows)]

    async def put(self, account: Account) -> None:
        self.rows[account.officer] = account


_COLUMNS = "officer, name, organization, role, password_hash, disabled, failures, locked_until"


class PostgresAccounts(Accounts):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool, self.table = pool, f'"{schema}".workbench_account'

    async def get(self, officer: str) -> Account | None:
        row = await self.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE officer = $1", officer
        )
        return _account(row) if row else None

    async def all(self) -> list[Account]:
        rows = await self.pool.fetch(f"SELECT {_COLUMNS} FROM {self.table} ORDER BY officer")
        return [_account(row) for row in rows]

    async def put(self, account: Account) -> None:
        await self.pool.execute(
            f"INSERT INTO {self.table} ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (officer) DO UPDATE SET name = $2, organization = $3, role = $4, "
            "password_hash = $5, disabled = $6, failures = $7, locked_until = $8",
            *dataclasses.astuple(account),
        )


def _account(row: asyncpg.Record) -> Account:
    return Account(**{**dict(row), "role": Role(row["role"])})
