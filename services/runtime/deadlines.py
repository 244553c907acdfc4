"""期限 machinery a service's deadline runner shares: the span continuing the trace of what set a
deadline, one stream's due decision written at the version loaded, and the tick loop. The rules
of what is due stay the service's own; everything here takes them as parameters."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from opentelemetry import trace

from services.runtime.eventstore import ConcurrencyError, EventStore, NewEvent, StreamWrite
from services.runtime.observability import extract_context

S = TypeVar("S")
T = TypeVar("T")


def stored_headers(headers: str | dict[str, str] | None) -> dict[str, str]:
    """The trace headers as stored with an event."""
    # asyncpg gives jsonb as text unless the pool registered a codec for it
    return json.loads(headers) if isinstance(headers, str) else dict(headers or {})


def continuing(
    tracer: trace.Tracer, causes: list[Any]
) -> contextlib.AbstractContextManager[trace.Span]:
    """A span in the trace of the first event that set the deadline, linked to the others', so
    a notice or result the deadline causes continues the request behind it (not a new trace)."""
    contexts = [extract_context(stored_headers(headers)) for headers in causes]
    # a cause stored without trace context (older events) must not hide one stored with it
    contexts.sort(key=lambda ctx: not trace.get_current_span(ctx).get_span_context().is_valid)
    spans = [trace.get_current_span(ctx).get_span_context() for ctx in contexts]
    return tracer.start_as_current_span(
        "deadline due",
        context=contexts[0] if contexts else None,
        links=[trace.Link(span) for span in spans[1:] if span.is_valid],
    )


async def apply_due(
    store: EventStore,
    load: Callable[[], Awaitable[tuple[S, int]]],
    stream_id: str,
    decide: Callable[[S], list[T]],
    emit: Callable[[S, list[T]], list[NewEvent]],
) -> int:
    """Decide on the stream as loaded and append at its version, in the current span (`emit`
    stores its context with each message); how many messages were written. A stream moved
    meanwhile is looked at again on the next tick."""
    state, version = await load()
    outs = decide(state)
    if not outs:
        return 0
    try:
        await store.append(StreamWrite(stream_id, version, emit(state, outs)))
    except ConcurrencyError:
        return 0
    return len(outs)


async def run_ticks(
    tick: Callable[[], Awaitable[int]],
    stop: asyncio.Event,
    every: float,
    log: structlog.stdlib.BoundLogger,
) -> None:
    """Tick every `every` seconds until `stop`; a failed tick is logged and the next one runs."""
    while not stop.is_set():
        try:
            # A tick stuck on a lost connection is given up, so the timers keep running.
            async with asyncio.timeout(max(60.0, every * 10)):
                await tick()
        except Exception as exc:
            log.warning("deadline tick failed", error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
