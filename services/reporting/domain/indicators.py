"""指标计算 — each catalogue indicator computed from events, for a period and scope.

The events come as `Fact`s: a position in the journal, the event type, when it happened, what it
is about (`subject`: a query, sanction, task, case, memo item, ledger entry or hearing), the unit
it belongs to (`scope`), and where the formula needs them the bureau and the outcome. Which
subjects a period holds:
- `ratio` and `count`: subjects whose first base (denominator) event — for `count`, first
  numerator event — falls in the period; their numerator events count up to the cut-off;
- `median_days` / `mean_days`: subjects whose end (numerator) event falls in the period.
The cut-off is the period's end, or an earlier "as of" moment: only events up to it are read.

A snapshot records the positions it read and a SHA-256 over those events in position order, so
the digest does not depend on the order they were handed over in, and anyone holding the journal
can recompute the value.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from contracts.reporting.indicators import FormulaKind, IndicatorDefinition
from contracts.reporting.reports import IndicatorComputed, InputRange, Period
from services.reporting.domain.obligations import period_end, period_start

ALL = "*"


@dataclass(frozen=True)
class Fact:
    position: int
    type: str
    at: datetime
    subject: str
    scope: str
    bureau: str = ""
    outcome: str = ""

    def canonical(self) -> dict[str, object]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def digest(facts: Iterable[Fact]) -> InputRange:
    ordered = sorted(facts, key=lambda f: f.position)
    text = json.dumps([f.canonical() for f in ordered], ensure_ascii=False, sort_keys=True)
    return InputRange(
        first_position=ordered[0].position if ordered else None,
        last_position=ordered[-1].position if ordered else None,
        count=len(ordered),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def _subject(fact: Fact, grouped: bool) -> tuple[str, str]:
    return (fact.bureau if grouped else "", fact.subject)


def compute(
    definition: IndicatorDefinition,
    catalogue_version: str,
    facts: Iterable[Fact],
    period: Period,
    scope: str,
    as_of: datetime | None = None,
) -> IndicatorComputed:
    """The indicator's snapshot. `scope` is a unit's code, or `*` for all units."""
    start, end = period_start(period), period_end(period)
    cutoff = min(as_of, end) if as_of is not None else end
    formula = definition.formula
    read = [
        f
        for f in facts
        if f.type in formula.event_types and f.at < cutoff and scope in (ALL, f.scope)
    ]
    grouped = formula.group_by == "bureau"

    def firsts(types: Sequence[str], outcomes: Sequence[str]) -> dict[tuple[str, str], datetime]:
        found: dict[tuple[str, str], datetime] = {}
        for f in read:
            if f.type in types and (not outcomes or f.outcome in outcomes):
                key = _subject(f, grouped)
                found[key] = min(found.get(key, f.at), f.at)
        return found

    ends = firsts(formula.numerator, formula.outcomes)
    excluded = set(firsts(formula.unless, ()))
    values: dict[str, list[float]] = defaultdict(list)
    if formula.kind is FormulaKind.COUNT:
        for key, at in ends.items():
            if at >= start:
                values[key[0]].append(1.0)
        result = {g: float(len(v)) for g, v in values.items()}
    elif formula.kind is FormulaKind.RATIO:
        for key, began in firsts(formula.denominator, formula.denominator_outcomes).items():
            if began < start:
                continue
            ended = ends.get(key)
            hit = ended is not None and key not in excluded
            if hit and ended is not None and formula.within_days is not None:
                hit = (ended - began).total_seconds() <= formula.within_days * 86400
            values[key[0]].append(1.0 if hit else 0.0)
        result = {g: round(100 * sum(v) / len(v), 2) for g, v in values.items()}
    else:
        begins = firsts(formula.denominator, formula.denominator_outcomes)
        for key, ended in ends.items():
            if ended >= start and key in begins:
                values[key[0]].append((ended - begins[key]).total_seconds() / 86400)
        pick = statistics.median if formula.kind is FormulaKind.MEDIAN_DAYS else statistics.mean
        result = {g: round(pick(v), 2) for g, v in values.items()}
    out: dict[str, float | None] = dict(sorted(result.items()))
    if not grouped:
        out = {"": out.get("")}
    return IndicatorComputed(
        indicator=definition.id,
        catalogue_version=catalogue_version,
        period=period,
        scope=scope,
        as_of=cutoff,
        values=out,
        inputs=digest(read),
    )
