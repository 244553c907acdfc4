"""The guard of a service's refusals, for its fast-tier refusal tests: every class its intakes
turn into a rejection (found by walking the class tree, so a new refusal is found without being
listed) has a scenario that provokes it through the real consumers, and each scenario's sender
gets exactly one rejection naming the field and holding the reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

import pytest

from services.runtime.consumer import Consumer
from services.runtime.intake import Intake
from tests.fast.harness import Published


class Fast(Protocol):
    consumers: list[Consumer]


H = TypeVar("H", bound=Fast)

Scenario = Callable[[H], Awaitable[tuple[str, list[Published]]]]
"""Brings a case to where the rule applies, then sends the message it refuses; returns the
sender of that message and what the relay published after it."""


def refusals_of(consumers: Iterable[Consumer]) -> dict[str, type[Exception]]:
    """Every class the consumers' intakes turn into a rejection, and every subclass of them."""
    intakes = [c.handle for c in consumers if isinstance(c.handle, Intake)]
    found: dict[str, type[Exception]] = {}
    todo = [cls for intake in intakes for cls in intake.refusals]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


class RefusalGuard(Generic[H]):
    """One service's refusals and the scenarios that provoke them (`@guard.provokes`)."""

    def __init__(
        self, harness: Callable[[], H], rejection_type: str, not_provoked: dict[str, str]
    ) -> None:
        self.harness, self.rejection_type = harness, rejection_type
        self.not_provoked = not_provoked
        self.scenarios: dict[str, tuple[Scenario[H], str | None, str]] = {}
        """Refusal class name → (scenario, the field named or None for the class's own
        `field`, a phrase its reason must hold)."""
        self.refusals = refusals_of(harness().consumers)

    def provokes(
        self, error: str, reason: str, field: str | None = None
    ) -> Callable[[Scenario[H]], Scenario[H]]:
        def record(scenario: Scenario[H]) -> Scenario[H]:
            self.scenarios[error] = (scenario, field, reason)
            return scenario

        return record

    def provokable(self) -> list[str]:
        """The refusals a scenario must provoke, by name."""
        return sorted(set(self.refusals) - set(self.not_provoked))

    def assert_complete(self) -> None:
        """Every refusal has a scenario and every scenario a refusal."""
        refusals, scenarios, not_provoked = (
            set(self.refusals),
            set(self.scenarios),
            set(self.not_provoked),
        )
        assert sorted(refusals - scenarios - not_provoked) == []
        assert sorted((scenarios | not_provoked) - refusals) == []
        assert scenarios.isdisjoint(not_provoked)

    async def assert_refused(self, name: str) -> None:
        """The scenario's sender gets one rejection naming the field and the reason."""
        if name not in self.scenarios:
            pytest.fail(f"no scenario provokes {name}: add one with @provokes")
        scenario, field, reason = self.scenarios[name]
        sender, out = await scenario(self.harness())
        named = field or getattr(self.refusals[name], "field", "data")
        problems: Any = [(x.type, x.problems) for x in out]
        assert [x.type for x in out] == [self.rejection_type], problems
        assert out[0].to == sender
        assert [f for f, _ in out[0].problems] == [named], out[0].problems
        assert reason in out[0].problems[0][1]
