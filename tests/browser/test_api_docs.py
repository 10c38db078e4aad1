"""/api/docs in a real browser: Swagger UI from our own origin under the unchanged CSP.

The endpoints are listed, "Authorize" takes a real bearer token and "Try it out" calls the API on
the same origin; a signed-in user reaches the page from the account menu and can write through it
(the session's CSRF token goes along). No console errors and no CSP violations are allowed.
Screenshots at desktop and phone width land in SCREENSHOT_DIR as apidocs-*.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, FAILED_TO_LOAD, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SERVICESCAPE_SCREENSHOTS", "/tmp"))
OWNER = "aisyah@firm.test"
UNAUTHORISED = FAILED_TO_LOAD + "401 (Unauthorized)"
ME = "#operations-staff-me_api_v1_me_get"
# Records CSP violations; evaluated by Playwright (not subject to the page's CSP).



@dataclass
class Site:
    url: str
    token: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("apidocs")))
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD,
                                  by=SYSTEM)
        token = auth.issue_token(session, owner, name="api docs test", by=SYSTEM).token
    with LiveServer(create_app(runtime=runtime)) as live:
        yield Site(live.url, token)
    runtime.close()


def _new(browser: Browser, **options: Any) -> Watched:
    context = browser.new_context(**{"viewport": DESKTOP, "locale": "en-GB", **options})
    return Watched(context.new_page(), (UNAUTHORISED,))


def _shot(page: Page, name: str) -> None:
    screenshot(page, SCREENSHOT_DIR / f"apidocs-{name}.png", full_page=False)


def _status(operation: Locator) -> Locator:
    return operation.locator(".live-responses-table tbody .response-col_status").first


def _body(operation: Locator) -> Locator:
    return operation.locator(".live-responses-table tbody .response-col_description .microlight").first


def _try_it_out(operation: Locator) -> None:
    operation.locator(".opblock-summary-control").click()
    operation.locator("button.try-out__btn").click()


def _only(page: Page, tag: str) -> None:
    """Show one tag's operations with Swagger UI's filter. With 150 tags and operations or more,
    Swagger UI draws only those near the screen (a virtual list, as the reader scrolls); a filtered
    list is short and drawn whole."""
    page.locator(".operation-filter-input").fill(tag)
    expect(page.locator(f"#operations-tag-{tag}")).to_be_visible()


def _every_tag(page: Page) -> set[str]:
    """The tags drawn as the page is scrolled from top to bottom (the virtual list draws those near
    the screen)."""
    seen: set[str] = set()
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 800, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(60)
        seen.update(t.removeprefix("operations-tag-") for t in page.locator(".opblock-tag").evaluate_all(
            "tags => tags.map(t => t.id)"))
    page.evaluate("window.scrollTo(0, 0)")
    return seen


def test_endpoints_listed_authorise_with_a_token_and_try_it_out(site: Site, browser: Browser) -> None:
    watched = _new(browser)
    page = watched.page
    page.goto(site.url + "/api/docs")
    expect(page).to_have_title(re.compile(r"^API documentation"))
    # the first request for the OpenAPI document builds it (seconds for ~1,000 operations on a busy machine)
    expect(page.locator(ME)).to_be_visible(timeout=60_000)
    spec = httpx.get(site.url + "/api/v1/openapi.json").json()
    tags = {tag.replace(" ", "_") for path in spec["paths"].values() for op in path.values()
            for tag in op.get("tags", [])}
    assert _every_tag(page) == tags  # every tag of the API, drawn as the reader scrolls
    _shot(page, "desktop")
    _only(page, "clients")
    expect(page.locator("#operations-tag-clients")).to_have_text("clients")
    listing = page.locator("#operations-clients-list_clients_api_v1_clients_get .opblock-summary")
    expect(listing.locator(".opblock-summary-method")).to_have_text("GET")
    expect(listing.locator(".opblock-summary-path")).to_have_text("/api/v1/clients")
    page.locator(".operation-filter-input").fill("")

    me = page.locator(ME)
    _try_it_out(me)
    me.locator("button.execute").click()
    expect(_status(me)).to_have_text("401")  # not yet authorised: the API refuses

    page.locator(".auth-wrapper button.authorize").click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_contain_text("api_token (http, Bearer)")
    dialog.locator("input").fill(site.token)
    dialog.locator("button.authorize").click()
    expect(dialog).to_contain_text("Authorized")
    dialog.locator("button.btn-done").click()
    expect(dialog).to_have_count(0)

    me.locator("button.execute").click()
    expect(_status(me)).to_have_text("200")
    expect(me.locator(".request-url")).to_contain_text(site.url + "/api/v1/me")  # the same origin
    body = _body(me)
    expect(body).to_contain_text(f'"email": "{OWNER}"')
    expect(body).to_contain_text('"role": "owner"')
    expect(me.locator(".curl-command")).not_to_contain_text("X-CSRF-Token")  # signed out: none to send
    me.scroll_into_view_if_needed()
    _shot(page, "desktop-tried")
    watched.check()
    assert watched.tolerated_seen == 1  # Chromium logs the 401 of the call made before authorising
    page.context.close()


def test_signed_in_from_the_account_menu_a_write_goes_through_with_the_session(
    site: Site, browser: Browser
) -> None:
    watched = _new(browser)
    page = watched.page
    page.goto(site.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(site.url + "/")  # signed in: the home page
    page.click(".user-button")
    page.click("text=API documentation")
    expect(page).to_have_url(site.url + "/api/docs")

    _only(page, "clients")
    create = page.locator("#operations-clients-create_client_api_v1_clients_post")
    _try_it_out(create)
    create.locator("textarea.body-param__text").fill('{"name": "Docs Trial Sdn Bhd", "country": "MY"}')
    create.locator("button.execute").click()
    expect(_status(create)).to_have_text("201")  # 403 without the X-CSRF-Token api-docs.js adds
    expect(_body(create)).to_contain_text('"name": "Docs Trial Sdn Bhd"')
    watched.check()
    page.context.close()


def test_phone_width(site: Site, browser: Browser) -> None:
    watched = _new(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = watched.page
    page.goto(site.url + "/api/docs")
    _only(page, "clients")
    expect(page.locator(".auth-wrapper button.authorize")).to_be_visible()
    # the operation filter spans the width (Swagger UI caps it at 175 px on narrow screens)
    width = page.locator(".operation-filter-input").bounding_box()
    assert width is not None and width["width"] > 300, width
    _shot(page, "phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow  # nothing sticks out sideways
    watched.check()
    page.context.close()
