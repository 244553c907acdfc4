"""The system behind the browser: the risk, reporting and ledger services on real NATS and
PostgreSQL (as the end-to-end tests start them), the workbench served on a free port in the same
event loop, and the officers who sign in to it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import asyncpg

from services.ledger import main as ledger_main
from services.ledger.signing import generate_key
from services.reporting import main as reporting_main
from services.reporting.workbench.accounts import HASHER, Account, PostgresAccounts
from services.reporting.workbench.main import build
from services.reporting.workbench.roles import Role
from services.reporting.workbench.settings import WorkbenchSettings
from services.risk import main as risk_main
from services.runtime.host import RunningService, start_service
from services.runtime.settings import RuntimeSettings
from tests.browser.serving import serve

OFFICE, UNIT, OWNER = "JO410482", "HC410482", "PS410482"
"""汝州市府院联动联席会议办公室, 汝州市住房和城乡建设局, 汝州市公安局."""


@dataclass(frozen=True)
class Officer:
    """Who signs in: staff number, password, name, organization, role."""

    officer: str
    password: str
    name: str
    organization: str
    role: Role


OFFICER = Officer("jo-001", "联席办-口令-2026", "王敏", OFFICE, Role.OFFICE)
REQUESTER = Officer("hc-001", "住建-口令-2026", "李强", UNIT, Role.MEMBER)
OWNER_OFFICER = Officer("ps-001", "公安-口令-2026", "张伟", OWNER, Role.MEMBER)
AUDITOR = Officer("au-001", "审计-口令-2026", "赵静", OFFICE, Role.AUDITOR)
OFFICERS = (OFFICER, REQUESTER, OWNER_OFFICER, AUDITOR)


@dataclass(frozen=True)
class Stack:
    """The workbench's address, and the pool on the test database."""

    url: str
    pool: asyncpg.Pool


async def enrol(pool: asyncpg.Pool, officers: tuple[Officer, ...] = OFFICERS) -> None:
    """The officers' accounts, as `fuyuan users add` makes them."""
    accounts = PostgresAccounts(pool, reporting_main.SCHEMA)
    for o in officers:
        digest = HASHER.hash(o.password)
        await accounts.add(Account(o.officer, o.name, o.organization, o.role, digest))


@contextlib.asynccontextmanager
async def services(settings: RuntimeSettings) -> AsyncIterator[list[RunningService]]:
    """Risk, reporting and ledger, started in this process (reporting's start migrates the
    schema the workbench keeps its accounts in); stopped in reverse."""
    for main in (risk_main, reporting_main, ledger_main):
        main.settings.cache_clear()  # each reads its settings once per process
    started: list[RunningService] = []
    try:
        with _signing_key():
            for spec in (risk_main.SPEC, reporting_main.SPEC, ledger_main.SPEC):
                started.append(await start_service(spec, settings))
        yield started
    finally:
        for service in reversed(started):
            await service.close()


@contextlib.asynccontextmanager
async def running(nats_url: str, database_url: str) -> AsyncIterator[Stack]:
    """The services, the officers' accounts and the workbench on plain HTTP on loopback."""
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    async with services(settings), _pool(database_url) as pool:
        await enrol(pool)
        web = WorkbenchSettings(secure_cookies=False)
        app, _ = build(pool, settings.nats_servers, web)
        async with serve(app) as url:
            yield Stack(url, pool)


@contextlib.contextmanager
def _signing_key() -> Iterator[None]:
    """The ledger's checkpoint key while the ledger reads its settings; the variable as it was
    afterwards, so no later test sees it."""
    before = os.environ.get(KEY)
    os.environ[KEY] = before or generate_key()
    try:
        yield
    finally:
        if before is None:
            del os.environ[KEY]


KEY = "FUYUAN_LEDGER_SIGNING_KEY"


@contextlib.asynccontextmanager
async def _pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=5)
    try:
        yield pool
    finally:
        await pool.close()
