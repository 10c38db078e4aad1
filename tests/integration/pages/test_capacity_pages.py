"""Capacity's pages: the staff × week heatmap (utilisation and its band, the perished hours of the
past weeks and their cost, the over-booked weeks ahead), a person's bookings of a week (changed,
added and deleted through the forms; a bad change refused next to its field, nothing saved), the
demand outlook (over-booked, backtest, what to sell in the valleys), realisation and effective rate
— an empty firm, and who may see and change what.

The firm, built by hand (no country: no public holidays), in the weeks around today:

* Ana: 40 h a week Monday to Friday at 50 EUR an hour. Two weeks ahead 9 + 9 + 9 + 9 + 8 = 44 h
  scheduled, all billable: 44 ÷ 40 = 110 %, over-booked. Two weeks back 3 × 10 = 30 h worked and
  billed: 75 %, under-used, and 40 − 30 = 10 h perished, 10 × 50 = 500 EUR.
* Bo: 40 h a week, no standard rate. Two weeks ahead 4 × 9 = 36 h booked and a 4-hour appointment
  on the Friday (an open promise holds its window): 40 ÷ 40 = 100 %, well used. Two weeks back
  5 × 8 = 40 h worked, 32 h billed: nothing perished, realisation 80 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import calc, service
from servicescape.capacity.models import Booking
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.offerings.service import packages
from servicescape.promises.models import PromiseKind
from servicescape.promises.service import promises
from servicescape.runtime import Runtime
from servicescape.web.templating import Formatter
from tests.conftest import make_staff
from tests.integration.pages.conftest import Browser, add_client, field_error, flash_after, load, plain

PAGES = ("/capacity", "/capacity/outlook", "/capacity/performance")


@dataclass
class Firm:
    ana: int
    bo: int
    this_week: date
    ahead: date
    past: date
    ana_ahead: list[int]     # Monday … Friday: 9, 9, 9, 9, 8 h scheduled
    ana_past: list[int]      # Monday … Wednesday: 10 h worked each


def _book(session, staff_id: int, day: date, hours: float, **more) -> int:  # type: ignore[no-untyped-def]
    return service.bookings.create(session, {"staff_id": staff_id, "day": day, "hours": hours, **more},
                                   by=SYSTEM).id


def build_firm(runtime: Runtime) -> Firm:
    today = utcnow().astimezone(runtime.settings.zone).date()
    this_week = calc.week_start(today)
    ahead, past = this_week + timedelta(weeks=2), this_week - timedelta(weeks=2)
    ana = make_staff(runtime, Role.staff, email="ana@firm.test", name="Ana Ahead").id
    bo = make_staff(runtime, Role.staff, email="bo@firm.test", name="Bo Well").id
    with runtime.transaction() as session:
        service.staff_capacity.create(session, {"staff_id": ana, "hours_per_week": 40.0,
                                                "working_days": [0, 1, 2, 3, 4], "standard_rate": Decimal(50),
                                                "currency": "EUR"}, by=SYSTEM)
        service.staff_capacity.create(session, {"staff_id": bo, "hours_per_week": 40.0}, by=SYSTEM)
        ana_ahead = [_book(session, ana, ahead + timedelta(days=n), hours, note="Audit fieldwork")
                     for n, hours in enumerate((9, 9, 9, 9, 8))]
        ana_past = [_book(session, ana, past + timedelta(days=n), 10, status="worked", billed_hours=10)
                    for n in range(3)]
        for n in range(4):
            _book(session, bo, ahead + timedelta(days=n), 9)
        for n in range(5):
            _book(session, bo, past + timedelta(days=n), 8, status="worked", billed_hours=6.4)
    client = add_client(runtime, name="Tan Holdings Sdn Bhd")
    start = datetime.combine(ahead + timedelta(days=4), time(9), runtime.settings.zone)
    with runtime.transaction() as session:
        promises.create(session, {"client_id": client, "kind": PromiseKind.appointment, "owner_id": bo,
                                  "window_start": start, "window_end": start + timedelta(hours=4)}, by=SYSTEM)
    return Firm(ana, bo, this_week, ahead, past, ana_ahead, ana_past)


def cell(html: str, name: str, week: date) -> tuple[str, str, str]:
    """(band, text, link) of a person's cell of a week in the heatmap."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f'class="capacity-staff">{name}' in row:
            found = re.search(rf'<td class="[^"]*" data-week="{week.isoformat()}" data-band="(\w+)">\s*'
                              r'<a href="([^"]*)"[^>]*>(.*?)</a>', row, re.S)
            assert found, (name, week)
            return found.group(1), plain(found.group(3)).strip(), found.group(2).replace("&amp;", "&")
    raise AssertionError(f"no row for {name}")


def figure(html: str, label: str) -> str:
    """A stat tile's value."""
    found = re.search(rf'<div class="stat-label">{re.escape(label)}</div>\s*<div class="stat-value">(.*?)</div>',
                      html, re.S)
    assert found, label
    return plain(found.group(1)).strip()


def week_url(staff_id: int, week: date) -> str:
    return f"/capacity/bookings?staff={staff_id}&week={week.isoformat()}"


def test_the_heatmap_shows_each_week_by_band_with_the_perished_hours(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_firm(runtime)
    page = owner_browser.get("/capacity")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert cell(html, "Ana Ahead", firm.ahead) == ("over", "110% ! over-booked 44 / 40 h",
                                                   week_url(firm.ana, firm.ahead))
    assert cell(html, "Bo Well", firm.ahead) == ("well", "100% 40 / 40 h", week_url(firm.bo, firm.ahead))
    assert cell(html, "Ana Ahead", firm.past) == ("under", "75% 30 / 40 h 10 h unsold", week_url(firm.ana, firm.past))
    assert cell(html, "Bo Well", firm.past)[:2] == ("well", "100% 40 / 40 h")
    assert cell(html, "Bo Well", firm.this_week)[:2] == ("under", "0% 0 / 40 h")
    # the weeks as the reader's language writes them, the past ones said to be past
    fmt = Formatter("en", runtime.settings.zone)
    assert f'<time datetime="{firm.ahead.isoformat()}">{fmt.date(firm.ahead)}</time>' in html
    header = html[html.index(f'datetime="{firm.past.isoformat()}"'):]
    assert plain(header[:header.index("</th>")]).split()[-1] == "past"
    text = plain(html)
    assert "Under-used: below 80%" in text and "Well used: 80% to 100%" in text and "Over-booked: above 100%" in text
    assert figure(html, "Over-booked ahead") == "1"       # Ana's week ahead
    assert "Utilisation by person and week" in text
    # the navigation keeps the number of weeks
    later = (firm.this_week - timedelta(weeks=4) + timedelta(weeks=12)).isoformat()
    assert f'href="/capacity?first={later}&amp;weeks=12"' in html
    # the past week alone: 10 h perished at 50 EUR; (30 + 40) ÷ 80 h billable
    alone = owner_browser.get(f"/capacity?first={firm.past + timedelta(days=3)}&weeks=1").text
    assert figure(alone, "Perished hours") == "10 h" and figure(alone, "Their cost") == "500 EUR"
    assert figure(alone, "Average utilisation") == "87.5%"
    assert figure(alone, "Over-booked ahead") == "0"


def test_the_heatmaps_query_is_checked(owner_browser: Browser, runtime: Runtime) -> None:
    build_firm(runtime)
    assert owner_browser.get("/capacity?weeks=26").status_code == 200
    for query in ("weeks=0", "weeks=53", "first=someday", "first=0001-01-01"):
        assert owner_browser.get(f"/capacity?{query}").status_code == 422, query


def test_a_weeks_bookings_and_editing_one_changes_the_heatmap(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_firm(runtime)
    page = owner_browser.get(week_url(firm.ana, firm.ahead + timedelta(days=2)))   # any day names its week
    assert page.status_code == 200
    html = page.text
    assert figure(html, "Available") == "40 h" and figure(html, "Scheduled") == "44 h"
    assert figure(html, "Utilisation") == "110%" and figure(html, "Over-booked by") == "4 h"
    assert html.count('<tr id="booking-') == 5 and "Audit fieldwork" in plain(html)
    friday = firm.ana_ahead[-1]
    assert f'id="f-b{friday}-hours" form="booking-form-{friday}" value="8"' in html
    saved = owner_browser.post(f"/capacity/bookings/{friday}", {"hours": "4", "billable": "1", "status": "scheduled",
                                                                 "billed_hours": ""})
    assert saved.headers["location"] == week_url(firm.ana, firm.ahead)
    assert "The booking was saved." in flash_after(saved, owner_browser)
    assert load(runtime, Booking, friday).hours == 4.0
    assert cell(owner_browser.get("/capacity").text, "Ana Ahead", firm.ahead)[:2] == ("well", "100% 40 / 40 h")
    # not billable any more: the hours stay scheduled, utilisation drops
    owner_browser.post(f"/capacity/bookings/{friday}", {"hours": "4", "status": "scheduled", "billed_hours": ""})
    assert load(runtime, Booking, friday).billable is False
    assert cell(owner_browser.get("/capacity").text, "Ana Ahead", firm.ahead)[:2] == ("well", "90% 40 / 40 h")


def test_a_bad_change_is_refused_next_to_its_field_and_changes_nothing(owner_browser: Browser,
                                                                       runtime: Runtime) -> None:
    firm = build_firm(runtime)
    monday = firm.ana_ahead[0]
    for hours in ("0", "25"):
        bad = owner_browser.post(f"/capacity/bookings/{monday}", {"hours": hours, "billable": "1",
                                                                  "status": "scheduled", "billed_hours": ""})
        assert bad.status_code == 422
        assert field_error(bad.text, f"f-b{monday}-hours") == "Hours must be more than 0 and at most 24."
        assert f'value="{hours}" aria-invalid="true"' in bad.text           # the form keeps what was typed
        assert "The booking was not saved" in plain(bad.text)
    unreadable = owner_browser.post(f"/capacity/bookings/{monday}", {"hours": "nine", "status": "scheduled"})
    assert unreadable.status_code == 422
    assert field_error(unreadable.text, f"f-b{monday}-hours") == "Enter a number of hours such as 7.5."
    billed = owner_browser.post(f"/capacity/bookings/{monday}", {"hours": "9", "billable": "1",
                                                                 "status": "scheduled", "billed_hours": "3"})
    assert billed.status_code == 422
    assert field_error(billed.text, f"f-b{monday}-billed_hours") == "Billed hours: only hours worked are billed."
    record = load(runtime, Booking, monday)
    assert (record.hours, record.billed_hours, record.status.value) == (9.0, None, "scheduled")
    assert cell(owner_browser.get("/capacity").text, "Ana Ahead", firm.ahead)[0] == "over"
    # worked and billed is fine
    done = owner_browser.post(f"/capacity/bookings/{monday}", {"hours": "9", "billable": "1", "status": "worked",
                                                               "billed_hours": "8,5"})
    assert done.status_code == 303 and load(runtime, Booking, monday).billed_hours == 8.5
    assert owner_browser.post("/capacity/bookings/999999", {"hours": "1"}).status_code == 404


def test_adding_and_deleting_a_booking(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_firm(runtime)
    wednesday = firm.this_week + timedelta(days=2)
    form = {"staff_id": str(firm.bo), "week": firm.this_week.isoformat(), "day": wednesday.isoformat(),
            "hours": "7,5", "billable": "1", "status": "worked", "billed_hours": "6", "note": "Boiler service"}
    added = owner_browser.post("/capacity/bookings", form)
    assert added.headers["location"] == week_url(firm.bo, firm.this_week)
    assert "The booking was added." in flash_after(added, owner_browser)
    page = owner_browser.get(week_url(firm.bo, firm.this_week)).text
    assert "Boiler service" in plain(page) and figure(page, "Scheduled") == "7.5 h"
    assert cell(owner_browser.get("/capacity").text, "Bo Well", firm.this_week)[:2] == ("under", "19% 7.5 / 40 h")
    with runtime.transaction() as session:
        made = session.query(Booking).filter_by(note="Boiler service").one()
        assert (made.hours, made.billed_hours, made.billable, made.day) == (7.5, 6.0, True, wednesday)
    # a day of another week goes to that week's page
    later = owner_browser.post("/capacity/bookings", {**form, "day": firm.ahead.isoformat(), "note": "Later"})
    assert later.headers["location"] == week_url(firm.bo, firm.ahead)
    # refused: no hours, billed hours on scheduled work
    empty = owner_browser.post("/capacity/bookings", {**form, "hours": ""})
    assert empty.status_code == 422 and field_error(empty.text, "f-new-hours")
    assert 'value="Boiler service"' in empty.text        # the form keeps what was typed
    billed = owner_browser.post("/capacity/bookings", {**form, "status": "scheduled"})
    assert billed.status_code == 422
    assert field_error(billed.text, "f-new-billed_hours") == "Billed hours: only hours worked are billed."
    assert owner_browser.post("/capacity/bookings", {**form, "staff_id": "x"}).status_code == 422
    deleted = owner_browser.post(f"/capacity/bookings/{made.id}/delete")
    assert deleted.headers["location"] == week_url(firm.bo, firm.this_week)
    assert "The booking was deleted." in flash_after(deleted, owner_browser)
    assert load(runtime, Booking, made.id) is None
    assert "No bookings this week." in plain(owner_browser.get(week_url(firm.bo, firm.this_week)).text)


def test_the_bookings_page_of_someone_unknown_or_without_capacity(owner_browser: Browser, runtime: Runtime,
                                                                 owner) -> None:  # type: ignore[no-untyped-def]
    firm = build_firm(runtime)
    assert owner_browser.get(f"/capacity/bookings?staff=999999&week={firm.ahead}").status_code == 404
    assert owner_browser.get(f"/capacity/bookings?staff={firm.ana}&week=soon").status_code == 422
    assert owner_browser.get(f"/capacity/bookings?staff={firm.ana}").status_code == 422
    nobody = owner_browser.get(week_url(owner.id, firm.ahead))
    assert nobody.status_code == 200 and "No capacity is set for Owner Person" in plain(nobody.text)
    past = owner_browser.get(week_url(firm.ana, firm.past)).text
    assert figure(past, "Perished") == "10 h" and figure(past, "Utilisation") == "75%"


def test_the_outlook(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_firm(runtime)
    page = owner_browser.get("/capacity/outlook")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    # the week ahead: 44 + 36 + 4 h confirmed against 80 h; the usual work is the 70 h worked two weeks ago
    row = re.search(rf'<tr>\s*<td><time datetime="{firm.ahead.isoformat()}">.*?</tr>', html, re.S)
    assert row and plain(row.group(0)).split()[-7:] == ["84", "0", "70", "84", "80", "105%", "Peak"]
    this_week = re.search(rf'<tr>\s*<td><time datetime="{firm.this_week.isoformat()}">.*?</tr>', html, re.S)
    assert this_week and plain(this_week.group(0)).split()[-7:] == ["0", "0", "70", "70", "80", "88%", "—"]
    overbooked = html[html.index('id="overbooked"'):html.index('id="suggestions"')]
    assert f'href="{week_url(firm.ana, firm.ahead).replace("&", "&amp;")}"' in overbooked
    assert "Ana Ahead" in overbooked and "Bo Well" not in overbooked
    text = plain(html)
    assert "WAPE (weighted absolute percentage error)" in text and "Too little recorded work yet" in text
    assert "Demand and capacity by week" in text and 'id="chart-outlook"' in html
    assert figure(html, "Peak weeks") == "1" and figure(html, "Valley weeks") == "0"
    assert "No valley ahead" in text


def test_the_outlook_suggests_what_to_sell_in_a_valley(owner_browser: Browser, runtime: Runtime) -> None:
    staff = make_staff(runtime, Role.staff, email="cy@firm.test", name="Cy Quiet").id
    quiet = add_client(runtime, name="Harbour View Insurance")
    today = utcnow().astimezone(runtime.settings.zone).date()
    with runtime.transaction() as session:
        service.staff_capacity.create(session, {"staff_id": staff, "hours_per_week": 40.0}, by=SYSTEM)
        clients.invoices.create(session, {"client_id": quiet, "issued_on": today - timedelta(days=500),
                                          "amount": Decimal(1200), "currency": "EUR"}, by=SYSTEM)
        packages.create(session, {"name": "Winter health check", "off_peak": True}, by=SYSTEM)
    html = owner_browser.get("/capacity/outlook").text
    suggestions = html[html.index('id="suggestions"'):]
    assert f'<a href="/clients/{quiet}">Harbour View Insurance</a>' in suggestions
    assert "Winter health check" in suggestions and "1,200 EUR in all" in plain(suggestions)
    assert figure(html, "Valley weeks") == "12"


def test_realisation_and_effective_rate(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_firm(runtime)
    client = add_client(runtime, name="Kovács és Társa")
    with runtime.transaction() as session:
        engagement = clients.engagements.create(session, {"client_id": client, "delivered_by_id": firm.ana,
                                                          "description": "Annual audit"},
                                                by=SYSTEM)
        clients.invoices.create(session, {"client_id": client, "engagement_id": engagement.id,
                                          "issued_on": firm.past + timedelta(days=4), "amount": Decimal(1500),
                                          "currency": "EUR"}, by=SYSTEM)
    page = owner_browser.get("/capacity/performance")
    assert page.status_code == 200
    html = page.text
    rows = {plain(r).split()[0]: plain(r).split() for r in re.findall(r"<tr>(.*?)</tr>", html, re.S)}
    # Ana: 30 h worked, billed; 1,500 EUR ÷ 30 h. Bo: 32 of 40 h billed
    assert rows["Ana"][2:] == ["30", "30", "30", "100%", "1,500", "EUR", "50", "EUR", "an", "hour"]
    assert rows["Bo"][2:] == ["40", "40", "32", "80%", "0", "EUR", "0", "EUR", "an", "hour"]
    assert figure(html, "Realisation") == "88.6%"          # 62 ÷ 70
    assert figure(html, "Effective rate") == "21 EUR"     # 1,500 ÷ 70 an hour
    before = owner_browser.get(f"/capacity/performance?first={firm.this_week}&last={firm.this_week}").text
    assert figure(before, "Hours worked") == "0 h" and figure(before, "Realisation") == "—"
    assert owner_browser.get(f"/capacity/performance?first={firm.this_week}&last={firm.past}").status_code == 422


def test_pages_of_a_firm_without_capacity_say_so(owner_browser: Browser) -> None:
    for url in PAGES:
        page = owner_browser.get(url)
        assert page.status_code == 200 and "No staff capacity yet" in plain(page.text), url


def test_who_may_see_and_change(browser_as, runtime: Runtime, web) -> None:  # type: ignore[no-untyped-def]
    firm = build_firm(runtime)
    monday = firm.ana_ahead[0]
    for role in (Role.staff, Role.viewer):
        someone: Browser = browser_as(role)
        for url in (*PAGES, week_url(firm.ana, firm.ahead)):
            assert someone.get(url).status_code == 403, (role, url)
        assert "Capacity and demand" not in plain(someone.get("/").text)
        assert someone.post(f"/capacity/bookings/{monday}", {"hours": "1"}).status_code == 403
        assert someone.post("/capacity/bookings", {"staff_id": str(firm.ana), "week": firm.ahead.isoformat(),
                                                   "day": firm.ahead.isoformat(), "hours": "1"}).status_code == 403
        assert someone.post(f"/capacity/bookings/{monday}/delete").status_code == 403
    assert load(runtime, Booking, monday).hours == 9.0
    manager: Browser = browser_as(Role.manager)
    for url in (*PAGES, week_url(firm.ana, firm.ahead)):
        assert manager.get(url).status_code == 200, url
    assert "Capacity and demand" in plain(manager.get("/").text)
    for url in (*PAGES, week_url(firm.ana, firm.ahead)):
        answer = web.get(url, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next="), url
