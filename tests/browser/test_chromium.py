"""Debian's chromium reaches a page served by the tests and posts a form back to it: the
machinery every browser test stands on."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Form
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, expect

from tests.browser.serving import serve

pytestmark = pytest.mark.browser

FORM = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>冒烟</title>
<form method="post" action="/echo"><label for="name">单位名称</label>
<input id="name" name="name"><button type="submit">提交</button></form></html>"""


def trivial() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    async def form() -> str:
        return FORM

    @app.post("/echo", response_class=HTMLResponse)
    async def echo(name: str = Form()) -> str:
        return f'<!doctype html><meta charset="utf-8"><p id="said">已收到：{name}</p>'

    return app


async def test_chromium_posts_a_chinese_form_and_reads_the_answer(browser: Browser) -> None:
    async with serve(trivial()) as url:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("单位名称").fill("市联席办")
        await page.get_by_role("button", name="提交").click()
        await expect(page.locator("#said")).to_have_text("已收到：市联席办")
        await context.close()
