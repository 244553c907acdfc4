"""指标目录 — the indicator catalogue (`deploy/reporting/indicators.yaml`) and the unit-assessment
weights (`deploy/reporting/assessment.yaml`): versioned data, validated when loaded; every
problem is named by entry and field. An indicator's formula names the event types it counts;
each must be a registered message type (checked at load against the registry given).

Formula kinds (all over the events of one period and scope):
- `ratio`: subjects with a `numerator` event ÷ subjects with a `denominator` event; with
  `within_days`, a subject counts in the numerator only if its numerator event came at most that
  many days after its denominator event; `outcomes` keeps only numerator events whose outcome is
  listed, `denominator_outcomes` likewise for the denominator; a subject with an `unless` event
  is left out of the numerator.
- `median_days` / `mean_days`: per subject, days from its `denominator` (start) event to its
  `numerator` (end) event; the median or the mean over subjects that ended in the period.
- `count`: subjects with a `numerator` event.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from contracts.bankruptcy.data import (
    DataError,
    EntryId,
    Source,
    Text,
    Version,
    duplicates,
    from_data,
    load,
    source_problems,
)
from contracts.base import Contract


class FormulaKind(StrEnum):
    RATIO = "ratio"  # 比率
    MEDIAN_DAYS = "median_days"  # 中位用时（日）
    MEAN_DAYS = "mean_days"  # 平均用时（日）
    COUNT = "count"  # 件数


class Direction(StrEnum):
    HIGHER = "higher"  # 越高越好
    LOWER = "lower"  # 越低越好


class Formula(Contract):
    """How the value is counted from events: see the module's docstring."""

    kind: FormulaKind
    numerator: tuple[str, ...] = Field(min_length=1)
    """Event types that count (ratio, count) or end a subject's span (days)."""
    denominator: tuple[str, ...] = ()
    """Event types of the base (ratio) or that start a subject's span (days)."""
    within_days: int | None = Field(default=None, ge=1, le=3650)
    outcomes: tuple[str, ...] = ()
    denominator_outcomes: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    """A subject with an event of these types does not count in the numerator (an item that
    went overdue is not on time even when it was later checked off)."""
    group_by: str | None = None
    """`bureau` when the value is given per bureau (the event's `bureau`)."""

    @model_validator(mode="after")
    def _shape(self) -> Formula:
        if self.kind is not FormulaKind.COUNT and not self.denominator:
            raise ValueError(f"a {self.kind.value} formula needs denominator event types")
        if self.kind is FormulaKind.COUNT and self.denominator:
            raise ValueError("a count formula has no denominator")
        return self

    @property
    def event_types(self) -> tuple[str, ...]:
        return self.numerator + self.denominator + self.unless


class IndicatorDefinition(Contract):
    id: EntryId
    name_zh: Text
    name_en: Text
    formula: Formula
    unit: Text
    """`%`, `日`, `件`."""
    direction: Direction
    source: Source


class IndicatorCatalogue(Contract):
    version: Version
    source_documents: dict[EntryId, Text]
    indicators: tuple[IndicatorDefinition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorCatalogue:
        problems = list(duplicates("indicators", (i.id for i in self.indicators)))
        for n, entry in enumerate(self.indicators):
            where = f"indicators[{n}] {entry.id}"
            problems += source_problems(where, entry.source, self.source_documents)
        if problems:
            raise DataError(problems)
        return self

    def by_id(self, indicator_id: str) -> IndicatorDefinition:
        for entry in self.indicators:
            if entry.id == indicator_id:
                return entry
        raise KeyError(indicator_id)

    def unknown_types(self, known: Collection[str]) -> Iterator[str]:
        """Each formula event type that is not a registered message type, named by entry."""
        for n, entry in enumerate(self.indicators):
            for part in ("numerator", "denominator", "unless"):
                for type_ in getattr(entry.formula, part):
                    if type_ not in known:
                        yield (
                            f"indicators[{n}] {entry.id}: field formula.{part}: "
                            f"{type_!r} is not a registered event type"
                        )


class Weight(Contract):
    indicator: EntryId
    weight: float = Field(gt=0, le=100)


class AssessmentScheme(Contract):
    """考核权重 — each indicator's weight in a unit's score, and the lines for commendation and
    accountability (scores out of 100)."""

    version: Version
    source_documents: dict[EntryId, Text]
    source: Source
    weights: tuple[Weight, ...] = Field(min_length=1)
    commend_at_or_above: float = Field(ge=0, le=100)
    account_below: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> AssessmentScheme:
        problems = list(duplicates("weights", (w.indicator for w in self.weights)))
        problems += source_problems("assessment", self.source, self.source_documents)
        if self.account_below > self.commend_at_or_above:
            problems.append("field account_below: above commend_at_or_above")
        if problems:
            raise DataError(problems)
        return self

    def check_against(self, catalogue: IndicatorCatalogue) -> None:
        ids = {i.id for i in catalogue.indicators}
        problems = [
            f"weights[{n}] {w.indicator}: field indicator: not in the indicator catalogue"
            for n, w in enumerate(self.weights)
            if w.indicator not in ids
        ]
        if problems:
            raise DataError(problems)


def _path(name: str, variable: str) -> Path:
    if explicit := os.environ.get(variable):
        return Path(explicit)
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2]
    return Path(home) / "deploy" / "reporting" / name


def _checked(catalogue: IndicatorCatalogue, known: Collection[str], where: str) -> None:
    if problems := list(catalogue.unknown_types(known)):
        raise DataError(problems, where)


def indicators_from_data(data: Any, known: Collection[str]) -> IndicatorCatalogue:
    catalogue = from_data(IndicatorCatalogue, data)
    _checked(catalogue, known, "")
    return catalogue


def load_indicators(known: Collection[str], path: Path | None = None) -> IndicatorCatalogue:
    """The catalogue, its event types checked against `known` (the registry's types)."""
    where = path or _path("indicators.yaml", "FUYUAN_INDICATORS")
    catalogue = load(IndicatorCatalogue, where)
    _checked(catalogue, known, str(where))
    return catalogue


def load_assessment(catalogue: IndicatorCatalogue, path: Path | None = None) -> AssessmentScheme:
    where = path or _path("assessment.yaml", "FUYUAN_ASSESSMENT")
    scheme = load(AssessmentScheme, where)
    try:
        scheme.check_against(catalogue)
    except DataError as error:
        raise DataError(error.problems, str(where)) from None
    return scheme
