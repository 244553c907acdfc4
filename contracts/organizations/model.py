"""辖区与单位 — the registry's entries (jurisdictions, organizations) and its lookup errors."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from contracts.base import Contract, OrgCode
from contracts.ids import CourtCode
from contracts.organizations.kinds import Capability, Level, OrgKind

JurisdictionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}([0-9]{3})?$")]
"""行政区划代码 — 6 digits (GB/T 2260) for province, city and county; 9 for a town or street."""


class Jurisdiction(Contract):
    """辖区 — an administrative division: 省, 市, 县(市、区) or 乡镇/街道."""

    code: JurisdictionCode
    """行政区划代码, e.g. `410300` for Luoyang."""
    name: str = Field(min_length=1)
    """Chinese name, e.g. 洛阳市."""
    level: Level
    """层级: province, city, county or town."""
    parent: JurisdictionCode | None = None
    """The jurisdiction above; none for a province. A county-level city directly administered
    by the province (省直管县) has the province as parent."""


class Organization(Contract):
    """单位 — a court, bureau, bank, joint office or the platform: an actor on the bus."""

    code: OrgCode
    """组织代码: kind prefix, institution letters for banks and the like, division code."""
    name: str = Field(min_length=1)
    """Chinese name, e.g. 洛阳市中级人民法院."""
    name_en: str = Field(min_length=1)
    """English name."""
    kind: OrgKind
    """单位类别."""
    jurisdiction: JurisdictionCode
    """The jurisdiction it serves (辖区); it covers every jurisdiction below."""
    case_code: CourtCode | None = None
    """法院代字 — for courts only: the court code in its case numbers, e.g. 豫03, 豫0482."""
    handles: frozenset[Capability] = frozenset()
    """职能 — the capabilities it can be asked for."""
    seat: OrgCode | None = None
    """驻地 — the organization that houses it, of the same jurisdiction: for a joint office
    联席办, the justice bureau 司法局 (`SEATS`); none for every other kind."""

    @property
    def line(self) -> str:
        """Service line: the code without its division code (`NR`, `BKICBC`)."""
        return self.code.removesuffix(self.jurisdiction)


class UnknownOrganizationError(KeyError):
    """No organization has this code (or case code)."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownJurisdictionError(KeyError):
    """No jurisdiction has this code."""

    def __str__(self) -> str:
        return str(self.args[0])


class RegistryError(ValueError):
    """The registry data is inconsistent; the message lists every problem, by entry and field."""
