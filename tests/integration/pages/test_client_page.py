"""GET /clients/{id}: everything about a client on one page, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.offerings.service import packages
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.pages.conftest import Browser, add_client, add_record, counting_queries, plain


@pytest.fixture
def tan(runtime: Runtime) -> int:
    aisyah = make_staff(runtime, Role.staff, "aisyah@firm.test", "Aisyah Rahman")
    daniel = make_staff(runtime, Role.staff, "daniel@firm.test", "Daniel Lim")
    with runtime.transaction() as session:
        retainer = packages.create(session, {"name": "Annual retainer", "currency": "MYR"}, by=SYSTEM).id
    client_id = add_client(runtime, name="Tan Holdings Sdn Bhd", country="MY", city="Kuala Lumpur", tier="key",
                           segment="Healthcare", owner_id=aisyah.id, email="accounts@tan.example",
                           external_id="CRM-7", custom_fields={"VAT number": "MY-1234", "Employees": 420})
    add_record(runtime, "contacts", client_id=client_id, name="Tan Wei Jie", job_title="Finance Director",
               email="wei.jie@tan.example")
    add_record(runtime, "engagements", client_id=client_id, package_id=retainer, sold_by_id=aisyah.id,
               delivered_by_id=aisyah.id, start_date=date(2024, 1, 1))
    add_record(runtime, "engagements", client_id=client_id, description="Site survey, east wing",
               sold_by_id=aisyah.id, delivered_by_id=daniel.id, start_date=date(2025, 2, 1))
    add_record(runtime, "invoices", client_id=client_id, issued_on=date(2025, 1, 31), amount=Decimal("1000.50"),
               currency="MYR")
    add_record(runtime, "invoices", client_id=client_id, issued_on=date(2025, 2, 28), amount=Decimal("200"),
               currency="MYR")
    add_record(runtime, "invoices", client_id=client_id, issued_on=date(2025, 3, 1), amount=Decimal("300"),
               currency="EUR")
    add_record(runtime, "interactions", client_id=client_id, channel="call", staff_id=aisyah.id,
               occurred_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC), summary="Confirmed the Tuesday visit")
    add_record(runtime, "interactions", client_id=client_id, channel="meal", staff_id=daniel.id,
               occurred_at=datetime(2025, 3, 10, 4, 30, tzinfo=UTC), summary="Lunch with the finance director")
    return client_id


def test_the_page_shows_everything_about_the_client(owner_browser: Browser, tan: int) -> None:
    page = owner_browser.get(f"/clients/{tan}")
    assert page.status_code == 200
    text = plain(page.text)
    # header: name, tier and status badges, country by name, owner
    assert "<h1>Tan Holdings Sdn Bhd</h1>" in page.text
    assert 'class="badge badge--key">Key<' in page.text and 'class="badge badge--active">Active<' in page.text
    assert "Malaysia, Kuala Lumpur" in text and "Owner: Aisyah Rahman" in text
    # details, and the custom fields under "Other fields"
    assert "accounts@tan.example" in text and "CRM-7" in text and "Healthcare" in text
    other = plain(page.text[page.text.index("Other fields"):])
    assert "VAT number MY-1234" in other and "Employees 420" in other
    # revenue by currency
    assert "1,200.50 MYR" in text and "300.00 EUR" in text
    # contacts
    assert "Tan Wei Jie" in text and "Finance Director" in text and 'href="mailto:wei.jie@tan.example"' in page.text
    # engagements: the package or the description; a new face is flagged once
    assert "Annual retainer" in text and "Site survey, east wing" in text
    assert text.count("different person delivers") == 1
    survey_row = plain(re.search(r"<tr>(?:(?!</tr>).)*Site survey.*?</tr>", page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "Aisyah Rahman" in survey_row and "Daniel Lim" in survey_row and "different person delivers" in survey_row
    # invoices with amounts in their currencies
    assert "Jan 31, 2025" in text and "1,000.50 MYR" in text
    # interactions: newest first, on the firm's clock (Kuala Lumpur, UTC+8)
    timeline = page.text[page.text.index('<ol class="timeline">'):]
    assert timeline.index("Lunch with the finance director") < timeline.index("Confirmed the Tuesday visit")
    assert "Mar 10, 2025, 12:30 PM" in plain(timeline) and "Mar 1, 2025, 10:00 AM" in plain(timeline)  # no seconds
    assert 'datetime="2025-03-01T02:00:00+00:00"' in timeline
    assert "Meal" in plain(timeline) and "Daniel Lim" in plain(timeline)
    # an add form per section, with the CSRF token
    for section in ("contacts", "engagements", "invoices", "interactions"):
        assert f'action="/clients/{tan}/{section}"' in page.text
    assert page.text.count('name="csrf_token"') >= 4 + 1 + 2


def test_rows_have_edit_links_and_delete_buttons_for_those_allowed(owner_browser: Browser, tan: int,
                                                                   browser_as) -> None:  # type: ignore[no-untyped-def]
    html = owner_browser.get(f"/clients/{tan}").text
    for kind in ("contacts", "engagements", "invoices", "interactions"):
        assert re.search(rf'href="/{kind}/\d+/edit"', html), kind
        assert re.search(rf'action="/{kind}/\d+/delete"', html), kind
    assert f'action="/clients/{tan}/delete"' in html and "data-confirm=" in html
    staff_html = browser_as(Role.staff).get(f"/clients/{tan}").text
    assert re.search(r'href="/contacts/\d+/edit"', staff_html)
    assert "/delete" not in staff_html  # the staff role may not delete
    viewer_html = browser_as(Role.viewer).get(f"/clients/{tan}").text
    assert "/edit" not in viewer_html and "/delete" not in viewer_html
    assert f'action="/clients/{tan}/' not in viewer_html  # no add forms
    assert "Tan Wei Jie" in viewer_html  # but the data


def test_empty_sections_say_so(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="New Client")
    text = plain(owner_browser.get(f"/clients/{client_id}").text)
    for message in ("No contacts yet.", "No engagements yet.", "No invoices yet.", "Nothing recorded yet.",
                    "No tasks for this client.",
                    "No relationship owner"):
        assert message in text
    only_invoices = plain(owner_browser.get(f"/clients/{client_id}?type=invoice").text)
    assert "Nothing of this kind recorded yet." in only_invoices  # a filter, not the advice to keep in touch
    assert "Keep in touch" not in only_invoices


def test_unknown_client_is_a_404_page(owner_browser: Browser) -> None:
    response = owner_browser.get("/clients/999999")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert owner_browser.get(f"/clients/{2**63}").status_code == 422  # past any id: refused, not a 500


def _queries_for_page(runtime: Runtime, browser: Browser, client_id: int) -> int:
    browser.get(f"/clients/{client_id}")
    with counting_queries(runtime) as statements:
        assert browser.get(f"/clients/{client_id}").status_code == 200
    return len(statements)


def test_the_client_page_runs_the_same_number_of_queries_however_much_it_shows(
        runtime: Runtime, owner_browser: Browser, tan: int) -> None:
    few = _queries_for_page(runtime, owner_browser, tan)
    people = [make_staff(runtime, Role.staff, f"p{n}@firm.test", f"Person {n}") for n in range(5)]
    for n in range(20):
        add_record(runtime, "contacts", client_id=tan, name=f"Contact {n}")
        add_record(runtime, "engagements", client_id=tan, description=f"Job {n}", sold_by_id=people[n % 5].id,
                   delivered_by_id=people[(n + 1) % 5].id)
        add_record(runtime, "invoices", client_id=tan, issued_on=date(2025, 4, 1), amount=Decimal(n), currency="USD")
        add_record(runtime, "interactions", client_id=tan, staff_id=people[n % 5].id, summary=f"Note {n}")
    many = _queries_for_page(runtime, owner_browser, tan)
    print(f"queries of GET /clients/{{id}}: {few} with 9 records, {many} with 89")
    assert few == many, (few, many)


@pytest.mark.parametrize("language", ["ms", "bg", "zh-Hans", "zh-Hant", "hu"])
def test_the_pages_render_in_every_ui_language(owner_browser: Browser, tan: int, language: str) -> None:
    owner_browser.client.cookies.set("ss_lang", language)
    for url in ("/clients", f"/clients/{tan}", "/clients/new", "/staff", "/contacts/1/edit"):
        response = owner_browser.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.text
    names = {"ms": "Malaysia", "bg": "Малайзия", "zh-Hans": "马来西亚", "zh-Hant": "馬來西亞", "hu": "Malajzia"}
    assert names[language] in owner_browser.get(f"/clients/{tan}").text
