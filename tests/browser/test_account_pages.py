"""The account menu's pages in Chromium: change my password, make / copy / revoke an API token, and
the sign-in page past its limit. No console errors and no CSP violations; nothing scrolls
sideways; screenshots of each page in the six languages at 1366×768 and 390×844 land in
SCREENSHOT_DIR (servicescape-account-*.png) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import LANGUAGES, Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, FAILED_TO_LOAD, PHONE, Watched
from tests.browser.test_client_book import _shot
from tests.browser.test_platform_pages import OVERFLOW
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

OWNER = "aisyah@firm.test"
NEW_PASSWORD = "paper lanterns over the harbour"
EXPECTED = tuple(FAILED_TO_LOAD + code for code in ("401", "422", "429"))  # wrong passwords, on purpose


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    settings = Settings(mode="dev", data_dir=tmp_path_factory.mktemp("browser-account"), timezone="Asia/Kuala_Lumpur",
                        firm_name="Maju Advisory", login_max_failures_per_address=1000)
    runtime = open_runtime(settings)
    with runtime.transaction() as session:
        auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
        for code in LANGUAGES:  # one person per language, so the pages can be shown with their tokens
            person = auth.create_staff(session, name="Kovács Eszter Margit", email=f"eszter.{code.lower()}@firm.test",
                                       role=Role.manager, password=PASSWORD, by=SYSTEM)
            auth.issue_token(session, person, name="Zapier: new clients to the mailing list", by=SYSTEM)
            old = auth.issue_token(session, person, name="Old reporting sheet", by=SYSTEM)
            auth.revoke_token(session, person, old.record.id, by=SYSTEM)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live


def _new(browser: Browser, viewport: dict[str, int] = DESKTOP, language: str | None = None) -> Watched:
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Asia/Kuala_Lumpur")  # type: ignore[arg-type]
    watched = Watched(context.new_page(), EXPECTED)
    if language:
        context.add_cookies([{"name": "ss_lang", "value": language, "url": "http://127.0.0.1"}])
    return watched


def _sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/signin")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("form.form button[type=submit]")


def test_tokens_and_password_from_the_account_menu(server: LiveServer, browser: Browser) -> None:
    watched = _new(browser)
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    _sign_in(page, server.url, OWNER)
    expect(page).to_have_url(server.url + "/")

    page.click("summary.user-button")
    page.click("a.menu-item:has-text('My API tokens')")
    expect(page.locator("h1")).to_have_text("My API tokens")
    expect(page.locator("#token-list")).to_contain_text("No tokens yet")
    page.fill("#f-name", "Monthly report")
    page.fill("#f-current_password", PASSWORD)
    page.click("#add-token button[type=submit]")
    secret = page.locator("#new-token-value")
    expect(secret).to_have_value(re.compile(r"^ssk_[\w-]{43}$"))
    token = secret.input_value()
    page.click("button[data-copy]")
    expect(page.locator("button[data-copy]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == token
    me = page.request.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200 and me.json()["email"] == OWNER

    page.goto(server.url + "/account/tokens")  # shown once: not on the next visit
    expect(page.locator("#new-token-value")).to_have_count(0)
    row = page.locator("#token-list tbody tr").first
    expect(row).to_contain_text("Monthly report")
    expect(row).to_contain_text(token[:10])
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('Revoke')").click()
    expect(page.locator("#flashes")).to_contain_text("The token “Monthly report” is revoked")
    expect(page.locator("#token-list tbody tr").first).to_contain_text("Revoked")
    again = page.request.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status == 401

    page.click("summary.user-button")
    page.click("a.menu-item:has-text('Change my password')")
    expect(page.locator("h1")).to_have_text("Change my password")
    page.fill("#f-current_password", PASSWORD)
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", NEW_PASSWORD)
    page.click("#change-password button[type=submit]")
    expect(page).to_have_url(server.url + "/")
    expect(page.locator("#flashes")).to_contain_text("Your password is changed")
    page.goto(server.url + "/account/password")  # still signed in
    expect(page.locator("h1")).to_have_text("Change my password")
    watched.check()

    other = _new(browser, PHONE)
    _sign_in(other.page, server.url, OWNER, NEW_PASSWORD)
    expect(other.page).to_have_url(server.url + "/")
    other.check()


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_account_pages_in_every_language(server: LiveServer, browser: Browser, viewport: dict[str, int],
                                             language: str) -> None:
    size = "desktop" if viewport == DESKTOP else "phone"
    watched = _new(browser, viewport, language)
    page = watched.page
    # the sign-in page after too many wrong passwords (for an address that is no account: the same answer)
    nobody = f"nobody.{language.lower()}.{size}@firm.test"
    for _ in range(5):
        _sign_in(page, server.url, nobody, "a wrong guess")
    _sign_in(page, server.url, nobody, "a wrong guess")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate(OVERFLOW) == [], (language, "signin")
    _shot(page, f"account-signin-limit-{language}-{size}")

    _sign_in(page, server.url, f"eszter.{language.lower()}@firm.test")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.click("summary.user-button")
    _shot(page, f"account-menu-{language}-{size}")
    page.goto(server.url + "/account/password")
    page.fill("#f-current_password", "not my password")
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", NEW_PASSWORD)
    page.click("#change-password button[type=submit]")
    expect(page.locator("#f-current_password-error")).to_be_visible()
    assert page.evaluate(OVERFLOW) == [], (language, "password")
    _shot(page, f"account-password-{language}-{size}")

    page.goto(server.url + "/account/tokens")
    page.fill("#f-name", "Monthly report spreadsheet")
    page.fill("#f-current_password", PASSWORD)
    page.click("#add-token button[type=submit]")
    expect(page.locator("#new-token-value")).to_be_visible()
    expect(page.locator("#token-list tbody tr").first).to_contain_text("Monthly report spreadsheet")
    expect(page.locator("#token-list tbody tr").last).to_contain_text("Old reporting sheet")  # revoked: last
    assert page.evaluate(OVERFLOW) == [], (language, "tokens")
    _shot(page, f"account-tokens-{language}-{size}")
    watched.check()
    assert watched.tolerated_seen >= 7  # the wrong passwords' 401s and 429, the wrong current password's 422
    page.context.close()
