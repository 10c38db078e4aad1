"""The platform's pages in a real browser: the home page, tasks (added from a client's page with
htmx), the timeline's filters and paging, the revenue chart, the jobs page — no console errors and
no Content-Security-Policy violations, on desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service
from servicescape.config import Settings
from servicescape.platform.jobs import runner
from servicescape.runtime import open_runtime
from servicescape.tasks import service as tasks
from servicescape.web.app import create_app
from tests.browser.conftest import CSP_LISTENER, DESKTOP, OVERFLOW, PHONE
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

OWNER = "aisyah@firm.test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("platform"),
                                    timezone="Asia/Kuala_Lumpur"))
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD,
                                  by=SYSTEM)
        client = service.clients.create(session, {"name": "Tan Holdings Sdn Bhd", "country": "MY", "tier": "key",
                                                  "owner_id": owner.id}, by=SYSTEM)
        for month in range(1, 13):
            service.invoices.create(session, {"client_id": client.id, "issued_on": date(2025, month, 15),
                                              "amount": Decimal(1000 * month), "currency": "MYR"}, by=SYSTEM)
        for n in range(30):
            service.interactions.create(session, {"client_id": client.id, "channel": "call", "staff_id": owner.id,
                                                  "occurred_at": datetime(2025, 6, 1, tzinfo=UTC) + timedelta(days=n),
                                                  "summary": f"Call number {n}"}, by=SYSTEM)
        tasks.tasks.create(session, {"title": "Send the renewal proposal", "client_id": client.id,
                                     "due_at": datetime.now(UTC) - timedelta(days=1), "priority": "high"},
                           by=owner)
        # long names and e-mails, and a flag in a table cell: what crowds a table in Hungarian or Bulgarian
        deputy = auth.create_staff(session, name="Muhammad Hafiz bin Osman",
                                   email="muhammad.hafiz.osman@gemilangharapan-industri.my.example", by=SYSTEM)
        service.contacts.create(session, {"client_id": client.id, "name": "Ahmad Faizal bin Abdullah",
                                          "email": "ahmadfaizal.abdullah@gemilangharapan-industri.my.example"},
                                by=SYSTEM)
        service.engagements.create(session, {
            "client_id": client.id, "description": "Planned maintenance – main plant", "sold_by_id": owner.id,
            "delivered_by_id": deputy.id, "start_date": date(2025, 1, 12), "end_date": date(2026, 1, 12),
            "value": Decimal("118800"), "currency": "MYR"}, by=SYSTEM)
    runner.run_job(runtime, "data.purge_rejects")
    with LiveServer(create_app(runtime=runtime)) as live:
        live.client_id = client.id  # type: ignore[attr-defined]
        yield live
    runtime.close()


def _page(browser: Browser, server: Any, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=viewport, locale="en-GB")  # type: ignore[arg-type]
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.goto(server.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/")
    return page, problems


def _settled(page: Page) -> None:
    """Wait until htmx has no request in flight and has swapped and settled what came back."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_a_chart_without_a_picture_opens_its_table_when_it_cannot_be_drawn(browser: Browser, server: Any) -> None:
    page, problems = _page(browser, server, DESKTOP)
    page.route("**/static/vendor/vega-embed.min.js*", lambda route: route.abort())
    page.goto(f"{server.url}/clients/{server.client_id}")
    expect(page.locator("#chart-revenue")).to_have_attribute("data-chart-state", "picture", timeout=20_000)
    expect(page.locator("#chart-revenue details.chart-table")).to_have_attribute("open", "")
    expect(page.locator("#chart-revenue table tbody tr").first).to_be_visible()
    assert [p for p in problems if "Failed to load resource" not in p and "could not load" not in p] == []
    page.context.close()


def _clean(page: Page, problems: list[str]) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_home_tasks_timeline_and_chart(browser: Browser, server: Any, viewport: dict[str, int]) -> None:
    page, problems = _page(browser, server, viewport)
    expect(page.locator("#my-tasks")).to_contain_text("Send the renewal proposal")
    expect(page.locator("#my-tasks")).to_contain_text("Overdue")
    expect(page.locator("#activity .timeline-item").first).to_contain_text("Tan Holdings Sdn Bhd")

    page.goto(f"{server.url}/clients/{server.client_id}")
    # the revenue chart: drawn by vega-embed (no server picture: drawn afresh for each client), named
    # by its description, with its figures as a table
    expect(page.locator("#chart-revenue .chart-canvas svg, #chart-revenue .chart-canvas canvas").first).to_be_visible()
    expect(page.locator("#chart-revenue img")).to_have_count(0)
    expect(page.locator("#chart-revenue .chart-live")).to_have_attribute(
        "aria-label", "The amounts invoiced to this client in each month, by currency.")
    expect(page.locator("#chart-revenue table tbody tr")).to_have_count(12)
    # the timeline: a page of 20, then the older ones
    items = page.locator("#timeline .timeline-item")
    expect(items).to_have_count(20)
    newest = items.first.inner_text()
    with page.expect_response(lambda response: "before=" in response.url):
        page.click("#timeline .timeline-more a")
    expect(page.locator("#timeline .timeline-item").first).not_to_have_text(newest)  # the older page is in
    expect(page.locator("#timeline .timeline-item")).to_have_count(20)
    _settled(page)
    # only the invoices: every one of them, whatever page was shown before
    with page.expect_response(lambda response: "type=invoice" in response.url and "before=" not in response.url):
        page.click("#timeline .chip >> text=Invoices")
    _settled(page)
    expect(page.locator("#timeline .chip[aria-current=true]")).to_have_text("Invoices")
    expect(page.locator("#timeline .timeline-item[data-type=invoice]")).to_have_count(12)
    expect(page.locator("#timeline .timeline-item[data-type=interaction]")).to_have_count(0)

    # add a task from the client's page: htmx swaps the section, the flash says so
    page.click("#tasks summary")
    page.fill("#f-client-task-title", "Book the quarterly review")
    page.click("#tasks form button[type=submit]")
    expect(page.locator("#tasks")).to_contain_text("Book the quarterly review")
    expect(page.locator("#flashes")).to_contain_text("Book the quarterly review")
    _clean(page, problems)
    page.context.close()


def test_the_task_list_and_the_jobs_page(browser: Browser, server: Any) -> None:
    page, problems = _page(browser, server, DESKTOP)
    page.goto(server.url + "/tasks?view=team")
    expect(page.locator("table")).to_contain_text("Send the renewal proposal")
    page.click("text=Send the renewal proposal")
    page.fill("#f-outcome", "Sent; the client will answer by Friday.")
    page.click("#close button[type=submit]")
    expect(page.locator(".page-subtitle")).to_contain_text("Done")
    page.goto(server.url + "/system/jobs")
    expect(page.locator("#jobs")).to_contain_text("Delete the rejected-rows files of imports older than a day")
    expect(page.locator("#runs")).to_contain_text("Succeeded")
    _clean(page, problems)
    page.context.close()


@pytest.mark.parametrize("language", ["en", "bg", "hu", "zh-Hant"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_nothing_scrolls_sideways(browser: Browser, server: Any, viewport: dict[str, int], language: str) -> None:
    page, problems = _page(browser, server, viewport)
    page.context.add_cookies([{"name": "ss_lang", "value": language, "url": server.url}])
    for path in ("/", f"/clients/{server.client_id}", "/tasks?view=team", "/system/jobs", "/staff", "/mail"):
        page.goto(server.url + path)
        assert page.evaluate(OVERFLOW) == [], (language, path)
    _clean(page, problems)
    page.context.close()
