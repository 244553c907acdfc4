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
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import Field, StringConstraints, ValidationError

from contracts.base import Contract, OrgCode
from contracts.ids import PROVINCES, CourtCode

PLATFORM_CODE = "FUYUAN"
"""The platform's own organization: the actor of events the system itself generates."""

JurisdictionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}([0-9]{3})?$")]
"""行政区划代码 — 6 digits (GB/T 2260) for province, city and county; 9 for a town or street."""


class Level(StrEnum):
    """层级 — level of a jurisdiction: 省, 市, 县(市、区), 乡镇/街道."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


LEVEL_RANK: Mapping[Level, int] = {level: rank for rank, level in enumerate(Level)}


class OrgKind(StrEnum):
    """单位类别 — what kind of organization it is; the org code starts with its prefix."""

    COURT = "court"  # 法院 CT
    PROCURATORATE = "procuratorate"  # 检察院 PR
    POLICE = "police"  # 公安局 PS
    VEHICLE_ADMINISTRATION = "vehicle_administration"  # 车管所 VA
    NATURAL_RESOURCES = "natural_resources"  # 自然资源 / 不动产登记 NR
    MARKET_REGULATION = "market_regulation"  # 市场监管 MR
    PROVIDENT_FUND = "provident_fund"  # 公积金中心 HF
    TAX = "tax"  # 税务 TX
    HUMAN_RESOURCES = "human_resources"  # 人社 HR
    HOUSING = "housing"  # 住建 HC
    FINANCE = "finance"  # 财政 FN
    PETITION = "petition"  # 信访 PT
    DEVELOPMENT_REFORM = "development_reform"  # 发改 DR
    FINANCIAL_REGULATION = "financial_regulation"  # 地方金融监管 FR
    BANK = "bank"  # 银行 BK + institution
    SECURITIES = "securities"  # 证券公司 SC + institution
    PAYMENT = "payment"  # 网络支付机构 PY + institution
    TELECOM = "telecom"  # 通信运营商 TC + institution
    JOINT_OFFICE = "joint_office"  # 联席办 JO
    PLATFORM = "platform"  # the platform itself, code FUYUAN


KIND_PREFIXES: Mapping[OrgKind, str] = {
    OrgKind.COURT: "CT",
    OrgKind.PROCURATORATE: "PR",
    OrgKind.POLICE: "PS",
    OrgKind.VEHICLE_ADMINISTRATION: "VA",
    OrgKind.NATURAL_RESOURCES: "NR",
    OrgKind.MARKET_REGULATION: "MR",
    OrgKind.PROVIDENT_FUND: "HF",
    OrgKind.TAX: "TX",
    OrgKind.HUMAN_RESOURCES: "HR",
    OrgKind.HOUSING: "HC",
    OrgKind.FINANCE: "FN",
    OrgKind.PETITION: "PT",
    OrgKind.DEVELOPMENT_REFORM: "DR",
    OrgKind.FINANCIAL_REGULATION: "FR",
    OrgKind.BANK: "BK",
    OrgKind.SECURITIES: "SC",
    OrgKind.PAYMENT: "PY",
    OrgKind.TELECOM: "TC",
    OrgKind.JOINT_OFFICE: "JO",
}

MARKET_KINDS = frozenset({OrgKind.BANK, OrgKind.SECURITIES, OrgKind.PAYMENT, OrgKind.TELECOM})
"""Kinds with several institutions per jurisdiction: their codes name the institution."""

NOT_BUREAUS = frozenset(
    {OrgKind.COURT, OrgKind.PROCURATORATE, OrgKind.JOINT_OFFICE, OrgKind.PLATFORM}
)


class Capability(StrEnum):
    """职能 — what an organization can be asked to do."""

    REAL_ESTATE = "real_estate"  # 不动产 query, seize
    VEHICLE = "vehicle"  # 车辆
    EQUITY = "equity"  # 股权
    DEPOSIT = "deposit"  # 存款
    FINANCIAL_PRODUCT = "financial_product"  # 金融理财产品
    SECURITIES = "securities"  # 证券
    PROVIDENT_FUND = "provident_fund"  # 住房公积金
    ONLINE_FUNDS = "online_funds"  # 网络资金 (payment accounts)
    TELECOM = "telecom"  # 通讯信息
    CREDIT_SANCTION = "credit_sanction"  # 失信联合惩戒: apply and lift
    CREDIT_REPAIR = "credit_repair"  # 信用修复
    DEBTOR_LOCATION = "debtor_location"  # 协作查找被执行人
    PROSECUTION = "prosecution"  # 拒不执行判决裁定罪
    BUSINESS_REGISTRATION = "business_registration"  # 变更注销
    TAX = "tax"  # 税收征管
    SOCIAL_INSURANCE = "social_insurance"  # 民生保障: wages, social insurance
    HOUSING = "housing"  # 问题楼盘, pre-sale funds
    EXPENSE_GUARANTEE = "expense_guarantee"  # 破产费用保障
    FINANCIAL_COORDINATION = "financial_coordination"  # 金融协调
    PETITION = "petition"  # 信访
    COORDINATION = "coordination"  # 联席办: meetings, ledgers, tracking


PROPERTY_KINDS = frozenset(
    {
        Capability.REAL_ESTATE,
        Capability.VEHICLE,
        Capability.EQUITY,
        Capability.DEPOSIT,
        Capability.FINANCIAL_PRODUCT,
        Capability.SECURITIES,
        Capability.PROVIDENT_FUND,
        Capability.ONLINE_FUNDS,
    }
)
"""财产类别 — the kinds of property a court can query and freeze through 网络查控."""


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


def default_path() -> Path:
    """`$FUYUAN_ORGANIZATIONS`, else `$FUYUAN_HOME/deploy/…`, else `deploy/` beside `contracts/`."""
    if explicit := os.environ.get("FUYUAN_ORGANIZATIONS"):
        return Path(explicit)
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[1]
    return Path(home) / "deploy" / "organizations.yaml"


def _problem(section: str, index: int, name: object, field: str, message: str) -> str:
    return f"{section}[{index}] {name}: field {field!r}: {message}"


def _code_level(code: str) -> Level:
    if len(code) == 9:
        return Level.TOWN
    if code.endswith("0000"):
        return Level.PROVINCE
    return Level.CITY if code.endswith("00") else Level.COUNTY


_PREFIX_LENGTH: Mapping[Level, int] = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}


def _jurisdiction_problems(
    index: int, item: Jurisdiction, known: Mapping[str, Jurisdiction]
) -> Iterator[str]:
    def problem(field: str, message: str) -> str:
        return _problem("jurisdictions", index, item.code, field, message)

    if _code_level(item.code) != item.level:
        yield problem(
            "level", f"{item.level} does not fit the code (a {_code_level(item.code)} code)"
        )
    if item.parent is None:
        if item.level != Level.PROVINCE:
            yield problem("parent", f"a {item.level} needs a parent")
        return
    parent = known.get(item.parent)
    if parent is None:
        yield problem("parent", f"unknown jurisdiction {item.parent!r}")
    elif LEVEL_RANK[parent.level] >= LEVEL_RANK[item.level]:
        yield problem("parent", f"a {parent.level} cannot be the parent of a {item.level}")
    elif not item.code.startswith(parent.code[: _PREFIX_LENGTH[parent.level]]):
        yield problem("parent", f"{item.code} does not lie within {parent.code}")


def _code_problem(item: Organization) -> str | None:
    if item.kind == OrgKind.PLATFORM:
        return None if item.code == PLATFORM_CODE else f"the platform's code is {PLATFORM_CODE}"
    prefix = KIND_PREFIXES[item.kind]
    institution = "[A-Z]+" if item.kind in MARKET_KINDS else ""
    if re.fullmatch(f"{prefix}{institution}{item.jurisdiction}", item.code):
        return None
    example = f"{prefix}{'ICBC' if institution else ''}{item.jurisdiction}"
    return f"a {item.kind} in {item.jurisdiction} has a code like {example}"


def _case_code_problem(item: Organization) -> str | None:
    if item.kind != OrgKind.COURT:
        return None if item.case_code is None else "only courts have a case code"
    if item.case_code is None:
        return "a court needs a case code (法院代字), e.g. 豫03"
    province = PROVINCES.get(item.jurisdiction[:2])
    if item.case_code[0] in (province, "兵", "最"):
        return None
    return f"{item.case_code} does not belong to a court in province {item.jurisdiction[:2]}"


def _organization_problems(
    index: int, item: Organization, jurisdictions: Mapping[str, Jurisdiction]
) -> Iterator[str]:
    def problem(field: str, message: str) -> str:
        return _problem("organizations", index, item.code, field, message)

    if item.jurisdiction not in jurisdictions:
        yield problem("jurisdiction", f"unknown jurisdiction {item.jurisdiction!r}")
    if (message := _code_problem(item)) is not None:
        yield problem("code", message)
    if (message := _case_code_problem(item)) is not None:
        yield problem("case_code", message)


def _duplicates(section: str, values: Sequence[tuple[str, str | None]]) -> Iterator[str]:
    seen: dict[str, int] = {}
    for index, (field, value) in enumerate(values):
        if value is None:
            continue
        if value in seen:
            yield _problem(section, index, value, field, f"duplicate of entry {seen[value]}")
        seen.setdefault(value, index)


class Registry:
    """组织名录 — every jurisdiction and organization, validated on construction."""

    def __init__(
        self, jurisdictions: Iterable[Jurisdiction], organizations: Iterable[Organization]
    ):
        places, orgs = list(jurisdictions), list(organizations)
        self._jurisdictions = {item.code: item for item in places}
        self._organizations = {item.code: item for item in orgs}
        _raise_if(self._problems(places, orgs))
        self._courts = {org.case_code: org for org in orgs if org.case_code is not None}

    def _problems(self, places: list[Jurisdiction], orgs: list[Organization]) -> list[str]:
        problems = [*_duplicates("jurisdictions", [("code", item.code) for item in places])]
        problems += _duplicates("organizations", [("code", item.code) for item in orgs])
        problems += _duplicates("organizations", [("case_code", item.case_code) for item in orgs])
        for index, place in enumerate(places):
            problems += _jurisdiction_problems(index, place, self._jurisdictions)
        for index, org in enumerate(orgs):
            problems += _organization_problems(index, org, self._jurisdictions)
        if sum(org.kind == OrgKind.PLATFORM for org in orgs) != 1:
            problems.append(f"organizations: exactly one platform ({PLATFORM_CODE}) is needed")
        return problems

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
        places, problems = _parse(data, "jurisdictions", Jurisdiction)
        orgs, more = _parse(data, "organizations", Organization)
        _raise_if(problems + more)
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

    def handling(self, capability: Capability, jurisdiction: str) -> list[Organization]:
        """The organizations that handle `capability` in `jurisdiction`: the nearest per service
        line, among those of the jurisdiction and its ancestors (see the module docstring)."""
        nearest: dict[str, Organization] = {}
        for place in self.ancestors(jurisdiction):
            for org in self._organizations.values():
                if org.jurisdiction == place.code and capability in org.handles:
                    nearest.setdefault(org.line, org)
        return sorted(nearest.values(), key=lambda org: org.code)


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise RegistryError(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))


def _entry_name(entry: object) -> object:
    return entry.get("code", "?") if isinstance(entry, dict) else "?"


Entry = TypeVar("Entry", Jurisdiction, Organization)


def _parse(data: dict[str, Any], section: str, model: type[Entry]) -> tuple[list[Entry], list[str]]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        return [], [f"{section}: must be a list of entries"]
    items: list[Entry] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        try:
            items.append(model.model_validate(entry))
        except ValidationError as error:
            problems += [_error_line(section, index, entry, detail) for detail in error.errors()]
    return items, problems


def _error_line(section: str, index: int, entry: object, detail: Any) -> str:
    field = ".".join(str(part) for part in detail["loc"]) or "entry"
    return _problem(section, index, _entry_name(entry), field, detail["msg"])
