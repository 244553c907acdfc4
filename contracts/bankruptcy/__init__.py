"""破产府院联动 — bankruptcy coordination: the court's procedure steps and their facts, the
statutory clocks, coordination tasks for the bureaus, the administrator's requests and expense aid
(破产费用保障资金); with the topic catalogue and the expense-aid limits as versioned data.
The bankruptcy service (`services/bankruptcy`) takes the commands and replies; a message it
refuses is answered with `MessageRejected`.
"""

from contracts.bankruptcy import (
    administrator,
    aid,
    deadlines,
    parties,
    procedure,
    rejections,
    tasks,
)
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    AppointmentMethod,
    Debtor,
    PetitionerKind,
    Procedure,
    Yuan,
)
from contracts.bankruptcy.rejections import MessageRejected

__all__ = [
    "Administrator",
    "AdministratorKind",
    "AppointmentMethod",
    "Debtor",
    "MessageRejected",
    "PetitionerKind",
    "Procedure",
    "Yuan",
    "administrator",
    "aid",
    "deadlines",
    "parties",
    "procedure",
    "rejections",
    "tasks",
]
