"""`fuyuan calendar`: the years whose official holiday calendar is known, from the package and
the operator's file, and a warning when next year is missing from 1 November on (the State
Council publishes in November or December) or this year is missing at all."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import calendar_cmd
from services.cli.calendar_cmd import calendar_view
from services.cli.main import app

EXAMPLE = Path(__file__).parents[2] / "docs" / "holiday-calendar.example.yaml"
PACKAGE = range(2004, 2027)
runner = CliRunner()


def test_next_year_missing_is_no_warning_before_the_first_of_november() -> None:
    assert calendar_view(date(2026, 10, 31), PACKAGE, []).warnings == []


def test_next_year_missing_is_a_warning_from_the_first_of_november() -> None:
    for today in (date(2026, 11, 1), date(2026, 12, 31)):
        [warning] = calendar_view(today, PACKAGE, []).warnings
        assert warning.startswith("2027 has no official holiday calendar")


def test_next_year_from_the_operators_file_silences_the_warning() -> None:
    view = calendar_view(date(2026, 11, 20), PACKAGE, [2027], "holidays.yaml")
    assert view.warnings == []
    assert view.known[-2:] == [2026, 2027] and view.file == [2027]


def test_this_year_missing_is_a_warning_whatever_the_day() -> None:
    [warning] = calendar_view(date(2027, 3, 1), PACKAGE, []).warnings
    assert warning.startswith("2027, this year,")
    assert len(calendar_view(date(2027, 11, 1), PACKAGE, []).warnings) == 2


def _on(monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    monkeypatch.setattr(calendar_cmd, "_today", lambda: today)


def test_the_command_names_the_files_years_and_exits_one_on_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _on(monkeypatch, date(2026, 11, 2))
    result = runner.invoke(app, ["calendar", "--file", str(EXAMPLE)])
    assert result.exit_code == 1, result.output
    assert "2004–2026" in result.output and "2099" in result.output
    assert "warning: 2027 has no official holiday calendar" in result.output


def test_the_command_reads_the_setting_and_exits_zero_when_all_is_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _on(monkeypatch, date(2098, 11, 2))
    monkeypatch.setattr(calendar_cmd.workdays, "package_years", lambda: range(2004, 2099))
    result = runner.invoke(
        app, ["calendar", "--json"], env={"FUYUAN_HOLIDAY_CALENDAR": str(EXAMPLE)}
    )
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert (view["file"], view["warnings"], view["today"]) == ([2099], [], "2098-11-02")


def test_a_bad_file_exits_two_naming_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "holidays.yaml"
    bad.write_text("2027:\n  holidays: [2027-01-01]\n  workdays: [2027-01-04]\n", "utf-8")
    result = runner.invoke(app, ["calendar", "--file", str(bad)])
    assert result.exit_code == 2
    assert "2027.workdays[0]" in result.output and "weekday" in result.output
