"""The only module that knows the reporting subjects and durable consumer names: the commands
of the units and the joint offices, and the observer's consumer of every context's stream."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from contracts.catalog import CONTEXTS
from contracts.reporting import MessageRejected
from contracts.reporting.reports import IssueReportingNotice, ReturnReport, SubmitReport
from contracts.subjects import commands
from services.reporting.domain.errors import ReportingError
from services.reporting.handlers import Handlers
from services.reporting.observed import Observer
from services.runtime.consumer import Consumer
from services.runtime.intake import Intake, Route

CONTEXT = "reporting"
COMMANDS = "reporting_commands"
"""The durable consumer of the units' and the joint offices' commands."""
UNOBSERVED = frozenset({"ledger"})
"""The ledger's own stream holds its signed checkpoints, not facts of the joint work."""
OBSERVED = tuple(c for c in CONTEXTS if c not in UNOBSERVED)
"""The contexts whose events and notices the service keeps (its own included)."""


def observer_durable(context: str) -> str:
    return f"reporting_{context}"


@dataclass(frozen=True)
class Edges:
    """What the consumers are made from: the handlers, the routes and refusals of the
    indicator and assessment commands, and the observer (None in the in-memory tier)."""

    handlers: Handlers
    observer: Observer | None = None
    more_routes: dict[str, Route] = field(default_factory=dict)
    more_refusals: tuple[type[Exception], ...] = ()
    batch_size: int = 128
    """Messages the observer keeps in one transaction."""


def command_routes(h: Handlers) -> dict[str, Route]:
    return {
        IssueReportingNotice.TYPE: h.issue_notice,
        SubmitReport.TYPE: h.submit,
        ReturnReport.TYPE: h.return_report,
    }


def intake(edges: Edges, clock: Callable[[], datetime]) -> Intake:
    return Intake(
        store=edges.handlers.store,
        consumer=COMMANDS,
        routes={**command_routes(edges.handlers), **edges.more_routes},
        rejection_type=MessageRejected,
        refusals=(ReportingError, *edges.more_refusals),
        clock=clock,
    )


def observers(observer: Observer, batch_size: int, max_attempts: int) -> list[Consumer]:
    return [
        Consumer(
            context=context,
            durable=observer_durable(context),
            subject=f"{context}.>",
            handle=functools.partial(observer.one, context),
            handle_batch=functools.partial(observer.batch, context),
            batch_size=batch_size,
            max_attempts=max_attempts,
        )
        for context in OBSERVED
    ]


def consumers(edges: Edges, clock: Callable[[], datetime], max_attempts: int) -> list[Consumer]:
    commanded = Consumer(
        context=CONTEXT,
        durable=COMMANDS,
        subject=commands(CONTEXT),
        handle=intake(edges, clock),
        max_attempts=max_attempts,
    )
    if edges.observer is None:
        return [commanded]
    return [commanded, *observers(edges.observer, edges.batch_size, max_attempts)]
