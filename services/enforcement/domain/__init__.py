"""执行联动 — enforcement rules: pure functions over frozen state; time comes in as an argument."""

from services.enforcement.domain.case import Case, Control, Query, evolve
from services.enforcement.domain.errors import *  # noqa: F403 - the refusals, by name
from services.enforcement.domain.errors import EnforcementError
from services.enforcement.domain.registration import decide_register, is_enforcement_case

__all__ = [
    "Case",
    "Control",
    "EnforcementError",
    "Query",
    "decide_register",
    "evolve",
    "is_enforcement_case",
]
