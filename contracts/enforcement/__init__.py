"""执行联动 — enforcement: the messages between courts, bureaus and the enforcement service."""

from contracts.enforcement import (
    aftercare,
    duties,
    exemptions,
    objections,
    publication,
    sanctions,
)
from contracts.enforcement.cases import (
    CaseRegistered,
    CloseWithoutProperty,
    MessageRejected,
    RegisterCase,
)
from contracts.enforcement.control import (
    Action,
    ControlOrder,
    ControlOutcome,
    ControlRecorded,
    ControlReport,
    CourtDocuments,
    DeductFunds,
    DeductionChannel,
    FreezeProperty,
    Measure,
    Outcome,
    ReleaseControl,
    ReleaseGround,
    RenewControl,
)
from contracts.enforcement.events import (
    BureauAsked,
    CaseClosedWithoutProperty,
    PropertyAnswerRecorded,
    PropertyQueryStarted,
)
from contracts.enforcement.parties import Organization, Party, Person, Yuan, party_id
from contracts.enforcement.query import (
    ALL_KINDS,
    HELD_BY,
    BureauHoldings,
    ExemptProperty,
    Holding,
    PropertyAnswer,
    PropertyKind,
    PropertyQueryNotice,
    PropertyResult,
    QueryProperty,
)

__all__ = [
    "ALL_KINDS", "HELD_BY", "Action", "BureauAsked", "BureauHoldings", "CaseClosedWithoutProperty",
    "CaseRegistered", "CloseWithoutProperty", "ControlOrder",
    "ControlOutcome", "ControlRecorded", "ControlReport", "CourtDocuments", "DeductFunds",
    "DeductionChannel", "ExemptProperty", "FreezeProperty", "Holding", "Measure", "MessageRejected", "Organization", "Outcome", "Party", "Person",
    "PropertyAnswer", "PropertyAnswerRecorded", "PropertyKind", "PropertyQueryNotice",
    "PropertyQueryStarted", "PropertyResult", "QueryProperty", "RegisterCase", "ReleaseControl",
    "ReleaseGround", "RenewControl", "Yuan", "aftercare", "duties", "exemptions", "objections", "party_id", "publication", "sanctions",
]  # fmt: skip
