"""应用 — the FastAPI application: sign-in, screens, command forms, notices as SSE, charts.

`create_app` takes everything it uses (`Workbench`), so the fast tests give it in-memory
stores and a recording publisher; `main.py` gives it PostgreSQL, the `NatsRouter` and its
broker.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from faststream.nats.fastapi import NatsRouter

from contracts.organizations.registry import Registry
from services.reporting.exports import build
from services.reporting.exports.sheet import SHANGHAI
from services.reporting.workbench import accounts as acc
from services.reporting.workbench.accounts import Account, Accounts
from services.reporting.workbench.charts import line
from services.reporting.workbench.commands import Publisher, command
from services.reporting.workbench.fields import FieldError
from services.reporting.workbench.forms import FORMS, on_screen, payload_of
from services.reporting.workbench.forms import Form as CommandForm
from services.reporting.workbench.notices import Hub
from services.reporting.workbench.reads import Reads
from services.reporting.workbench.roles import LABELS, commands
from services.reporting.workbench.screens import SCREENS, Viewer
from services.reporting.workbench.sessions import Session, Sessions

HERE = Path(__file__).parent
COOKIE = "fy_session"
LOGIN_COOKIE = "fy_login"
LOGIN_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
"""The shape of a sign-in CSRF token (`secrets.token_urlsafe(24)`)."""


@dataclass
class Workbench:
    accounts: Accounts
    sessions: Sessions
    publisher: Publisher
    hub: Hub
    reads: Reads
    registry: Registry
    clock: Callable[[], datetime]
    indicators: Mapping[str, str]
    """Indicator id → its Chinese name, for the charts."""
    secure_cookies: bool = True


class SignInRequired(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def signed_in(request: Request) -> tuple[Account, Session, str]:
    """The officer's account, session and cookie token; else to the sign-in page."""
    wb: Workbench = request.app.state.workbench
    token = request.cookies.get(COOKIE, "")
    session = await wb.sessions.get(token, wb.clock()) if token else None
    account = await wb.accounts.get(session.officer) if session else None
    if session is None or account is None or account.disabled:
        raise SignInRequired
    return account, session, token


Current = Annotated[tuple[Account, Session, str], Depends(signed_in)]
"""Declared at module level: FastAPI resolves the (postponed) annotations in this module."""


def create_app(wb: Workbench, router: NatsRouter | None = None) -> FastAPI:
    app = FastAPI(
        title="府院联动工作台",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.workbench = wb
    if router is not None:
        # Including the router joins its lifespan (FastAPI >= 0.112.2): the broker starts
        # with the application and stops with it.
        app.include_router(router)
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def kind_of(account: Account) -> Any:
        return wb.registry.get(account.organization).kind

    def allowed(account: Account) -> frozenset[str]:
        return commands(account.role, kind_of(account))

    def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, values, status_code=status)

    @app.exception_handler(SignInRequired)
    async def to_login(request: Request, _: SignInRequired) -> Response:
        if request.url.path == "/events":
            return Response("未登录", status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden) -> Response:
        return page(request, "forbidden.html", 403, reason=error.reason)

    def check_csrf(session: Session, given: str) -> None:
        if not given or not secrets.compare_digest(given, session.csrf):
            raise Forbidden("表单已失效（CSRF 校验未通过），请刷新页面后重新提交")

    # ---- signing in and out ------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        # Reuse the token the browser already holds: a second GET (another tab, a reload, a
        # stray request for a missing asset) must not void the form already drawn.
        held = request.cookies.get(LOGIN_COOKIE, "")
        token = held if LOGIN_TOKEN.fullmatch(held) else secrets.token_urlsafe(24)
        response = page(request, "login.html", csrf=token, error="")
        _cookie(response, LOGIN_COOKIE, token, wb.secure_cookies, path="/login")
        return response

    @app.post("/login", response_class=HTMLResponse)
    async def login(
        request: Request,
        officer: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not csrf or not expected or not secrets.compare_digest(csrf, expected):
            raise Forbidden("登录表单已失效（CSRF 校验未通过），请刷新页面后重新登录")
        account, error = await _authenticate(wb, officer.strip(), password)
        if account is None:
            return page(request, "login.html", 401, csrf=expected, error=error)
        token, _ = await wb.sessions.start(account.officer, wb.clock())
        response = RedirectResponse("/today", status_code=303)
        _cookie(response, COOKIE, token, wb.secure_cookies)
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @app.post("/logout")
    async def logout(current: Current, csrf: Annotated[str, Form()] = "") -> Response:
        _, session, token = current
        check_csrf(session, csrf)
        await wb.sessions.end(token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # ---- screens -----------------------------------------------------------------------------

    async def render(
        request: Request,
        current: tuple[Account, Session, str],
        screen_id: str,
        status: int = 200,
        errors: Mapping[str, list[FieldError]] | None = None,
        posted: Mapping[str, str] | None = None,
    ) -> Response:
        account, session, _ = current
        screen = SCREENS.get(screen_id)
        if screen is None:
            return page(request, "missing.html", 404)
        if account.role not in screen.roles:
            raise Forbidden(f"{LABELS[account.role]}岗位不能查看「{screen.title}」")
        viewer = Viewer(account.organization, account.role, wb.clock(), dict(request.query_params))
        may = allowed(account)
        return page(
            request,
            "screen.html",
            status,
            screen=screen,
            screens=[s for s in SCREENS.values() if account.role in s.roles],
            tables=await screen.load(wb.reads, viewer),
            forms=[f for f in on_screen(screen.id) if f.type in may],
            errors=errors or {},
            posted=posted or {},
            account=account,
            organization=wb.registry.get(account.organization),
            role_label=LABELS[account.role],
            csrf=session.csrf,
            notices=wb.hub.recent(account.organization),
            sent=request.query_params.get("sent", ""),
            query=viewer.query,
            indicators=wb.indicators,
        )

    @app.get("/favicon.ico")
    async def favicon() -> Response:
        """Browsers ask for it unprompted; answered here, not by the screen route (whose
        redirect to /login would replace the sign-in form's CSRF cookie)."""
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/")
    async def home() -> Response:
        return RedirectResponse("/today", status_code=303)

    # ---- commands ----------------------------------------------------------------------------

    @app.post("/commands/{name}", response_class=HTMLResponse)
    async def send(request: Request, name: str, current: Current) -> Response:
        account, session, _ = current
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        check_csrf(session, posted.get("csrf", ""))
        form: CommandForm | None = FORMS.get(name)
        if form is None:
            return page(request, "missing.html", 404)
        if form.type not in allowed(account):
            raise Forbidden(
                f"{LABELS[account.role]}岗位（{account.organization}）不能「{form.title}」"
            )
        payload = payload_of(form, posted, wb.clock().date())
        if isinstance(payload, list):
            errors = {form.name: payload}
            return await render(request, current, form.screen, 422, errors, posted)
        message = command(account.organization, account.officer, payload, wb.clock())
        wb.hub.remember(message.envelope.event_id, account.organization)
        await wb.publisher.publish(message)
        return RedirectResponse(f"/{form.screen}?sent={message.envelope.event_id}", 303)

    # ---- notices and charts ------------------------------------------------------------------

    @app.get("/events")
    async def events(request: Request, current: Current) -> StreamingResponse:
        account = current[0]
        return StreamingResponse(
            wb.hub.stream(account.organization, request.is_disconnected),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.get("/charts/{indicator}.svg")
    async def chart(indicator: str, current: Current) -> Response:
        if indicator not in wb.indicators:
            return Response("没有这个指标", status_code=404)
        points = await wb.reads.indicator_series(indicator)
        return Response(line(wb.indicators[indicator], points), media_type="image/svg+xml")

    # ---- exports -----------------------------------------------------------------------------

    @app.get("/exports/{name}.{fmt}")
    async def export(request: Request, name: str, fmt: str, current: Current) -> Response:
        """台账 and 月报 as the officer's screen shows them: a member unit its own, the office,
        the leading group and auditors any unit's (the monthly report names one)."""
        account = current[0]
        if name not in EXPORTS or fmt not in set(build.Format):
            return page(request, "missing.html", 404)
        viewer = Viewer(account.organization, account.role, wb.clock(), {})
        asked = request.query_params.get("unit", "").strip() or None
        unit = viewer.own_unit or asked
        if name == build.Export.REPORT:
            unit = unit or account.organization
        try:
            period = build.parse_period(request.query_params.get("period") or month_of(wb.clock()))
            wanted = build.Request(build.Export(name), period, unit)
            document = await build.document(
                wb.reads.pool,
                wb.reads.schema,
                wanted,
                wb.clock(),
                build.catalogue(),
                build.registry_names(wb.registry),
            )
        except build.ExportError as error:
            return Response(f"{error.field}：{error.reason}", status_code=422)
        kind = build.Format(fmt)
        headers = {}
        if kind is not build.Format.HTML:
            headers["Content-Disposition"] = f'attachment; filename="{wanted.filename(kind)}"'
        body = build.write(document, kind)
        return Response(body, media_type=build.MEDIA_TYPES[kind], headers=headers)

    # Last: it would otherwise take /events and the other fixed paths.
    @app.get("/{screen_id}", response_class=HTMLResponse)
    async def screen(request: Request, screen_id: str, current: Current) -> Response:
        return await render(request, current, screen_id)

    return app


EXPORTS = frozenset({build.Export.LEDGER, build.Export.REPORT})
"""The exports the workbench offers: its 台账 and 月报 screens'."""


def month_of(now: datetime) -> str:
    """The month (YYYY-MM) `now` falls in, in Asia/Shanghai."""
    return now.astimezone(SHANGHAI).strftime("%Y-%m")


def _cookie(response: Response, name: str, value: str, secure: bool, path: str = "/") -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", secure=secure, path=path)


async def _authenticate(wb: Workbench, officer: str, password: str) -> tuple[Account | None, str]:
    """The account if the password is right; else the Chinese reason (the same for an unknown
    officer and a wrong password, so the page does not tell which staff numbers exist)."""
    now = wb.clock()
    account = await wb.accounts.get(officer)
    wrong = "工号或密码错误"
    if account is None:
        # As slow as a wrong password, so the time taken does not tell either.
        await asyncio.to_thread(acc.verify, acc.unknown(), password)
        return None, wrong
    if account.locked_until is not None and account.locked_until > now:
        seconds = int((account.locked_until - now).total_seconds()) + 1
        return None, f"密码错误次数过多，请 {seconds} 秒后再试"
    # argon2 is seconds of CPU under load: off the event loop, other officers go on.
    if not await asyncio.to_thread(acc.verify, account, password):
        await wb.accounts.put(acc.failed(account, now))
        return None, wrong
    if account.disabled:
        return None, "账号已停用，请联系联席办"
    if account.failures or account.locked_until:
        account = acc.Account(**{**account.__dict__, "failures": 0, "locked_until": None})
        await wb.accounts.put(account)
    return account, ""
