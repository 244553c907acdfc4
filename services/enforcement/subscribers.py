"""The only module that knows the enforcement subjects and durable consumer names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from contracts.enforcement import MessageRejected, RegisterCase
from contracts.organizations import Registry, UnknownOrganizationError
from contracts.subjects import commands
from services.enforcement import domain, handlers
from services.runtime.consumer import Consumer
from services.runtime.eventstore import EventStore
from services.runtime.intake import Intake


def intake(store: EventStore, registry: Registry, clock: Callable[[], datetime]) -> Intake:
    return Intake(
        store=store, consumer=handlers.CONSUMER,
        routes={RegisterCase.TYPE: partial(handlers.register_case, store, registry)},
        rejection_type=MessageRejected,
        refusals=(domain.EnforcementError, UnknownOrganizationError),
        clock=clock,
    )  # fmt: skip


def consumers(
    store: EventStore, registry: Registry, clock: Callable[[], datetime], max_attempts: int
) -> list[Consumer]:
    return [
        Consumer(
            context="enforcement", durable=handlers.CONSUMER, subject=commands("enforcement"),
            handle=intake(store, registry, clock), max_attempts=max_attempts,
        )
    ]  # fmt: skip
