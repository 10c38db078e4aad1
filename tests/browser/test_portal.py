"""A client's contact signs in to the client portal by their link on a phone, asks for another
window for an appointment, and sees the firm's re-promise arrive.

The contact (Malay, ``ms``) opens the one-time link of their invitation in a phone-sized Malay
browser, presses the button that spends it and lands on their portal: the appointment in two days
shows who is coming (Muhammad Hafiz, "MH"). They ask for another time; the manager accepts it from
the request's page on a desktop; the contact reloads the portal and sees the new window marked as a
new time, and the e-mail telling them of it is queued in Malay. Nothing scrolls sideways on the
phone; no console errors, no CSP violations.

Then every page of the portal (signed out: sign-in, the link's page; signed in: home, another time,
ask, complaint, order, settings) on a phone and a desktop: nothing scrolls sideways, no console
errors, no CSP violations. Screenshots of each (390×844 and 1366×768) land in
``$SERVICESCAPE_SCREENSHOTS`` (``/tmp`` by default) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import EngagementStatus
from servicescape.clients.service import clients, contacts, engagements, invoices
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.offerings.models import PackageAddon, PackageLevel
from servicescape.offerings.service import packages
from servicescape.platform.mail.models import OutboxMessage
from servicescape.portal import accounts, milestones, notices
from servicescape.portal.models import PortalRequest
from servicescape.promises import service as promises
from servicescape.promises.complaints import complaints
from servicescape.promises.models import Promise
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from servicescape.web.templating import Formatter
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, Watched, signed_in
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SERVICESCAPE_SCREENSHOTS", "/tmp"))
MANAGER = "hafiz@firm.test"
CONTACT = "aina@binajaya.test"
LANGUAGE = "ms"
#: the one button of the page's own form (the header's sign-out form is outside <main>)
SUBMIT = "main form button[type=submit]"


@dataclass
class Portal:
    url: str
    runtime: Runtime
    link: str
    promise_id: int
    other_contact_id: int       # a second client's contact (English), for the pages' tour
    other_promise_id: int


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    settings = Settings(mode="dev", data_dir=tmp_path_factory.mktemp("portal"), timezone="Asia/Kuala_Lumpur",
                        firm_name="Maju Advisory")
    runtime = open_runtime(settings)
    now = utcnow()
    with runtime.transaction() as session:
        manager = auth.create_staff(session, name="Muhammad Hafiz", email=MANAGER, role=Role.manager,
                                    password=PASSWORD, by=SYSTEM)
        client = clients.create(session, {"name": "Bina Jaya Sdn. Bhd.", "owner_id": manager.id,
                                          "language": LANGUAGE}, by=SYSTEM)
        contact = contacts.create(session, {"client_id": client.id, "name": "Nurul Aina binti Ahmad",
                                            "email": CONTACT, "language": LANGUAGE}, by=SYSTEM)
        promise = promises.promises.create(session, {
            "client_id": client.id, "title": "Lawatan penyelenggaraan", "place": "Shah Alam",
            "owner_id": manager.id, "window_start": now + timedelta(days=2),
            "window_end": now + timedelta(days=2, hours=2)}, by=SYSTEM)
        # what else a client's portal shows, so that the screenshots are of a lived-in page
        engagement = engagements.create(session, {"client_id": client.id, "status": EngagementStatus.active,
                                                  "description": "Penyelenggaraan tahunan"}, by=SYSTEM)
        for name, status in (("Tinjauan tapak", "done"), ("Laporan awal", "in_progress"), ("Laporan akhir", "planned")):
            milestones.milestones.create(session, {"engagement_id": engagement.id, "name": name, "status": status,
                                                   "due_on": date.today() + timedelta(days=30)}, by=SYSTEM)
        invoices.create(session, {"client_id": client.id, "external_id": "INV-2026-0042",
                                  "issued_on": date.today() - timedelta(days=12), "amount": Decimal("4850.00"),
                                  "currency": "MYR"}, by=SYSTEM)
        complaints.create(session, {"client_id": client.id, "text": "Juruteknik datang lewat sejam minggu lepas.",
                                    "received_at": now - timedelta(days=1), "owner_id": manager.id}, by=SYSTEM)
        link = accounts.invite(session, settings, contact.id, send=False, by=SYSTEM).link
        promise_id = promise.id
        other, other_promise = _other_client(session, settings, manager.id)
    with LiveServer(create_app(runtime=runtime)) as live:
        yield Portal(live.url, runtime, live.url + "/portal/link/" + link.rsplit("/", 1)[1], promise_id,
                     other, other_promise)
    runtime.close()


def _other_client(session: Session, settings: Settings, owner_id: int) -> tuple[int, int]:
    """A second client (English) with a long-named contact, a catalogue to order from; returns the
    invited contact and their open promise."""
    now = utcnow()
    client = clients.create(session, {"name": "Lim & Partners Chartered Accountants (Penang) PLT",
                                      "owner_id": owner_id}, by=SYSTEM)
    contact = contacts.create(session, {"client_id": client.id, "name": "Siti Nurhaliza binti Mohd Zainuddin",
                                        "email": "siti@limpartners.test", "language": "en"}, by=SYSTEM)
    promise = promises.promises.create(session, {
        "client_id": client.id, "title": "Quarterly review of the management accounts and the cash-flow forecast",
        "place": "Level 12, Menara Boustead Penang, 39 Jalan Sultan Ahmad Shah", "owner_id": owner_id,
        "window_start": now + timedelta(days=3), "window_end": now + timedelta(days=4)}, by=SYSTEM)
    package = packages.create(session, {"name": "Bookkeeping"}, by=SYSTEM)
    session.add_all([PackageLevel(package_id=package.id, name="Essential", position=1,
                                  summary="Monthly books, quarterly management accounts."),
                     PackageLevel(package_id=package.id, name="Premier", position=2,
                                  summary="Everything in Essential, with a named accountant and payroll."),
                     PackageAddon(package_id=package.id, name="Year-end tax computation")])
    accounts.invite(session, settings, contact.id, send=False, by=SYSTEM)
    return contact.id, promise.id


def _in_malay(message: str, **params: Any) -> str:
    """What the portal says in the contact's language (English until the catalog has it)."""
    with i18n.speaking(LANGUAGE):
        return i18n._(message, **params)


def _local(runtime: Runtime, moment: datetime) -> str:
    """A ``datetime-local`` value on the firm's clock."""
    return moment.astimezone(runtime.settings.zone).strftime("%Y-%m-%dT%H:%M")


def _shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot(page, SCREENSHOT_DIR / f"portal-{name}.png")


def test_a_contact_asks_for_another_window_on_a_phone_and_sees_the_repromise(browser: Browser,
                                                                            server: Portal) -> None:
    runtime = server.runtime
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,  # type: ignore[arg-type]
                                locale="ms-MY", timezone_id="Asia/Kuala_Lumpur")
    page = phone.new_page()
    watched = Watched(page)

    # the link shows a button; only pressing it signs in (and the token leaves the address bar)
    page.goto(server.link)
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)
    page.locator(SUBMIT).click()
    expect(page).to_have_url(server.url + "/portal")
    appointment = page.locator(f"#promise-{server.promise_id}")
    expect(appointment).to_be_visible()
    expect(appointment.locator(".avatar")).to_have_text("MH")
    expect(appointment).to_contain_text("Muhammad Hafiz")
    assert page.evaluate(OVERFLOW) == []

    # another time, five days ahead at 10:00 on the firm's clock
    wanted = (utcnow() + timedelta(days=5)).astimezone(runtime.settings.zone).replace(hour=10, minute=0, second=0,
                                                                                      microsecond=0)
    appointment.locator('a[href$="/reschedule"]').click()
    expect(page).to_have_url(f"{server.url}/portal/promises/{server.promise_id}/reschedule")
    assert page.evaluate(OVERFLOW) == []
    page.locator("#f-preferred_start").fill(_local(runtime, wanted))
    page.locator("#f-message").fill("Hari Jumaat lebih sesuai.")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(server.url + "/portal")
    expect(page.locator(".flash--success")).to_contain_text(
        _in_malay("We received your request for another time and will answer soon."))
    expect(appointment).to_contain_text(_in_malay("You asked for another time; we will answer soon."))
    expect(appointment.locator('a[href$="/reschedule"]')).to_have_count(0)
    assert page.evaluate(OVERFLOW) == []
    with runtime.transaction() as session:
        request = session.scalars(select(PortalRequest)).one()
        assert request.promise_id == server.promise_id and request.preferred_start == wanted
        request_id = request.id

    # the manager accepts it from the request's page
    staff, staff_watch = signed_in(browser, server.url, MANAGER, DESKTOP)
    staff.goto(f"{server.url}/client-portal/requests/{request_id}")
    expect(staff.locator("#f-start")).to_have_value(_local(runtime, wanted))
    staff.locator('button[name="decision"][value="accept"]').click()
    expect(staff).to_have_url(f"{server.url}/client-portal/requests/{request_id}")
    expect(staff.locator(".flash--success")).to_be_visible()
    staff_watch.check()
    staff.context.close()

    # the contact sees the new window, marked as a new time
    with runtime.transaction() as session:
        made = session.scalars(select(Promise).where(Promise.repromised_from_id == server.promise_id)).one()
        new_id, new_start = made.id, made.window_start
    assert new_start == wanted
    page.reload()
    fresh = page.locator(f"#promise-{new_id}")
    expect(fresh).to_be_visible()
    expect(fresh.locator(".badge", has_text=_in_malay("New time"))).to_have_count(1)
    expect(fresh.locator(".portal-window")).to_contain_text(Formatter(LANGUAGE, runtime.settings.zone)
                                                            .datetime(new_start))
    expect(fresh.locator(".avatar")).to_have_text("MH")
    expect(page.locator(f"#promise-{server.promise_id} .btn-row")).to_have_count(0)   # the old one: cancelled
    expect(page.locator("#requests")).to_contain_text(_in_malay("Accepted"))
    assert page.evaluate(OVERFLOW) == []
    _shot(page, "home-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    _shot(page, "home-desktop")
    watched.check()
    phone.close()

    # and is told by e-mail, in Malay
    with runtime.transaction() as session:
        assert notices.tell(session, runtime.settings) == 1
        mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "portal_promise")).one()
        assert mail.recipient == CONTACT and mail.language == LANGUAGE
        assert "Muhammad Hafiz" in mail.body_text


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_portal_pages_fit_the_screen(browser: Browser, server: Portal, viewport: dict[str, int]) -> None:
    """Every page of the portal, signed out and in: nothing wider than the screen, no console
    errors, no CSP violations (a session made directly, as the link would)."""
    size = "phone" if viewport == PHONE else "desktop"
    context = browser.new_context(viewport=viewport, locale="en-GB",  # type: ignore[arg-type]
                                  timezone_id="Asia/Kuala_Lumpur")
    page = context.new_page()
    watched = Watched(page)
    with server.runtime.transaction() as session:
        token = accounts.invite(session, server.runtime.settings, server.other_contact_id, send=False,
                                by=SYSTEM).link.rsplit("/", 1)[1]
    for name, path in (("signin", "/portal/signin"), ("link", f"/portal/link/{token}")):
        response = page.goto(server.url + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(OVERFLOW) == [], path
        _shot(page, f"{size}-{name}")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(server.url + "/portal")
    for name, path in (("home", "/portal"), ("reschedule", f"/portal/promises/{server.other_promise_id}/reschedule"),
                       ("ask", "/portal/ask"), ("complaint", "/portal/ask?kind=complaint"), ("order", "/portal/order"),
                       ("settings", "/portal/settings")):
        response = page.goto(server.url + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(OVERFLOW) == [], path
        _shot(page, f"{size}-{name}")
    watched.check()
    context.close()
