"""惩戒措施目录 — the sanction measure catalogue: joint sanctions 联合惩戒 and consumption restrictions
限制消费, with the bureau kinds that enforce them, whom they bind, and their sources.

The catalogue is versioned data (`deploy/sanctions/measures.yaml`), validated when loaded; see
docs/SANCTIONS_CATALOGUE.md. It also holds the six statutory grounds for listing a dishonest
judgment debtor 失信被执行人 and the grounds for deleting the listing, which the listing contract
validates against.

These models are data, not messages: none is a `Payload`, none is registered.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import yaml
from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from contracts.base import Contract
from contracts.organizations.kinds import OrgKind

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
"""An entry's id: ASCII snake_case, e.g. `premium_transport`. Stable once published."""

CatalogueVersion = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""目录版本 — the month the catalogue version was adopted: `YYYY-MM`, e.g. `2026-11`."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

RESTRICTION_ITEMS = range(1, 10)
"""限制消费 — the nine kinds of restricted spending, 法释〔2015〕17号 第三条第一款第（一）至（九）项."""


class Whom(StrEnum):
    """惩戒对象 — whom a measure binds."""

    PERSON = "person"  # 自然人被执行人
    ORGANIZATION = "organization"  # 单位被执行人
    LEGAL_REPRESENTATIVE = "legal_representative"  # 单位的法定代表人
    ACTUAL_CONTROLLER = "actual_controller"  # 单位的实际控制人


ORGANIZATION_SIDE = (Whom.ORGANIZATION, Whom.LEGAL_REPRESENTATIVE, Whom.ACTUAL_CONTROLLER)
"""Whom a measure against a debtor that is an organization can bind."""


class MeasureCategory(StrEnum):
    """措施类别."""

    HIGH_CONSUMPTION = "high_consumption"  # 限制高消费及有关消费
    PROCUREMENT_BIDDING = "procurement_bidding"  # 政府采购、招标投标
    SUBSIDIES = "subsidies"  # 政府资金支持、补贴
    PUBLIC_POSTS = "public_posts"  # 公务员、事业单位、代表候选人
    CORPORATE_ROLES = "corporate_roles"  # 法定代表人、董事、监事、高级管理人员
    FINANCIAL = "financial"  # 设立金融类机构、发行债券、融资授信
    HONOURS = "honours"  # 荣誉
    MARKET_ACCESS = "market_access"  # 市场准入、行政许可
    OTHER = "other"


class Source(Contract):
    """出处 — where an entry comes from: a document and, as precisely as is known, where in it."""

    document: EntryId
    """A key of the catalogue's `source_documents`."""
    provision: Text | None = None
    """条款 — article, paragraph and item, e.g. 第三条第一款第（一）项; only when known exactly."""
    category: Text | None = None
    """The subject of the document's measure category, e.g. 设立金融类机构 — cited instead of
    an item number that has not been checked against the official text."""
    confirmed: bool = True
    """False ([U]) when the citation — the item number, or the document's edition or number —
    is not confirmed against the official text: data to check, never a certainty."""

    @model_validator(mode="after")
    def _provision_or_category(self) -> Source:
        if self.provision is None and self.category is None:
            raise ValueError("cite a provision (条款) or the document's category")
        return self


class Ground(Contract):
    """纳入失信被执行人名单的情形 — a statutory ground for listing a dishonest judgment debtor."""

    id: EntryId
    """E.g. `ability_refusal`."""
    zh: Text
    """Chinese wording of the ground."""
    en: Text
    """English wording."""
    term_years: int | None = Field(ge=1)
    """纳入期限 in years; none when the listing has no fixed term and lasts until a deletion
    ground applies."""
    source: Source
    """The provision that states the ground."""


class TermExtension(Contract):
    """期限延长 — how far a fixed listing term may be extended, and when."""

    min_years: int = Field(ge=1)
    """Shortest extension, in years."""
    max_years: int = Field(ge=1)
    """Longest extension, in years."""
    zh: Text
    """Chinese wording of when the term may be extended."""
    en: Text
    """English wording."""
    source: Source
    """The provision that allows the extension."""
    for_ground: EntryId
    """The listing ground whose serious case allows an extension: obstruction by violence or
    threats (第一条第（二）项)."""
    for_several: int = Field(ge=2)
    """Or this many listing grounds at once (具有多项失信行为)."""

    @model_validator(mode="after")
    def _ordered(self) -> TermExtension:
        if self.min_years > self.max_years:
            raise ValueError(f"min_years {self.min_years} exceeds max_years {self.max_years}")
        return self


class Interception(StrEnum):
    """拦截方式 — how a bureau can stop a sanctioned party: used so that a bureau that cannot
    intercept is not escalated for a silence it cannot help."""

    AUTOMATIC = "automatic"  # 系统自动拦截: ticketing, registration or publication systems
    ON_APPLICATION = "on_application"  # 受理申请时审查: when the party applies (licence, post …)
    ON_REPORT = "on_report"  # 依举报: no checkpoint exists; acted on when reported (举报)


class ListingTerm(StrEnum):
    """Which listings a deletion ground applies to (法释〔2017〕7号 第十条第二款: "有纳入期限的，
    不适用前款规定")."""

    OPEN_ENDED = "open_ended"  # 无固定期限: a listing only under 第一条第（一）项
    FIXED_TERM = "fixed_term"  # 有纳入期限: grounds (二)–(六), two years plus any extension
    ANY = "any"


class EndOutcome(StrEnum):
    """How a sanction ends: the wording the debtor and the bureaus see differs."""

    DELETE = "delete"  # 删除失信信息 (第十条; 第二条第二款 early deletion)
    REVOKE = "revoke"  # 撤销失信信息: the debtor should never have been listed (第九条)
    LIFT = "lift"  # 解除限制消费令 (法释〔2015〕17号 第九条)


class DeletionGround(Contract):
    """删除失信信息的情形 — a ground on which the court removes a debtor from the list."""

    id: EntryId
    """E.g. `performed`."""
    zh: Text
    """Chinese wording of the ground."""
    en: Text
    """English wording."""
    discretionary: bool = False
    """Whether the court may (可以) rather than must (应当) delete on this ground."""
    applies_to_listing: ListingTerm = ListingTerm.ANY
    """The listings the ground applies to: the 第十条第一款 grounds to open-ended listings
    only; term expiry and early deletion to fixed-term ones; revocation to any."""
    outcome: EndOutcome = EndOutcome.DELETE
    """删除 or 撤销."""
    source: Source
    """The provision that states the ground."""


class LiftingGround(Contract):
    """解除限制消费令的情形 — a ground on which the court lifts a consumption restriction order
    (its own grounds, not the listing's deletion grounds)."""

    id: EntryId
    """E.g. `security_provided`."""
    zh: Text
    """Chinese wording of the ground."""
    en: Text
    """English wording."""
    discretionary: bool = False
    """Whether the court may (可以) rather than must (应当) lift on this ground."""
    source: Source
    """The provision that states the ground."""


class Measure(Contract):
    """惩戒措施 — one sanction measure: what is restricted, who enforces it, whom it binds."""

    id: EntryId
    """Stable id, e.g. `premium_transport`."""
    name: Text
    """Chinese name, e.g. 乘坐交通工具时选择飞机、列车软卧、轮船二等以上舱位."""
    name_en: Text
    """English name."""
    category: MeasureCategory
    """措施类别."""
    enforced_by: tuple[OrgKind, ...] = Field(min_length=1)
    """实施单位 — the kinds of organization that apply and lift the measure."""
    applies_to: tuple[Whom, ...] = Field(min_length=1)
    """惩戒对象 — whom it binds."""
    consumption_restriction: bool = False
    """Whether it is one of the nine kinds of restricted spending of a 限制消费令."""
    restriction_item: int | None = Field(default=None, ge=1, le=9)
    """For a consumption restriction: its item, 1–9, in 法释〔2015〕17号 第三条第一款."""
    note: str = ""
    """How it is enforced in practice, in English, when the name does not say."""
    interception: Interception
    """拦截方式 — how the enforcing bureaus can stop the party: automatically, on application
    or on report. A sanction notice whose measures a bureau can only act on when reported is not
    escalated as overdue."""
    source: Source
    """The current authority for the measure: a statute or judicial interpretation, or the
    全国失信惩戒措施基础清单 item (国办发〔2020〕49号: every joint sanction rests on law, regulation
    or a central policy document)."""
    history: tuple[Source, ...] = ()
    """Earlier sources kept for reference, e.g. the 2016 joint memo item it first came from."""

    @field_validator("enforced_by", "applies_to")
    @classmethod
    def _no_repeats(cls, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if repeated := sorted({str(v) for v, n in Counter(values).items() if n > 1}):
            raise ValueError(f"listed more than once: {', '.join(repeated)}")
        return values

    def binds(self, whom: Whom) -> bool:
        """Whether the measure binds `whom`."""
        return whom in self.applies_to


SanctionMeasure = Measure
"""`Measure` under a name that does not clash with `contracts.enforcement.control.Measure`."""


class Applicable(NamedTuple):
    """A measure that applies to a party, and whom of that party it binds."""

    measure: Measure
    whom: Whom


class CatalogueError(ValueError):
    """The catalogue data is inconsistent; the message lists every problem, by entry and field."""

    def __init__(self, problems: Sequence[str], where: str = ""):
        self.problems = list(problems)
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}{len(self.problems)} problem(s):\n  " + "\n  ".join(self.problems)
        )


class UnknownEntryError(KeyError):
    """No measure, ground or deletion ground has this id."""

    def __str__(self) -> str:
        return str(self.args[0])


def default_catalogue_path() -> Path:
    """`$FUYUAN_MEASURES`, else `$FUYUAN_HOME/deploy/sanctions/…`, else `deploy/` beside
    `contracts/`."""
    if explicit := os.environ.get("FUYUAN_MEASURES"):
        return Path(explicit)
    # This file is contracts/enforcement/measures.py: parents[2] is the project root.
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2]
    return Path(home) / "deploy" / "sanctions" / "measures.yaml"


class Catalogue(Contract):
    """惩戒措施目录 — one version of the measures, grounds and deletion grounds, validated as a
    whole: unique ids, known sources, exactly nine consumption restrictions numbered 1–9."""

    version: CatalogueVersion
    """目录版本, `YYYY-MM`."""
    source_documents: dict[EntryId, Text] = Field(min_length=1)
    """Document id → full citation: issuer, title, document number."""
    grounds: tuple[Ground, ...] = Field(min_length=1)
    """纳入失信被执行人名单的情形."""
    term_extension: TermExtension
    """期限延长."""
    deletion_grounds: tuple[DeletionGround, ...] = Field(min_length=1)
    """删除失信信息的情形."""
    lifting_grounds: tuple[LiftingGround, ...] = Field(min_length=1)
    """解除限制消费令的情形 — the consumption restriction order's own lifting grounds."""
    measures: tuple[Measure, ...] = Field(min_length=1)
    """惩戒措施, in the order they are listed."""
    unconfirmed_documents: tuple[EntryId, ...] = ()
    """Source documents whose edition, title or number is not confirmed ([U]): cited all the
    same, because a measure's authority must be named, but shown as unconfirmed."""

    _measures: dict[str, Measure] = PrivateAttr(default_factory=dict)
    _grounds: dict[str, Ground] = PrivateAttr(default_factory=dict)
    _deletion_grounds: dict[str, DeletionGround] = PrivateAttr(default_factory=dict)
    _lifting_grounds: dict[str, LiftingGround] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        if problems := catalogue_problems(self):
            raise CatalogueError(problems)
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._measures = {item.id: item for item in self.measures}
        self._grounds = {item.id: item for item in self.grounds}
        self._deletion_grounds = {item.id: item for item in self.deletion_grounds}
        self._lifting_grounds = {item.id: item for item in self.lifting_grounds}

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str | None = None) -> Catalogue:
        """Read and validate the catalogue file (default: `default_catalogue_path()`)."""
        source = Path(path) if path is not None else default_catalogue_path()
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise CatalogueError([f"not valid YAML: {error}"], str(source)) from None
        try:
            return cls.from_data(data)
        except CatalogueError as error:
            raise CatalogueError(error.problems, str(source)) from None

    @classmethod
    def from_data(cls, data: Any) -> Catalogue:
        """Build from parsed YAML; raise a `CatalogueError` naming every bad entry and field."""
        if not isinstance(data, dict):
            sections = "'version', 'source_documents', 'grounds', 'term_extension', …"
            raise CatalogueError([f"expected a mapping with {sections}"])
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            details = _without_echoes(error.errors())
            raise CatalogueError(
                [line for detail in details for line in _error_lines(data, detail)]
            ) from None

    # --- queries ---------------------------------------------------------------------------

    def get(self, measure_id: str) -> Measure:
        """The measure with this id."""
        try:
            return self._measures[measure_id]
        except KeyError:
            raise UnknownEntryError(f"no measure with id {measure_id!r}") from None

    def for_party(self, party: Literal["person", "organization"] | Whom) -> list[Applicable]:
        """The measures that apply to a debtor who is a person or an organization, each with
        whom it binds. For an organization this includes the measures binding its legal
        representative and actual controller, marked as such; a measure binding several of them
        appears once for each."""
        whom = Whom(party)
        if whom not in (Whom.PERSON, Whom.ORGANIZATION):
            raise ValueError(f"a party is a person or an organization, not {whom}")
        targets = (Whom.PERSON,) if whom == Whom.PERSON else ORGANIZATION_SIDE
        return [
            Applicable(measure, target)
            for measure in self.measures
            for target in targets
            if measure.binds(target)
        ]

    def consumption_restrictions(self) -> list[Measure]:
        """限制消费 — the nine kinds of restricted spending of a 限制消费令, by item number."""
        restrictions = [m for m in self.measures if m.consumption_restriction]
        return sorted(restrictions, key=lambda m: m.restriction_item or 0)

    def enforcers(self, measure: Measure | str) -> list[OrgKind]:
        """实施单位 — the organization kinds that enforce a measure (given or named by id)."""
        return list((self.get(measure) if isinstance(measure, str) else measure).enforced_by)

    def measures_enforced_by(self, kind: OrgKind) -> list[Measure]:
        """The measures an organization of this kind applies and lifts."""
        return [m for m in self.measures if kind in m.enforced_by]

    def on_report(self) -> frozenset[str]:
        """Ids of the measures a bureau can act on only when reported (no checkpoint)."""
        return frozenset(m.id for m in self.measures if m.interception is Interception.ON_REPORT)

    def enforcing_kinds(self) -> list[OrgKind]:
        """Every organization kind that enforces at least one measure, in `OrgKind` order."""
        used = {kind for m in self.measures for kind in m.enforced_by}
        return [kind for kind in OrgKind if kind in used]

    def ground(self, ground_id: str) -> Ground:
        """The statutory listing ground with this id."""
        try:
            return self._grounds[ground_id]
        except KeyError:
            raise UnknownEntryError(f"no listing ground with id {ground_id!r}") from None

    def lifting_ground(self, ground_id: str) -> LiftingGround:
        """The consumption restriction lifting ground with this id."""
        try:
            return self._lifting_grounds[ground_id]
        except KeyError:
            raise UnknownEntryError(f"no lifting ground with id {ground_id!r}") from None

    def deletion_ground(self, ground_id: str) -> DeletionGround:
        """The deletion ground with this id."""
        try:
            return self._deletion_grounds[ground_id]
        except KeyError:
            raise UnknownEntryError(f"no deletion ground with id {ground_id!r}") from None


# --- validation ------------------------------------------------------------------------------

SECTIONS = ("grounds", "deletion_grounds", "lifting_grounds", "measures")


def problem(section: str, index: int, name: object, field: str, message: str) -> str:
    """One line of a `CatalogueError`: `measures[3] premium_transport: field 'enforced_by': …`."""
    return f"{section}[{index}] {name}: field {field!r}: {message}"


def _entry_id(data: dict[str, Any], section: str, index: int) -> object:
    entries = data.get(section)
    if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
        return entries[index].get("id", "?")
    return "?"


def _without_echoes(details: list[Any]) -> list[Any]:
    """Drop a list's "too short" error when one of its items already failed: the item's error
    says what is wrong."""
    failed = {tuple(detail["loc"][:-1]) for detail in details if detail["loc"]}
    return [d for d in details if not (d["type"] == "too_short" and tuple(d["loc"]) in failed)]


def _message(field: str, detail: Any) -> str:
    if detail["type"] != "enum":
        return str(detail["msg"])
    if field.startswith("enforced_by."):
        return (
            f"unknown organization kind {detail.get('input')!r} "
            "(see OrgKind in contracts/organizations/kinds.py)"
        )
    return f"unknown value {detail.get('input')!r}: {detail['msg']}"


def _error_lines(data: dict[str, Any], detail: Any) -> Iterator[str]:
    """The problem lines of one pydantic error: the catalogue's own check's lines, or one line
    naming the entry and field."""
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, CatalogueError):
        yield from cause.problems
        return
    loc = [str(part) for part in detail["loc"]]
    if len(loc) >= 2 and loc[0] in SECTIONS and loc[1].isdigit():
        section, index = loc[0], int(loc[1])
        field = ".".join(loc[2:]) or "entry"
        name = _entry_id(data, section, index)
        yield problem(section, index, name, field, _message(field, detail))
    else:
        yield f"field {'.'.join(loc) or 'catalogue'!r}: {_message('.'.join(loc), detail)}"


def _duplicates(section: str, ids: Sequence[str]) -> Iterator[str]:
    seen: dict[str, int] = {}
    for index, entry_id in enumerate(ids):
        if entry_id in seen:
            yield problem(section, index, entry_id, "id", f"duplicate of entry {seen[entry_id]}")
        seen.setdefault(entry_id, index)


def _source_problem(source: Source, documents: dict[str, str]) -> str | None:
    if source.document in documents:
        return None
    known = ", ".join(sorted(documents))
    return f"unknown source document {source.document!r} (known: {known})"


def _measure_problems(index: int, item: Measure, documents: dict[str, str]) -> Iterator[str]:
    def at(field: str, message: str) -> str:
        return problem("measures", index, item.id, field, message)

    if (message := _source_problem(item.source, documents)) is not None:
        yield at("source.document", message)
    for n, earlier in enumerate(item.history):
        if (message := _source_problem(earlier, documents)) is not None:
            yield at(f"history.{n}.document", message)
    if not item.consumption_restriction:
        if item.restriction_item is not None:
            yield at("restriction_item", "only a consumption restriction has a restriction item")
        return
    if item.restriction_item is None:
        yield at("restriction_item", "a consumption restriction needs its item number, 1–9")
    if item.category != MeasureCategory.HIGH_CONSUMPTION:
        yield at("category", "a consumption restriction is in category high_consumption")
    if missing := [whom.value for whom in Whom if whom not in item.applies_to]:
        yield at(
            "applies_to",
            "a consumption restriction binds the person or organization and its legal "
            f"representative and actual controller (法释〔2015〕17号 第三条); missing {missing}",
        )


def _restriction_problems(measures: Sequence[Measure]) -> Iterator[str]:
    seen: dict[int, int] = {}
    for index, item in enumerate(measures):
        number = item.restriction_item
        if not item.consumption_restriction or number is None:
            continue
        if number in seen:
            message = f"item {number} is also entry {seen[number]}'s"
            yield problem("measures", index, item.id, "restriction_item", message)
        seen.setdefault(number, index)
    count = sum(item.consumption_restriction for item in measures)
    if count != len(RESTRICTION_ITEMS) or set(seen) != set(RESTRICTION_ITEMS):
        missing = sorted(set(RESTRICTION_ITEMS) - set(seen))
        yield (
            "measures: exactly nine consumption restrictions, numbered 1–9, are needed; "
            f"found {count}, missing items {missing}"
        )


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """Every cross-entry problem: duplicate ids, unknown sources, consumption restrictions."""
    documents = catalogue.source_documents
    problems = [*_duplicates("grounds", [item.id for item in catalogue.grounds])]
    problems += _duplicates("deletion_grounds", [item.id for item in catalogue.deletion_grounds])
    problems += _duplicates("lifting_grounds", [item.id for item in catalogue.lifting_grounds])
    problems += _duplicates("measures", [item.id for item in catalogue.measures])
    listed: list[tuple[str, Sequence[Ground | DeletionGround | LiftingGround]]] = [
        ("grounds", catalogue.grounds),
        ("deletion_grounds", catalogue.deletion_grounds),
        ("lifting_grounds", catalogue.lifting_grounds),
    ]
    for section, entries in listed:
        for index, entry in enumerate(entries):
            if (message := _source_problem(entry.source, documents)) is not None:
                problems.append(problem(section, index, entry.id, "source.document", message))
    if (message := _source_problem(catalogue.term_extension.source, documents)) is not None:
        problems.append(f"field 'term_extension.source.document': {message}")
    if catalogue.term_extension.for_ground not in {g.id for g in catalogue.grounds}:
        problems.append(
            f"field 'term_extension.for_ground': no listing ground with id "
            f"{catalogue.term_extension.for_ground!r}"
        )
    for index, measure in enumerate(catalogue.measures):
        problems += _measure_problems(index, measure, documents)
    problems += _restriction_problems(catalogue.measures)
    for doc in catalogue.unconfirmed_documents:
        if doc not in documents:
            problems.append(f"field 'unconfirmed_documents': no source document {doc!r}")
    return problems


__all__ = [
    "ORGANIZATION_SIDE",
    "RESTRICTION_ITEMS",
    "Applicable",
    "Catalogue",
    "CatalogueError",
    "CatalogueVersion",
    "DeletionGround",
    "EndOutcome",
    "EntryId",
    "Ground",
    "Interception",
    "LiftingGround",
    "ListingTerm",
    "Measure",
    "MeasureCategory",
    "SanctionMeasure",
    "Source",
    "TermExtension",
    "UnknownEntryError",
    "Whom",
    "catalogue_problems",
    "default_catalogue_path",
]
