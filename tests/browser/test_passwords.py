"""Invitations, "forgot password" and the outbox in Chromium, with a real SMTP server behind them.

No console errors and no CSP violations; screenshots (desktop and phone, English and Hungarian)
land in SCREENSHOT_DIR for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.platform.mail import service as mail
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, PHONE, Watched
from tests.browser.test_client_book import _shot
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser

OWNER = "aisyah@firm.test"
NEW_PASSWORD = "paper boats on the river"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Runtime]:
    settings = Settings(mode="dev", data_dir=tmp_path_factory.mktemp("browser-mail"), timezone="Asia/Kuala_Lumpur",
                        firm_name="Maju Advisory", smtp_host=smtp.host, smtp_port=smtp.port, smtp_security="none",
                        mail_from="office@maju.example")
    runtime = open_runtime(settings)
    with runtime.transaction() as session:
        auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
        auth.create_staff(session, name="Kovács Eszter", email="eszter@maju.example", role=Role.staff,
                          password=PASSWORD, by=SYSTEM).language = "hu"
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live


def _new(browser: Browser, locale: str = "en-GB", viewport: dict[str, int] = DESKTOP) -> Watched:
    context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Europe/Budapest")
    return Watched(context.new_page())


def _link(smtp: SmtpServer, path: str) -> str:
    text = smtp.received[-1].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", text)
    assert match, text
    return match.group(1)


def _choose_password(page: Page, base: str, link: str) -> None:
    page.goto(base + link)
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", NEW_PASSWORD)
    page.click("form.form button[type=submit]")
    expect(page).to_have_url(base + "/")  # signed in: the home page


def test_an_owner_invites_and_the_new_person_chooses_a_password(
        server: LiveServer, browser: Browser, runtime: Runtime, smtp: SmtpServer) -> None:
    owner = _new(browser)
    page = owner.page
    page.goto(server.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.goto(server.url + "/staff")
    page.fill("#f-staff-name", "Daniel Lim")
    page.fill("#f-staff-email", "daniel@maju.example")
    page.select_option("#f-staff-role", "manager")
    page.check("#f-staff-invite")
    page.click("#add-staff button[type=submit]")
    expect(page.locator("#flashes")).to_contain_text("An invitation for Daniel Lim is in the outbox.")
    expect(page.locator("#flashes")).not_to_contain_text("not configured")
    _shot(page, "mail-staff-desktop")

    smtp.refuse = "550 5.1.1 Mailbox unavailable"  # the first try is refused for good
    assert mail.send_pending(runtime).dead == 1
    smtp.refuse = None
    page.goto(server.url + "/mail")
    expect(page.locator("#attention")).to_contain_text("550 5.1.1 Mailbox unavailable")
    _shot(page, "mail-outbox-desktop")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#attention button:has-text('Send again')")
    expect(page.locator("#flashes")).to_contain_text("queued again")
    assert mail.send_pending(runtime).sent == 1
    owner.check()

    person = _new(browser, viewport=PHONE)
    link = _link(smtp, "/welcome/")
    person.page.goto(server.url + link)
    expect(person.page.locator("h1")).to_have_text("Welcome, Daniel Lim")
    _shot(person.page, "mail-welcome-phone")
    _choose_password(person.page, server.url, link)
    expect(person.page.locator("#flashes")).to_contain_text("Welcome, Daniel Lim! Your password is set.")
    person.check()
    person.page.goto(server.url + link)
    expect(person.page.locator("h1")).to_have_text("This link does not work any more")
    assert person.problems == ["console error: Failed to load resource: the server responded with a status of "
                               "404 (Not Found)"]  # the used link's page answers 404, as it should


@pytest.mark.parametrize(("locale", "viewport", "name"), [("en-GB", DESKTOP, "desktop"), ("hu-HU", PHONE, "phone")])
def test_forgot_password_from_the_sign_in_page(server: LiveServer, browser: Browser, runtime: Runtime,
                                               smtp: SmtpServer, locale: str, viewport: dict[str, int],
                                               name: str) -> None:
    watched = _new(browser, locale, viewport)
    page = watched.page
    page.goto(server.url + "/signin")
    page.click("a[href='/forgot-password']")
    _shot(page, f"mail-forgot-{name}")
    page.fill("#f-email", "eszter@maju.example")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your e-mail" if locale == "en-GB" else "Nézze meg az e-mailjeit")
    _shot(page, f"mail-check-{name}")
    assert mail.send_pending(runtime).sent == 1
    message = smtp.received[-1].message
    assert message["Content-Language"] == "hu"  # Eszter's own language, whatever the browser's
    link = _link(smtp, "/reset-password/")
    page.goto(server.url + link)
    _shot(page, f"mail-reset-{name}")
    _choose_password(page, server.url, link)
    watched.check()
