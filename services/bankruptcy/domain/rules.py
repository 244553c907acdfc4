"""规则所需 — what the deciders are given besides the case and the clock: the catalogues, the
configured periods, and the jurisdiction of the court hearing the case (its level, its joint
office, its units by kind), all resolved by the caller from data and the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.base import Payload
from contracts.organizations.kinds import Level

Out = tuple[Payload, str]
"""A fact and its organization: the actor of an event, the receiver of a notice (the subject's
last token)."""

REFERRAL_RULING_DAYS = 30
"""执转破: days the receiving court takes to decide ([U]: no statute read; configure it)."""


@dataclass(frozen=True)
class Jurisdiction:
    """The court's jurisdiction: the level of the court hearing the case, its joint office
    (联席办), and the organizations of each unit kind that can lead or help in a task."""

    level: Level
    joint_office: str
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Unit kind (`UnitKind` value) → organization codes, first the one that leads."""


@dataclass(frozen=True)
class Rules:
    catalogue: TopicCatalogue
    limits: ExpenseAidLimits
    where: Jurisdiction
    referral_days: int = REFERRAL_RULING_DAYS
