"""名录校验 — the load-time checks: every problem with the registry data, by entry and field."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from contracts.ids import PROVINCES
from contracts.organizations.kinds import (
    KIND_PREFIXES,
    LEVEL_RANK,
    MARKET_KINDS,
    PLATFORM_CODE,
    SEATS,
    Level,
    OrgKind,
)
from contracts.organizations.model import Jurisdiction, Organization, RegistryError


def problem(section: str, index: int, name: object, field: str, message: str) -> str:
    """One line of a `RegistryError`: `organizations[3] CT410300: field 'code': …`."""
    return f"{section}[{index}] {name}: field {field!r}: {message}"


def raise_if(problems: list[str]) -> None:
    """Raise a `RegistryError` listing `problems`, if there are any."""
    if problems:
        raise RegistryError(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))


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
    def at(field: str, message: str) -> str:
        return problem("jurisdictions", index, item.code, field, message)

    if _code_level(item.code) != item.level:
        yield at("level", f"{item.level} does not fit the code (a {_code_level(item.code)} code)")
    if item.parent is None:
        if item.level != Level.PROVINCE:
            yield at("parent", f"a {item.level} needs a parent")
        return
    parent = known.get(item.parent)
    if parent is None:
        yield at("parent", f"unknown jurisdiction {item.parent!r}")
    elif LEVEL_RANK[parent.level] >= LEVEL_RANK[item.level]:
        yield at("parent", f"a {parent.level} cannot be the parent of a {item.level}")
    elif not item.code.startswith(parent.code[: _PREFIX_LENGTH[parent.level]]):
        yield at("parent", f"{item.code} does not lie within {parent.code}")


def _code_problem(item: Organization) -> str | None:
    if item.kind == OrgKind.PLATFORM:
        return None if item.code == PLATFORM_CODE else f"the platform's code is {PLATFORM_CODE}"
    prefix = KIND_PREFIXES[item.kind]
    institution = "[A-Z]+" if item.kind in MARKET_KINDS else ""
    if re.fullmatch(f"{prefix}{institution}{item.jurisdiction}", item.code):
        return None
    firm = "FIRM" if item.kind == OrgKind.ADMINISTRATOR else "ICBC"
    example = f"{prefix}{firm if institution else ''}{item.jurisdiction}"
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


def _seat_problem(item: Organization, orgs: Mapping[str, Organization]) -> str | None:
    wanted = SEATS.get(item.kind)
    if wanted is None:
        return None if item.seat is None else f"a {item.kind} has no seat"
    if item.seat is None:
        return f"a {item.kind} needs its seat, the {wanted} of {item.jurisdiction}"
    seat = orgs.get(item.seat)
    if seat is None:
        return f"unknown organization {item.seat!r}"
    if seat.kind != wanted or seat.jurisdiction != item.jurisdiction:
        return f"{item.seat} is not the {wanted} of {item.jurisdiction}"
    return None


def _organization_problems(
    index: int,
    item: Organization,
    jurisdictions: Mapping[str, Jurisdiction],
    orgs: Mapping[str, Organization],
) -> Iterator[str]:
    def at(field: str, message: str) -> str:
        return problem("organizations", index, item.code, field, message)

    if item.jurisdiction not in jurisdictions:
        yield at("jurisdiction", f"unknown jurisdiction {item.jurisdiction!r}")
    if (message := _code_problem(item)) is not None:
        yield at("code", message)
    if (message := _case_code_problem(item)) is not None:
        yield at("case_code", message)
    if (message := _seat_problem(item, orgs)) is not None:
        yield at("seat", message)


def _duplicates(section: str, values: Sequence[tuple[str, str | None]]) -> Iterator[str]:
    seen: dict[str, int] = {}
    for index, (field, value) in enumerate(values):
        if value is None:
            continue
        if value in seen:
            yield problem(section, index, value, field, f"duplicate of entry {seen[value]}")
        seen.setdefault(value, index)


def registry_problems(places: list[Jurisdiction], orgs: list[Organization]) -> list[str]:
    """Every problem with these entries: duplicates, bad parents, codes, case codes, seats."""
    known = {item.code: item for item in places}
    problems = [*_duplicates("jurisdictions", [("code", item.code) for item in places])]
    problems += _duplicates("organizations", [("code", item.code) for item in orgs])
    problems += _duplicates("organizations", [("case_code", item.case_code) for item in orgs])
    for index, place in enumerate(places):
        problems += _jurisdiction_problems(index, place, known)
    by_code = {org.code: org for org in orgs}
    for index, org in enumerate(orgs):
        problems += _organization_problems(index, org, known, by_code)
    if sum(org.kind == OrgKind.PLATFORM for org in orgs) != 1:
        problems.append(f"organizations: exactly one platform ({PLATFORM_CODE}) is needed")
    return problems
