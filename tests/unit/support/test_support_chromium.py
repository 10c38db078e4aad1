"""Playwright drives Debian's Chromium, offline, against data: URLs and a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.support.chromium import CHROMIUM_PATH, LAUNCH_ARGS, launch, launch_options
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

PAGE = (
    "<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>"
    "<link rel='icon' href='data:,'><title>Servicescape</title></head>"
    "<body><p id='greeting'>你好，世界</p></body></html>"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def test_launch_options_use_debian_chromium() -> None:
    options = launch_options()
    assert options["executable_path"] == CHROMIUM_PATH
    assert "--disable-background-networking" in options["args"]
    assert options["args"] == LAUNCH_ARGS
    assert options["args"] is not LAUNCH_ARGS  # callers may extend their copy


def test_loads_a_data_url(browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.goto("data:text/html;charset=utf-8," + PAGE)
        assert page.title() == "Servicescape"
        assert page.text_content("#greeting") == "你好，世界"
        assert page.screenshot()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()


def test_drives_a_live_server(browser: Browser) -> None:
    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    console_errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    with LiveServer(Starlette(routes=[Route("/", home)])) as server:
        page = browser.new_page()
        page.on("console", record)
        try:
            response = page.goto(server.url + "/")
            assert response is not None and response.status == 200
            assert page.locator("#greeting").inner_text() == "你好，世界"
        finally:
            page.close()
    assert console_errors == []
