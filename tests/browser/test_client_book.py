"""The client book in a real browser: Debian's Chromium against the real app on a loopback port.

Sign in, find a client by name, open it, log an interaction and see it on the timeline — with
JavaScript (htmx swaps in place) and without (plain forms and redirects). No console errors and no
Content-Security-Policy violations are allowed. Screenshots of the list and the client page, at
desktop and phone width, land in SCREENSHOT_DIR for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, FAILED_TO_LOAD, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SERVICESCAPE_SCREENSHOTS", "/tmp"))
OWNER = "aisyah@firm.test"
EXPECTED = "422 (Unprocessable Entity)"
# Records CSP violations; evaluated by Playwright (not subject to the page's CSP).



def _seed(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        aisyah = auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD,
                                   by=SYSTEM)
        daniel = auth.create_staff(session, name="Daniel Lim", email="daniel@firm.test", role=Role.staff, by=SYSTEM)
        rows = [
            ("Tan Holdings Sdn Bhd", "MY", "Kuala Lumpur", "key", "Healthcare", aisyah.id, "active"),
            ("Petrova Architects", "BG", "Plovdiv", "growth", "Architecture", daniel.id, "active"),
            ("Kovács és Társa Kft.", "HU", "Debrecen", "standard", "Legal", daniel.id, "lost"),
            ("Harbour View Insurance", "TW", "Taipei", "key", "Insurance", None, "active"),
            ("Greenfield Dental Group", "MY", "Penang", "growth", "Healthcare", aisyah.id, "active"),
        ]
        ids = {}
        for name, country, city, tier, segment, owner_id, status in rows:
            ids[name] = service.clients.create(session, {
                "name": name, "country": country, "city": city, "tier": tier, "segment": segment,
                "owner_id": owner_id, "status": status, "email": f"office@{city.lower().replace(' ', '-')}.example",
            }, by=SYSTEM).id
        tan = ids["Tan Holdings Sdn Bhd"]
        service.clients.update(session, service.clients.get(session, tan, by=SYSTEM),
                               {"custom_fields": {"VAT number": "MY-1234", "Employees": 420}}, by=SYSTEM)
        service.contacts.create(session, {"client_id": tan, "name": "Tan Wei Jie", "job_title": "Finance Director",
                                          "email": "wei.jie@tan.example", "phone": "+60 3 2123 4567"}, by=SYSTEM)
        service.engagements.create(session, {
            "client_id": tan, "description": "Annual maintenance retainer", "sold_by_id": aisyah.id,
            "delivered_by_id": daniel.id, "start_date": date(2025, 1, 1), "value": Decimal("48000"),
            "currency": "MYR"}, by=SYSTEM)
        service.invoices.create(session, {"client_id": tan, "issued_on": date(2025, 1, 31),
                                          "amount": Decimal("12000"), "currency": "MYR",
                                          "external_id": "INV-2025-001"}, by=SYSTEM)
        service.interactions.create(session, {
            "client_id": tan, "channel": "call", "staff_id": aisyah.id,
            "occurred_at": datetime(2025, 2, 3, 1, 30, tzinfo=UTC),
            "summary": "Confirmed the site visit for Tuesday between 14:00 and 16:00."}, by=SYSTEM)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("browser")
    runtime = open_runtime(Settings(mode="dev", data_dir=data_dir, timezone="Asia/Kuala_Lumpur",
                                    firm_name="Maju Advisory"))
    _seed(runtime)
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live
    runtime.close()


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/clients")
    expect(page).to_have_url(base + "/signin?next=/clients")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/clients")


def _shot(page: Page, name: str) -> Path:
    path = SCREENSHOT_DIR / f"servicescape-{name}.png"
    screenshot(page, path)
    return path


def _new(browser: Browser, **options: Any) -> Watched:
    options = {"viewport": DESKTOP, "locale": "en-GB", "timezone_id": "Europe/Budapest", **options}
    context = browser.new_context(**options)
    return Watched(context.new_page(), (FAILED_TO_LOAD + EXPECTED,))


def test_find_a_client_and_log_an_interaction(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser)
    page = watched.page
    _sign_in(page, server.url)
    expect(page.locator("#client-results tbody tr")).to_have_count(5)
    _shot(page, "clients-desktop")

    # search: htmx swaps only the results and puts the search in the address bar
    page.fill("#f-q", "tan hold")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/clients\?q=tan(\+|%20)hold&tier=&"))
    expect(page.locator("#client-results")).to_contain_text("1 client")
    # a filter select submits by itself
    page.fill("#f-q", "")
    page.select_option("#f-tier", "key")
    expect(page.locator("#client-results tbody tr")).to_have_count(2)
    page.select_option("#f-tier", "")
    page.fill("#f-q", "Tan Holdings")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)

    page.click("text=Tan Holdings Sdn Bhd")
    expect(page.locator("h1")).to_have_text("Tan Holdings Sdn Bhd")
    expect(page.locator("#engagements")).to_contain_text("different person delivers")
    _shot(page, "client-desktop")

    # log an interaction: posted by htmx, the timeline is swapped in place and the form emptied
    page.select_option("#f-interaction-channel", "meeting")
    page.fill("#f-interaction-occurred_at", "2025-03-14T09:40")
    page.fill("#f-interaction-summary", "Key-account review: agreed on a named deputy for holidays.")
    page.click("#timeline form[action$=interactions] button[type=submit]")
    first = page.locator("#timeline .timeline-item[data-type=interaction]").first
    expect(first).to_contain_text("Key-account review: agreed on a named deputy for holidays.")
    expect(first).to_contain_text("Meeting")
    expect(first).to_contain_text("Mar 14, 2025, 9:40")  # the firm's clock, not the browser's
    expect(page.locator("#timeline .timeline-item[data-type=interaction]")).to_have_count(2)
    expect(page.locator("#f-interaction-summary")).to_have_value("")
    expect(page.locator("#flashes")).to_contain_text("Interaction added.")
    assert page.url == server.url + "/clients/1"  # no navigation happened

    # a mistake comes back in place with a message at the field
    page.fill("#f-interaction-summary", "Typed before the mistake")
    page.fill("#f-interaction-occurred_at", "0001-01-01T00:00")  # a slip of the keyboard
    page.click("#timeline form[action$=interactions] button[type=submit]")
    expect(page.locator("#f-interaction-occurred_at-error")).to_contain_text("Enter a date and time")
    expect(page.locator("#timeline .error-summary")).to_be_focused()
    expect(page.locator("#f-interaction-summary")).to_have_value("Typed before the mistake")
    # the summary names the field by its label; following its entry puts the cursor in the field
    entry = page.locator("#timeline .error-summary a")
    expect(entry).to_have_text("When: Enter a date and time such as 2025-03-01 14:30.")
    entry.click()
    expect(page.locator("#f-interaction-occurred_at")).to_be_focused()
    expect(page.locator("label[for=f-interaction-occurred_at]")).to_be_in_viewport()  # not scrolled off the top
    expect(page.locator("#timeline .timeline-item[data-type=interaction]")).to_have_count(2)

    page.reload()
    expect(page.locator("#timeline .timeline-item[data-type=interaction]").first).to_contain_text("named deputy")

    # a folded add form: unfold, fill, and the contacts table gets the row in place
    page.click("#contacts summary")
    page.fill("#f-contact-name", "Lim Mei Ling")
    page.fill("#f-contact-job_title", "Facilities Manager")
    page.click("#contacts form.form button[type=submit]")
    expect(page.locator("#contacts tbody tr")).to_have_count(2)
    expect(page.locator("#contacts")).to_contain_text("Facilities Manager")

    # deleting asks first; "no" keeps it, "yes" deletes it
    delete = page.locator("#timeline .timeline-item[data-type=interaction]").first.locator("button[title=Delete]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    expect(page.locator("#timeline .timeline-item[data-type=interaction]")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.locator("#flashes")).to_contain_text("Interaction deleted.")
    expect(page.locator("#timeline .timeline-item[data-type=interaction]")).to_have_count(1)
    watched.check()

    page.goto(server.url + "/staff")
    expect(page.locator("h1")).to_have_text("Staff")
    _shot(page, "staff-desktop")
    watched.check()
    page.context.close()


def test_phone_width_screens(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = watched.page
    _sign_in(page, server.url)
    expect(page.locator("#site-nav")).not_to_be_in_viewport()  # the navigation is a closed drawer
    _shot(page, "clients-phone")
    page.click("text=Tan Holdings Sdn Bhd")
    expect(page.locator("h1")).to_have_text("Tan Holdings Sdn Bhd")
    _shot(page, "client-phone")
    # nothing sticks out sideways on a phone
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    watched.check()
    page.context.close()


def test_everything_works_without_javascript(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser, java_script_enabled=False)
    page = watched.page
    _sign_in(page, server.url)
    page.fill("#f-q", "petrova")
    page.click("#client-filters button[type=submit]")
    expect(page).to_have_url(server.url + "/clients?q=petrova&tier=&segment=&owner=&country=&status=&sort=name&dir=asc")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)
    page.click("text=Petrova Architects")
    expect(page.locator("h1")).to_have_text("Petrova Architects")
    page.fill("#f-interaction-summary", "Sent the proposal by post.")
    page.select_option("#f-interaction-channel", "letter")
    page.click("#timeline form[action$=interactions] button[type=submit]")
    expect(page.locator("#flashes")).to_contain_text("Interaction added.")
    latest = page.locator("#timeline .timeline-item[data-type=interaction]").first
    expect(latest).to_contain_text("Sent the proposal by post.")
    assert page.url.endswith("#timeline")
    page.context.close()
