"""协调议题目录 — the topic catalogue: the seed's ten coordination topics of a bankruptcy (民生保障
… 费用保障), each with its items, who leads and who helps at each jurisdiction level, the default
days, what generates the task, and the source of each entry.

The catalogue is versioned data (`deploy/bankruptcy/topics.yaml`), validated when loaded; lead
units are local practice ([U] in docs/BANKRUPTCY.md), so they are data per level, not code.
These models are data, not messages: none is a `Payload`, none is registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from contracts.bankruptcy.data import (
    DataError,
    EntryId,
    Source,
    Text,
    Version,
    default_path,
    duplicates,
    from_data,
    load,
    source_problems,
)
from contracts.bankruptcy.procedure import TerminationGround
from contracts.bankruptcy.tasks import Trigger
from contracts.base import Contract
from contracts.organizations.kinds import Level, OrgKind


class UnitKind(StrEnum):
    """单位类别 — a kind of unit a task names: an organization kind of the registry (`OrgKind`,
    same value). Where a jurisdiction has no unit of the kind, the joint office stands in."""

    COURT = "court"  # 法院: the court hearing the case
    ADMINISTRATOR = "administrator"  # 管理人: the one appointed in the case
    PROCURATORATE = "procuratorate"  # 检察院
    POLICE = "police"  # 公安
    PETITION = "petition"  # 信访
    HUMAN_RESOURCES = "human_resources"  # 人社 (with 社保经办)
    TAX = "tax"  # 税务
    NATURAL_RESOURCES = "natural_resources"  # 自然资源 / 不动产登记
    HOUSING = "housing"  # 住建
    SASAC = "sasac"  # 国资
    MARKET_REGULATION = "market_regulation"  # 市场监管
    DEVELOPMENT_REFORM = "development_reform"  # 发改 (信用中国)
    FINANCE = "finance"  # 财政
    FINANCIAL_REGULATION = "financial_regulation"  # 地方金融管理局
    FINANCIAL_SUPERVISION = "financial_supervision"  # 金融监管分局
    CREDIT_REFERENCE = "credit_reference"  # 人民银行征信
    BANK = "bank"  # 银行
    JOINT_OFFICE = "joint_office"  # 联席办
    # Units only a bankruptcy's tasks name:
    POLITICAL_LEGAL_COMMITTEE = "political_legal_committee"  # 政法委
    MEDICAL_INSURANCE = "medical_insurance"  # 医保
    TRADE_UNION = "trade_union"  # 总工会
    TOWN_GOVERNMENT = "town_government"  # 乡镇人民政府、街道办事处
    ECOLOGY_ENVIRONMENT = "ecology_environment"  # 生态环境
    EMERGENCY_MANAGEMENT = "emergency_management"  # 应急管理
    PBOC_BRANCH = "pboc_branch"  # 人民银行分支机构
    CUSTOMS = "customs"  # 海关
    FOREIGN_EXCHANGE = "foreign_exchange"  # 外汇管理
    JUSTICE_BUREAU = "justice_bureau"  # 司法局

    @property
    def in_registry(self) -> bool:
        """Whether the organization registry has organizations of this kind (or the case names
        them: the court hearing it and its administrator)."""
        return self is UnitKind.ADMINISTRATOR or self.value in {k.value for k in OrgKind}


class Assignment(Contract):
    """牵头与配合 — who leads and who helps, at the levels listed."""

    levels: tuple[Level, ...] = Field(min_length=1)
    """层级 — the jurisdiction levels of the court hearing the case this assignment is for."""
    lead: UnitKind
    """牵头单位 — exactly one."""
    co_units: tuple[UnitKind, ...] = ()
    """配合单位."""


class Item(Contract):
    """事项 — one task a topic generates."""

    id: EntryId
    """E.g. `wage_arrears`."""
    zh: Text
    """Chinese wording: what the task is."""
    en: Text
    """English wording."""
    trigger: Trigger
    """What generates it: acceptance, plan_approved, termination or ad_hoc (by request only)."""
    due_days: int = Field(ge=1, le=730)
    """办结期限 — calendar days from the fact that generated it (or from the request)."""
    legal_basis: str = ""
    """法律依据 — the article the task rests on, where one does."""
    assignments: tuple[Assignment, ...] = Field(min_length=1)
    """牵头与配合 by level; every level in `LEVELS` exactly once."""
    source: Source
    """Where the item and its units come from."""
    only_after: tuple[EntryId, ...] = ()
    """For termination: generated only after these termination grounds (e.g. deregistration
    follows a liquidation's end only, 第一百二十一条); empty for every ground."""

    def assignment(self, level: Level) -> Assignment:
        """The lead and co-units at this level."""
        return next(a for a in self.assignments if level in a.levels)


class Topic(Contract):
    """议题 — one of the seed's ten coordination topics."""

    id: EntryId
    """E.g. `livelihood_employees`."""
    zh: Text
    """Chinese name, e.g. 民生保障、职工安置."""
    en: Text
    """English name."""
    source: Source
    """Where the topic comes from (the seed)."""
    items: tuple[Item, ...] = Field(min_length=1)
    """The tasks the topic generates; the first is the one an ad hoc request without an item
    gets."""

    def item(self, item_id: str | None) -> Item:
        if item_id is None:
            return self.items[0]
        try:
            return next(i for i in self.items if i.id == item_id)
        except StopIteration:
            raise UnknownTopicError(f"topic {self.id} has no item {item_id!r}") from None


LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
"""The levels of the courts that hear bankruptcy cases: high, intermediate, basic."""

SEED_TOPICS = (
    "livelihood_employees",
    "social_stability",
    "property_takeover",
    "tax",
    "asset_disposal",
    "financial_coordination",
    "credit_repair",
    "debt_evasion",
    "change_deregistration",
    "expense_guarantee",
)
"""The seed's ten topics, in its order: 民生保障、社会稳定、财产接管、税收征管、资产处置、金融协调、
信用修复、打击逃废债、变更注销、费用保障."""


class UnknownTopicError(KeyError):
    """No topic, or no item of a topic, has this id."""

    def __str__(self) -> str:
        return str(self.args[0])


class TopicCatalogue(Contract):
    """协调议题目录 — one version of the topics, validated as a whole: the seed's ten topics,
    unique ids, known sources, one lead per level."""

    version: Version
    """目录版本, `YYYY-MM`."""
    source_documents: dict[EntryId, Text] = Field(min_length=1)
    """Document id → full citation: issuer, title, document number, or address."""
    acknowledge_working_days: int = Field(ge=1, le=30)
    """签收期限 — working days a lead unit has to acknowledge a task ([U]: no statute)."""
    acknowledge_source: Source
    """Where the acknowledgement days come from."""
    topics: tuple[Topic, ...] = Field(min_length=1)
    """议题, in the seed's order."""

    _topics: dict[str, Topic] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> TopicCatalogue:
        if problems := list(catalogue_problems(self)):
            raise DataError(problems)
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._topics = {t.id: t for t in self.topics}

    @classmethod
    def load(cls, path: Path | str | None = None) -> TopicCatalogue:
        """Read and validate the catalogue (default `deploy/bankruptcy/topics.yaml`, or
        `$FUYUAN_BANKRUPTCY_TOPICS`)."""
        where = Path(path) if path else default_path("topics.yaml", "FUYUAN_BANKRUPTCY_TOPICS")
        return load(cls, where)

    @classmethod
    def from_data(cls, data: Any) -> TopicCatalogue:
        return from_data(cls, data)

    def topic(self, topic_id: str) -> Topic:
        try:
            return self._topics[topic_id]
        except KeyError:
            raise UnknownTopicError(f"no topic {topic_id!r} in catalogue {self.version}") from None

    def generated_on(self, trigger: Trigger, ground: str | None = None) -> list[tuple[Topic, Item]]:
        """The items a fact generates, in catalogue order; for a termination, those whose
        `only_after` allows its ground."""
        return [
            (t, i)
            for t in self.topics
            for i in t.items
            if i.trigger is trigger and (not i.only_after or ground in i.only_after)
        ]


def catalogue_problems(catalogue: TopicCatalogue) -> Iterator[str]:
    documents = catalogue.source_documents
    ids = [t.id for t in catalogue.topics]
    yield from duplicates("topics", ids)
    for missing in sorted(set(SEED_TOPICS) - set(ids)):
        yield f"topics: the seed's topic {missing!r} is missing"
    yield from source_problems("acknowledge", catalogue.acknowledge_source, documents)
    for t in catalogue.topics:
        yield from source_problems(f"topics.{t.id}", t.source, documents)
        yield from duplicates(f"topics.{t.id}.items", [i.id for i in t.items])
        for i in t.items:
            yield from _item_problems(f"topics.{t.id}.items.{i.id}", i, documents)


def _item_problems(where: str, item: Item, documents: dict[str, str]) -> Iterator[str]:
    yield from source_problems(where, item.source, documents)
    levels = [level for a in item.assignments for level in a.levels]
    for level in LEVELS:
        if levels.count(level) != 1:
            yield f"{where}.assignments: level {level} must appear exactly once"
    for a in item.assignments:
        if a.lead in a.co_units:
            yield f"{where}.assignments: {a.lead} leads and cannot also be a co-unit"
    if item.only_after and item.trigger is not Trigger.TERMINATION:
        yield f"{where}.only_after: only a termination item names termination grounds"
    for ground in item.only_after:
        if ground not in {g.value for g in TerminationGround}:
            yield f"{where}.only_after: {ground!r} is no termination ground"


__all__ = [
    "LEVELS",
    "SEED_TOPICS",
    "Assignment",
    "DataError",
    "Item",
    "Topic",
    "TopicCatalogue",
    "UnitKind",
    "UnknownTopicError",
]
