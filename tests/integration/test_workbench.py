"""The workbench on real NATS and PostgreSQL: a form post becomes a command on the right
subject with the officer's envelope; a rejection addressed to the officer's organization and
the effect of its command reach the page's event stream."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from nats.aio.client import Client

from contracts.envelope import Envelope, Message
from contracts.rejections import FieldProblem
from contracts.risk.linkage import LinkageItemSubmitted
from contracts.risk.rejections import MessageRejected
from contracts.subjects import stored_as
from services.reporting.workbench.accounts import HASHER, Account
from services.reporting.workbench.app import Workbench
from services.reporting.workbench.main import build
from services.reporting.workbench.roles import Role
from services.reporting.workbench.settings import WorkbenchSettings
from services.runtime.migrations import migrate
from services.runtime.streams import PARTITIONS, ensure_all

PASSWORD = "correct horse battery"
OFFICER, ORG = "DR001", "DR410300"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(
    pool: asyncpg.Pool, nats_url: str, nc: Client
) -> AsyncIterator[tuple[str, Workbench]]:
    async with pool.acquire() as conn:
        await migrate(conn, "reporting")
    await ensure_all(nc.jetstream(), ("risk", "reporting"), 1)
    app, wb = build(pool, nats_url.split(","), WorkbenchSettings(secure_cookies=False))
    await wb.accounts.add(Account(OFFICER, "王五", ORG, Role.BUREAU, HASHER.hash(PASSWORD)))
    async with serving(app, free_port()) as url:
        yield url, wb


@contextlib.asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[str]:
    """The application served by uvicorn in this loop until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the workbench did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    answer = await client.post(
        "/login", data={"officer": OFFICER, "password": PASSWORD, "csrf": token}
    )
    assert answer.status_code == 303, answer.text


async def csrf(client: httpx.AsyncClient, screen: str) -> str:
    page = await client.get(f"/{screen}")
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]


async def post_linkage_item(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/commands/submit_linkage_item",
        data={
            "csrf": await csrf(client, "linkage"),
            "title": "欠薪清欠",
            "content": "需住建局协同",
            "needs": "HC410300",
        },
    )


async def test_a_form_post_becomes_the_officers_command_on_its_subject(
    served: tuple[str, Workbench], nc: Client
) -> None:
    base, _ = served
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        await sign_in(client)
        answer = await post_linkage_item(client)
    assert answer.status_code == 303
    subject = f"risk.command.submit_linkage_item.v1.{ORG}"
    stored = await nc.jetstream().get_last_msg("RISK", stored_as(subject, PARTITIONS))
    body = json.loads(stored.data or b"")
    assert body["envelope"]["organization"] == ORG and body["envelope"]["officer"] == OFFICER
    assert body["data"]["needs"] == ["HC410300"]
    assert (stored.headers or {})["Nats-Msg-Id"] == body["envelope"]["event_id"]
    assert answer.headers["location"] == f"/linkage?sent={body['envelope']['event_id']}"


async def next_event(lines: Any) -> dict[str, Any]:
    async for line in lines:
        if line.startswith("data: "):
            return dict(json.loads(line[6:]))
    raise AssertionError("the stream ended")


def rejection(command_id: str) -> Message[Any]:
    raw = b"{}"
    data = MessageRejected(
        rejected_event_id=uuid.UUID(command_id),
        rejected_type="risk.command.submit_linkage_item.v1",
        subject=f"risk.command.submit_linkage_item.v1.{ORG}",
        problems=[
            FieldProblem(field="data.needs.0", reason="no organization with code 'ZZ9'"),
            FieldProblem(field="data.needs.1", reason="unknown organization"),
        ],
        received_sha256=hashlib.sha256(raw).hexdigest(),
        received_size=len(raw),
        received_excerpt="{}",
    )
    return envelope_for(data, "FUYUAN", command_id)


def envelope_for(data: Any, org: str, cause: str) -> Message[Any]:
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=data.TYPE,
        occurred_at=datetime.now(UTC),
        organization=org,
        correlation_id=uuid.UUID(cause),
        causation_id=uuid.UUID(cause),
    )
    return Message[type(data)](envelope=env, data=data)  # type: ignore[misc,operator]


async def test_a_rejection_for_the_officers_organization_reaches_the_open_page(
    served: tuple[str, Workbench], nc: Client
) -> None:
    base, _ = served
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        await sign_in(client)
        async with client.stream("GET", "/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert await anext(lines) == ": connected"
            answer = await post_linkage_item(client)
            command_id = answer.headers["location"].rsplit("=", 1)[1]
            refused = rejection(command_id)
            await nc.publish(
                f"risk.rejection.message_rejected.v1.{ORG}", refused.model_dump_json().encode()
            )
            shown = await asyncio.wait_for(next_event(lines), 10)
    assert shown["kind"] == "rejection" and shown["causation_id"] == command_id
    # The reasons in Chinese where the workbench knows them, as they are where it does not; the
    # English as the service sent it beside, for the officer to quote to an integrator.
    assert shown["text"] == (
        "「提交联动事项」被拒收：需联动的单位：未知的单位；需联动的单位：unknown organization"
    )
    assert shown["original"] == (
        "data.needs.0: no organization with code 'ZZ9'; data.needs.1: unknown organization"
    )


async def test_a_rejection_for_another_organization_is_not_shown(
    served: tuple[str, Workbench], nc: Client
) -> None:
    base, wb = served
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        await sign_in(client)
        async with client.stream("GET", "/events") as stream:
            lines = stream.aiter_lines()
            assert await anext(lines) == ": connected"
            other = rejection(str(uuid.uuid4()))
            await nc.publish(
                "risk.rejection.message_rejected.v1.HC410300", other.model_dump_json().encode()
            )
            mine = rejection(str(uuid.uuid4()))
            await nc.publish(
                f"risk.rejection.message_rejected.v1.{ORG}", mine.model_dump_json().encode()
            )
            shown = await asyncio.wait_for(next_event(lines), 10)
    assert shown["event_id"] == str(mine.envelope.event_id)
    assert [s.event_id for s in wb.hub.recent("HC410300")] == [str(other.envelope.event_id)]


async def test_the_effect_of_the_officers_command_reaches_the_open_page(
    served: tuple[str, Workbench], nc: Client
) -> None:
    base, _ = served
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        await sign_in(client)
        async with client.stream("GET", "/events") as stream:
            lines = stream.aiter_lines()
            assert await anext(lines) == ": connected"
            answer = await post_linkage_item(client)
            command_id = answer.headers["location"].rsplit("=", 1)[1]
            unrelated = envelope_for(submitted(), "FUYUAN", str(uuid.uuid4()))
            effect = envelope_for(submitted(), "FUYUAN", command_id)
            for event in (unrelated, effect):
                await nc.publish(
                    f"risk.event.linkage_item_submitted.v1.{event.envelope.organization}",
                    event.model_dump_json().encode(),
                )
            shown = await asyncio.wait_for(next_event(lines), 10)
    assert shown["kind"] == "effect" and shown["event_id"] == str(effect.envelope.event_id)
    assert shown["causation_id"] == command_id


def submitted() -> Any:
    return LinkageItemSubmitted(
        item_id=uuid.uuid4(),
        title="欠薪清欠",
        content="需住建局协同",
        needs=("HC410300",),
        submitted_by=ORG,
        submitted_on=datetime.now(UTC).date(),
        joint_office="JO410300",
        leading_group="LG410300",
    )


async def test_the_ledger_downloads_as_csv_and_the_monthly_report_prints(
    served: tuple[str, Workbench],
) -> None:
    url, _ = served
    async with httpx.AsyncClient(base_url=url) as client:
        await sign_in(client)
        ledger = await client.get("/ledger")
        assert 'id="export-ledger-csv"' in ledger.text
        csv = await client.get("/exports/ledger.csv", params={"period": "2026-11"})
        assert csv.status_code == 200, csv.text
        assert csv.headers["content-type"].startswith("text/csv")
        disposition = csv.headers["content-disposition"]
        assert f'filename="ledger-2026-11-{ORG}.csv"' in disposition  # a member: its own
        assert "事项类别,重点事项,责任单位" in csv.content.decode("utf-8-sig")
        printed = await client.get("/exports/report.html", params={"period": "2026-11"})
        assert printed.status_code == 200, printed.text
        assert "content-disposition" not in printed.headers
        assert "报送情况" in printed.text


async def test_an_export_names_a_bad_period_and_needs_a_session(
    served: tuple[str, Workbench],
) -> None:
    url, _ = served
    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get("/exports/report.xlsx")).status_code == 303
        await sign_in(client)
        bad = await client.get("/exports/report.xlsx", params={"period": "十一月"})
        assert bad.status_code == 422
        assert bad.text.startswith("period：")
        assert (await client.get("/exports/assessment.xlsx")).status_code == 404
