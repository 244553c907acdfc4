"""Hostile messages to the bankruptcy, risk and reporting intakes, in memory: each gets a rejection or an
effect, never silence and never an error that would set it aside (the fuzzer of
`chaos/fuzz.py`, which `tests/integration/test_ingress_fuzz.py` runs against the enforcement
service on a real server)."""

from __future__ import annotations

import pytest

from chaos.fuzz import hostile
from contracts import catalog
from tests.fast.bankruptcy_harness import BankruptcyHarness
from tests.fast.harness import Delivering
from tests.fast.reporting_harness import ReportingHarness
from tests.fast.risk_harness import RiskHarness

HARNESSES: dict[str, type[Delivering]] = {
    "bankruptcy": BankruptcyHarness,
    "risk": RiskHarness,
    "reporting": ReportingHarness,
}


def ingress(context: str) -> list[str]:
    kinds = (f"{context}.command.", f"{context}.reply.")
    return sorted(t for t in catalog.public() if t.startswith(kinds))


@pytest.mark.parametrize("context", sorted(HARNESSES))
async def test_every_hostile_message_gets_a_rejection_or_an_effect(context: str) -> None:
    silent = []
    for subject, data in hostile(80, ingress(context), at_seed=3):
        published = await HARNESSES[context]().deliver(subject, data)
        if not published:
            silent.append(subject)
    assert silent == []
