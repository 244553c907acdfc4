"""Refusals of the bankruptcy rules: each is a `BankruptcyError` subclass whose `field` names a
part of the message, and each is provoked by a bankruptcy test (until the service's intake
gives them their end-to-end scenarios)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.bankruptcy.domain import errors

HERE = Path(__file__).parent
REFUSALS = sorted(
    (
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.BankruptcyError)
    ),
    key=lambda c: c.__name__,
)
FIELD = re.compile(r"^(type|data|data(\.[a-z_]+)+|envelope\.[a-z_]+)$")


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda c: c.__name__)
def test_a_refusal_names_a_field_of_the_message(refusal: type[errors.BankruptcyError]) -> None:
    assert FIELD.match(refusal.field), refusal.field


@pytest.mark.parametrize(
    "refusal", [c for c in REFUSALS if c is not errors.BankruptcyError], ids=lambda c: c.__name__
)
def test_every_refusal_is_provoked_by_a_test(refusal: type[errors.BankruptcyError]) -> None:
    tests = "".join(
        p.read_text(encoding="utf-8")
        for p in HERE.glob("test_bankruptcy_*.py")
        if p.name != Path(__file__).name
    )
    assert f"errors.{refusal.__name__}" in tests


def test_a_rule_may_name_a_more_precise_field() -> None:
    e = errors.FutureDateError("after today", "data.filed_on")
    assert (e.field, errors.FutureDateError.field, str(e)) == (
        "data.filed_on",
        "data",
        "after today",
    )
