"""The scenarios one after another, on one PostgreSQL (a fresh database each)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import structlog

from chaos.result import Result
from chaos.run import Plan, run_scenario
from chaos.scenarios import Scenario
from chaos.servers import Postgres


def quiet() -> None:
    """The suite's own log lines only from warnings up: it reports, it does not narrate."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


async def run_all(
    scenarios: list[Scenario], plan: Plan, home: Path, say: Callable[[str], None] = print
) -> list[Result]:
    postgres = await asyncio.to_thread(Postgres.start, home / "postgresql")
    results = []
    try:
        for scenario in scenarios:
            say(f"[bold]{scenario.title}[/bold]")
            results.append(
                await run_scenario(
                    scenario, postgres, home / f"scenario-{scenario.name}", plan, say
                )
            )
            if postgres.server.pgdata.joinpath("postmaster.pid").exists() is False:
                await asyncio.to_thread(postgres.restart)  # a scenario left it down
    finally:
        await asyncio.to_thread(postgres.stop)
    return results
