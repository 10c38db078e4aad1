"""The relationship pages on both databases: the agenda (a colleague's for managers, the calendar
link shown once), the overdue contacts with their filters and the cadence form, the key accounts
with continuity, new faces and the exchange rates — and the agenda's panel on the home page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.relationships import pages, service
from servicescape.relationships.agenda import agenda
from servicescape.relationships.models import CalendarFeed
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, counting_queries, flash_after, flashes, plain
from tests.integration.relationships.firm import NOW, Firm, agenda_firm, local, tomorrow

HTMX = {"HX-Request": "true"}
LINK = re.compile(r"http://127\.0\.0\.1:8000/calendar/[A-Za-z0-9_-]+\.ics")


def _as(browser_as, firm: Firm, key: str, role: Role = Role.staff,  # type: ignore[no-untyped-def]
        name: str | None = None) -> Browser:
    """A browser signed in as a person of the firm (made here, so that the firm knows them)."""
    made = browser_as(role, email=f"{key}@firm.test", name=name or key.title())
    firm.people[key] = made.staff
    return made


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/clients/\d+">([^<]*)</a>', html)


def test_my_agenda_and_a_colleagues(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    ana = _as(browser_as, firm, "ana", name="Ana Lim")
    agenda_firm(runtime, firm)
    day = tomorrow().isoformat()
    page = ana.get(f"/relationships/agenda?date={day}")
    assert page.status_code == 200, page.text
    text = plain(page.text)
    assert "My agenda" in text and 'aria-current="true"' in page.text
    for shown in ("Boiler service visit", "Tan Holdings", "Jalan Ampang 5", "Quarterly report", "Not confirmed",
                  "Recover: missed visit for Tan Holdings", "Account review with Tan Holdings"):
        assert shown in text, shown
    assert "Ben's visit" not in text and "Next year's review" not in text
    assert "Make my calendar link" in text
    assert 'href="/relationships/overdue?owner=' in page.text
    today = plain(ana.get("/relationships/agenda").text)
    assert "Today" in today and "No promise falls on this day." in today and "Tan Holdings" in today
    assert ana.get(f"/relationships/agenda?staff={firm.people['ben'].id}").status_code == 403
    assert ana.get("/relationships/agenda?date=31.12.2030").status_code == 422
    assert ana.get("/relationships/agenda?date=9999-12-31").status_code == 422
    assert ana.get("/relationships/agenda?staff=abc").status_code == 422

    manager = browser_as(Role.manager, name="Mira Manager")
    theirs = manager.get(f"/relationships/agenda?staff={ana.staff.id}&date={day}")
    assert theirs.status_code == 200
    assert "Agenda of Ana Lim" in plain(theirs.text) and "Boiler service visit" in plain(theirs.text)
    assert "Make my calendar link" not in plain(theirs.text)  # the link is one's own
    assert 'name="staff"' in theirs.text and 'name="staff"' not in page.text
    assert manager.get("/relationships/agenda?staff=999999").status_code == 404
    assert manager.get("/relationships/agenda?staff=99999999999").status_code == 422  # past an INTEGER


def test_the_calendar_link_is_shown_once(app, owner_browser: Browser, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    made = owner_browser.post("/relationships/calendar-link")
    assert made.status_code == 200, made.text
    first = LINK.findall(made.text)
    assert len(first) == 1 and "shown only this once" in plain(made.text)
    assert 'data-copy="calendar-link-value" data-copied="Copied" hidden' in made.text  # app.js shows it on load
    again = owner_browser.get("/relationships/agenda")
    assert not LINK.search(again.text)
    assert "Your link was made on" in plain(again.text) and "No calendar has read it yet." in plain(again.text)
    assert "Make a new link" in plain(again.text)
    with TestClient(app, base_url="http://127.0.0.1") as calendar_app:
        assert calendar_app.get(first[0].removeprefix("http://127.0.0.1:8000")).status_code == 200
        fragment = owner_browser.post("/relationships/calendar-link", headers=HTMX)
        assert fragment.status_code == 200
        assert fragment.text.lstrip().startswith('<section class="card" id="calendar"') and "<html" not in fragment.text
        second = LINK.findall(fragment.text)
        assert 'data-copied="Copied" hidden>' in fragment.text  # app.js shows it after the swap
        assert len(second) == 1 and second != first
        assert calendar_app.get(first[0].removeprefix("http://127.0.0.1:8000")).status_code == 404
        assert calendar_app.get(second[0].removeprefix("http://127.0.0.1:8000")).status_code == 200
    with runtime.transaction() as session:
        feed = session.get(CalendarFeed, owner_browser.staff.id)
        assert feed is not None and feed.last_read_at is not None
    assert "A calendar last read it on" in plain(owner_browser.get("/relationships/agenda").text)
    assert owner_browser.post("/relationships/calendar-link", csrf=False).status_code == 403


def _overdue_firm(firm: Firm) -> dict[str, int]:
    ana, ben = firm.people["ana"], firm.people["ben"]
    ids = {"key": firm.client("Key overdue", tier="key", owner=ana),
           "key_rich": firm.client("Key overdue and rich", tier="key", owner=ben),
           "growth": firm.client("Growth overdue", tier="growth", owner=ana),
           "fine": firm.client("In touch", tier="key", owner=ana)}
    for key, days in (("key", 30), ("key_rich", 20), ("growth", 45), ("fine", 2)):
        firm.contact(ids[key], days)
    firm.invoice(ids["key_rich"], "8000.00")
    firm.invoice(ids["key"], "2500.00")
    return ids


def test_overdue_contacts_page(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    viewer = _as(browser_as, firm, "ana", Role.viewer)
    firm.person("ben", name="Ben Tan")
    _overdue_firm(firm)
    page = viewer.get("/relationships/overdue")
    assert page.status_code == 200, page.text
    assert _names(page.text) == ["Key overdue and rich", "Key overdue", "Growth overdue"]
    text = plain(page.text)
    assert "8,000.00 EUR" in text and "16 days overdue" in text and "Ben Tan" in text
    assert "at least every 14 days" in text and 'action="/relationships/cadence"' not in page.text  # not a manager
    mine = viewer.get(f"/relationships/overdue?owner={viewer.staff.id}")
    assert _names(mine.text) == ["Key overdue", "Growth overdue"]
    assert _names(viewer.get("/relationships/overdue?tier=growth").text) == ["Growth overdue"]
    assert "Nobody is overdue" in plain(viewer.get("/relationships/overdue?tier=standard").text)
    assert _names(viewer.get("/relationships/overdue?page=9").text) == _names(page.text)  # past the end: the last
    assert viewer.get("/relationships/overdue?tier=gold").status_code == 422
    assert viewer.get("/relationships/overdue?owner=x").status_code == 422
    assert viewer.get("/relationships/overdue?owner=99999999999").status_code == 422


def _cadence(runtime: Runtime) -> list[int]:
    with runtime.transaction() as session:
        return list(service.cadence(session).values())


def test_the_cadence_form(runtime: Runtime, owner_browser: Browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    firm.person("ana")
    firm.person("ben")
    _overdue_firm(firm)
    page = owner_browser.get("/relationships/overdue")
    assert 'action="/relationships/cadence"' in page.text and 'name="key" id="f-key"' in page.text
    saved = owner_browser.post("/relationships/cadence", {"key": "25", "growth": "30", "standard": "90"})
    assert "The contact cadence was saved." in flash_after(saved, owner_browser)
    assert saved.headers["location"] == "/relationships/overdue#cadence"
    assert _cadence(runtime) == [25, 30, 90]
    assert _names(owner_browser.get("/relationships/overdue").text) == ["Key overdue", "Growth overdue"]
    typo = owner_browser.post("/relationships/cadence", {"key": "two weeks", "growth": "0", "standard": "90"})
    assert typo.status_code == 422
    text = plain(typo.text)
    assert "Enter a whole number of days." in text and "Growth must be a whole number from 1 to 3650." in text
    assert 'value="two weeks"' in typo.text
    assert _cadence(runtime) == [25, 30, 90]  # nothing saved: the form is one change
    staff = browser_as(Role.staff)
    assert staff.post("/relationships/cadence", {"key": "3", "growth": "30", "standard": "90"}).status_code == 403
    assert flashes(owner_browser.get("/relationships/overdue").text) == ""


def test_key_accounts_page(runtime: Runtime, owner_browser: Browser, browser_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    ana, ben, cy = firm.person("ana", name="Ana Lim"), firm.person("ben", name="Ben Tan"), firm.person("cy")
    alpha = firm.client("Alpha Sdn Bhd", tier="key", owner=ana)
    beta = firm.client("Beta Kft.", tier="growth", owner=ben)
    gamma = firm.client("Gamma", tier="standard")
    firm.invoice(alpha, "7000.00")
    firm.invoice(beta, "2500.00")
    firm.invoice(gamma, "500.00")
    firm.invoice(gamma, "100000", currency="JPY")
    firm.contact(alpha, 3, ana)
    firm.engagement(alpha, sold_by=ana, delivered_by=ana)
    firm.engagement(beta, sold_by=ana, delivered_by=ben)
    firm.promise(alpha, cy, NOW + timedelta(days=5), title="Site visit")
    firm.complaint(alpha)

    page = owner_browser.get("/relationships/key-accounts")
    assert page.status_code == 200, page.text
    assert _names(page.text) == ["Alpha Sdn Bhd", "Beta Kft."]  # 70%, then 95%
    text = plain(page.text)
    for shown in ("7,000.00", "70.0%", "95.0%", "10,000.00 EUR", "Ana Lim", "None planned", "1 complaint",
                  "1 invoice in JPY is left out", "Delivered by who sold it", "50.0%", "1 of 2 engagements",
                  "New faces on key accounts", "Cy", "See the promise"):
        assert shown in text, shown
    assert 'class="stat"' in page.text and 'data-label="Revenue, EUR"' in page.text

    monkeypatch.setattr(pages, "PER_PAGE", 1)  # a page at a time (a large firm has thousands)
    first = owner_browser.get("/relationships/key-accounts")
    second = owner_browser.get("/relationships/key-accounts?page=2")
    assert _names(first.text) == ["Alpha Sdn Bhd"] and _names(second.text) == ["Beta Kft."]
    assert "page 2 of 2" in plain(second.text) and "95.0%" in plain(second.text)
    assert _names(owner_browser.get("/relationships/key-accounts?page=7").text) == ["Beta Kft."]
    monkeypatch.undo()

    no_rate = owner_browser.post("/relationships/rates", {"currency": "JPY", "rate": "nothing"})
    assert no_rate.status_code == 422 and "Enter an amount" in plain(no_rate.text)
    zero = owner_browser.post("/relationships/rates", {"currency": "JPY", "rate": "0"})
    assert zero.status_code == 422 and "A rate must be a positive number." in plain(zero.text)
    reporting = owner_browser.post("/relationships/rates", {"currency": "EUR", "rate": "1"})
    assert reporting.status_code == 422 and "reporting currency" in plain(reporting.text)
    saved = owner_browser.post("/relationships/rates", {"currency": "JPY", "rate": "0,006"})
    assert "The exchange rate of JPY was saved." in flash_after(saved, owner_browser)
    after = plain(owner_browser.get("/relationships/key-accounts").text)
    assert "is left out" not in after and "0.006" in after and "10,600.00 EUR" in after

    viewer = browser_as(Role.viewer)
    seen = viewer.get("/relationships/key-accounts")
    assert seen.status_code == 200 and 'action="/relationships/rates"' not in seen.text
    assert viewer.post("/relationships/rates", {"currency": "JPY", "rate": "1"}).status_code == 403


def test_the_pages_in_hungarian(runtime: Runtime, owner_browser: Browser) -> None:
    owner_browser.client.cookies.set("ss_lang", "hu")
    for path in ("/relationships/agenda", "/relationships/overdue", "/relationships/key-accounts"):
        page = owner_browser.get(path)
        assert page.status_code == 200 and '<html lang="hu">' in page.text, path


def test_the_agenda_panel_on_the_home_page(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    ana = _as(browser_as, firm, "ana")
    assert 'id="agenda"' not in ana.get("/").text  # nothing on it: no panel
    client_id = firm.client("Quiet Key Client", tier="key", owner=firm.people["ana"])
    firm.contact(client_id, 40)
    home = ana.get("/")
    assert home.status_code == 200 and 'id="agenda"' in home.text
    text = plain(home.text)
    assert "Your agenda" in text and "Quiet Key Client" in text and "26 days overdue" in text
    assert 'href="/relationships/agenda"' in home.text


def test_the_agenda_counts_what_it_does_not_list(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    firm = Firm(runtime)
    ana = _as(browser_as, firm, "ana")
    client_id = firm.client("Busy Sdn. Bhd.", owner=firm.people["ana"])
    day = tomorrow()
    for n in range(7):
        firm.promise(client_id, firm.people["ana"], local(day, 9 + n), title=f"Visit {n}")
    for n in range(3):   # at risk: two later in the week, one on the day itself (listed among the day's)
        firm.promise(client_id, firm.people["ana"], local(day, 17) + timedelta(days=0 if n == 0 else n),
                     title=f"Report {n}", at_risk="unconfirmed")
    for n in range(6):
        firm.task(client_id, firm.people["ana"], kind="recovery", title=f"Recover {n}", due=NOW + timedelta(days=n))
    settings = runtime.settings
    with runtime.transaction() as session:
        found = agenda(session, firm.people["ana"].id, day=day, zone=settings.zone, now=NOW,
                       reporting_currency=settings.reporting_currency, by=firm.people["ana"], most=5)
        assert [p.title for p in found.promises] == [f"Visit {n}" for n in range(5)]
        assert (found.promise_count, found.at_risk_count, found.recovery_count, found.review_count) == (8, 2, 6, 0)
        assert [p.title for p in found.at_risk] == ["Report 1", "Report 2"]
        assert [t.title for t in found.recoveries] == [f"Recover {n}" for n in range(5)]
        assert found.promises[0].client.name == "Busy Sdn. Bhd."
    page = ana.get(f"/relationships/agenda?date={day.isoformat()}")
    assert page.status_code == 200
    assert "Visit 6" in page.text and "shown." not in plain(page.text)   # all of them (up to 50)


def test_the_pages_ask_as_many_queries_however_many_clients(runtime: Runtime, owner_browser: Browser) -> None:
    firm = Firm(runtime)
    ana = firm.person("ana")
    me = owner_browser.staff

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            tier = ("key", "growth", "standard")[n % 3]
            client_id = firm.client(f"Client {n}", tier=tier, owner=me if n % 2 else ana)
            firm.contact(client_id, 200)
            firm.invoice(client_id, f"{1000 + n}.00")
            firm.promise(client_id, me, NOW + timedelta(hours=1 + n), title=f"Visit {n}")
            firm.task(client_id, me, kind="recovery", title=f"Recover {n}", due=NOW + timedelta(days=1))
            firm.complaint(client_id)

    def counted() -> dict[str, int]:
        found = {}
        for path in ("/relationships/agenda", "/relationships/overdue", "/relationships/key-accounts", "/"):
            with counting_queries(runtime) as statements:
                assert owner_browser.get(path).status_code == 200
            found[path] = len(statements)
        return found

    grow(0, 3)
    few = counted()
    grow(3, 12)
    assert counted() == few
