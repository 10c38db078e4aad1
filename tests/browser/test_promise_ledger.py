"""The promise ledger in a real browser: keep one promise and miss another from the ledger (htmx
swaps each row), then see the recovery task appear — on the recovery page, the client's timeline
and the promise's page; no console errors, no Content-Security-Policy violations, nothing wider
than the screen, on desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.config import Settings
from servicescape.promises import service as promises
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

OWNER = "siti.aminah@firm.test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("promises"),
                                    timezone="Asia/Kuala_Lumpur"))
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Siti Aminah binti Yusof", email=OWNER, role=Role.owner,
                                  password=PASSWORD, by=SYSTEM)
        live: dict[str, int] = {}
        for n, name in enumerate(("Sejuk Aircond Sdn Bhd", "Penyelenggaraan Gemilang Harapan Industri Sdn Bhd")):
            client = clients.clients.create(session, {"name": name, "tier": "key", "owner_id": owner.id,
                                                      "language": "ms"}, by=SYSTEM)
            start = datetime.now(UTC) - timedelta(hours=6 + n)
            live[f"promise{n}"] = promises.promises.create(session, {
                "client_id": client.id, "owner_id": owner.id, "kind": "site_visit",
                "title": ("Repair of the air conditioner", "Quarterly maintenance of the chillers")[n],
                "window_start": start, "window_end": start + timedelta(hours=3), "place": "Shah Alam"}, by=SYSTEM).id
            live[f"client{n}"] = client.id
    with LiveServer(create_app(runtime=runtime)) as server:
        server.ids = live  # type: ignore[attr-defined]
        yield server
    runtime.close()


def _signed_in(browser: Browser, server: Any, viewport: dict[str, int]) -> tuple[Page, Watched]:
    context = browser.new_context(viewport=viewport, locale="en-GB")  # type: ignore[arg-type]
    page = context.new_page()
    watched = Watched(page)
    page.goto(server.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/")
    return page, watched


def _press(page: Page, promise: int, action: str) -> None:
    """Press the row's ``action`` button, if it still has one, and wait for the server's answer
    (on a busy machine it may take longer than an assertion's five seconds)."""
    button = page.locator(f"#promise-{promise} form[action$='/{action}'] button")
    if button.count():
        with page.expect_response(lambda response: response.url.endswith(f"/{action}"), timeout=30_000) as answer:
            button.click()
        assert answer.value.ok, answer.value.status


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_keep_and_miss_from_the_ledger_then_the_recovery_task(browser: Browser, server: Any,
                                                               viewport: dict[str, int]) -> None:
    page, watched = _signed_in(browser, server, viewport)
    kept, missed = server.ids["promise0"], server.ids["promise1"]
    page.goto(server.url + "/promises?view=all")
    assert page.evaluate(OVERFLOW) == []
    _press(page, kept, "keep")  # the first run keeps it; the phone run sees it kept
    expect(page.locator(f"#promise-{kept}")).to_contain_text("Late by")
    _press(page, missed, "miss")
    expect(page.locator(f"#promise-{missed}")).to_contain_text("Missed")
    # both are recoveries: late beyond the key tier's tolerance, and missed
    page.goto(server.url + "/promises/recovery")
    expect(page.locator("main")).to_contain_text("Recover: missed site visit for Penyelenggaraan Gemilang")
    expect(page.locator("main")).to_contain_text("Recover: late site visit for Sejuk Aircond Sdn Bhd")
    assert page.evaluate(OVERFLOW) == []
    # the client's page: the promise and its recovery task on the timeline
    page.goto(f"{server.url}/clients/{server.ids['client1']}")
    expect(page.locator("#promises")).to_contain_text("Missed")
    expect(page.locator("#timeline")).to_contain_text("Recover: missed site visit")
    page.goto(f"{server.url}/promises/{missed}")
    expect(page.locator(".page-subtitle")).to_contain_text("Missed")
    assert page.evaluate(OVERFLOW) == []
    watched.check()
    page.context.close()
