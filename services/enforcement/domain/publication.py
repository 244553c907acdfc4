"""宽限期 — a listing or restriction decided with a grace period (法发〔2019〕35号: one to three months)
takes effect and is published when it ends: the bureaus get their notices then. Lifted before
(the debtor performed in the grace period), it never reaches them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from contracts.enforcement.publication import SanctionPublished
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out, midnight
from services.enforcement.domain.sanction_state import Sanction


def publish_due(s: Sanction) -> date | None:
    """The day the grace period ends and the sanction is published, while it is not published
    or lifted."""
    return None if s.published or s.lifted else s.publish_on


def next_due(case: Case) -> datetime | None:
    """The first moment `decide_publication` publishes one of the case's sanctions, or None."""
    days = [d for s in case.sanctions.values() if (d := publish_due(s))]
    return midnight(min(days)) if days else None


def decide_publication(case: Case, now: datetime, ack_within: timedelta) -> list[Out]:
    """Publish every sanction whose grace period has ended: the kept notices go out, each with
    its acknowledgement due from now."""
    court, out = case.executing_court or "", list[Out]()
    for s in sorted(case.sanctions.values(), key=lambda s: str(s.sanction_id)):
        due = publish_due(s)
        if due is None or now.date() < due:
            continue
        out.append((SanctionPublished(sanction_id=s.sanction_id, published_on=now.date()), court))
        due = now + ack_within
        out += [(n.model_copy(update={"acknowledge_by": due}), n.bureau) for n in s.deferred]
    return out
