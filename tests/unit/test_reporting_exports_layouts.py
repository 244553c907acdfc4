"""The layouts: the read models' rows as the sheets a clerk reads, in Chinese."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from contracts.catalog import PAYLOADS
from contracts.reporting.indicators import load_indicators
from contracts.reporting.reports import ConcreteCase, IndicatorValue, Period, ReportBody
from services.reporting import views
from services.reporting.exports import delimited, workbook
from services.reporting.exports.layouts import Heading, ledgers, monthly, scores

CATALOGUE = load_indicators(PAYLOADS)
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
HEADING = Heading(unit="县府院联动办公室", period=Period(year=2026, month=11), generated_at=NOW)
NAMES = {"GOVX": "县人民政府", "NRX": "县自然资源局"}.get


def names(code: str) -> str:
    return NAMES(code) or code


def item(id_: str, **changes: object) -> views.Item:
    base: dict[str, object] = dict(
        kind="ledger_entry",
        id=id_,
        unit="GOVX",
        key_item="KI-1",
        title="清理拖欠中小企业账款",
        due=date(2026, 11, 20),
        status="open",
        state="added",
        opened_on=date(2026, 11, 5),
        checked_off_on=None,
        overdue_since=None,
        stock=None,
        case_number="",
        sources=("e1",),
    )
    base.update(changes)
    return views.Item(**base)  # type: ignore[arg-type]


ITEMS = [
    item("a", status="overdue", overdue_since=date(2026, 11, 21)),
    item("b", opened_on=date(2026, 9, 1), status="checked_off", checked_off_on=date(2026, 11, 30)),
    item("c", stock="existing", opened_on=date(2026, 11, 10), status="due_soon"),
    item("d", kind="memo_item", key_item="会纪〔2026〕3号", stock="new"),
]


def test_the_ledger_shows_status_stock_and_dates_in_chinese() -> None:
    doc = ledgers.ledger(ITEMS, HEADING, key_item="KI-1", names=names)
    assert doc.title == "府院联动重点事项工作台账·KI-1（2026年11月）"
    sheet = doc.sheets[0]
    by_id = {row[-1]: row for row in sheet.rows}
    assert by_id["a"][7] == "已逾期" and by_id["a"][8] == date(2026, 11, 21)
    assert by_id["b"][4] == "存量" and by_id["b"][7] == "已销号"  # opened before the month
    assert by_id["b"][9] == date(2026, 11, 30)
    assert by_id["c"][4] == "存量" and by_id["c"][7] == "即将到期"  # the entry says existing
    assert by_id["d"][4] == "增量" and by_id["d"][0] == "备忘录事项"
    assert by_id["a"][2] == "县人民政府"
    assert sheet.note == "共 4 项（存量 2 项，增量 2 项）；已销号 1 项，已逾期 1 项，即将到期 1 项"


def test_the_ledger_workbook_has_one_row_per_item() -> None:
    ws = load_workbook(io.BytesIO(workbook.write(ledgers.ledger(ITEMS, HEADING))))["台账"]
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "序号")
    rows = [r for r in ws.iter_rows(min_row=header + 1, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == len(ITEMS)
    assert isinstance(rows[0][7], datetime)  # 办理时限, a real date


def test_the_overdue_list_names_the_service_the_kind_and_every_unit() -> None:
    entry = views.OverdueEntry(
        event_id="e9",
        type="enforcement.notice.overdue_sanctions.v1",
        context="enforcement",
        unit="GOVX,NRX",
        item="S-1",
        due=date(2026, 11, 2),
        since=datetime(2026, 11, 3, 1, 0, tzinfo=UTC),
        case_number="（2026）豫0302执123号",
    )
    row = ledgers.overdue([entry], HEADING, names).sheets[0].rows[0]
    assert row[:4] == ("执行联动", "逾期未回执", "县人民政府、县自然资源局", "S-1")
    assert row[6] == "（2026）豫0302执123号"


def _body() -> ReportBody:
    return ReportBody(
        progress="本月新增台账事项两项。\n\n办结一项。",
        problems="个别单位反馈迟缓。",
        next_steps="加强督办。",
        indicators=(
            IndicatorValue(
                indicator="ledger_entries_checked_off", value=50.0, catalogue_version="2026-12"
            ),
        ),
        cases=(ConcreteCase(title="某公司破产重整", account="协调税务部门完成信用修复。"),),
    )


def test_the_monthly_report_has_its_sections_values_cases_ledger_and_status() -> None:
    status = views.ReportStatus(
        unit="GOVX",
        period="2026-11",
        due=date(2026, 11, 25),
        submitted_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        on_time=True,
        returned=False,
        overdue=False,
    )
    heading = Heading(unit="县人民政府", period=Period(year=2026, month=11), generated_at=NOW)
    doc = monthly.report(status, _body(), ITEMS, heading, CATALOGUE, names)
    assert doc.title == "县人民政府府院联动工作月报（2026年11月）"
    titles = [s.title for s in doc.sheets]
    assert titles == [
        "工作进展",
        "存在问题",
        "下一步计划",
        "数据指标",
        "具体事例",
        "台账",
        "报送情况",
    ]
    assert doc.sheets[0].rows == (("本月新增台账事项两项。",), ("办结一项。",))
    assert doc.sheets[3].rows[0][:4] == ("ledger_entries_checked_off", "台账销号率", 50.0, "%")
    assert doc.sheets[4].rows[0][0] == "某公司破产重整"
    assert len(doc.sheets[5].rows) == len(ITEMS)
    assert doc.sheets[6].rows[0][4] == "按时报送"
    book = load_workbook(io.BytesIO(workbook.write(doc)))
    assert book.sheetnames == titles


def test_a_report_not_submitted_says_so_in_every_section() -> None:
    doc = monthly.report(None, None, [], HEADING, CATALOGUE)
    assert all(s.note == "本期尚未报送" for s in doc.sheets[:5])
    assert all(not s.rows for s in doc.sheets)


def test_indicators_carry_unit_direction_and_input_digest_per_group() -> None:
    point = views.IndicatorPoint(
        indicator="query_answers_within_deadline",
        scope="*",
        period="2026-11",
        as_of=NOW,
        values={"": 80.0, "NRX": 75.5},
        sha256="cd" * 32,
        count=12,
        event_id="ev-1",
    )
    rows = scores.indicators([point], HEADING, CATALOGUE, names).sheets[0].rows
    assert [r[4] for r in rows] == ["合计", "县自然资源局"]
    assert rows[1][:8] == (
        "query_answers_within_deadline",
        "查控反馈及时率（分单位）",
        "全部单位",
        "2026年11月",
        "县自然资源局",
        75.5,
        "%",
        "越高越好",
    )
    assert rows[1][9:] == (12, "cd" * 32, "ev-1")


def test_the_assessment_ranks_units_and_cites_the_basis() -> None:
    def result(unit: str, score: float | None, verdict: str) -> views.Assessment:
        part = {"indicator": "loss_rate", "value": 10.0, "weight": 10, "snapshot_sha256": "ef" * 32}
        return views.Assessment(unit, "2026-11", score, verdict, ("得分 95",), (part,), "ev")

    found = [result("NRX", 95.0, "commendation"), result("GOVX", 95.0, "none")]
    found += [result("X", 50.0, "accountability"), result("Y", None, "none")]
    doc = scores.assessment(found, HEADING, CATALOGUE, names)
    rows = doc.sheets[0].rows
    assert [r[0] for r in rows] == [1, 1, 3, None]
    assert rows[0][4] == "表扬" and rows[2][4] == "问责" and rows[0][5] == "得分 95"
    assert doc.sheets[1].rows[0][2] == "行政机关败诉率"


def test_bureau_response_times_as_percent_and_days() -> None:
    found = [views.BureauResponse("query", "NRX", 4, 3, 1.5, 6.0, 75.0)]
    doc = scores.responses(found, HEADING, names)
    assert doc.sheets[0].rows[0] == ("县自然资源局", "网络查控", 4, 3, 1.5, 6.0, 75.0)
    text = delimited.write(doc).decode("utf-8-sig")
    assert "1,县自然资源局,网络查控,4,3,1.5,6,75%" in text


def test_a_request_names_its_download_in_ascii_and_refuses_naming_the_field() -> None:
    from services.reporting.exports.build import Export, ExportError, Format, Request

    request = Request(Export.LEDGER, Period(year=2026, month=11), "GOV410482", "欠薪/治理")
    assert request.filename(Format.XLSX) == "ledger-2026-11-GOV410482-_____.xlsx"
    for wrong, field in (
        (Request(Export.REPORT, Period(year=2026, month=11)), "unit"),
        (
            Request(Export.ASSESSMENT, Period(year=2026, month=11), as_of=date(2026, 11, 30)),
            "as_of",
        ),
        (Request(Export.INDICATORS, Period(year=2026, month=11), indicator="nope"), "indicator"),
    ):
        with pytest.raises(ExportError) as refused:
            wrong.check(CATALOGUE)
        assert refused.value.field == field
