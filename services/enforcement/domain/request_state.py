"""The state of the applicants' requests to list a debtor (纳入申请), rebuilt from the case's
stream: decided by a listing at the applicant's request or by a refusal, or escalated when the
court's fifteen days passed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement import party_id
from contracts.enforcement.duties import (
    ListingRequested,
    ListingRequestOverdue,
    ListingRequestRefused,
)
from contracts.enforcement.sanctions import ListDishonestDebtor, SanctionImposed


@dataclass(frozen=True)
class ListingRequest:
    """一份纳入申请 — whom it asks to list, by when the court decides, and whether it did."""

    request_id: UUID
    debtor_id: str
    applicant_id: str
    received_on: date
    decide_by: date
    decided: bool = False
    escalated: bool = False


REQUEST_TYPES = frozenset(
    cls.TYPE
    for cls in (ListingRequested, ListingRequestRefused, ListingRequestOverdue, SanctionImposed)
)


def evolve_requests(
    known: dict[UUID, ListingRequest], event: Payload
) -> dict[UUID, ListingRequest]:
    match event:
        case ListingRequested():
            r = ListingRequest(
                event.request_id,
                party_id(event.debtor),
                party_id(event.applicant),
                event.received_on,
                event.decide_by,
            )
            return {**known, r.request_id: r}
        case ListingRequestRefused():
            return {**known, event.request_id: replace(known[event.request_id], decided=True)}
        case ListingRequestOverdue():
            return {**known, event.request_id: replace(known[event.request_id], escalated=True)}
        case SanctionImposed(detail=ListDishonestDebtor(on_applicant_request=True) as cmd):
            # the listing at the applicant's request decides every open request to list him
            debtor = party_id(cmd.debtor)
            return {
                k: replace(r, decided=True) if r.debtor_id == debtor and not r.decided else r
                for k, r in known.items()
            }
    return known
