"""协调议题目录 and 保障资金 limits — versioned data, validated when loaded: the seed's ten topics,
one lead per level for every item, known sources; the funds' caps and budgets by court."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.bankruptcy.data import DataError
from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.tasks import Trigger
from contracts.bankruptcy.topics import LEVELS, SEED_TOPICS, TopicCatalogue, UnitKind
from contracts.organizations.kinds import Level, OrgKind

ROOT = Path(__file__).resolve().parents[2]
TOPICS_FILE = ROOT / "deploy" / "bankruptcy" / "topics.yaml"
AID_FILE = ROOT / "deploy" / "bankruptcy" / "expense_aid.yaml"


def topics_data() -> dict[str, Any]:
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def aid_data() -> dict[str, Any]:
    return yaml.safe_load(AID_FILE.read_text(encoding="utf-8"))


def test_the_catalogue_holds_the_seeds_ten_topics_in_order() -> None:
    catalogue = TopicCatalogue.load()
    assert catalogue.version == "2026-12"
    assert tuple(t.id for t in catalogue.topics) == SEED_TOPICS
    assert catalogue.topic("credit_repair").zh == "信用修复"


def test_every_item_has_one_lead_at_every_level() -> None:
    for topic in TopicCatalogue.load().topics:
        for item in topic.items:
            leads = [item.assignment(level).lead for level in LEVELS]
            assert all(isinstance(lead, UnitKind) for lead in leads), item.id


def test_each_trigger_generates_what_the_law_and_the_seed_ask() -> None:
    catalogue = TopicCatalogue.load()
    repair = catalogue.generated_on(Trigger.PLAN_APPROVED)
    assert {i.assignment(Level.COUNTY).lead for _, i in repair} >= {
        UnitKind.COURT,
        UnitKind.MARKET_REGULATION,
        UnitKind.CREDIT_REFERENCE,
        UnitKind.TAX,
    }
    ends = catalogue.generated_on(Trigger.TERMINATION, "no_property")
    assert [(t.id, i.id, i.due_days) for t, i in ends] == [
        ("change_deregistration", "deregistration", 10)
    ]
    assert catalogue.generated_on(Trigger.TERMINATION, "plan_performed") == []
    assert catalogue.topic("debt_evasion").items[0].trigger is Trigger.AD_HOC


def test_every_unit_kind_is_an_organization_kind_of_the_registry() -> None:
    assert all(kind.in_registry for kind in UnitKind)
    assert {kind.value for kind in UnitKind} <= {kind.value for kind in OrgKind}


def test_a_missing_seed_topic_is_named() -> None:
    data = topics_data()
    data["topics"] = [t for t in data["topics"] if t["id"] != "tax"]
    with pytest.raises(DataError, match="the seed's topic 'tax' is missing"):
        TopicCatalogue.from_data(data)


def test_a_level_without_a_lead_is_named_with_its_item() -> None:
    data = copy.deepcopy(topics_data())
    data["topics"][0]["items"][0]["assignments"][0]["levels"] = ["city"]
    with pytest.raises(DataError) as e:
        TopicCatalogue.from_data(data)
    assert "topics.livelihood_employees.items.wage_arrears.assignments: level province" in str(
        e.value
    )


def test_an_unknown_unit_kind_is_named_by_entry_and_field() -> None:
    data = topics_data()
    data["topics"][3]["items"][0]["assignments"][0]["lead"] = "weather_bureau"
    with pytest.raises(DataError) as e:
        TopicCatalogue.from_data(data)
    assert "topics[3] tax.items[0] tax_claims.assignments[0].lead" in str(e.value)


def test_an_unknown_source_document_is_named() -> None:
    data = topics_data()
    data["topics"][1]["source"]["document"] = "nowhere"
    with pytest.raises(
        DataError, match=r"topics\.social_stability\.source: unknown source document"
    ):
        TopicCatalogue.from_data(data)


def test_only_a_termination_item_names_termination_grounds() -> None:
    data = topics_data()
    data["topics"][0]["items"][0]["only_after"] = ["no_property"]
    with pytest.raises(DataError, match="only a termination item"):
        TopicCatalogue.from_data(data)
    data = topics_data()
    data["topics"][8]["items"][1]["only_after"] = ["bankrupt_enough"]
    with pytest.raises(DataError, match="'bankrupt_enough' is no termination ground"):
        TopicCatalogue.from_data(data)


def test_the_catalogue_location_can_be_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = topics_data()
    data["version"] = "2027-01"
    other = tmp_path / "topics.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("FUYUAN_BANKRUPTCY_TOPICS", str(other))
    assert TopicCatalogue.load().version == "2027-01"


def test_a_file_that_is_not_yaml_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics: [", encoding="utf-8")
    with pytest.raises(DataError, match="not valid YAML"):
        TopicCatalogue.load(bad)


# --- expense aid -------------------------------------------------------------------------------


def test_the_fund_of_a_court_is_the_longest_prefix() -> None:
    limits = ExpenseAidLimits.load()
    assert limits.version == "2026-12"
    assert limits.for_court("豫0482").id == "pingdingshan"
    assert limits.for_court("粤0112").cap_per_case == 200000
    assert limits.for_court("京01").id == "default"


def test_every_fund_value_is_marked_as_a_sample() -> None:
    assert all(not j.source.confirmed for j in ExpenseAidLimits.load().funds)


def test_a_fee_cap_above_the_case_cap_is_refused() -> None:
    data = aid_data()
    data["funds"][1]["fee_cap"] = 200000
    with pytest.raises(DataError, match="fee_cap is more than cap_per_case"):
        ExpenseAidLimits.from_data(data)


def test_the_limits_need_a_default_fund() -> None:
    data = aid_data()
    data["funds"] = data["funds"][1:]
    with pytest.raises(DataError, match="no entry with id 'default'"):
        ExpenseAidLimits.from_data(data)


def test_a_court_served_by_two_funds_is_refused() -> None:
    data = aid_data()
    data["funds"][2]["courts"] = ["豫04"]
    with pytest.raises(DataError, match="'豫04' appears twice"):
        ExpenseAidLimits.from_data(data)
