"""组织名录 — the registry: who an organization is, and who handles what where.

Routing rule (`Registry.handling`): an organization covers its own jurisdiction and everything
below it, and the nearest one wins per service line. Candidates are the organizations that handle
the capability in the jurisdiction or one of its ancestors; of each line — the org code without its
division code, e.g. `NR` or `BKICBC` — only the one nearest to the jurisdiction is kept. So a county
with its own real-estate registry is served by it alone, a county without one by the city's, and
every city-level bank serves the city's counties.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from contracts.organizations.kinds import NOT_BUREAUS, PLATFORM_CODE, Capability, OrgKind
from contracts.organizations.model import (
    Jurisdiction,
    Organization,
    RegistryError,
    UnknownJurisdictionError,
    UnknownOrganizationError,
)
from contracts.organizations.parsing import parse_section
from contracts.organizations.validation import raise_if, registry_problems


def default_path() -> Path:
    """`$FUYUAN_ORGANIZATIONS`, else `$FUYUAN_HOME/deploy/…`, else `deploy/` beside `contracts/`."""
    if explicit := os.environ.get("FUYUAN_ORGANIZATIONS"):
        return Path(explicit)
    # This file is contracts/organizations/registry.py: parents[2] is the project root.
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2]
    return Path(home) / "deploy" / "organizations.yaml"


class Registry:
    """组织名录 — every jurisdiction and organization, validated on construction."""

    def __init__(
        self, jurisdictions: Iterable[Jurisdiction], organizations: Iterable[Organization]
    ):
        places, orgs = list(jurisdictions), list(organizations)
        self._jurisdictions = {item.code: item for item in places}
        self._organizations = {item.code: item for item in orgs}
        raise_if(registry_problems(places, orgs))
        self._courts = {org.case_code: org for org in orgs if org.case_code is not None}

    @classmethod
    def load(cls, path: Path | str | None = None) -> Registry:
        """Read and validate the registry file (default: `default_path()`)."""
        source = Path(path) if path is not None else default_path()
        try:
            return cls.from_data(yaml.safe_load(source.read_text(encoding="utf-8")))
        except RegistryError as error:
            raise RegistryError(f"{source}: {error}") from None

    @classmethod
    def from_data(cls, data: Any) -> Registry:
        """Build from parsed YAML: `{"jurisdictions": [...], "organizations": [...]}`."""
        if not isinstance(data, dict):
            raise RegistryError("expected a mapping with 'jurisdictions' and 'organizations'")
        places, problems = parse_section(data, "jurisdictions", Jurisdiction)
        orgs, more = parse_section(data, "organizations", Organization)
        raise_if(problems + more)
        return cls(places, orgs)

    def get(self, code: str) -> Organization:
        try:
            return self._organizations[code]
        except KeyError:
            raise UnknownOrganizationError(f"no organization with code {code!r}") from None

    def __iter__(self) -> Iterator[Organization]:
        return iter(sorted(self._organizations.values(), key=lambda org: org.code))

    def __contains__(self, code: object) -> bool:
        return code in self._organizations

    def platform(self) -> Organization:
        return self.get(PLATFORM_CODE)

    def courts(self) -> list[Organization]:
        """法院 — every court."""
        return [org for org in self if org.kind == OrgKind.COURT]

    def bureaus(self) -> list[Organization]:
        """Government bureaus, police, banks, telecoms … — all but courts, procuratorates,
        joint offices and the platform: the organizations that answer courts' notices."""
        return [org for org in self if org.kind not in NOT_BUREAUS]

    def joint_office(self, jurisdiction: str) -> Organization:
        """联席办 — the joint office of the jurisdiction, or of the nearest one above it."""
        return self._nearest(OrgKind.JOINT_OFFICE, jurisdiction)

    def leading_group(self, jurisdiction: str) -> Organization:
        """领导小组 — the leading group of the jurisdiction, or of the nearest one above it."""
        return self._nearest(OrgKind.LEADING_GROUP, jurisdiction)

    def seat(self, code: str) -> Organization:
        """驻地 — the organization that houses `code` (a joint office's justice bureau)."""
        org = self.get(code)
        if org.seat is None:
            raise UnknownOrganizationError(f"{code} has no seat")
        return self.get(org.seat)

    def towns(self, jurisdiction: str) -> list[Organization]:
        """乡镇街道 — the town governments and street offices within `jurisdiction`, by code."""
        return [
            org
            for org in self
            if org.kind == OrgKind.TOWN_GOVERNMENT and self.within(org.jurisdiction, jurisdiction)
        ]

    def _nearest(self, kind: OrgKind, jurisdiction: str) -> Organization:
        for place in self.ancestors(jurisdiction):
            for org in self:
                if org.kind == kind and org.jurisdiction == place.code:
                    return org
        raise UnknownOrganizationError(f"no {kind} for jurisdiction {jurisdiction!r}")

    def court_for_case_code(self, case_code: str) -> Organization:
        """The court whose case numbers carry this court code (法院代字)."""
        try:
            return self._courts[case_code]
        except KeyError:
            raise UnknownOrganizationError(f"no court with case code {case_code!r}") from None

    def jurisdiction(self, code: str) -> Jurisdiction:
        try:
            return self._jurisdictions[code]
        except KeyError:
            raise UnknownJurisdictionError(f"no jurisdiction with code {code!r}") from None

    def ancestors(self, code: str) -> list[Jurisdiction]:
        """The jurisdiction itself, then its parent, and so on up to the province."""
        chain = [self.jurisdiction(code)]
        while (parent := chain[-1].parent) is not None:
            chain.append(self.jurisdiction(parent))
        return chain

    def within(self, child: str, ancestor: str) -> bool:
        """Whether `child` is `ancestor` or lies below it."""
        self.jurisdiction(ancestor)
        return any(place.code == ancestor for place in self.ancestors(child))

    def of_kind(self, kind: OrgKind, jurisdiction: str) -> list[Organization]:
        """The organizations of `kind` serving `jurisdiction`: the nearest per service line in
        the jurisdiction and its ancestors; where none is, those of the towns directly below it
        (a county court's 乡镇街道), by code. The units a bankruptcy's tasks name are found so."""
        nearest: dict[str, Organization] = {}
        for place in self.ancestors(jurisdiction):
            for org in self._organizations.values():
                if org.jurisdiction == place.code and org.kind == kind:
                    nearest.setdefault(org.line, org)
        if not nearest:
            below = {p.code for p in self._jurisdictions.values() if p.parent == jurisdiction}
            found = [o for o in self._organizations.values() if o.jurisdiction in below]
            nearest = {o.code: o for o in found if o.kind == kind}
        return sorted(nearest.values(), key=lambda org: org.code)

    def handling(self, capability: Capability, jurisdiction: str) -> list[Organization]:
        """The organizations that handle `capability` in `jurisdiction`: the nearest per service
        line, among those of the jurisdiction and its ancestors (see the module docstring)."""
        nearest: dict[str, Organization] = {}
        for place in self.ancestors(jurisdiction):
            for org in self._organizations.values():
                if org.jurisdiction == place.code and capability in org.handles:
                    nearest.setdefault(org.line, org)
        return sorted(nearest.values(), key=lambda org: org.code)
