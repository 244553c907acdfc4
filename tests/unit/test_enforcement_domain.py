"""Enforcement rules, pure: no I/O, time passed in."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from contracts.organizations import Registry
from services.cli.simulate import register_case
from services.enforcement import domain

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def command(court: str = "CT410482") -> object:
    return register_case(random.Random(1), Registry.load().get(court), 1234, NOW).data


def test_the_executing_court_registers_its_case() -> None:
    [event] = domain.decide_register(
        command(), domain.Case(), court="CT410482", court_case_code="豫0482", now=NOW
    )
    assert event.executing_court == "CT410482"
    assert domain.evolve(domain.Case(), event).registered


def test_another_court_cannot_register_the_case() -> None:
    with pytest.raises(domain.NotTheExecutingCourtError, match="豫0482"):
        domain.decide_register(
            command(), domain.Case(), court="CT410300", court_case_code="豫03", now=NOW
        )


def test_a_case_is_registered_only_once() -> None:
    case = domain.Case(case_number="（2026）豫0482执1234号", executing_court="CT410482")
    with pytest.raises(domain.CaseAlreadyRegisteredError):
        domain.decide_register(command(), case, court="CT410482", court_case_code="豫0482", now=NOW)


def test_a_non_enforcement_case_type_is_refused() -> None:
    cmd = command().model_copy(update={"case_number": "（2026）豫0482民初12号"})  # type: ignore[attr-defined]
    with pytest.raises(domain.NotAnEnforcementCaseError, match="民初"):
        domain.decide_register(
            cmd, domain.Case(), court="CT410482", court_case_code="豫0482", now=NOW
        )


def test_a_legacy_enforcement_referral_is_not_registered_as_an_enforcement_case() -> None:
    cmd = command().model_copy(update={"case_number": "（2026）豫0482执请3号"})  # type: ignore[attr-defined]
    with pytest.raises(domain.NotAnEnforcementCaseError, match="执请"):
        domain.decide_register(
            cmd, domain.Case(), court="CT410482", court_case_code="豫0482", now=NOW
        )
