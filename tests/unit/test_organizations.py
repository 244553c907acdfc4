"""组织名录 — the sample registry loads, routes by capability and refuses broken entries."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.bankruptcy.topics import TopicCatalogue, UnitKind
from contracts.ids import parse_case_number
from contracts.organizations import (
    KIND_PREFIXES,
    NOT_BUREAUS,
    PLATFORM_CODE,
    PROPERTY_KINDS,
    Capability,
    OrgKind,
    Registry,
    RegistryError,
    UnknownJurisdictionError,
    UnknownOrganizationError,
    default_path,
)

LUOYANG, RUZHOU, XIN_AN, LUOLONG, HENAN = "410300", "410482", "410323", "410311", "410000"
SAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "organizations.yaml"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(SAMPLE)


def _codes(organizations: list[Any]) -> list[str]:
    return [org.code for org in organizations]


def test_the_default_file_is_the_sample_in_deploy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FUYUAN_ORGANIZATIONS", raising=False)
    monkeypatch.delenv("FUYUAN_HOME", raising=False)
    assert default_path() == SAMPLE


def test_the_sample_registry_loads(registry: Registry) -> None:
    assert registry.get("CT410300").name == "洛阳市中级人民法院"
    assert registry.get("CT410482").case_code == "豫0482"
    assert registry.platform().code == PLATFORM_CODE
    assert registry.platform().kind == OrgKind.PLATFORM


def test_every_court_has_a_case_code_that_parses_in_a_case_number(registry: Registry) -> None:
    courts = registry.courts()
    assert len(courts) == 17
    for court in courts:
        assert court.case_code is not None
        parts = parse_case_number(f"(2023){court.case_code}执1号")
        assert registry.court_for_case_code(parts.court_code) == court


def test_bureaus_are_everyone_who_answers_courts(registry: Registry) -> None:
    kinds = {org.kind for org in registry.bureaus()}
    assert OrgKind.BANK in kinds and OrgKind.NATURAL_RESOURCES in kinds
    assert not kinds & {OrgKind.COURT, OrgKind.JOINT_OFFICE, OrgKind.PLATFORM}


def test_a_county_with_its_own_registry_is_served_by_it_alone(registry: Registry) -> None:
    assert _codes(registry.handling(Capability.REAL_ESTATE, XIN_AN)) == ["NR410323"]
    assert _codes(registry.handling(Capability.TAX, XIN_AN)) == ["TX410323"]


def test_a_district_without_its_own_bureau_is_served_by_the_city(registry: Registry) -> None:
    assert _codes(registry.handling(Capability.REAL_ESTATE, LUOLONG)) == ["NR410300"]
    assert _codes(registry.handling(Capability.VEHICLE, XIN_AN)) == ["VA410300"]
    assert _codes(registry.handling(Capability.COORDINATION, LUOLONG)) == ["JO410300"]


def test_every_city_bank_serves_the_citys_counties(registry: Registry) -> None:
    banks = registry.handling(Capability.DEPOSIT, XIN_AN)
    assert len(banks) == 6
    assert {org.kind for org in banks} == {OrgKind.BANK}
    assert all(org.jurisdiction == LUOYANG for org in banks)


def test_ruzhou_is_served_by_its_own_units_not_luoyangs(registry: Registry) -> None:
    assert _codes(registry.handling(Capability.DEPOSIT, RUZHOU)) == [
        "BKICBC410482",
        "BKRZRCB410482",
    ]
    assert _codes(registry.handling(Capability.REAL_ESTATE, RUZHOU)) == ["NR410482"]
    assert registry.handling(Capability.SECURITIES, RUZHOU) == []


def test_province_level_providers_serve_every_county(registry: Registry) -> None:
    expected = ["PYALIPAY410000", "PYTENPAY410000"]
    assert _codes(registry.handling(Capability.ONLINE_FUNDS, XIN_AN)) == expected
    assert _codes(registry.handling(Capability.ONLINE_FUNDS, RUZHOU)) == expected
    assert len(registry.handling(Capability.TELECOM, RUZHOU)) == 3


def test_every_property_kind_can_be_queried_in_luoyang(registry: Registry) -> None:
    for kind in PROPERTY_KINDS:
        assert registry.handling(kind, LUOLONG), kind


def test_within_follows_the_jurisdiction_tree(registry: Registry) -> None:
    assert registry.within(XIN_AN, LUOYANG)
    assert registry.within(XIN_AN, HENAN)
    assert registry.within(LUOYANG, LUOYANG)
    assert not registry.within(RUZHOU, LUOYANG)
    assert not registry.within(LUOYANG, XIN_AN)
    assert [place.code for place in registry.ancestors(XIN_AN)] == [XIN_AN, LUOYANG, HENAN]


def test_unknown_codes_raise_clear_key_errors(registry: Registry) -> None:
    with pytest.raises(UnknownOrganizationError, match="no organization with code 'CT999999'"):
        registry.get("CT999999")
    with pytest.raises(UnknownOrganizationError, match="no court with case code '豫0399'"):
        registry.court_for_case_code("豫0399")
    with pytest.raises(UnknownJurisdictionError, match="no jurisdiction with code '419999'"):
        registry.jurisdiction("419999")
    with pytest.raises(KeyError):
        registry.handling(Capability.DEPOSIT, "419999")


# --- loading and validation ---------------------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "jurisdictions": [
        {"code": "410000", "name": "河南省", "level": "province"},
        {"code": "410300", "name": "洛阳市", "level": "city", "parent": "410000"},
    ],
    "organizations": [
        {"code": "FUYUAN", "name": "平台", "name_en": "Platform", "kind": "platform",
         "jurisdiction": "410000"},
        {"code": "CT410300", "name": "洛阳中院", "name_en": "Luoyang court", "kind": "court",
         "jurisdiction": "410300", "case_code": "豫03"},
        {"code": "NR410300", "name": "不动产", "name_en": "Registry", "kind": "natural_resources",
         "jurisdiction": "410300", "handles": ["real_estate"]},
    ],
}  # fmt: skip


def _mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def _org(data: dict[str, Any], index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["organizations"][index]
    return entry


def _place(data: dict[str, Any], index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["jurisdictions"][index]
    return entry


def test_the_minimal_registry_is_valid() -> None:
    assert len(list(Registry.from_data(MINIMAL))) == 3


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "court without case code",
        lambda d: _org(d, 1).pop("case_code"),
        "organizations[1] CT410300: field 'case_code': a court needs a case code",
    ),
    (
        "malformed case code",
        lambda d: _org(d, 1).update(case_code="豫3"),
        "organizations[1] CT410300: field 'case_code': 法院代字 court code: court code '豫3' must",
    ),
    (
        "case code of another province",
        lambda d: _org(d, 1).update(case_code="京03"),
        "organizations[1] CT410300: field 'case_code': 京03 does not belong",
    ),
    (
        "case code on a bureau",
        lambda d: _org(d, 2).update(case_code="豫03"),
        "organizations[2] NR410300: field 'case_code': only courts have a case code",
    ),
    (
        "duplicate organization",
        lambda d: d["organizations"].append(dict(_org(d, 2))),
        "organizations[3] NR410300: field 'code': duplicate of entry 2",
    ),
    (
        "unknown capability",
        lambda d: _org(d, 2).update(handles=["real_estate", "teleportation"]),
        "organizations[2] NR410300: field 'handles",
    ),
    (
        "code outside the scheme",
        lambda d: _org(d, 2).update(code="XX410300"),
        "organizations[2] XX410300: field 'code': a natural_resources in 410300 has a code like",
    ),
    (
        "bank without institution letters",
        lambda d: _org(d, 2).update(code="BK410300", kind="bank"),
        "organizations[2] BK410300: field 'code': a bank in 410300 has a code like BKICBC410300",
    ),
    (
        "unknown jurisdiction",
        lambda d: _org(d, 2).update(code="NR410399", jurisdiction="410399"),
        "organizations[2] NR410399: field 'jurisdiction': unknown jurisdiction '410399'",
    ),
    (
        "missing English name",
        lambda d: _org(d, 2).pop("name_en"),
        "organizations[2] NR410300: field 'name_en': Field required",
    ),
    (
        "unquoted division code",
        lambda d: _org(d, 2).update(jurisdiction=410300),
        "organizations[2] NR410300: field 'jurisdiction': Input should be a valid string",
    ),
    (
        "unknown parent",
        lambda d: _place(d, 1).update(parent="420000"),
        "jurisdictions[1] 410300: field 'parent': unknown jurisdiction '420000'",
    ),
    (
        "level that does not fit the code",
        lambda d: _place(d, 1).update(level="county"),
        "jurisdictions[1] 410300: field 'level': county does not fit the code (a city code)",
    ),
    (
        "child outside its parent",
        lambda d: d["jurisdictions"].append(
            {"code": "420100", "name": "武汉市", "level": "city", "parent": "410000"}
        ),
        "jurisdictions[2] 420100: field 'parent': 420100 does not lie within 410000",
    ),
    (
        "city without parent",
        lambda d: _place(d, 1).pop("parent"),
        "jurisdictions[1] 410300: field 'parent': a city needs a parent",
    ),
    (
        "no platform",
        lambda d: d["organizations"].pop(0),
        "exactly one platform (FUYUAN) is needed",
    ),
    (
        "joint office without its seat",
        lambda d: d["organizations"].append(_office()),
        "organizations[3] JO410300: field 'seat': a joint_office needs its seat, the "
        "justice_bureau of 410300",
    ),
    (
        "joint office seated at a court",
        lambda d: d["organizations"].append(_office(seat="CT410300")),
        "organizations[3] JO410300: field 'seat': CT410300 is not the justice_bureau of 410300",
    ),
    (
        "joint office seated at an unknown organization",
        lambda d: d["organizations"].append(_office(seat="JB410300")),
        "organizations[3] JO410300: field 'seat': unknown organization 'JB410300'",
    ),
    (
        "seat of a kind that has none",
        lambda d: _org(d, 2).update(seat="CT410300"),
        "organizations[2] NR410300: field 'seat': a natural_resources has no seat",
    ),
]


def _office(**fields: str) -> dict[str, Any]:
    return {
        "code": "JO410300",
        "name": "联席办",
        "name_en": "Joint office",
        "kind": "joint_office",
        "jurisdiction": "410300",
        **fields,
    }


@pytest.mark.parametrize(
    ("change", "message"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_entries_give_errors_naming_the_entry_and_field(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(RegistryError) as caught:
        Registry.from_data(_mutated(change))
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    def two_problems(data: dict[str, Any]) -> None:
        _org(data, 1).pop("case_code")
        _place(data, 1).update(level="county")

    with pytest.raises(RegistryError, match="2 problem") as caught:
        Registry.from_data(_mutated(two_problems))
    assert "field 'case_code'" in str(caught.value) and "field 'level'" in str(caught.value)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "organizations.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="expected a mapping") as caught:
        Registry.load(path)
    assert str(path) in str(caught.value)


def test_the_environment_variable_overrides_the_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orgs.yaml"
    path.write_text(yaml.safe_dump(MINIMAL, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("FUYUAN_ORGANIZATIONS", str(path))
    assert default_path() == path
    assert _codes(list(Registry.load())) == ["CT410300", "FUYUAN", "NR410300"]


# --- administrators and the units of a bankruptcy's tasks ---------------------------------------


def test_administrators_are_firms_on_a_roster_and_no_bureau(registry: Registry) -> None:
    administrators = [org for org in registry if org.kind == OrgKind.ADMINISTRATOR]
    assert {org.code for org in administrators} >= {"AMLUOPU410300", "AMRUHE410482"}
    assert all(org.code.startswith(KIND_PREFIXES[OrgKind.ADMINISTRATOR]) for org in administrators)
    assert not {org.kind for org in registry.bureaus()} & {OrgKind.ADMINISTRATOR}


def test_an_administrators_code_names_its_firm() -> None:
    data = copy.deepcopy(MINIMAL)
    data["organizations"].append(
        {
            "code": "AM410000",
            "name": "某律所",
            "name_en": "A firm",
            "kind": "administrator",
            "jurisdiction": "410000",
        }
    )
    with pytest.raises(RegistryError, match="has a code like AMFIRM410000"):
        Registry.from_data(data)


def test_every_unit_kind_of_the_topic_catalogue_has_organizations(registry: Registry) -> None:
    catalogue = TopicCatalogue.load()
    named = {
        kind
        for topic in catalogue.topics
        for item in topic.items
        for a in item.assignments
        for kind in (a.lead, *a.co_units)
    }
    in_case = {UnitKind.COURT, UnitKind.ADMINISTRATOR, UnitKind.JOINT_OFFICE}
    for kind in named - in_case:
        assert registry.of_kind(OrgKind(kind.value), LUOLONG), kind


def test_units_by_kind_are_the_nearest_then_the_towns_below(registry: Registry) -> None:
    assert _codes(registry.of_kind(OrgKind.HUMAN_RESOURCES, XIN_AN)) == ["HR410300"]
    assert _codes(registry.of_kind(OrgKind.TRADE_UNION, RUZHOU)) == ["TU410482"]
    assert _codes(registry.of_kind(OrgKind.CUSTOMS, RUZHOU)) == ["CS410000"]
    assert _codes(registry.of_kind(OrgKind.CUSTOMS, XIN_AN)) == ["CS410300"]
    assert _codes(registry.of_kind(OrgKind.TOWN_GOVERNMENT, RUZHOU)) == ["TG410482001"]
    assert _codes(registry.of_kind(OrgKind.TOWN_GOVERNMENT, XIN_AN)) == ["TG410323100"]
    assert registry.of_kind(OrgKind.TOWN_GOVERNMENT, LUOYANG) == []


# --- the joint mechanism: leading groups, joint offices at the justice bureau, member units -----


def test_each_joint_office_sits_at_the_justice_bureau_of_its_jurisdiction(
    registry: Registry,
) -> None:
    offices = [org for org in registry if org.kind == OrgKind.JOINT_OFFICE]
    assert _codes(offices) == ["JO410000", "JO410300", "JO410482"]
    for office in offices:
        seat = registry.seat(office.code)
        assert seat.kind == OrgKind.JUSTICE_BUREAU
        assert seat.jurisdiction == office.jurisdiction
    assert registry.seat("JO410000").name == "河南省司法厅"
    with pytest.raises(KeyError, match="has no seat"):
        registry.seat("CT410300")


def test_the_leading_group_and_the_office_of_a_place_are_its_own_or_the_nearest_above(
    registry: Registry,
) -> None:
    assert registry.leading_group(LUOYANG).code == "LG410300"
    assert registry.leading_group(LUOLONG).code == "LG410300"
    assert registry.joint_office("410311001").code == "JO410300"
    assert registry.leading_group(RUZHOU).code == "LG410482"
    assert registry.joint_office(RUZHOU).code == "JO410482"
    assert registry.leading_group(HENAN).code == "LG410000"
    assert {OrgKind.LEADING_GROUP, OrgKind.JOINT_OFFICE} <= NOT_BUREAUS
    assert not {org.kind for org in registry.bureaus()} & {OrgKind.LEADING_GROUP}


def test_towns_and_streets_are_found_per_jurisdiction(registry: Registry) -> None:
    assert _codes(registry.towns(LUOLONG)) == ["TG410311001"]
    assert _codes(registry.towns(RUZHOU)) == ["TG410482001"]
    assert len(registry.towns(LUOYANG)) >= 5
    assert all(registry.within(org.jurisdiction, LUOYANG) for org in registry.towns(LUOYANG))
