"""`fuyuan dlq`: show the messages set aside after repeated failures, and replay them."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from typing import Annotated

import nats
import typer
from rich.console import Console
from rich.table import Table

from services.runtime.deadletters import list_deadletters, replay

app = typer.Typer(help="Dead letters 死信: list and replay messages that kept failing.")


def _url() -> str:
    url = os.environ.get("NATS_URL")
    if not url:
        typer.echo("NATS_URL is not set", err=True)
        raise typer.Exit(2)
    return url


async def _list() -> Table:
    nc = await nats.connect(servers=_url().split(","))
    try:
        letters = await list_deadletters(nc.jetstream())
    finally:
        await nc.close()
    table = Table(title=f"dead letters: {len(letters)}")
    for col in ("seq", "failed at", "consumer", "attempts", "subject", "error"):
        table.add_column(col)
    for d in letters:
        when = datetime.fromtimestamp(d.failed_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(str(d.sequence), when, d.consumer, str(d.attempts), d.original_subject,
                      d.error)  # fmt: skip
    return table


@app.command("list")
def list_cmd() -> None:
    """Every dead letter with its consumer, attempts, original subject and error."""
    Console().print(asyncio.run(_list()))


async def _replay(seqs: list[int], everything: bool) -> int:
    nc = await nats.connect(servers=_url().split(","))
    try:
        js = nc.jetstream()
        letters = [d for d in await list_deadletters(js) if everything or d.sequence in seqs]
        for d in letters:
            await replay(js, d)
        return len(letters)
    finally:
        await nc.close()


@app.command("replay")
def replay_cmd(
    seq: Annotated[
        list[int] | None, typer.Argument(help="Sequence numbers from `dlq list`.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Replay every dead letter.")] = False,
) -> None:
    """Publish dead letters again on their original subjects and remove them from the list."""
    if not seq and not all_:
        raise typer.BadParameter("name sequence numbers or pass --all")
    typer.echo(f"replayed {asyncio.run(_replay(seq or [], all_))}")
