"""The workbench over in-memory stores: signing in, CSRF, roles, Chinese field errors."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from contracts.organizations.registry import Registry
from services.reporting.workbench.accounts import HASHER, Account, MemoryAccounts
from services.reporting.workbench.app import LOGIN_COOKIE, Workbench, create_app
from services.reporting.workbench.commands import RecordingPublisher
from services.reporting.workbench.notices import Hub, Shown
from services.reporting.workbench.reads import Reads
from services.reporting.workbench.roles import Role
from services.reporting.workbench.sessions import MemorySessions

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


class NoReads(Reads):
    """Read models with nothing in them."""

    async def _call(self, query: Any, *args: Any) -> list[Any]:
        return []


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def wb(clock: Clock) -> Workbench:
    accounts = MemoryAccounts()
    hashed = HASHER.hash(PASSWORD)
    for officer, org, role in (
        ("JO001", "JO410300", Role.OFFICE),
        ("DR001", "DR410300", Role.BUREAU),
        ("LG001", "LG410300", Role.LEADING_GROUP),
        ("AU001", "JO410300", Role.AUDITOR),
    ):
        asyncio.run(accounts.put(Account(officer, "张三", org, role, hashed)))
    asyncio.run(accounts.put(Account("OFF01", "李四", "DR410300", Role.BUREAU, hashed, True)))
    return Workbench(
        accounts=accounts,
        sessions=MemorySessions(),
        publisher=RecordingPublisher(),
        hub=Hub(),
        reads=NoReads(None),
        registry=Registry.load(),
        clock=clock,
        indicators={},
        secure_cookies=False,
    )


@pytest.fixture
def client(wb: Workbench) -> TestClient:
    return TestClient(create_app(wb), follow_redirects=False)


def login_token(client: TestClient) -> str:
    page = client.get("/login")
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]


def sign_in(client: TestClient, officer: str, password: str = PASSWORD) -> Any:
    token = login_token(client)
    return client.post("/login", data={"officer": officer, "password": password, "csrf": token})


def csrf_of(client: TestClient, screen: str) -> str:
    page = client.get(f"/{screen}")
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]


def test_a_page_without_a_session_sends_the_officer_to_sign_in(client: TestClient) -> None:
    assert client.get("/today").headers["location"] == "/login"
    assert client.get("/events").status_code == 401


def test_the_right_password_opens_a_session_in_a_strict_http_only_cookie(
    client: TestClient,
) -> None:
    answer = sign_in(client, "JO001")
    assert answer.status_code == 303 and answer.headers["location"] == "/today"
    cookie = answer.headers["set-cookie"]
    assert "fy_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/today")
    assert page.status_code == 200 and "今日待办" in page.text and "洛阳市府院联动" in page.text


def test_a_wrong_password_is_refused_in_chinese(client: TestClient) -> None:
    answer = sign_in(client, "JO001", "wrong")
    assert answer.status_code == 401 and "工号或密码错误" in answer.text
    assert client.get("/today").status_code == 303


def test_an_unknown_officer_reads_the_same_as_a_wrong_password(client: TestClient) -> None:
    answer = sign_in(client, "NOBODY")
    assert answer.status_code == 401 and "工号或密码错误" in answer.text


def test_a_disabled_account_cannot_sign_in(client: TestClient) -> None:
    answer = sign_in(client, "OFF01")
    assert answer.status_code == 401 and "账号已停用" in answer.text


def test_a_few_wrong_passwords_make_the_account_wait(client: TestClient, clock: Clock) -> None:
    for _ in range(3):
        sign_in(client, "JO001", "wrong")
    answer = sign_in(client, "JO001")
    assert answer.status_code == 401 and "密码错误次数过多" in answer.text
    clock.now = NOW + timedelta(seconds=31)
    assert sign_in(client, "JO001").status_code == 303


def test_a_login_post_without_its_csrf_token_is_forbidden(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"officer": "JO001", "password": PASSWORD})
    assert answer.status_code == 403


def test_a_command_without_the_csrf_token_is_forbidden(client: TestClient, wb: Workbench) -> None:
    sign_in(client, "DR001")
    answer = client.post("/commands/submit_linkage_item", data={"title": "x"})
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert wb.publisher.sent == []  # type: ignore[attr-defined]


def test_a_role_that_may_not_send_a_command_gets_403(client: TestClient, wb: Workbench) -> None:
    sign_in(client, "DR001")
    token = csrf_of(client, "linkage")
    answer = client.post(
        "/commands/review_linkage_item",
        data={"csrf": token, "item_id": "7d0f5a38-8f1e-4c7e-9d55-0d6f1b1f9f11", "opinion": "同意"},
    )
    assert answer.status_code == 403 and "不能「审核联动事项」" in answer.text
    assert wb.publisher.sent == []  # type: ignore[attr-defined]


def test_an_auditor_sends_nothing(client: TestClient) -> None:
    sign_in(client, "AU001")
    page = client.get("/linkage")
    assert page.status_code == 200 and 'id="form-' not in page.text
    token = csrf_of(client, "linkage")
    answer = client.post("/commands/close_linkage_item", data={"csrf": token})
    assert answer.status_code == 403


def test_a_screen_shows_only_the_forms_the_role_may_send(client: TestClient) -> None:
    sign_in(client, "LG001")
    page = client.get("/linkage").text
    assert 'id="form-decide_linkage_item"' in page
    assert 'id="form-submit_linkage_item"' not in page


def test_a_rejection_shows_its_reasons_in_chinese_and_the_english_in_small_print(
    client: TestClient, wb: Workbench
) -> None:
    wb.hub.deliver(
        "JO410300",
        Shown(
            kind="rejection",
            type="risk.rejection.message_rejected.v1",
            subject="risk.rejection.message_rejected.v1.JO410300",
            event_id="e1",
            occurred_at="2026-03-02T08:00:00+00:00",
            causation_id="c1",
            text="「提交联动事项」被拒收：需联动的单位：未知的单位",
            original="data.needs.0: no organization with code 'ZZ9'",
        ),
    )
    sign_in(client, "JO001")
    page = client.get("/linkage").text
    item = re.search(r'<li class="notice rejection"[^>]*>.*?</li>', page, re.DOTALL)
    assert item, page
    assert 'title="原文：data.needs.0: no organization with code &#39;ZZ9&#39;"' in item[0]
    assert '<span class="said">「提交联动事项」被拒收：需联动的单位：未知的单位</span>' in item[0]
    assert (
        '<small class="original" lang="en">原文：data.needs.0: no organization with code'
        " &#39;ZZ9&#39;</small>"
    ) in item[0]


def test_bad_input_is_answered_naming_the_fields_in_chinese(
    client: TestClient, wb: Workbench
) -> None:
    sign_in(client, "DR001")
    token = csrf_of(client, "linkage")
    answer = client.post(
        "/commands/submit_linkage_item",
        data={"csrf": token, "title": "", "content": "需要协调", "submitted_on": "12/03"},
    )
    assert answer.status_code == 422
    errors = re.findall(r'<li class="field-error" data-field="(\w+)">([^<]+)</li>', answer.text)
    assert ("title", "事项名称：不能为空") in errors
    assert ("needs", "需联动的单位：至少填写一项") in errors
    assert ("submitted_on", "提交日期：日期格式应为 年-月-日，如 2026-12-03") in errors
    assert wb.publisher.sent == []  # type: ignore[attr-defined]


def test_a_valid_form_becomes_a_command_of_the_officers_organization(
    client: TestClient, wb: Workbench
) -> None:
    sign_in(client, "DR001")
    token = csrf_of(client, "linkage")
    answer = client.post(
        "/commands/submit_linkage_item",
        data={"csrf": token, "title": "欠薪清欠", "content": "需住建协同", "needs": "HC410300"},
    )
    assert answer.status_code == 303
    (sent,) = wb.publisher.sent  # type: ignore[attr-defined]
    assert sent.envelope.type == "risk.command.submit_linkage_item.v1"
    assert (sent.envelope.organization, sent.envelope.officer) == ("DR410300", "DR001")
    assert sent.data.needs == ("HC410300",) and sent.data.submitted_on == NOW.date()
    assert answer.headers["location"] == f"/linkage?sent={sent.envelope.event_id}"


def test_signing_out_ends_the_session(client: TestClient) -> None:
    sign_in(client, "JO001")
    token = csrf_of(client, "today")
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get("/today").status_code == 303


def test_an_expired_session_is_gone(client: TestClient, clock: Clock) -> None:
    sign_in(client, "JO001")
    clock.now = NOW + timedelta(hours=9)
    assert client.get("/today").status_code == 303


def test_a_member_may_not_open_the_assessments(client: TestClient) -> None:
    sign_in(client, "DR001")
    assert client.get("/assessments").status_code == 403


def test_the_audit_screen_is_the_auditors_and_the_offices(client: TestClient) -> None:
    sign_in(client, "AU001")
    page = client.get("/audit")
    assert page.status_code == 200 and "账本最近的签名检查点" in page.text
    assert 'id="checkpoint-empty"' in page.text and 'id="set-aside-empty"' in page.text
    client.cookies.clear()
    sign_in(client, "DR001")
    assert client.get("/audit").status_code == 403


def test_the_office_sees_every_units_overdue_list_a_member_only_its_own_items(
    client: TestClient,
) -> None:
    sign_in(client, "JO001")
    assert 'id="overdue-empty"' in client.get("/today").text
    client.cookies.clear()
    sign_in(client, "DR001")
    page = client.get("/today").text
    assert 'id="due-items-empty"' in page and 'id="overdue' not in page


def test_the_favicon_is_served_and_keeps_the_sign_in_token(client: TestClient) -> None:
    token = login_token(client)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert "set-cookie" not in icon.headers
    assert client.cookies.get(LOGIN_COOKIE) == token


def test_a_second_sign_in_page_reuses_the_token_already_held(client: TestClient) -> None:
    first = login_token(client)
    assert login_token(client) == first
    assert sign_in(client, "JO001").status_code == 303


def test_a_malformed_sign_in_cookie_is_replaced(client: TestClient) -> None:
    page = client.get("/login", headers={"cookie": f"{LOGIN_COOKIE}=x"})
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    assert token != "x"
    assert f"{LOGIN_COOKIE}={token}" in page.headers["set-cookie"]
