"""Hostile messages for a run, from the fuzzer's strategies (`chaos.fuzz`), published as an
integrator would: with `Nats-Msg-Id` = the envelope's event id when there is one to read."""

from __future__ import annotations

from chaos.book import envelope_id
from chaos.fuzz import hostile


def hostile_messages(count: int, at_seed: int) -> list[tuple[str, bytes, str | None]]:
    """(subject, bytes, Nats-Msg-Id) of `count` hostile messages over every ingress subject."""
    return [(subject, data, envelope_id(data)) for subject, data in hostile(count, at_seed=at_seed)]
