"""数据指标, 单位考核 and 反馈用时 — the numbers, each with what it was computed from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from contracts.reporting.indicators import IndicatorCatalogue
from services.reporting import views
from services.reporting.exports import labels
from services.reporting.exports.layouts import Heading, Names, same
from services.reporting.exports.sheet import Cell, Column, Document, Kind, Sheet, month_title

INDICATOR_COLUMNS = (
    Column("指标编号"),
    Column("指标名称"),
    Column("考核范围"),
    Column("期间"),
    Column("分组"),
    Column("数值", Kind.NUMBER),
    Column("计量单位"),
    Column("指标方向"),
    Column("数据截至", Kind.DATETIME),
    Column("输入事件数", Kind.NUMBER),
    Column("输入SHA-256", width=66),
    Column("快照事件编号", width=38),
)


def _scope(scope: str, names: Names) -> str:
    return labels.ALL_UNITS if scope == "*" else names(scope)


def indicators(
    points: Iterable[views.IndicatorPoint],
    heading: Heading,
    catalogue: IndicatorCatalogue,
    names: Names = same,
) -> Document:
    """府院联动数据指标 — one row per snapshot and group (a bureau, or 合计 for the whole scope),
    each with the input range's event count and SHA-256, so anyone can recompute it."""
    known = {i.id: i for i in catalogue.indicators}
    rows: list[tuple[Cell, ...]] = []
    for p in points:
        entry = known.get(p.indicator)
        for group, value in sorted(p.values.items()):
            rows.append(
                (
                    p.indicator,
                    entry.name_zh if entry else "",
                    _scope(p.scope, names),
                    month_title(p.period),
                    names(group) if group else labels.WHOLE_SCOPE,
                    value,
                    entry.unit if entry else "",
                    labels.DIRECTIONS.get(entry.direction.value, "") if entry else "",
                    p.as_of,
                    p.count,
                    p.sha256,
                    p.event_id,
                )
            )
    note = f"指标目录版本 {catalogue.version}；共 {len(rows)} 行"
    sheet = Sheet("数据指标", INDICATOR_COLUMNS, tuple(rows), note=note)
    return heading.document("府院联动数据指标", [sheet])


RESULT_COLUMNS = (
    Column("排名", Kind.NUMBER),
    Column("单位"),
    Column("期间"),
    Column("总分", Kind.NUMBER),
    Column("考核结论"),
    Column("考核依据", width=60),
)
PART_COLUMNS = (
    Column("单位"),
    Column("指标编号"),
    Column("指标名称"),
    Column("指标值", Kind.NUMBER),
    Column("权重", Kind.NUMBER),
    Column("快照SHA-256", width=66),
)


def ranks(scores: Sequence[float | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) of the scores, the highest first; no score, no rank."""
    return [None if s is None else 1 + sum(o is not None and o > s for o in scores) for s in scores]


def assessment(
    results: Iterable[views.Assessment],
    heading: Heading,
    catalogue: IndicatorCatalogue,
    names: Names = same,
) -> Document:
    """府院联动成员单位考核结果 — rank, total, verdict and its basis; then each score part with
    the snapshot it used."""
    found = sorted(results, key=lambda a: (a.period, -(a.score if a.score is not None else -1)))
    known = {i.id: i.name_zh for i in catalogue.indicators}
    ranked = ranks([a.score for a in found])
    rows = tuple(
        (
            rank,
            names(a.unit),
            month_title(a.period),
            a.score,
            labels.VERDICTS.get(a.verdict, a.verdict),
            "；".join(a.basis),
        )
        for a, rank in zip(found, ranked, strict=True)
    )
    parts = tuple(
        (
            names(a.unit),
            str(p.get("indicator", "")),
            known.get(str(p.get("indicator", "")), ""),
            p.get("value"),
            p.get("weight"),
            str(p.get("snapshot_sha256", "")),
        )
        for a in found
        for p in a.parts
    )
    return heading.document(
        "府院联动成员单位考核结果",
        [
            Sheet("考核结果", RESULT_COLUMNS, rows, numbered=False, note=f"共 {len(rows)} 个单位"),
            Sheet("得分明细", PART_COLUMNS, parts),
        ],
    )


RESPONSE_COLUMNS = (
    Column("单位"),
    Column("类别"),
    Column("发出件数", Kind.NUMBER),
    Column("已反馈件数", Kind.NUMBER),
    Column("中位用时（日）", Kind.NUMBER),
    Column("90%用时（日）", Kind.NUMBER),
    Column("按期反馈率", Kind.PERCENT),
)


def responses(
    found: Iterable[views.BureauResponse], heading: Heading, names: Names = same
) -> Document:
    """各单位反馈用时统计 — per bureau and kind, over what was asked in the period."""
    rows = tuple(
        (
            names(r.bureau),
            labels.RESPONSES.get(r.kind, r.kind),
            r.asked,
            r.answered,
            r.median_days,
            r.p90_days,
            r.within_deadline_share,
        )
        for r in found
    )
    sheet = Sheet("反馈用时", RESPONSE_COLUMNS, rows, note=f"共 {len(rows)} 行")
    return heading.document("各单位反馈用时统计", [sheet])
