"""fuyuan — the one command-line entry point for everything an operator does."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from services.cli import (
    audit,
    bureau,
    calendar_cmd,
    contracts_cmd,
    deploy,
    dlq,
    export_cmd,
    ids,
    projections,
    reporting_cmd,
    status,
    users_cmd,
)

app = typer.Typer(
    name="fuyuan",
    help="Fuyuan 府院联动: run the stack, check identifiers, export contracts, inspect dead letters.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # locals may hold personal id numbers
)
app.add_typer(ids.app, name="ids")
app.add_typer(contracts_cmd.app, name="contracts")
app.add_typer(dlq.app, name="dlq")
app.add_typer(audit.app, name="audit")
app.add_typer(deploy.app, name="deploy")
app.add_typer(bureau.app, name="bureau")
app.add_typer(projections.app, name="projections")
app.add_typer(users_cmd.app, name="users")
app.add_typer(reporting_cmd.app, name="reporting")
app.command("trace")(audit.trace)
app.command("export")(export_cmd.export)
app.command("status")(status.status)
app.command("calendar")(calendar_cmd.calendar)
app.command("workbench")(users_cmd.workbench)
simulate_app = typer.Typer(help="Simulated courts and bureaus, for development and demos.")
app.add_typer(simulate_app, name="simulate")
simulate_app.command("bureaus")(bureau.bureaus)


@app.command()
def up(
    data_dir: Annotated[
        Path, typer.Option(help="Where the embedded servers keep their data.")
    ] = Path(".fuyuan"),
    simulate: Annotated[bool, typer.Option(help="Run simulated courts and bureaus too.")] = True,
    rate: Annotated[float, typer.Option(help="Simulated cases per second.")] = 1.0,
) -> None:
    """Start everything: NATS and PostgreSQL (embedded unless NATS_URL / DATABASE_URL are set),
    migrations, every service, simulated courts and bureaus, and a live view of the messages.
    A child that exits is named in the view with its reason. Ctrl-C stops all; the exit status
    is 1 if a child crashed on the way."""
    from services.cli.stack import up as run_up

    if code := asyncio.run(run_up(data_dir.resolve(), simulate, rate)):
        raise typer.Exit(code)


@app.command()
def service(
    name: Annotated[str, typer.Argument(help="enforcement, bankruptcy, risk, reporting, ledger")],
) -> None:
    """Run one service in the foreground (reads NATS_URL and DATABASE_URL)."""
    from services.runtime.catalog import SERVICES

    if name not in SERVICES:
        raise typer.BadParameter(f"unknown service {name!r}; known: {', '.join(SERVICES)}")
    # The same process (same pid) starts again without the command line's libraries.
    os.execv(sys.executable, [sys.executable, "-P", "-m", "services.runtime", name])


@app.command()
def migrate() -> None:
    """Apply the SQL migrations of every service schema to DATABASE_URL, then exit."""
    from services.runtime.catalog import SERVICES
    from services.runtime.migrations import migrate_all

    url = os.environ.get("DATABASE_URL") or _missing("DATABASE_URL")
    for schema, names in asyncio.run(migrate_all(url, SERVICES)).items():
        typer.echo(f"{schema}: {len(names)} applied" + (f" ({', '.join(names)})" if names else ""))


@simulate_app.command("courts")
def simulate_courts(
    rate: Annotated[float, typer.Option(help="Messages per second.")] = 1.0,
    invalid: Annotated[float, typer.Option(help="Share of deliberately wrong messages.")] = 0.2,
    count: Annotated[int, typer.Option(help="Stop after this many (0: run until stopped).")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Courts registering enforcement cases 立案, some with mistakes, on their own subjects."""
    from services.cli.simulate import run_courts

    url = os.environ.get("NATS_URL") or _missing("NATS_URL")
    sent = asyncio.run(run_courts(url, rate, invalid, count, seed))
    typer.echo(f"sent {sent}")


def _missing(name: str) -> str:
    typer.echo(f"{name} is not set", err=True)
    raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
