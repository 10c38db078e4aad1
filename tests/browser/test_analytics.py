"""Customer analytics in a real browser, with the network cut: the Lorenz curve and the decile chart
drawn by the vendored Vega (no CDN), the breakdown chosen from the toolbar, every analytics page
with no console error, no Content-Security-Policy violation and nothing wider than the screen, on
desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, signed_in
from tests.conftest import PASSWORD
from tests.integration.analytics.conftest import build_firm
from tests.support.live_server import LiveServer
from tests.support.offline import no_network

pytestmark = pytest.mark.browser

OWNER = "petrova.maria@firm.test"
PAGES = ("/analytics/rfm", "/analytics/cohorts", "/analytics/value", "/analytics/risk", "/analytics/economics")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("analytics"),
                                    timezone="Europe/Sofia"))
    with runtime.transaction() as session:
        auth.create_staff(session, name="Мария Петрова", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
    build_firm(runtime, clients_count=30)
    with LiveServer(create_app(runtime=runtime)) as server:
        yield server
    runtime.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_charts_and_pages(browser: Browser, server: Any, viewport: dict[str, int]) -> None:
    with no_network() as refused:
        page, watched = signed_in(browser, server.url, OWNER, viewport)
        page.goto(server.url + "/analytics")
        expect(page.locator("#chart-lorenz .chart-canvas svg, #chart-lorenz .chart-canvas canvas").first) \
            .to_be_visible()
        expect(page.locator("#key-accounts")).to_contain_text("Client 00")
        assert page.evaluate(OVERFLOW) == []
        page.select_option("#f-analytics-by", "market")
        submit = page.locator("form.toolbar button[type=submit]")
        if submit.is_visible():       # else the toolbar applies as it changes (app.js)
            submit.click()
        page.wait_for_url("**/analytics?*by=market*")
        expect(page.locator("#by-group")).to_contain_text("Bulgaria")
        for url in PAGES:
            page.goto(server.url + url)
            expect(page.locator("main h1")).to_be_visible()
            assert page.evaluate(OVERFLOW) == [], url
        page.goto(server.url + "/analytics/value")
        expect(page.locator("#chart-deciles .chart-canvas svg, #chart-deciles .chart-canvas canvas").first) \
            .to_be_visible()
        watched.check()
        page.context.close()
    assert not refused
