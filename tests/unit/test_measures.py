"""惩戒措施目录 — the sample catalogue loads, cites its sources, has the nine consumption restrictions,
is enforced by organizations in the sample registry, and refuses broken entries by entry and field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from contracts.base import Payload
from contracts.enforcement.measures import (
    Applicable,
    Catalogue,
    CatalogueError,
    DeletionGround,
    Ground,
    LiftingGround,
    Measure,
    MeasureCategory,
    UnknownEntryError,
    Whom,
    default_catalogue_path,
)
from contracts.organizations import Capability, OrgKind, Registry
from contracts.registry import PAYLOADS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy" / "sanctions" / "measures.yaml"
ORGANIZATIONS = ROOT / "deploy" / "organizations.yaml"
LUOYANG = "410300"

GROUNDS = {
    "ability_refusal",
    "obstruction",
    "evasion",
    "property_report_violation",
    "consumption_order_violation",
    "settlement_refusal",
}

# Registry entries that do not yet carry the capability the catalogue needs of their kind.
AWAITING_REGISTRY: dict[Capability, set[OrgKind]] = {
    Capability.CREDIT_SANCTION: set(),
    Capability.CONSUMPTION_RESTRICTION: set(),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(SAMPLE)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(ORGANIZATIONS)


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return data


RAW = _raw()


# --- the sample file ----------------------------------------------------------------------------


def test_the_default_file_is_the_sample_in_deploy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUYUAN_MEASURES", raising=False)
    monkeypatch.delenv("FUYUAN_HOME", raising=False)
    assert default_catalogue_path() == SAMPLE


def test_fuyuan_home_and_the_environment_variable_move_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUYUAN_MEASURES", raising=False)
    monkeypatch.setenv("FUYUAN_HOME", str(tmp_path))
    assert default_catalogue_path() == tmp_path / "deploy" / "sanctions" / "measures.yaml"
    path = tmp_path / "measures.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("FUYUAN_MEASURES", str(path))
    assert default_catalogue_path() == path
    assert Catalogue.load().version == RAW["version"]


def test_the_sample_catalogue_loads(catalogue: Catalogue) -> None:
    assert catalogue.version == "2026-12"
    assert len(catalogue.measures) >= 25
    assert {ground.id for ground in catalogue.grounds} == GROUNDS
    assert {
        "performed",
        "settlement_performed",
        "term_expired",
        "execution_suspended",
        "error_corrected",
    } <= {ground.id for ground in catalogue.deletion_grounds}
    assert {m.category for m in catalogue.measures} >= set(MeasureCategory) - {
        MeasureCategory.OTHER
    }


def test_the_listing_term_is_two_years_extendable_by_one_to_three(catalogue: Catalogue) -> None:
    assert catalogue.ground("ability_refusal").term_years is None
    assert {catalogue.ground(g).term_years for g in GROUNDS - {"ability_refusal"}} == {2}
    extension = catalogue.term_extension
    assert (extension.min_years, extension.max_years) == (1, 3)


def test_every_entry_cites_a_source_document_that_exists(catalogue: Catalogue) -> None:
    entries: list[Measure | Ground | DeletionGround | LiftingGround] = [
        *catalogue.measures,
        *catalogue.grounds,
        *catalogue.deletion_grounds,
        *catalogue.lifting_grounds,
    ]
    for entry in entries:
        assert entry.source.document in catalogue.source_documents, entry.id
        assert entry.source.provision or entry.source.category, entry.id
    assert catalogue.term_extension.source.document in catalogue.source_documents
    history = [earlier for m in catalogue.measures for earlier in m.history]
    cited = {entry.source.document for entry in entries} | {s.document for s in history}
    assert cited == set(catalogue.source_documents), "every source document is cited"


def test_ids_are_unique_snake_case(catalogue: Catalogue) -> None:
    for entries in (
        catalogue.measures,
        catalogue.grounds,
        catalogue.deletion_grounds,
        catalogue.lifting_grounds,
    ):
        ids = [entry.id for entry in entries]
        assert len(ids) == len(set(ids))
        assert all(entry_id.isascii() and entry_id.islower() for entry_id in ids)


def test_the_nine_consumption_restrictions(catalogue: Catalogue) -> None:
    restrictions = catalogue.consumption_restrictions()
    assert [m.restriction_item for m in restrictions] == list(range(1, 10))
    for measure in restrictions:
        assert measure.category == MeasureCategory.HIGH_CONSUMPTION
        assert set(measure.applies_to) == set(Whom), measure.id
        assert measure.source.document == "spc_2015_17"
        numeral = "一二三四五六七八九"[(measure.restriction_item or 0) - 1]
        assert measure.source.provision == f"第三条第一款第（{numeral}）项", measure.id
    others = [m for m in catalogue.measures if not m.consumption_restriction]
    assert all(m.restriction_item is None for m in others)
    assert catalogue.consumption_restrictions()[0].enforced_by == (
        OrgKind.CIVIL_AVIATION,
        OrgKind.RAILWAY,
        OrgKind.TRANSPORT,
    )


# --- queries ------------------------------------------------------------------------------------


def test_get_and_enforcers(catalogue: Catalogue) -> None:
    measure = catalogue.get("g_trains_first_class")
    assert measure.restriction_item == 9
    assert catalogue.enforcers(measure) == [OrgKind.RAILWAY]
    assert catalogue.enforcers("private_school_fees") == [OrgKind.EDUCATION]
    assert measure in catalogue.measures_enforced_by(OrgKind.RAILWAY)
    assert OrgKind.RAILWAY in catalogue.enforcing_kinds()


def test_a_person_gets_the_measures_binding_persons(catalogue: Catalogue) -> None:
    applicable = catalogue.for_party("person")
    assert applicable and all(item.whom == Whom.PERSON for item in applicable)
    ids = [item.measure.id for item in applicable]
    assert "civil_service_recruitment" in ids and "premium_transport" in ids
    assert "bond_issuance" not in ids


def test_an_organization_gets_its_own_and_its_officers_measures_marked(
    catalogue: Catalogue,
) -> None:
    applicable = catalogue.for_party(Whom.ORGANIZATION)
    assert Whom.PERSON not in {item.whom for item in applicable}
    transport = [item.whom for item in applicable if item.measure.id == "premium_transport"]
    assert transport == [Whom.ORGANIZATION, Whom.LEGAL_REPRESENTATIVE, Whom.ACTUAL_CONTROLLER]
    assert Applicable(catalogue.get("bond_issuance"), Whom.ORGANIZATION) in applicable
    # A post restriction binds a natural-person debtor, not an organization.
    assert "civil_service_recruitment" not in {item.measure.id for item in applicable}


def test_a_party_is_a_person_or_an_organization(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="a person or an organization"):
        catalogue.for_party(Whom.LEGAL_REPRESENTATIVE)
    with pytest.raises(ValueError):
        catalogue.for_party("company")  # type: ignore[arg-type]


def test_grounds_and_deletion_grounds_by_id(catalogue: Catalogue) -> None:
    assert catalogue.ground("consumption_order_violation").zh == "违反限制消费令"
    assert catalogue.ground("evasion").source.provision == "第一条第（三）项"
    assert catalogue.deletion_ground("performed").source.provision == "第十条第一款第（一）项"
    assert catalogue.deletion_ground("early_deletion").discretionary
    assert not catalogue.deletion_ground("term_expired").discretionary


def test_unknown_ids_raise_clear_key_errors(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownEntryError, match="no measure with id 'teleportation'"):
        catalogue.get("teleportation")
    with pytest.raises(UnknownEntryError, match="no listing ground with id 'rudeness'"):
        catalogue.ground("rudeness")
    with pytest.raises(UnknownEntryError, match="no deletion ground with id 'forgiven'"):
        catalogue.deletion_ground("forgiven")
    with pytest.raises(KeyError):
        catalogue.enforcers("teleportation")


def test_the_catalogue_is_frozen_data_not_a_message(catalogue: Catalogue) -> None:
    with pytest.raises(ValidationError):
        catalogue.get("premium_transport").id = "other"  # type: ignore[misc]
    for model in (Catalogue, Measure, Ground, DeletionGround):
        assert not issubclass(model, Payload)
        assert model not in PAYLOADS.values()


# --- the registry has the enforcers -------------------------------------------------------------


def _missing(registry: Registry, capability: Capability, kinds: list[OrgKind]) -> set[OrgKind]:
    present = {org.kind for org in registry.handling(capability, LUOYANG)}
    return {kind for kind in kinds if kind not in present}


def test_every_enforcing_kind_has_a_sanctioning_organization_in_luoyang(
    catalogue: Catalogue, registry: Registry
) -> None:
    missing = _missing(registry, Capability.CREDIT_SANCTION, catalogue.enforcing_kinds())
    expected = AWAITING_REGISTRY[Capability.CREDIT_SANCTION]
    assert missing == expected, (
        f"kinds without a credit_sanction organization for {LUOYANG}: {sorted(missing)}; "
        f"known and awaiting a registry change: {sorted(expected)}"
    )


def test_every_restricted_spending_kind_has_an_enforcer_in_luoyang(
    catalogue: Catalogue, registry: Registry
) -> None:
    kinds = sorted({kind for m in catalogue.consumption_restrictions() for kind in m.enforced_by})
    missing = _missing(registry, Capability.CONSUMPTION_RESTRICTION, kinds)
    expected = AWAITING_REGISTRY[Capability.CONSUMPTION_RESTRICTION]
    assert missing == expected, (
        f"kinds without a consumption_restriction organization for {LUOYANG}: "
        f"{sorted(missing)}; known and awaiting a registry change: {sorted(expected)}"
    )


def test_consumption_restriction_organizations_also_apply_sanctions(registry: Registry) -> None:
    restricting = [org for org in registry if Capability.CONSUMPTION_RESTRICTION in org.handles]
    assert restricting, "no organization enforces consumption restrictions: nothing was checked"
    for org in restricting:
        assert Capability.CREDIT_SANCTION in org.handles, org.code


# --- loading and validation ---------------------------------------------------------------------


def _mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def _measure(data: dict[str, Any], index: int) -> dict[str, Any]:
    entry: dict[str, Any] = data["measures"][index]
    return entry


def _index(measure_id: str) -> int:
    return next(i for i, m in enumerate(RAW["measures"]) if m["id"] == measure_id)


FLIGHTS = _index("premium_transport")
HOTELS = _index("star_hotels_clubs_golf")
SUBSIDIES = _index("government_subsidies")
LAST = len(RAW["measures"])

BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "unknown enforcing kind",
        lambda d: _measure(d, FLIGHTS)["enforced_by"].append("airline"),
        f"measures[{FLIGHTS}] premium_transport: field 'enforced_by.3': unknown organization "
        "kind 'airline'",
    ),
    (
        "no enforcer",
        lambda d: _measure(d, SUBSIDIES).update(enforced_by=[]),
        f"measures[{SUBSIDIES}] government_subsidies: field 'enforced_by': Tuple should have at "
        "least 1 item",
    ),
    (
        "same enforcer twice",
        lambda d: _measure(d, SUBSIDIES).update(enforced_by=["finance", "finance"]),
        f"measures[{SUBSIDIES}] government_subsidies: field 'enforced_by': Value error, listed "
        "more than once: finance",
    ),
    (
        "unknown party",
        lambda d: _measure(d, SUBSIDIES).update(applies_to=["shareholder"]),
        f"measures[{SUBSIDIES}] government_subsidies: field 'applies_to.0': unknown value "
        "'shareholder'",
    ),
    (
        "unknown category",
        lambda d: _measure(d, SUBSIDIES).update(category="misc"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'category': unknown value 'misc'",
    ),
    (
        "id not snake case",
        lambda d: _measure(d, SUBSIDIES).update(id="Government-Subsidies"),
        f"measures[{SUBSIDIES}] Government-Subsidies: field 'id': String should match pattern",
    ),
    (
        "missing English name",
        lambda d: _measure(d, SUBSIDIES).pop("name_en"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'name_en': Field required",
    ),
    (
        "unknown field",
        lambda d: _measure(d, SUBSIDIES).update(severity="high"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'severity': Extra inputs are not "
        "permitted",
    ),
    (
        "source without provision or category",
        lambda d: _measure(d, SUBSIDIES).update(source={"document": "memo_2016_141"}),
        f"measures[{SUBSIDIES}] government_subsidies: field 'source': Value error, cite a "
        "provision",
    ),
    (
        "unknown source document",
        lambda d: _measure(d, SUBSIDIES)["source"].update(document="memo_2099_1"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'source.document': unknown source "
        "document 'memo_2099_1'",
    ),
    (
        "history citing an unknown document",
        lambda d: _measure(d, SUBSIDIES)["history"][0].update(document="memo_2099_1"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'history.0.document': unknown "
        "source document 'memo_2099_1'",
    ),
    (
        "no interception",
        lambda d: _measure(d, SUBSIDIES).pop("interception"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'interception': Field required",
    ),
    (
        "unknown interception",
        lambda d: _measure(d, SUBSIDIES).update(interception="by_magic"),
        f"measures[{SUBSIDIES}] government_subsidies: field 'interception': unknown value "
        "'by_magic'",
    ),
    (
        "unconfirmed document that does not exist",
        lambda d: d["unconfirmed_documents"].append("memo_2099_1"),
        "field 'unconfirmed_documents': no source document 'memo_2099_1'",
    ),
    (
        "ground citing an unknown document",
        lambda d: d["grounds"][0]["source"].update(document="nowhere"),
        "grounds[0] ability_refusal: field 'source.document': unknown source document 'nowhere'",
    ),
    (
        "duplicate measure id",
        lambda d: d["measures"].append(copy.deepcopy(_measure(d, SUBSIDIES))),
        f"measures[{LAST}] government_subsidies: field 'id': duplicate of entry {SUBSIDIES}",
    ),
    (
        "duplicate deletion ground",
        lambda d: d["deletion_grounds"].append(copy.deepcopy(d["deletion_grounds"][0])),
        f"deletion_grounds[{len(RAW['deletion_grounds'])}] performed: field 'id': duplicate of "
        "entry 0",
    ),
    (
        "restriction without item number",
        lambda d: _measure(d, HOTELS).pop("restriction_item"),
        f"measures[{HOTELS}] star_hotels_clubs_golf: field 'restriction_item': a consumption "
        "restriction needs its item number",
    ),
    (
        "restriction item out of range",
        lambda d: _measure(d, HOTELS).update(restriction_item=10),
        f"measures[{HOTELS}] star_hotels_clubs_golf: field 'restriction_item': Input should be "
        "less than or equal to 9",
    ),
    (
        "two restrictions with one item",
        lambda d: _measure(d, HOTELS).update(restriction_item=1),
        f"measures[{HOTELS}] star_hotels_clubs_golf: field 'restriction_item': item 1 is also "
        f"entry {FLIGHTS}'s",
    ),
    (
        "eight restrictions",
        lambda d: _measure(d, HOTELS).update(consumption_restriction=False),
        "measures: exactly nine consumption restrictions, numbered 1–9, are needed; found 8, "
        "missing items [2]",
    ),
    (
        "ten restrictions",
        lambda d: _measure(d, SUBSIDIES).update(
            consumption_restriction=True,
            restriction_item=9,
            category="high_consumption",
            applies_to=[whom.value for whom in Whom],
        ),
        "exactly nine consumption restrictions, numbered 1–9, are needed; found 10",
    ),
    (
        "item number on an ordinary measure",
        lambda d: _measure(d, SUBSIDIES).update(restriction_item=4),
        f"measures[{SUBSIDIES}] government_subsidies: field 'restriction_item': only a "
        "consumption restriction has a restriction item",
    ),
    (
        "restriction outside high consumption",
        lambda d: _measure(d, HOTELS).update(category="other"),
        f"measures[{HOTELS}] star_hotels_clubs_golf: field 'category': a consumption "
        "restriction is in category high_consumption",
    ),
    (
        "restriction not binding the legal representative",
        lambda d: _measure(d, HOTELS).update(applies_to=["person", "organization"]),
        f"measures[{HOTELS}] star_hotels_clubs_golf: field 'applies_to': a consumption "
        "restriction binds",
    ),
    (
        "bad version",
        lambda d: d.update(version="November 2026"),
        "field 'version': String should match pattern",
    ),
    (
        "extension shorter than it starts",
        lambda d: d["term_extension"].update(min_years=4),
        "field 'term_extension': Value error, min_years 4 exceeds max_years 3",
    ),
    (
        "no measures",
        lambda d: d.update(measures=[]),
        "field 'measures': Tuple should have at least 1 item",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_entries_give_errors_naming_the_entry_and_field(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(CatalogueError) as caught:
        Catalogue.from_data(_mutated(change))
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    def two_problems(data: dict[str, Any]) -> None:
        _measure(data, SUBSIDIES)["source"].update(document="nowhere")
        _measure(data, HOTELS).update(category="other")

    with pytest.raises(CatalogueError, match="2 problem") as caught:
        Catalogue.from_data(_mutated(two_problems))
    entries = {line.split(": ")[0] for line in caught.value.problems}
    assert entries == {
        f"measures[{SUBSIDIES}] government_subsidies",
        f"measures[{HOTELS}] star_hotels_clubs_golf",
    }


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "measures.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="expected a mapping") as caught:
        Catalogue.load(path)
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "measures.yaml"
    path.write_text("measures: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML") as caught:
        Catalogue.load(path)
    assert str(path) in str(caught.value)
