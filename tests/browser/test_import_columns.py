"""Importing another CRM's export in a real browser: upload it, match its columns to our fields with
the selects (htmx re-checks them in place; without JavaScript plain posts do), check it, import it,
and see the clients. The column step fits a phone (nothing scrolls sideways); screenshots of it in
every language, at desktop and phone width, land in SCREENSHOT_DIR for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import LANGUAGES, Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, FAILED_TO_LOAD, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SERVICESCAPE_SCREENSHOTS", "/tmp"))
OWNER = "aisyah@firm.test"
#: a German CRM's export: only "E-Mail" is a header we know
EXPORT = ("Kundenname;E-Mail;Land;Ansprechpartner und Notizen zur Geschäftsbeziehung\n"
          "Kovács és Társa Kft.;iroda@kovacs.example;HU;Frau Kovács, zahlt pünktlich\n"
          "Tan Holdings Sdn Bhd;office@tan.example;MY;\n"
          "Petrova Architects;studio@petrova.example;BG;Jahresvertrag seit 2019\n").encode()
#: the column step answers 422 while a required field has no column
EXPECTED = "422 (Unprocessable Entity)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("import-browser")
    runtime: Runtime = open_runtime(Settings(mode="dev", data_dir=data_dir, firm_name="Maju Advisory"))
    with runtime.transaction() as session:
        auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live
    runtime.close()


def _new(browser: Browser, **options: Any) -> Watched:
    options = {"viewport": DESKTOP, "locale": "en-GB", **options}
    return Watched(browser.new_context(**options).new_page(), (FAILED_TO_LOAD + EXPECTED,))


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/import")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/import")


def _upload(page: Page, name: str = "kunden.csv") -> None:
    """Step 1: choose the file and go to its columns."""
    page.select_option("#f-kind", "clients")
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": EXPORT}
    page.set_input_files("#f-file", files=payload)
    page.click("form[action='/import'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/import/[A-Za-z0-9_-]{32}$"))


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow


def test_match_the_columns_check_and_import(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser)
    page = watched.page
    _sign_in(page, server.url)
    _upload(page)
    columns = page.locator("#columns")
    expect(columns.locator(".error-summary")).to_contain_text("No column is chosen for Name.")
    expect(page.locator("#f-col-1")).to_have_value("email")        # guessed from the header
    expect(page.locator("#f-col-0")).to_have_value("custom")
    expect(columns).to_contain_text("iroda@kovacs.example · office@tan.example · studio@petrova.example")

    # choosing: htmx re-checks in place, the page stays
    url = page.url
    page.select_option("#f-col-2", "name")
    expect(columns.locator(".error-summary")).to_have_count(0)
    page.focus("#f-col-0")
    page.select_option("#f-col-0", label="Name")                   # Name twice: flagged at the row
    expect(page.locator("#f-col-2-error")).to_contain_text("Name is chosen for two columns, Kundenname and Land")
    expect(page.locator("#f-col-2")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-col-0")).to_be_focused()                # the check leaves the focus where it was
    page.select_option("#f-col-2", label="Country")
    page.select_option("#f-col-3", label="Don’t import")             # two changes at once: both count
    expect(page.locator("#f-col-2-error")).to_be_empty()
    expect(page.locator("#f-col-2")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-col-3")).to_have_value("skip")
    assert page.url == url

    page.click("text=Check the file")
    expect(page.locator("#import-counts")).to_contain_text("Would be added")
    expect(page.locator("#import-counts .stat").nth(1)).to_contain_text("3")
    page.click("text=Import 3 rows")
    expect(page.locator(".flash--success")).to_contain_text("Every row was imported.")

    page.goto(server.url + "/clients?q=Petrova")
    expect(page.locator("#client-results tbody tr")).to_have_count(1)
    expect(page.locator("#client-results")).to_contain_text("Petrova Architects")
    page.goto(server.url + "/clients")
    expect(page.locator("#client-results")).to_contain_text("Kovács és Társa Kft.")
    expect(page.locator("#client-results")).to_contain_text("Tan Holdings Sdn Bhd")
    watched.check()
    page.context.close()


def test_without_javascript_the_steps_are_plain_posts(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser, java_script_enabled=False)
    page = watched.page
    _sign_in(page, server.url)
    _upload(page, "ohne-js.csv")
    page.select_option("#f-col-0", "name")
    page.select_option("#f-col-2", "name")
    page.click("text=Check the file")                               # a full page with the problem at the row
    expect(page.locator("#f-col-2-error")).to_contain_text("Name is chosen for two columns")
    page.select_option("#f-col-2", "country")
    page.click("text=Check the file")
    expect(page.locator("#import-counts")).to_contain_text("Would be updated")  # the clients of the test before
    page.click("text=Change the columns")
    expect(page.locator("#f-col-2")).to_have_value("country")       # the choices came back
    watched.check()
    page.context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_column_step_in_every_language_fits_a_phone(server: LiveServer, browser: Browser, language: str) -> None:
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        watched = _new(browser, viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        page = watched.page
        page.context.add_cookies([{"name": "ss_lang", "value": language, "url": server.url}])
        _sign_in(page, server.url)
        screenshot(page, SCREENSHOT_DIR / f"import-upload-{language}-{size}.png")
        _no_sideways_scroll(page)
        _upload(page)
        page.select_option("#f-col-0", "name")
        page.select_option("#f-col-2", "name")                      # a clash, to see how it is shown
        expect(page.locator("#f-col-2-error")).to_be_visible()
        _no_sideways_scroll(page)
        screenshot(page, SCREENSHOT_DIR / f"import-columns-{language}-{size}.png")
        page.select_option("#f-col-2", "country")
        page.locator("button[value=check]").click()
        expect(page.locator("#import-counts")).to_be_visible()
        _no_sideways_scroll(page)
        screenshot(page, SCREENSHOT_DIR / f"import-check-{language}-{size}.png")
        watched.check()
        page.context.close()
