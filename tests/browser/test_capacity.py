"""Capacity in a real browser: the owner reads a person's over-booked week on the heatmap, follows
the cell to that week's bookings, lowers a booking's hours through its form and sees the cell's
utilisation and band change on the heatmap; on a phone the heatmap scrolls sideways inside its box
with the people's names kept in view, and no capacity page is wider than the screen. No console
error, no Content-Security-Policy violation, no request off the machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import calc, service
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, FAILED_TO_LOAD, OVERFLOW, PHONE, signed_in
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer
from tests.support.offline import no_network

pytestmark = pytest.mark.browser

OWNER = "siew.ling@firm.test"
#: the document wider than the window (the heatmap may scroll inside its own box, nothing else)
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A firm whose Aminah is booked 9 + 9 + 9 + 9 + 8 = 44 h of her 40 two weeks ahead (110 %, over-booked)
    and Bilal 30 of his 40 h (75 %, under-used) in the same week."""
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("capacity"),
                                    timezone="Asia/Kuala_Lumpur"))
    ahead = calc.week_start(utcnow().astimezone(runtime.settings.zone).date()) + timedelta(weeks=2)
    with runtime.transaction() as session:
        auth.create_staff(session, name="Tan Siew Ling", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
        people = {name: auth.create_staff(session, name=name, email=f"{name.split()[0].lower()}@firm.test",
                                          role=Role.staff, password=PASSWORD, by=SYSTEM).id
                  for name in ("Aminah binti Abdullah", "Bilal Hassan")}
        for staff_id in people.values():
            service.staff_capacity.create(session, {"staff_id": staff_id, "hours_per_week": 40.0,
                                                    "standard_rate": Decimal(180), "currency": "MYR"}, by=SYSTEM)
        bookings = [service.bookings.create(session, {"staff_id": people["Aminah binti Abdullah"],
                                                      "day": ahead + timedelta(days=n), "hours": hours,
                                                      "note": "Chiller overhaul"}, by=SYSTEM).id
                    for n, hours in enumerate((9, 9, 9, 9, 8))]
        for n in range(3):
            service.bookings.create(session, {"staff_id": people["Bilal Hassan"], "day": ahead + timedelta(days=n),
                                              "hours": 10}, by=SYSTEM)
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live, people, ahead, bookings
    runtime.close()


def _cell(page: Any, name: str, week: date) -> Any:
    return page.locator(f'#capacity-map tbody tr:has(th:has-text("{name}")) td[data-week="{week.isoformat()}"]')


def test_changing_a_booking_changes_the_heatmap(browser: Browser, server: Any) -> None:
    live, people, ahead, bookings = server
    aminah, friday = people["Aminah binti Abdullah"], bookings[-1]
    week_url = f"{live.url}/capacity/bookings?staff={aminah}&week={ahead.isoformat()}"
    with no_network() as refused:
        page, watched = signed_in(browser, live.url, OWNER, DESKTOP)
        page.goto(live.url + "/capacity")
        cell = _cell(page, "Aminah binti Abdullah", ahead)
        expect(cell).to_have_attribute("data-band", "over")
        expect(cell.locator(".capacity-pct")).to_have_text("110%")
        expect(cell).to_contain_text("over-booked")
        expect(_cell(page, "Bilal Hassan", ahead).locator(".capacity-pct")).to_have_text("75%")
        cell.locator("a").click()
        expect(page).to_have_url(week_url)
        expect(page.locator("main h1")).to_have_text("Bookings of Aminah binti Abdullah")
        expect(page.locator("#week-figures")).to_contain_text("44 h")
        hours = page.locator(f"#f-b{friday}-hours")
        expect(hours).to_have_value("8")
        hours.fill("4")
        page.locator(f"#booking-form-{friday} button[type=submit]").click()
        expect(page).to_have_url(week_url)
        expect(page.locator("#flashes")).to_contain_text("The booking was saved.")
        expect(page.locator(f"#f-b{friday}-hours")).to_have_value("4")
        page.locator(".breadcrumbs a").first.click()           # back to the heatmap
        expect(page).to_have_url(f"{live.url}/capacity?first={(ahead - timedelta(weeks=4)).isoformat()}")
        cell = _cell(page, "Aminah binti Abdullah", ahead)
        expect(cell.locator(".capacity-pct")).to_have_text("100%")
        expect(cell).to_have_attribute("data-band", "well")
        expect(cell).not_to_contain_text("over-booked")
        # a bad change is refused next to its field
        page.goto(week_url)
        watched.tolerated = (FAILED_TO_LOAD + "422",)
        page.locator(f"#f-b{friday}-hours").fill("25")
        page.locator(f"#booking-form-{friday} button[type=submit]").click()
        expect(page.locator(f"#f-b{friday}-hours-error")).to_have_text("Hours must be more than 0 and at most 24.")
        expect(page.locator(f"#f-b{friday}-hours")).to_have_value("25")
        assert watched.tolerated_seen == 1
        watched.check()
        page.context.close()
    assert not refused


def test_the_pages_on_a_phone(browser: Browser, server: Any) -> None:
    live, people, ahead, _bookings = server
    with no_network() as refused:
        page, watched = signed_in(browser, live.url, OWNER, PHONE)
        page.goto(live.url + "/capacity")
        assert page.evaluate(PAGE_OVERFLOW) == 0
        box = page.locator(".capacity-map-wrap")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")      # the weeks scroll sideways …
        box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        name = page.locator("#capacity-map tbody th", has_text="Bilal Hassan")
        left = box.bounding_box()["x"]                                      # type: ignore[index]
        assert abs(name.bounding_box()["x"] - left) < 2                     # type: ignore[index]  # … the names stay
        last = page.locator("#capacity-map tbody tr:has(th:has-text('Bilal Hassan')) td").last.bounding_box()
        assert last is not None and last["x"] + last["width"] <= PHONE["width"]   # the last week reached
        for url in (f"/capacity/bookings?staff={people['Bilal Hassan']}&week={ahead.isoformat()}",
                    "/capacity/outlook", "/capacity/performance"):
            page.goto(live.url + url)
            expect(page.locator("main h1")).to_be_visible()
            assert page.evaluate(OVERFLOW) == [], url
        watched.check()
        page.context.close()
    assert not refused
