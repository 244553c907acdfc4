"""联动对象 — who a bankruptcy's facts go to: the court's jurisdiction (its level, its joint
office, its units by kind), the court above it and the finance bureau of the fund. Pure functions
of the organization registry (reference data, read once at start), never of the message path."""

from __future__ import annotations

from contracts.bankruptcy.topics import UnitKind
from contracts.organizations import PLATFORM_CODE, OrgKind, Registry
from services.bankruptcy.domain.rules import Jurisdiction


def joint_office(registry: Registry, court: str) -> str:
    """联席办 of the court's jurisdiction, or of the nearest level above it; the platform when
    there is none."""
    offices = {o.jurisdiction: o.code for o in registry if o.kind == OrgKind.JOINT_OFFICE}
    for place in registry.ancestors(registry.get(court).jurisdiction):
        if place.code in offices:
            return offices[place.code]
    return PLATFORM_CODE


def jurisdiction(registry: Registry, court: str) -> Jurisdiction:
    """The court's level, joint office and, per unit kind the registry holds, the units serving
    the court's jurisdiction (the nearest per service line; the towns below a county)."""
    where = registry.get(court).jurisdiction
    kinds = {k.value for k in OrgKind}
    units = {
        kind.value: tuple(o.code for o in registry.of_kind(OrgKind(kind.value), where))
        for kind in UnitKind
        if kind.value in kinds
    }
    return Jurisdiction(
        level=registry.jurisdiction(where).level,
        joint_office=joint_office(registry, court),
        units={k: v for k, v in units.items() if v},
    )


def higher_court(registry: Registry, court: str) -> str:
    """The court of the nearest jurisdiction above the court's (the higher court's review of an
    expense-aid application); the court itself at the top."""
    courts = {o.jurisdiction: o.code for o in registry if o.kind == OrgKind.COURT}
    for place in registry.ancestors(registry.get(court).jurisdiction)[1:]:
        if place.code in courts:
            return courts[place.code]
    return court


def finance(registry: Registry, court: str) -> str:
    """The finance bureau deciding on expense aid where the court is: the nearest one; the
    platform when there is none."""
    found = registry.of_kind(OrgKind.FINANCE, registry.get(court).jurisdiction)
    return found[0].code if found else PLATFORM_CODE
