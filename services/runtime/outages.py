"""停摆 — telling an outage from a message failure.

A message that fails because PostgreSQL or NATS cannot be reached has done nothing wrong: its
consumer pauses and tries it again when the server is back, without spending one of its attempts.
Only an error that the message itself causes counts towards setting it aside.
"""

from __future__ import annotations

import socket

import asyncpg
import nats.errors
from nats.js.errors import ServiceUnavailableError

_DATABASE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # connection lost or refused, no such connection
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    asyncpg.InterfaceError,  # "connection is closed", pool closing
)
_MESSAGING: tuple[type[BaseException], ...] = (
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionDrainingError,
    nats.errors.NoServersError,
    nats.errors.StaleConnectionError,
    nats.errors.NoRespondersError,  # JetStream not (yet) answering
    ServiceUnavailableError,
)
_NETWORK: tuple[type[BaseException], ...] = (ConnectionError, socket.gaierror)


def database_outage(exc: BaseException) -> bool:
    """Whether `exc` (or an exception it was raised from) says PostgreSQL is unreachable."""
    return _caused_by(exc, _DATABASE)


def messaging_outage(exc: BaseException) -> bool:
    """Whether `exc` (or an exception it was raised from) says NATS is unreachable."""
    return _caused_by(exc, _MESSAGING)


def is_outage(exc: BaseException) -> bool:
    """An outage of a server, not a fault of the message being handled."""
    return _caused_by(exc, _DATABASE + _MESSAGING + _NETWORK)


def _caused_by(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
