"""What a scenario showed: the accounts, the faults and their recovery, memory, the audit and
the end checks, and whether it passed."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from chaos.accounting import Tally
from chaos.checks import Audit
from chaos.scenarios import Fault


@dataclass
class Result:
    scenario: str
    title: str
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    faults: list[Fault] = field(default_factory=list)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    verify: Audit | None = None
    reconcile: Audit | None = None
    alive: dict[str, bool] = field(default_factory=dict)
    clean_stop: dict[str, bool] = field(default_factory=dict)
    not_journaled: int = 0
    settled: bool = False
    fuzzed: int = 0
    load_started: float = 0.0
    notes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    error: str | None = None

    def recoveries(self) -> list[float | None]:
        return [f.recovery for f in self.faults]

    def recovery_text(self) -> str:
        values = self.recoveries()
        if not values:
            return "—"
        if any(v is None for v in values):
            return "not recovered"
        done = [v for v in values if v is not None]
        return f"{statistics.median(done):.1f} / {max(done):.1f} s"

    @property
    def passed(self) -> bool:
        t = self.tally
        return (
            self.error is None
            and self.settled
            and not self.violations
            and t.outcome["lost"] == 0
            and t.outcome["silent"] == 0
            and t.outcome["set_aside"] == 0
            and t.duplicated == 0
            and t.unpublished == 0
            and self.not_journaled == 0
            and bool(self.alive)
            and all(self.alive.values())
            and all(self.clean_stop.values())
            and all(f.recovery is not None for f in self.faults)
            and self.verify is not None
            and self.verify.ok
            and self.reconcile is not None
            and self.reconcile.ok
        )
