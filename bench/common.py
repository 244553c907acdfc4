"""What every benchmark shares: the event type it writes, the events, timing and medians."""

from __future__ import annotations

import contextlib
import statistics
import uuid
from collections import Counter
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from contracts.base import Event
from contracts.envelope import Envelope, Message
from contracts.registry import PAYLOADS, register
from services.runtime.eventstore import NewEvent

ORG = "CT410300"
TRACEPARENT = "00-" + "1" * 32 + "-" + "2" * 16 + "-01"


class Measured(Event):
    """A fact recorded only by the benchmarks."""

    TYPE = "bench.event.measured.v1"
    n: int
    """Sequence number within a round."""
    note: str
    """Free text, so a message has a realistic size (about 400 bytes of JSON)."""


if PAYLOADS.get(Measured.TYPE) is None:
    register(Measured)

SUBJECT = f"{Measured.TYPE}.{ORG}"
NOTE = "执行案件进度通知 — enforcement progress notice; " * 2


def measured(n: int) -> NewEvent:
    """One event as a service would append it: a typed message, its subject, trace headers."""
    eid = uuid.uuid4()
    env = Envelope(
        event_id=eid,
        type=Measured.TYPE,
        occurred_at=datetime.now(UTC),
        organization=ORG,
        correlation_id=eid,
    )
    msg: Message[Any] = Message[Measured](envelope=env, data=Measured(n=n, note=NOTE))
    return NewEvent(msg, SUBJECT, {"traceparent": TRACEPARENT})


def events(count: int) -> list[NewEvent]:
    return [measured(i) for i in range(count)]


def batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Samples:
    """Events per second of each timed round of one contender."""

    name: str
    rates: list[float] = field(default_factory=list)

    def add(self, count: int, seconds: float) -> None:
        self.rates.append(count / seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.rates) if self.rates else float("nan")

    @property
    def spread(self) -> tuple[float, float]:
        return (min(self.rates), max(self.rates)) if self.rates else (float("nan"),) * 2


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def service_pool_options() -> tuple[dict[str, Any], str]:
    """The asyncpg pool options the services use (`services/runtime/host.py`), described."""
    try:
        from services.runtime.host import POOL_OPTIONS
    except ImportError:
        return {}, "asyncpg's default reset on release"
    return dict(POOL_OPTIONS), (
        "`reset=keep_session, max_inactive_connection_lifetime=0` as in services/runtime/host.py"
    )


class LogCounter:
    """A structlog processor that counts the services' log events (by event and error type)
    and drops them: handler failures and rejections are reported, not printed."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(self, _logger: Any, _method: str, event: MutableMapping[str, Any]) -> Any:
        error = str(event.get("error", "")).split(":")[0].rsplit(".", 1)[-1]
        self.counts[f"{event.get('event')}" + (f" ({error})" if error else "")] += 1
        raise structlog.DropEvent

    @contextlib.contextmanager
    def installed(self) -> Iterator[LogCounter]:
        """structlog configured to count instead of print, then back to its defaults."""
        structlog.configure(processors=[self], cache_logger_on_first_use=False)
        try:
            yield self
        finally:
            structlog.reset_defaults()

    def failures(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("handler failed"))

    def rejected(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("message rejected"))
