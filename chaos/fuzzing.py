"""Drawing hostile messages for a run from the fuzzer's strategies (`chaos.fuzz`).

Hypothesis draws them (seeded, no example database), as a property test would, and the suite
publishes them as an integrator would: with `Nats-Msg-Id` = the envelope's event id when there
is one to read.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from chaos.book import envelope_id


def draw(strategy: st.SearchStrategy[Any], count: int, at_seed: int) -> list[Any]:
    """`count` examples of `strategy` (fewer if it has fewer to give)."""
    found: list[Any] = []

    @seed(at_seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        found.append(example)

    collect()
    return found[:count]


def hostile_messages(count: int, at_seed: int) -> list[tuple[str, bytes, str | None]]:
    """(subject, bytes, Nats-Msg-Id) of `count` hostile messages over every ingress subject."""
    from chaos.fuzz import ingress_messages

    examples = draw(ingress_messages(), count, at_seed)
    out = []
    for subject, body in examples:
        data = body if isinstance(body, bytes) else str(body).encode("utf-8", "surrogatepass")
        out.append((subject, data, envelope_id(data)))
    return out
