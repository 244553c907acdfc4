"""A service started with `FUYUAN_HOLIDAY_CALENDAR` counts its deadlines on the file's years; a
bad file stops the start with one line naming the entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from contracts import workdays
from services.enforcement.domain.sanctions import deletion_due
from services.enforcement.main import spec
from services.runtime.host import start_service
from services.runtime.settings import RuntimeSettings

EXAMPLE = Path(__file__).parents[2] / "docs" / "holiday-calendar.example.yaml"


async def test_the_enforcement_service_started_with_a_calendar_counts_on_its_year(
    nats_url: str, database_url: str
) -> None:
    # Friday 16 January 2099: unknown, every day counts (Monday the 19th, provisional); on the
    # file, the Saturday worked counts and 春节 (20–27 January) does not: Wednesday the 28th.
    assert deletion_due(date(2099, 1, 16)) == (date(2099, 1, 19), True)
    settings = RuntimeSettings(
        NATS_URL=nats_url, DATABASE_URL=database_url, holiday_calendar=EXAMPLE
    )
    running = await start_service(spec(), settings)
    try:
        assert deletion_due(date(2099, 1, 16)) == (date(2099, 1, 28), False)
        assert 2099 in workdays.known_years()
    finally:
        await running.close()
        workdays.install(None)


def test_a_bad_calendar_file_stops_the_start_naming_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "calendar.yaml"
    bad.write_text("2099:\n  holidays: [2099-01-01]\n  workdays: [2099-01-19]\n", "utf-8")
    base = {"NATS_URL": "nats://127.0.0.1:1", "DATABASE_URL": "postgresql://x@127.0.0.1:1/x"}
    done = subprocess.run(
        [sys.executable, "-c", "from services.enforcement.main import main; main()"],
        env={**os.environ, **base, "FUYUAN_HOLIDAY_CALENDAR": str(bad)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    [line] = done.stderr.strip().splitlines()
    assert done.returncode == 2
    assert json.loads(line)["event"] == "service cannot start"
    assert "FUYUAN_HOLIDAY_CALENDAR" in line and "2099.workdays[0] 2099-01-19" in line
