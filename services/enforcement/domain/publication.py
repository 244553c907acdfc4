"""宽限期 — a listing or restriction decided with a grace period (法发〔2019〕35号: one to three months)
takes effect and is published when it ends: the bureaus get their notices then. Lifted before
(the debtor performed in the grace period), it never reaches them."""

from __future__ import annotations

from datetime import datetime, timedelta

from contracts.enforcement.publication import SanctionPublished
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out


def decide_publication(case: Case, now: datetime, ack_within: timedelta) -> list[Out]:
    """Publish every sanction whose grace period has ended: the kept notices go out, each with
    its acknowledgement due from now."""
    court, out = case.executing_court or "", list[Out]()
    for s in sorted(case.sanctions.values(), key=lambda s: str(s.sanction_id)):
        if s.published or s.lifted or s.publish_on is None or now.date() < s.publish_on:
            continue
        out.append((SanctionPublished(sanction_id=s.sanction_id, published_on=now.date()), court))
        due = now + ack_within
        out += [(n.model_copy(update={"acknowledge_by": due}), n.bureau) for n in s.deferred]
    return out
