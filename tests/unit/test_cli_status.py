"""`fuyuan status` from a set of heartbeats alone: which command partitions each instance pulls,
and those no running instance holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console

from services.cli.status import Report, _instance, compact, services_table

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNITS = [*(f"enforcement_commands_p{k}" for k in range(8)), "enforcement_commands"]


def beat(
    instance: str,
    partitions: list[str],
    *,
    age: float = 1.0,
    units: list[str] | None = None,
    stopped: bool = False,
) -> tuple[str, bytes]:
    """A heartbeat as an enforcement instance writes it (services/runtime/heartbeat.py)."""
    state = "stopped" if stopped else "running"
    doc: dict[str, Any] = {
        "service": "enforcement",
        "instance": instance,
        "pid": 7,
        "host": "box",
        "started_at": (NOW - timedelta(minutes=5)).isoformat(),
        "at": (NOW - timedelta(seconds=age)).isoformat(),
        "paused": None,
        "partitions": [] if stopped else partitions,
        "units": UNITS if units is None else units,
        "tasks": {"partitions": {"state": state, "restarts": 0, "last_error": None}},
    }
    return f"enforcement.{instance}", json.dumps(doc).encode()


def report(*beats: tuple[str, bytes]) -> Report:
    instances = [_instance(key, raw, NOW) for key, raw in beats]
    return Report(at=NOW.isoformat(), services={"enforcement": instances})


def table_text(r: Report) -> str:
    console = Console(width=250, record=True, highlight=False)
    console.print(services_table(r))
    return console.export_text()


def test_each_instance_names_its_partitions_and_all_held_is_no_problem() -> None:
    r = report(
        beat("a", UNITS[0:3]),
        beat("b", UNITS[3:6]),
        beat("c", UNITS[6:9]),
    )
    assert r.problems() == []
    assert r.unheld("enforcement") == []
    doc = r.as_json()["services"][0]
    assert doc["unheld"] == []
    assert {i["instance"]: i["partitions"] for i in doc["instances"]} == {
        "a": UNITS[0:3],
        "b": UNITS[3:6],
        "c": UNITS[6:9],
    }
    text = table_text(r)
    assert "enforcement_commands_p{0,1,2}" in text
    assert "enforcement_commands_p{6,7}, enforcement_commands" in text
    assert "NOT HELD" not in text


def test_partitions_of_a_stale_or_stopped_instance_are_named_as_held_by_no_one() -> None:
    r = report(
        beat("a", UNITS[0:5]),
        beat("dead", UNITS[5:8], age=45),  # killed: its last heartbeat still lists them
        beat("gone", UNITS[8:9], stopped=True),  # a clean stop gives its partitions back
    )
    missing = ["enforcement_commands_p5", "enforcement_commands_p6", "enforcement_commands_p7"]
    assert r.unheld("enforcement") == [*missing, "enforcement_commands"]
    assert r.as_json()["services"][0]["unheld"] == [*missing, "enforcement_commands"]
    assert r.problems() == [
        "enforcement: 4 command partition(s) held by no running instance: "
        "enforcement_commands_p{5,6,7}, enforcement_commands"
    ]
    text = table_text(r)
    not_held = next(line for line in text.splitlines() if "NOT HELD" in line)
    assert "enforcement_commands_p{5,6,7}, enforcement_commands" in not_held
    # The stale instance still shows what its last heartbeat said.
    dead = next(line for line in text.splitlines() if "│ dead" in line)
    assert "STALE" in dead and "enforcement_commands_p{5,6,7}" in dead


def test_a_service_that_is_down_is_down_not_also_unheld() -> None:
    r = report(beat("dead", UNITS, age=60))
    assert r.down() == ["enforcement"]
    assert r.unheld("enforcement") == []
    assert [p for p in r.problems() if "partition" in p] == []


def test_a_heartbeat_that_names_no_units_flags_nothing() -> None:
    # A heartbeat from before instances said which partitions their service has, or a service
    # without commands: what it holds is shown, nothing is guessed.
    r = report(beat("old", UNITS[:2], units=[]), beat("idle", [], units=[]))
    assert r.unheld("enforcement") == []
    assert r.problems() == []
    assert [i.partitions for i in r.services["enforcement"]] == [UNITS[:2], []]


def test_units_named_by_any_running_instance_count_and_the_order_is_the_owners() -> None:
    # One instance still on a larger count before a restart: its extra partition is a unit too.
    larger = [*UNITS[:8], "enforcement_commands_p8", "enforcement_commands"]
    r = report(beat("a", UNITS[:8]), beat("b", [], units=larger))
    assert r.unheld("enforcement") == ["enforcement_commands_p8", "enforcement_commands"]


def test_compact_groups_partitions_of_one_durable() -> None:
    assert compact([]) == ""
    assert compact(["x_p3"]) == "x_p3"
    assert compact(["x", "x_p10", "x_p2", "y_p0"]) == "x_p{2,10}, x, y_p0"
