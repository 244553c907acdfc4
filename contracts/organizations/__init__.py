"""组织名录 — the organization registry: courts, bureaus, banks, joint offices and the platform.

The registry is data (`deploy/organizations.yaml`), validated when loaded. It answers who an
organization is, which court a case code belongs to, and which organizations handle a capability
in a jurisdiction.

Routing rule (`Registry.handling`): an organization covers its own jurisdiction and everything
below it, and the nearest one wins per service line. Candidates are the organizations that handle
the capability in the jurisdiction or one of its ancestors; of each line — the org code without its
division code, e.g. `NR` or `BKICBC` — only the one nearest to the jurisdiction is kept. So a county
with its own real-estate registry is served by it alone, a county without one by the city's, and
every city-level bank serves the city's counties.

Modules: `kinds` (levels, organization kinds, capabilities), `model` (entries and errors),
`parsing` and `validation` (load-time checks), `registry` (`Registry`, `default_path`).
"""

from __future__ import annotations

from contracts.organizations.kinds import (
    KIND_PREFIXES,
    LEVEL_RANK,
    MARKET_KINDS,
    NOT_BUREAUS,
    PLATFORM_CODE,
    PROPERTY_KINDS,
    SEATS,
    Capability,
    Level,
    OrgKind,
)
from contracts.organizations.model import (
    Jurisdiction,
    JurisdictionCode,
    Organization,
    RegistryError,
    UnknownJurisdictionError,
    UnknownOrganizationError,
)
from contracts.organizations.parsing import Entry
from contracts.organizations.registry import Registry, default_path

__all__ = [
    "KIND_PREFIXES",
    "LEVEL_RANK",
    "MARKET_KINDS",
    "NOT_BUREAUS",
    "PLATFORM_CODE",
    "PROPERTY_KINDS",
    "SEATS",
    "Capability",
    "Entry",
    "Jurisdiction",
    "JurisdictionCode",
    "Level",
    "OrgKind",
    "Organization",
    "Registry",
    "RegistryError",
    "UnknownJurisdictionError",
    "UnknownOrganizationError",
    "default_path",
]
