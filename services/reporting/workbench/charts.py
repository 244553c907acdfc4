"""图表 — an indicator over time as an SVG line chart, drawn on the server with pygal."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from pygal.style import Style

from services.reporting.views import IndicatorPoint

STYLE = Style(
    background="white",
    plot_background="white",
    font_family="'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    colors=("#b22222", "#1f4e79", "#2e7d32", "#6a1b9a", "#ef6c00"),
)


def line(title: str, points: Sequence[IndicatorPoint]) -> bytes:
    """One series per scope, the whole scope's value ("" group) per period."""
    periods = sorted({p.period for p in points})
    chart = pygal.Line(
        title=title,
        style=STYLE,
        width=720,
        height=320,
        x_label_rotation=30,
        show_legend=True,
        no_data_text="暂无数据",
        disable_xml_declaration=True,
    )
    chart.x_labels = periods
    for scope in sorted({p.scope for p in points}):
        by_period = {p.period: p.values.get("") for p in points if p.scope == scope}
        chart.add("全部单位" if scope == "*" else scope, [by_period.get(x) for x in periods])
    return str(chart.render(is_unicode=True)).encode()
