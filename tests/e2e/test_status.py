"""`fuyuan status`: what runs, what lags and what was set aside, read from real servers.

Heartbeats are written here in the agreed format (key `<service>.<instance>` in the bucket
`fuyuan_status`), and also by a real service; consumers, dead letters, the relay's checkpoint and
its set-aside table are real too.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, KeyValueConfig

from contracts.subjects import partition, partition_of
from services.cli.status import BUCKET, read_status
from services.runtime import streams
from services.runtime.catalog import SERVICES
from services.runtime.migrations import migrate_all

pytestmark = pytest.mark.integration

COMMAND = "enforcement.command.register_case.v1.CT410300"
PARTITION = partition_of("CT410300", streams.PARTITIONS)
COMMANDS = f"enforcement_commands_p{PARTITION}"
"""The durable of the partition the stream stores CT410300's commands in."""


def beat(
    service: str,
    instance: str,
    *,
    age: float = 0.0,
    paused: str | None = None,
    tasks: dict[str, dict[str, Any]] | None = None,
    partitions: list[str] | None = None,
    units: list[str] | None = None,
) -> bytes:
    """A heartbeat as a service instance writes it, `age` seconds old."""
    now = datetime.now(UTC)
    running = {"state": "running", "restarts": 0, "last_error": None}
    return json.dumps(
        {
            "service": service,
            "instance": instance,
            "pid": 4242,
            "host": "box",
            "started_at": (now - timedelta(minutes=5)).isoformat(),
            "at": (now - timedelta(seconds=age)).isoformat(),
            "paused": paused,
            "tasks": tasks if tasks is not None else {"relay": running, "consumer-x": running},
            "partitions": partitions or [],
            "units": units or [],
        }
    ).encode()


async def ready(js: JetStreamContext, database_url: str) -> None:
    """What a running platform has: schemas, streams, the heartbeat bucket."""
    await migrate_all(database_url, SERVICES)
    await streams.ensure_all(js, SERVICES, 1)
    await js.create_key_value(KeyValueConfig(bucket=BUCKET, history=1, ttl=300))


async def all_healthy(js: JetStreamContext) -> None:
    kv = await js.key_value(BUCKET)
    for service in SERVICES:
        await kv.put(f"{service}.box-1", beat(service, "box-1"))


async def test_a_healthy_platform_has_no_problems(
    nc: Client, nats_url: str, database_url: str
) -> None:
    js = nc.jetstream()
    await ready(js, database_url)
    await all_healthy(js)
    report = await read_status(nats_url, database_url)
    assert report.problems() == []
    doc = report.as_json()
    assert doc["ok"] is True
    assert {s["service"]: s["state"] for s in doc["services"]} == dict.fromkeys(SERVICES, "up")
    assert {r["schema"]: r["lag"] for r in doc["relays"]} == dict.fromkeys(SERVICES, 0)


async def test_down_stale_paused_crashed_lagging_and_set_aside_are_each_named(
    nc: Client, nats_url: str, database_url: str
) -> None:
    js = nc.jetstream()
    await ready(js, database_url)
    kv = await js.key_value(BUCKET)
    crashed = {"state": "restarting", "restarts": 3, "last_error": "ConnectionClosedError()"}
    await kv.put("enforcement.box-1", beat("enforcement", "box-1", tasks={"relay": crashed}))
    await kv.put("enforcement.box-2", beat("enforcement", "box-2", paused="database outage"))
    await kv.put("enforcement.box-3", beat("enforcement", "box-3", age=45))  # killed a while ago
    await kv.put("ledger.box-1", beat("ledger", "box-1", age=60))  # killed a while ago
    stopped = {"relay": {"state": "stopped", "restarts": 0, "last_error": None}}
    await kv.put("ledger.box-2", beat("ledger", "box-2", tasks=stopped))  # stopped cleanly: down
    # A consumer with work in hand: three commands, one delivered and not acknowledged.
    for n in range(3):
        await js.publish(COMMAND, b"{}", headers={"Nats-Msg-Id": f"c-{n}"})
    config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT)
    sub = await js.pull_subscribe(
        partition("enforcement", PARTITION), durable=COMMANDS, stream="ENFORCEMENT", config=config
    )
    assert len(await sub.fetch(1, timeout=2)) == 1
    # Dead letters of one consumer, a relay alert, and an operator's action (not a letter).
    for n in range(2):
        await js.publish("deadletter.enforcement.enforcement_commands", f"{n}".encode())
    await js.publish("deadletter.enforcement.relay", b'{"position": 1}')
    await js.publish("deadletter.actions.dropped", b'{"sequence": 1}')
    # Two events the relay has not published, the older waiting for 5 minutes; one set aside.
    conn = await asyncpg.connect(database_url)
    try:
        for age in (300, 1):
            await conn.execute(
                "INSERT INTO enforcement.events (stream_id, version, event_id, type, subject, "
                "occurred_at, recorded_at, message) VALUES ($1, 1, $2, 't', 's', now(), "
                "now() - make_interval(secs => $3), '{}')",
                f"case-{age}",
                uuid.uuid4(),
                float(age),
            )
        await conn.execute(
            "INSERT INTO enforcement.relay_set_aside (position, event_id, subject, size, reason) "
            "VALUES (7, $1, 'enforcement.event.big.v1.FUYUAN', 9000000, 'maximum payload exceeded')",
            uuid.uuid4(),
        )
        # A schema from before the table existed: tolerated, nothing set aside.
        await conn.execute("DROP TABLE ledger.relay_set_aside")
    finally:
        await conn.close()

    report = await read_status(nats_url, database_url)
    doc = report.as_json()
    states = {s["service"]: s["state"] for s in doc["services"]}
    assert states == {
        "enforcement": "up",
        "bankruptcy": "down",
        "risk": "down",
        "reporting": "down",
        "ledger": "down",
    }
    enforcement = next(s for s in doc["services"] if s["service"] == "enforcement")
    assert [(i["instance"], i["stale"]) for i in enforcement["instances"]] == [
        ("box-1", False),
        ("box-2", False),
        ("box-3", True),
    ]
    consumer = next(c for c in doc["consumers"] if c["consumer"] == COMMANDS)
    assert (consumer["stream"], consumer["pending"], consumer["unacknowledged"]) == (
        "ENFORCEMENT",
        2,
        1,
    )
    relays = {r["schema"]: r for r in doc["relays"]}
    assert relays["enforcement"]["lag"] == 2
    assert relays["enforcement"]["oldest_wait"] >= 299
    assert (relays["enforcement"]["set_aside"], relays["enforcement"]["set_aside_recent"]) == (1, 1)
    assert relays["ledger"]["set_aside"] is None and relays["ledger"]["lag"] == 0
    letters = {d["subject"]: (d["kind"], d["count"]) for d in doc["dead_letters"]}
    assert letters == {
        "deadletter.enforcement.enforcement_commands": ("consumer", 2),
        "deadletter.enforcement.relay": ("relay", 1),
    }
    problems = "\n".join(report.problems())
    for expected in (
        "ledger is down",
        "enforcement/box-1 task relay restarting (3 restarts): ConnectionClosedError()",
        "enforcement/box-2 paused: database outage",
        "relay enforcement: 2 events unpublished",
        "relay enforcement: 1 events set aside in the last 24 h "
        "(last: enforcement.event.big.v1.FUYUAN: maximum payload exceeded)",
        "2 dead letters on deadletter.enforcement.enforcement_commands",
        "1 relay alerts on deadletter.enforcement.relay",
    ):
        assert expected in problems, problems
    assert "box-3" not in problems  # stale beside fresh instances: marked, not a problem
    ledger = next(s for s in doc["services"] if s["service"] == "ledger")
    assert [(i["instance"], i["stale"], i["stopped"]) for i in ledger["instances"]] == [
        ("box-1", True, False),
        ("box-2", False, True),
    ]
    assert doc["ok"] is False


async def test_partitions_each_instance_holds_and_those_none_holds_are_shown(
    nc: Client, nats_url: str, database_url: str
) -> None:
    js = nc.jetstream()
    await ready(js, database_url)
    await all_healthy(js)
    units = [*(f"enforcement_commands_p{k}" for k in range(8)), "enforcement_commands"]
    kv = await js.key_value(BUCKET)
    for name, held, age in (
        ("box-1", units[:4], 0),
        ("box-2", units[4:7], 0),
        ("box-3", units[7:], 45),
    ):
        await kv.put(
            f"enforcement.{name}", beat("enforcement", name, age=age, partitions=held, units=units)
        )
    done = fuyuan_status(nats_url, database_url, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    enforcement = next(s for s in doc["services"] if s["service"] == "enforcement")
    assert enforcement["unheld"] == ["enforcement_commands_p7", "enforcement_commands"]
    assert {i["instance"]: i["partitions"] for i in enforcement["instances"]} == {
        "box-1": units[:4],
        "box-2": units[4:7],
        "box-3": units[7:],
    }
    assert doc["problems"] == [
        "enforcement: 2 command partition(s) held by no running instance: "
        "enforcement_commands_p7, enforcement_commands"
    ]
    tables = fuyuan_status(nats_url, database_url)
    assert tables.returncode == 1, tables.stdout + tables.stderr
    assert "enforcement_commands_p{0,1,2,3}" in tables.stdout
    not_held = [line for line in tables.stdout.splitlines() if "NOT HELD" in line]
    assert len(not_held) == 1 and "enforcement_commands_p7, enforcement_commands" in not_held[0]
    # Another instance takes them: nothing is left unheld, all is well again.
    await kv.put(
        "enforcement.box-2",
        beat("enforcement", "box-2", partitions=units[4:], units=units),
    )
    again = fuyuan_status(nats_url, database_url, "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert all(s["unheld"] == [] for s in json.loads(again.stdout)["services"])


def fuyuan_status(nats_url: str, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NATS_URL": nats_url, "DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", "status", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


async def test_the_command_prints_tables_or_json_and_its_exit_status_is_a_health_check(
    nc: Client, nats_url: str, database_url: str
) -> None:
    js = nc.jetstream()
    await ready(js, database_url)
    await all_healthy(js)
    healthy = fuyuan_status(nats_url, database_url)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "all well" in healthy.stdout and "enforcement" in healthy.stdout
    await (await js.key_value(BUCKET)).delete("ledger.box-1")
    down = fuyuan_status(nats_url, database_url, "--json")
    assert down.returncode == 1, down.stdout + down.stderr
    doc = json.loads(down.stdout)
    assert doc["ok"] is False and any("ledger is down" in p for p in doc["problems"])
    tables = fuyuan_status(nats_url, database_url)
    assert tables.returncode == 1
    assert "DOWN" in tables.stdout and "ledger is down" in tables.stdout
    unreachable = fuyuan_status("nats://127.0.0.1:1", database_url)
    assert unreachable.returncode == 2, unreachable.stdout + unreachable.stderr


async def test_a_running_service_is_up_with_its_tasks_from_its_own_heartbeat(
    nc: Client, nats_url: str, database_url: str
) -> None:
    from services.enforcement.main import spec
    from services.runtime.host import start_service
    from services.runtime.settings import RuntimeSettings
    from tests.e2e.world import Clock

    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    service = await start_service(spec(Clock()), settings)
    try:
        deadline = time.monotonic() + 30
        while True:
            report = await read_status(nats_url, database_url, ("enforcement",))
            instances = report.services["enforcement"]
            # Its partitions are taken one by one at its first balance; a heartbeat between two
            # of them names some: wait for the beat after the last.
            if (
                instances
                and not instances[0].stale
                and instances[0].units
                and instances[0].partitions == instances[0].units
            ):
                break
            assert time.monotonic() < deadline, report.as_json()
            await asyncio.sleep(0.2)
        assert report.services["enforcement"] and "enforcement" not in report.down()
        assert all(t.state == "running" for t in instances[0].tasks), instances
        assert report.relays[0].lag == 0
        units = [*(f"enforcement_commands_p{k}" for k in range(streams.PARTITIONS))]
        assert instances[0].units == [*units, "enforcement_commands"]
        assert instances[0].partitions == instances[0].units  # alone, it holds every one
        assert report.unheld("enforcement") == []
        assert [(p.service, p.lag) for p in report.projections] == [("enforcement", 0)]
    finally:
        await service.close()
    after = await read_status(nats_url, database_url, ("enforcement",))
    assert after.down() == ["enforcement"], after.as_json()
    assert [i.stopped for i in after.services["enforcement"]] == [True]
