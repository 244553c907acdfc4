"""破产府院联动 — bankruptcy rules: pure functions over frozen state; time comes in as an argument.

`case` (state) and `evolve`; `procedure` (the court's steps, `decide_step`); `clocks` (the
statutory periods and overdue notices); `tasks` (generation from the catalogue, the task's life,
escalation); `aid` (expense aid); `closure`; `due` (`next_due`, `decide_deadlines`); `errors`.
"""

from services.bankruptcy.domain.case import BankruptcyCase, Stage, Task
from services.bankruptcy.domain.due import decide_deadlines, next_due
from services.bankruptcy.domain.errors import BankruptcyError
from services.bankruptcy.domain.evolve import evolve
from services.bankruptcy.domain.procedure import decide_step
from services.bankruptcy.domain.rules import Jurisdiction, Out, Rules

__all__ = [
    "BankruptcyCase",
    "BankruptcyError",
    "Jurisdiction",
    "Out",
    "Rules",
    "Stage",
    "Task",
    "decide_deadlines",
    "decide_step",
    "evolve",
    "next_due",
]
