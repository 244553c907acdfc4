"""破产府院联动 — bankruptcy coordination: the court's procedure steps and their facts, the
statutory clocks, coordination tasks for the bureaus, the administrator's requests and expense aid
(破产费用保障资金); with the topic catalogue and the expense-aid limits as versioned data.

Not yet part of `contracts.catalog`: the service that takes these messages is the next step
(docs/BANKRUPTCY.md).
"""

from contracts.bankruptcy import administrator, aid, deadlines, parties, procedure, tasks
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    AppointmentMethod,
    Debtor,
    PetitionerKind,
    Procedure,
    Yuan,
)

__all__ = [
    "Administrator",
    "AdministratorKind",
    "AppointmentMethod",
    "Debtor",
    "PetitionerKind",
    "Procedure",
    "Yuan",
    "administrator",
    "aid",
    "deadlines",
    "parties",
    "procedure",
    "tasks",
]
