"""Indicator snapshots and unit assessment on command (filled in next)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import asyncpg

from services.runtime.eventstore import EventStore
from services.runtime.intake import Route

REFUSALS: tuple[type[Exception], ...] = ()


def routes(
    store: EventStore, pool: asyncpg.Pool, schema: str, clock: Callable[[], datetime]
) -> dict[str, Route]:
    """The command routes of the indicator and assessment commands."""
    return {}
