"""联动对象 — who is asked, told or escalated to: pure functions of the organization registry and
the measure catalogue (reference data, read once at start), never of the message path."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.enforcement import ALL_KINDS, HELD_BY, Person, PropertyKind
from contracts.enforcement.measures import Applicable, Catalogue
from contracts.enforcement.parties import Party
from contracts.enforcement.sanctions import MeasureFor
from contracts.organizations import PLATFORM_CODE, Capability, OrgKind, Registry
from services.enforcement.domain.query import Routing
from services.enforcement.domain.sanctions import Plan


def query_routing(
    registry: Registry, court: str, kinds: Iterable[PropertyKind] = ALL_KINDS
) -> Routing:
    """Bureau → the kinds it is asked for: the bureaus holding each kind where the court is."""
    where = registry.get(court).jurisdiction
    asked: dict[str, list[PropertyKind]] = {}
    for kind in kinds:
        for bureau in registry.handling(HELD_BY[kind], where):
            asked.setdefault(bureau.code, []).append(kind)
    return {b: tuple(k) for b, k in asked.items()}


def applicable(catalogue: Catalogue, debtor: Party) -> list[Applicable]:
    """The catalogue's measures for a debtor of this kind (a person or an organization)."""
    return catalogue.for_party("person" if isinstance(debtor, Person) else "organization")


def restriction_measures(
    catalogue: Catalogue, debtor: Party, items: Iterable[int]
) -> list[Applicable]:
    """The measures of a consumption restriction order (限制消费令) naming `items`."""
    wanted = set(items)
    restricted = {
        m.id for m in catalogue.consumption_restrictions() if m.restriction_item in wanted
    }
    return [a for a in applicable(catalogue, debtor) if a.measure.id in restricted]


def sanction_plan(
    registry: Registry, catalogue: Catalogue, court: str, measures: list[Applicable]
) -> Plan:
    """Bureau → the measures it applies, for the bureaus that enforce them where the court is."""
    where = registry.get(court).jurisdiction
    bureaus = registry.handling(Capability.CREDIT_SANCTION, where)
    wanted: dict[str, dict[str, list[str]]] = {}
    for a in measures:
        kinds = set(catalogue.enforcers(a.measure))
        for b in bureaus:
            if b.kind in kinds:
                wanted.setdefault(b.code, {}).setdefault(a.measure.id, []).append(str(a.whom))
    return {
        b: [MeasureFor(measure=m, whom=sorted(set(w))) for m, w in sorted(ms.items())]
        for b, ms in wanted.items()
    }


def joint_office(registry: Registry, court: str) -> str:
    """联席办 of the court's jurisdiction, or of the nearest level above it; the platform when
    there is none."""
    offices = {o.jurisdiction: o.code for o in registry if o.kind == OrgKind.JOINT_OFFICE}
    for place in registry.ancestors(registry.get(court).jurisdiction):
        if place.code in offices:
            return offices[place.code]
    return PLATFORM_CODE


def measures_by_role(catalogue: Catalogue) -> dict[str, dict[str, set[str]]]:
    """Sanction kind → role → the measures such a sanction puts on that role."""
    restricted = {m.id for m in catalogue.consumption_restrictions()}
    out: dict[str, dict[str, set[str]]] = {"listing": {}, "consumption_restriction": {}}
    for kind in ("person", "organization"):
        for a in catalogue.for_party(kind):
            out["listing"].setdefault(str(a.whom), set()).add(a.measure.id)
            if a.measure.id in restricted:
                out["consumption_restriction"].setdefault(str(a.whom), set()).add(a.measure.id)
    return out


def online_deduction(registry: Registry) -> frozenset[str]:
    """The bureaus ready for online deduction (网络扣划) and agreed to it."""
    return frozenset(o.code for o in registry if Capability.ONLINE_DEDUCTION in o.handles)
