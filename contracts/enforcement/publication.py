"""宽限期 — a grace period before a listing or restriction is published (法发〔2019〕35号: one to
three months): the decision is recorded, the bureaus are told when the grace period ends."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.enforcement.sanctions import SanctionNotice
from contracts.registry import register


@register
class PublicationDeferred(Event):
    """暂不发布 — the listing or restriction takes effect and is published when the grace period
    ends; the notices the bureaus will get are kept with it."""

    TYPE = "enforcement.event.publication_deferred.v1"
    sanction_id: UUID
    """The listing or restriction."""
    grace_months: int = Field(ge=1, le=3)
    """宽限期, in months."""
    publish_on: date
    """The day it takes effect and the bureaus are told."""
    notices: list[SanctionNotice]
    """The notices to send then (their acknowledgement time is set when they are sent)."""


@register
class SanctionPublished(Event):
    """已发布 — the grace period ended: the bureaus were told."""

    TYPE = "enforcement.event.sanction_published.v1"
    sanction_id: UUID
    """The listing or restriction."""
    published_on: date
    """The day the notices went out."""
