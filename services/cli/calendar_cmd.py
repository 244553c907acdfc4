"""`fuyuan calendar` 节假日日历 — the years whose official holiday calendar the services count on:
the pinned `chinesecalendar` package's and those of the operator's file
(`FUYUAN_HOLIDAY_CALENDAR`, docs/OPERATIONS.md, "Next year's holiday calendar"), and a warning
when a year the services will soon count in is not known.

The State Council publishes next year's notice in November or December; until a year is known
the services record provisional last days for it (docs/LAW.md, D2). So from 1 November on, next
year missing is a warning, as this year missing always is.

Exit status: 0 all known, 1 a warning, 2 the file could not be read or is not a calendar.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import chinese_calendar
import typer

from contracts import workdays

SETTING = "FUYUAN_HOLIDAY_CALENDAR"
"""The setting naming the operator's file (services/runtime/settings.py, `holiday_calendar`)."""
WARN_FROM = (11, 1)
"""Month and day from which next year's calendar is looked for: the notice comes in Nov/Dec."""
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class CalendarView:
    """What `fuyuan calendar` says, worked out from its inputs alone."""

    today: date
    package: list[int]
    """The years the pinned `chinesecalendar` knows."""
    file: list[int]
    """The years the operator's file names (they win over the package's)."""
    path: str | None
    """The operator's file, if one is set."""
    warnings: list[str]

    @property
    def known(self) -> list[int]:
        return sorted({*self.package, *self.file})


def calendar_view(
    today: date, package: Iterable[int], file: Iterable[int], path: str | None = None
) -> CalendarView:
    """The years known on `today`, and what is missing: this year always; next year from
    1 November on."""
    known = {*package, *file}
    warnings = []
    if today.year not in known:
        warnings.append(
            f"{today.year}, this year, has no official holiday calendar: every last day counted "
            f"in it is provisional; load the State Council's notice ({SETTING})"
        )
    if (today.month, today.day) >= WARN_FROM and today.year + 1 not in known:
        warnings.append(
            f"{today.year + 1} has no official holiday calendar yet: load the State Council's "
            f"notice when it is published ({SETTING}), or a release of chinesecalendar that "
            "has it; until then last days reaching into it are provisional"
        )
    return CalendarView(today, sorted(package), sorted(file), path, warnings)


def calendar(
    file: Annotated[
        Path | None,
        typer.Option(help=f"The operator's calendar file (default: {SETTING}, if set)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON document instead of lines.")
    ] = False,
) -> None:
    """The years whose official holiday calendar is known, from the package and from the
    operator's file, with a warning when this year, or from 1 November next year, is missing.

    Exit status 0: all known; 1: a warning; 2: the file could not be read or is not a calendar.
    """
    path = file if file is not None else Path(p) if (p := os.environ.get(SETTING)) else None
    try:
        years = sorted(workdays.load_calendar(path)) if path is not None else []
    except workdays.CalendarFileError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    today = _today()
    view = calendar_view(today, workdays.package_years(), years, str(path) if path else None)
    if as_json:
        typer.echo(
            json.dumps(
                {**asdict(view), "today": str(today), "known": view.known}, ensure_ascii=False
            )
        )
    else:
        typer.echo(f"chinesecalendar {chinese_calendar.__version__}: {_span(view.package)}")
        if view.path is not None:
            typer.echo(f"{SETTING} {view.path}: {', '.join(map(str, view.file))}")
        else:
            typer.echo(f"{SETTING}: not set")
        for warning in view.warnings:
            typer.echo(f"warning: {warning}")
    raise typer.Exit(1 if view.warnings else 0)


def _today() -> date:
    """Today where the courts sit."""
    return datetime.now(CHINA).date()


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else "none"
