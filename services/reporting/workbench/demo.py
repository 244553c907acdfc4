"""演示账号 — the demonstration accounts of a development stack (`fuyuan users demo`, created
by `fuyuan up`): one officer per role in Luoyang, all with the same published password, so
they are for demonstrations only."""

from __future__ import annotations

import asyncio

import asyncpg

from contracts.organizations.registry import Registry
from services.reporting.workbench.accounts import (
    HASHER,
    Account,
    Accounts,
    PostgresAccounts,
    check,
)
from services.reporting.workbench.roles import Role

PASSWORD = "fuyuan-demo"

ACCOUNTS: tuple[tuple[str, str, str, Role], ...] = (
    ("JO0001", "联席办演示", "JO410300", Role.OFFICE),
    ("LG0001", "领导小组演示", "LG410300", Role.LEADING_GROUP),
    ("DR0001", "发改委演示", "DR410300", Role.BUREAU),
    ("HC0001", "住建局演示", "HC410300", Role.MEMBER),
    ("CT0001", "中院演示", "CT410300", Role.COURT),
    ("TG0001", "街道演示", "TG410302001", Role.TOWN),
    ("AU0001", "审计演示", "JO410300", Role.AUDITOR),
)
"""Staff number, name, organization, role."""


async def create(accounts: Accounts, registry: Registry) -> list[str]:
    """Create the demonstration accounts that do not exist yet; their staff numbers."""
    made: list[str] = []
    for officer, name, org, role in ACCOUNTS:
        check(registry, officer, org, role)
        if await accounts.get(officer) is None:
            hashed = await asyncio.to_thread(HASHER.hash, PASSWORD)
            await accounts.put(Account(officer, name, org, role, hashed))
            made.append(officer)
    return made


async def create_on(database_url: str, schema: str = "reporting") -> list[str]:
    """`create` on a database whose reporting schema is migrated (as `fuyuan up` has it)."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        return await create(PostgresAccounts(pool, schema), Registry.load())
    finally:
        await pool.close()


def summary() -> str:
    """One line for `fuyuan up`'s overview."""
    officers = " ".join(officer for officer, *_ in ACCOUNTS)
    return f"{officers} (password {PASSWORD})"
