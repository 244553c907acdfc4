"""`fuyuan bureau listen`: connect a bureau's own system to its notices; and `bureaus`, the
simulated property bureaus mounted as `fuyuan simulate bureaus`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Bureaus 府: receive notices and answer them from a bureau's own system.",
    no_args_is_help=True,
)


def _url() -> str:
    url = os.environ.get("NATS_URL")
    if not url:
        typer.echo("NATS_URL is not set", err=True)
        raise typer.Exit(2)
    return url


@contextlib.contextmanager
def _observability(name: str) -> Iterator[None]:
    """JSON log lines, and spans exported as the `OTEL_*` variables say (none unless
    OTEL_TRACES_EXPORTER is set), flushed when the command ends."""
    from services.runtime.observability import configure_logging, configure_tracing

    configure_logging()
    provider = configure_tracing(name)
    try:
        yield
    finally:
        provider.shutdown()


async def _until_signalled(
    work: Callable[[asyncio.Event], Awaitable[Any]], seconds: float = 0.0
) -> Any:
    """Run `work(stop)`; set `stop` on SIGINT or SIGTERM, or after `seconds` if given."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    timer = loop.call_later(seconds, stop.set) if seconds > 0 else None
    try:
        return await work(stop)
    finally:
        if timer is not None:
            timer.cancel()


def _check_org(org: str) -> None:
    """The code must be a bureau of the registry, when there is a registry to ask."""
    from contracts.organizations import Registry, RegistryError

    try:
        registry = Registry.load()
    except (OSError, RegistryError):
        return  # a bureau's own machine need not carry the registry
    if org not in registry:
        raise typer.BadParameter(f"no organization {org!r} in the registry", param_hint="--org")


@app.command("listen")
def listen(
    org: Annotated[
        str, typer.Option("--org", help="The bureau's organization code, e.g. NR410300.")
    ],
    exec_command: Annotated[
        str | None,
        typer.Option(
            "--exec",
            help="Run this command (by /bin/sh) per notice: notice JSON on stdin, reply "
            "data JSON (or nothing) on stdout; exit status 75 means 'not yet'.",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            help="POST each notice's JSON to this URL; the response body is the reply "
            "data (204: nothing to answer, 202: not yet).",
        ),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Write notices to DIR/inbox/<event_id>.json; take replies from "
            "DIR/outbox/<event_id>.json.",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            help="Seconds to wait per notice for the command, the webhook or the outbox file before "
            "asking again later."
        ),
    ] = 60.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Notices handled at once.")] = 1,
    share: Annotated[
        bool,
        typer.Option(
            "--share",
            help="Start even if another client pulls ORG's notices already (another instance "
            "of the same system, sharing the work).",
        ),
    ] = False,
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            help="Hear this context's notices (repeat for several); default: enforcement and "
            "bankruptcy, each through its own durable consumer <context>_<ORG>.",
        ),
    ] = None,
) -> None:
    """Receive ORG's notices from its durable consumer and answer them through a command, a
    webhook or a directory (reads NATS_URL; credentials may be in it). Refuses to start while
    another client pulls from that consumer, unless --share. Ctrl-C stops."""
    from services.bureaus.client import (
        CONTEXTS,
        clients_for,
        dir_handler,
        exec_handler,
        run_all,
        webhook_handler,
    )

    chosen = [x for x in (exec_command, webhook, directory) if x is not None]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --exec, --webhook and --dir")
    contexts = tuple(dict.fromkeys(context or CONTEXTS))
    unknown = [c for c in contexts if c not in CONTEXTS]
    if unknown:
        raise typer.BadParameter(
            f"not a context with notices for bureaus: {', '.join(unknown)}", param_hint="--context"
        )
    _check_org(org)
    url = _url()
    if exec_command is not None:
        handler = exec_handler(org, exec_command, timeout=timeout)
    elif webhook is not None:
        try:
            handler = webhook_handler(org, webhook, timeout=timeout)
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--webhook") from None
    else:
        assert directory is not None
        handler = dir_handler(org, directory, wait=timeout)
    name = f"fuyuan bureau listen --org {org}, pid {os.getpid()} on {socket.gethostname()}"
    clients = clients_for(
        org,
        url,
        handler,
        contexts,
        concurrency=concurrency,
        handler_timeout=timeout + 30.0,
        client_name=name,
    )
    if not share:
        for client in clients:
            _alone_or_exit(client)
    with _observability(f"bureau-{org}"):
        asyncio.run(_until_signalled(lambda stop: run_all(clients, stop)))
    total: dict[str, int] = {}
    for client in clients:
        for key, value in client.stats.items():
            total[key] = total.get(key, 0) + value
    typer.echo(_counts(total), err=True)


def _alone_or_exit(client: Any) -> None:
    """Exit, saying who and what to do, if another client pulls the organization's notices:
    two clients on one durable consumer each get a part of them, and neither says so."""

    async def others() -> str | None:
        try:
            return await client.others()
        finally:
            await client.close()

    try:
        other = asyncio.run(others())
    except Exception as e:  # the server will say more when the client binds
        typer.echo(f"could not check whether another client listens: {e!r}", err=True)
        return
    if other is None:
        return
    org = client.org
    typer.echo(
        f"Another client already pulls {org}'s notices from the durable consumer "
        f"{client.durable}: {other}.\n"
        f"Two clients on one durable each get a part of the notices, so this one is not started.\n"
        f"- Under `make run` it is the simulated bureaus, which answer for every bureau: start "
        f"it as `FUYUAN_SIMULATE_EXCEPT={org} make run` (or run `fuyuan simulate bureaus "
        f"--except {org}`), and they leave {org} to you.\n"
        f"- Otherwise stop that client first. A second durable is not the answer: each "
        f"durable gets every notice, and the bureau would answer each twice.\n"
        f"- If it is another instance of your own system, sharing the work on purpose, start "
        f"this one with --share.",
        err=True,
    )
    raise typer.Exit(1)


def _counts(stats: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(stats.items())) or "no notices"


def bureaus(
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            help="Only this bureau (repeat for several); default: every bureau of the "
            "registry that handles a property kind or applies joint sanctions, and every "
            "bureau and joint office a bankruptcy's coordination tasks reach.",
        ),
    ] = None,
    leave: Annotated[
        list[str] | None,
        typer.Option(
            "--except",
            envvar="FUYUAN_SIMULATE_EXCEPT",
            help="Not this bureau (repeat, or several separated by spaces in "
            "FUYUAN_SIMULATE_EXCEPT): its own client answers for it.",
        ),
    ] = None,
    latency_ms: Annotated[
        float, typer.Option(min=0, help="Mean answer time in milliseconds (each 50–150 % of it).")
    ] = 300.0,
    failure_rate: Annotated[
        float,
        typer.Option(min=0, max=1, help="Share of notices never answered, to show deadlines."),
    ] = 0.05,
    refusal_rate: Annotated[
        float,
        typer.Option(min=0, max=1, help="Share of control orders and sanction notices refused."),
    ] = 0.05,
    seed: Annotated[int, typer.Option(help="Seed of the dataset and of every choice.")] = 7,
    duration: Annotated[
        float, typer.Option(min=0, help="Stop after this many seconds (0: run until stopped).")
    ] = 0.0,
) -> None:
    """Property bureaus 府 answering queries from a generated dataset and applying, queueing
    (轮候) or refusing control orders, sanction bureaus acknowledging, and the units of a
    bankruptcy answering its coordination tasks (the finance bureau its expense-aid requests),
    all in one process (reads NATS_URL). Ctrl-C stops."""
    from contracts.organizations import Registry
    from services.bureaus.simulator import Behaviour, run_bureaus, simulated_bureaus

    try:
        chosen = simulated_bureaus(Registry.load(), org or ())
        left = {b.code for b in simulated_bureaus(Registry.load(), leave or ())} if leave else set()
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--org / --except") from None
    chosen = [b for b in chosen if b.code not in left]
    url = _url()
    where = f"pid {os.getpid()} on {socket.gethostname()}"
    name = f"the simulated bureaus (fuyuan simulate bureaus, {where})"
    behaviour = Behaviour(
        latency_ms=latency_ms, failure_rate=failure_rate, refusal_rate=refusal_rate, seed=seed
    )
    typer.echo(f"simulating {len(chosen)} bureaus: {', '.join(b.code for b in chosen)}", err=True)
    if left:
        typer.echo(f"not simulating {', '.join(sorted(left))}: their own clients answer", err=True)
    with _observability("bureaus"):
        stats = asyncio.run(
            _until_signalled(
                lambda stop: run_bureaus(url, chosen, behaviour, stop, client_name=name), duration
            )
        )
    table = Table(title="simulated bureaus")
    for column in ("bureau", "replied", "unanswered", "retried", "rejections"):
        table.add_column(column)
    for code, counts in stats.items():
        table.add_row(
            code,
            *(str(counts.get(k, 0)) for k in ("replied", "unanswered", "retried", "rejections")),
        )
    Console(stderr=True).print(table)
