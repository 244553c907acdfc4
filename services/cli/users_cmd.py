"""`fuyuan users` — the workbench's officer accounts (reads DATABASE_URL)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from contracts.organizations.registry import Registry
from services.reporting.workbench import demo
from services.reporting.workbench.accounts import (
    HASHER,
    Account,
    AccountError,
    Accounts,
    PostgresAccounts,
    check,
)
from services.reporting.workbench.roles import LABELS, Role
from services.runtime.migrations import migrate

SCHEMA = "reporting"
T = TypeVar("T")
app = typer.Typer(help="Workbench accounts 工作台账号: add, list, disable, set passwords.")


def _with_accounts(work: Callable[[Accounts], Awaitable[T]]) -> T:
    url = os.environ.get("DATABASE_URL")
    if not url:
        typer.echo("DATABASE_URL is not set", err=True)
        raise typer.Exit(2)

    async def run() -> T:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        try:
            async with pool.acquire() as conn:
                await migrate(conn, SCHEMA)
            return await work(PostgresAccounts(pool, SCHEMA))
        finally:
            await pool.close()

    try:
        return asyncio.run(run())
    except AccountError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


def _password(given: str | None) -> str:
    return given or typer.prompt("密码", hide_input=True, confirmation_prompt=True)


@app.command("add")
def add(
    officer: Annotated[str, typer.Argument(help="Staff number 工号.")],
    name: Annotated[str, typer.Option(help="Name 姓名.")],
    organization: Annotated[str, typer.Option(help="Organization code, e.g. JO410300.")],
    role: Annotated[Role, typer.Option(help="Role in the workbench.")],
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
) -> None:
    """Add an officer; the organization must be in the registry and fit the role."""
    check(Registry.load(), officer, organization, role)
    account = Account(officer, name, organization, role, HASHER.hash(_password(password)))
    _with_accounts(lambda accounts: accounts.add(account))
    typer.echo(f"added {officer}")


@app.command("list")
def list_cmd() -> None:
    """Every account, with its role and whether it is disabled."""
    rows = _with_accounts(lambda accounts: accounts.all())
    table = Table("工号", "姓名", "单位", "岗位", "状态")
    for a in rows:
        state = "已停用" if a.disabled else ("等待重试" if a.locked_until else "正常")
        table.add_row(a.officer, a.name, a.organization, LABELS[a.role], state)
    Console().print(table)


async def _change(accounts: Accounts, officer: str, **changes: object) -> None:
    account = await accounts.get(officer)
    if account is None:
        raise AccountError(f"工号：{officer} 没有账号")
    await accounts.put(dataclasses.replace(account, **changes))  # type: ignore[arg-type]


@app.command("disable")
def disable(
    officer: str,
    enable: Annotated[bool, typer.Option("--enable", help="Enable it again.")] = False,
) -> None:
    """Disable an account (its sessions stop working at once), or enable it again."""
    _with_accounts(lambda accounts: _change(accounts, officer, disabled=not enable))
    typer.echo(f"{officer} {'enabled' if enable else 'disabled'}")


@app.command("passwd")
def passwd(
    officer: str,
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
) -> None:
    """Set an officer's password; it also clears the wait after wrong passwords."""
    hashed = HASHER.hash(_password(password))
    _with_accounts(
        lambda accounts: _change(
            accounts, officer, password_hash=hashed, failures=0, locked_until=None
        )
    )
    typer.echo(f"password of {officer} set")


@app.command("demo")
def demo_cmd() -> None:
    """Create the demonstration accounts (one per role, password `fuyuan-demo`)."""
    registry = Registry.load()
    made = _with_accounts(lambda accounts: demo.create(accounts, registry))
    typer.echo(f"created {len(made)} demonstration accounts; password {demo.PASSWORD}")


def workbench(
    port: Annotated[int | None, typer.Option(help="Instead of FUYUAN_WORKBENCH_PORT.")] = None,
) -> None:
    """Run the web workbench 工作台 (reads NATS_URL, DATABASE_URL, FUYUAN_WORKBENCH_*)."""
    from services.reporting.workbench.main import main

    main(port)
