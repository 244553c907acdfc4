"""Indicator charts: server-side SVG with a series per scope over the periods."""

from __future__ import annotations

from datetime import UTC, datetime

from services.reporting.views import IndicatorPoint
from services.reporting.workbench.charts import line


def point(period: str, value: float | None, scope: str = "*") -> IndicatorPoint:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return IndicatorPoint("median_answer_days", scope, period, at, {"": value}, "0" * 64, 1, "e")


def test_a_chart_is_an_svg_with_the_periods_and_the_chinese_title() -> None:
    svg = line("答复用时中位数", [point("2026-10", 3.0), point("2026-11", None)]).decode()
    assert svg.startswith("<svg") and "答复用时中位数" in svg
    assert "2026-10" in svg and "2026-11" in svg and "全部单位" in svg


def test_no_points_say_there_is_no_data() -> None:
    assert "暂无数据" in line("答复用时中位数", []).decode()
