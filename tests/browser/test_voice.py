"""Voice of the client in a real browser, with the network cut: the inbox filtered by sentiment,
the heatmap's cell opening the inbox on those comments, themes with their trend charts, a comment and
the comments like it, adding a review — no console errors, no Content-Security-Policy violations,
nothing wider than the screen, on desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.config import Settings
from servicescape.runtime import open_runtime
from servicescape.voice import analysis, service
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, signed_in
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer
from tests.support.offline import no_network

pytestmark = pytest.mark.browser

OWNER = "nagy.eszter@firm.test"
SAID = ["We waited three weeks for a reply to our e-mail.", "Nobody answers the phone; we called four times.",
        "Kami menunggu dua minggu, tiada siapa menghubungi kami.", "The invoice was far higher than the quote.",
        "Hidden charges on every bill, again.", "A számla sokkal magasabb volt, mint az árajánlat.",
        "The engineer was polite and explained everything.", "师傅很专业，修好后还教我们怎么保养。",
        "Фактурата беше с двайсет процента по-висока от офертата.", "Очень вежливый и знающий юрист."]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("voice"),
                                    timezone="Asia/Kuala_Lumpur"))
    with runtime.transaction() as session:
        auth.create_staff(session, name="Nagy Eszter", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
        client = clients.clients.create(session, {"name": "Hegyvidék Szerviz Kft.", "tier": "key"}, by=SYSTEM)
        for number, text in enumerate(SAID):
            service.add_review(session, text=text, client_id=client.id,
                               said_at=datetime.now(UTC) - timedelta(days=40 * number + 1), by=SYSTEM)
    with no_network() as refused:
        analysis.work_off(runtime)
    assert not refused
    with LiveServer(create_app(runtime=runtime)) as server:
        yield server
    runtime.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_inbox_heatmap_themes_and_a_comment(browser: Browser, server: Any, viewport: dict[str, int]) -> None:
    with no_network() as refused:
        page, watched = signed_in(browser, server.url, OWNER, viewport)
        page.goto(server.url + "/voice")
        expect(page.locator("#comments")).to_contain_text("We waited three weeks")
        assert page.evaluate(OVERFLOW) == []
        page.select_option("#f-voice-sentiment", "negative")
        submit = page.locator("form.toolbar button[type=submit]")
        if submit.is_visible():       # else the filters apply as they change (app.js)
            submit.click()
        page.wait_for_url("**/voice?*sentiment=negative*")
        expect(page.locator("#comments")).not_to_contain_text("polite and explained")

        page.goto(server.url + "/voice/heatmap")
        cell = page.locator("#heatmap td.heat--negative a").first
        expect(cell).to_be_visible()
        assert page.evaluate(OVERFLOW) == []
        link = page.locator("#heatmap td.heat--negative a:not(:text-is('0'))").first
        count = int(link.inner_text())
        link.click()
        expect(page.locator(".pagination-summary")).to_contain_text(f"{count} result")

        page.goto(server.url + "/voice/themes?count=3")
        expect(page.locator("#theme-1")).to_contain_text("Theme 1")
        expect(page.locator("#chart-theme-1")).to_have_attribute("data-chart-state", "live", timeout=20_000)
        assert page.evaluate(OVERFLOW) == []
        page.locator("#theme-1 .theme-examples a").first.click()
        expect(page.locator("#similar")).to_contain_text("Nearest in meaning")
        assert page.locator("#similar a").count() == 8        # the nearest eight of the nine others
        assert page.evaluate(OVERFLOW) == []
        watched.check()
        page.context.close()
    assert not refused


def test_adding_a_review(browser: Browser, server: Any) -> None:
    page, watched = signed_in(browser, server.url, OWNER, DESKTOP)
    page.goto(server.url + "/voice")
    page.fill("#f-review-text", "Sehr freundlich, aber das Angebot kam nie.")
    page.fill("#f-review-client", "Hegyvidék Szerviz Kft.")
    page.fill("#f-review-rating", "2")
    page.click("#add-review button[type=submit]")
    expect(page.locator("main")).to_contain_text("Sehr freundlich, aber das Angebot kam nie.")
    expect(page.locator("main")).to_contain_text("Not read yet")
    watched.check()
    page.context.close()
