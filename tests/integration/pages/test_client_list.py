"""GET /clients: search, filters, sorting, pages, empty states, htmx partials, flat query count."""

from __future__ import annotations

import re
from html import unescape

import pytest

from servicescape.auth.models import Role, Staff
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.pages.conftest import Browser, add_client, counting_queries, listed_names, plain


@pytest.fixture
def book(runtime: Runtime) -> dict[str, Staff]:
    """Five clients across tiers, segments, owners, countries and statuses."""
    aisyah = make_staff(runtime, Role.staff, "aisyah@firm.test", "Aisyah Rahman")
    georgi = make_staff(runtime, Role.manager, "georgi@firm.test", "Georgi Ivanov")
    add_client(runtime, name="Tan Holdings Sdn Bhd", country="MY", tier="key", segment="Healthcare",
               owner_id=aisyah.id, city="Kuala Lumpur")
    add_client(runtime, name="Petrova Architects", country="BG", tier="growth", segment="Architecture",
               owner_id=georgi.id, city="Plovdiv")
    add_client(runtime, name="Kovács és Társa", country="HU", tier="standard", segment="Legal",
               owner_id=georgi.id, status="lost", city="Debrecen")
    add_client(runtime, name="Greenfield Dental", country="MY", tier="growth", segment="Healthcare",
               owner_id=aisyah.id, status="lost", city="Penang")
    add_client(runtime, name="Harbour View Insurance", country="TW", tier="key", segment="Insurance",
               email="hello@harbour.example", city="Taipei")
    return {"aisyah": aisyah, "georgi": georgi}


ALL_BY_NAME = ["Greenfield Dental", "Harbour View Insurance", "Kovács és Társa", "Petrova Architects",
               "Tan Holdings Sdn Bhd"]


def test_lists_clients_by_name_with_tier_country_owner_and_count(owner_browser: Browser,
                                                                 book: dict[str, Staff]) -> None:
    page = owner_browser.get("/clients")
    assert page.status_code == 200
    assert listed_names(page.text) == ALL_BY_NAME
    text = plain(page.text)
    assert "5 clients" in text
    # tier names from settings, countries by name, owner names
    row = plain(re.search(r"<tr>\s*<td><a[^>]*>Tan Holdings.*?</tr>", page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "Malaysia" in row and "Key" in row and "Healthcare" in row and "Aisyah Rahman" in row
    assert "Active" in row and "Kuala Lumpur" in row


@pytest.mark.parametrize(("query", "expected"), [
    ("q=dental", ["Greenfield Dental"]),
    ("q=PENANG", ["Greenfield Dental"]),                       # city, any case
    ("q=harbour.example", ["Harbour View Insurance"]),        # e-mail
    ("tier=key", ["Harbour View Insurance", "Tan Holdings Sdn Bhd"]),
    ("segment=Healthcare", ["Greenfield Dental", "Tan Holdings Sdn Bhd"]),
    ("country=MY", ["Greenfield Dental", "Tan Holdings Sdn Bhd"]),
    ("status=lost", ["Greenfield Dental", "Kovács és Társa"]),
    ("tier=growth&country=MY", ["Greenfield Dental"]),
    ("q=&tier=&segment=&owner=&country=&status=", ALL_BY_NAME),  # the empty form of a plain GET
])
def test_search_and_filters(owner_browser: Browser, book: dict[str, Staff], query: str, expected: list[str]) -> None:
    page = owner_browser.get(f"/clients?{query}")
    assert page.status_code == 200
    assert listed_names(page.text) == expected


def test_owner_filter(owner_browser: Browser, book: dict[str, Staff]) -> None:
    page = owner_browser.get(f"/clients?owner={book['georgi'].id}")
    assert listed_names(page.text) == ["Kovács és Társa", "Petrova Architects"]


@pytest.mark.parametrize(("query", "expected"), [
    ("sort=name&dir=desc", list(reversed(ALL_BY_NAME))),
    # by country code (BG, HU, MY, TW); ties by name
    ("sort=country", ["Petrova Architects", "Kovács és Társa", "Greenfield Dental", "Tan Holdings Sdn Bhd",
                      "Harbour View Insurance"]),
    ("sort=created&dir=desc", ["Harbour View Insurance", "Greenfield Dental", "Kovács és Társa",
                               "Petrova Architects", "Tan Holdings Sdn Bhd"]),
    ("sort=segment&tier=growth", ["Petrova Architects", "Greenfield Dental"]),
    ("sort=status&dir=desc&country=MY", ["Greenfield Dental", "Tan Holdings Sdn Bhd"]),
])
def test_sorting(owner_browser: Browser, book: dict[str, Staff], query: str, expected: list[str]) -> None:
    page = owner_browser.get(f"/clients?{query}")
    assert listed_names(page.text) == expected


def test_sort_links_keep_the_filters_and_flip_the_direction(owner_browser: Browser, book: dict[str, Staff]) -> None:
    page = owner_browser.get("/clients?tier=key&sort=name&dir=asc")
    links = [unescape(href) for href in re.findall(r'class="sort-link" href="([^"]+)"', page.text)]
    assert "?tier=key&sort=name&dir=desc" in links
    assert "?tier=key&sort=country&dir=asc" in links
    assert 'aria-sort="ascending"' in page.text


def test_filter_choices_come_from_the_data(owner_browser: Browser, book: dict[str, Staff]) -> None:
    html = owner_browser.get("/clients?segment=Legal").text
    segment_select = re.search(r'<select name="segment".*?</select>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'<option value="([^"]*)"', segment_select) == ["", "Architecture", "Healthcare",
                                                                      "Insurance", "Legal"]
    assert '<option value="Legal" selected>' in segment_select
    country_select = re.search(r'<select name="country".*?</select>', html, re.S).group(0)  # type: ignore[union-attr]
    assert [plain(o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", country_select)] == [
        "All", "Bulgaria", "Hungary", "Malaysia", "Taiwan"]
    owner_select = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)  # type: ignore[union-attr]
    assert [plain(o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", owner_select)] == [
        "All", "Aisyah Rahman", "Georgi Ivanov"]


def test_paging_fifty_a_page_and_links_keep_the_parameters(owner_browser: Browser, runtime: Runtime) -> None:
    for n in range(1, 121):
        add_client(runtime, name=f"Client {n:03d}", tier="standard" if n % 2 else "key")
    add_client(runtime, name="Other firm")
    first = owner_browser.get("/clients?q=client")
    assert listed_names(first.text) == [f"Client {n:03d}" for n in range(1, 51)]
    assert "120 clients" in plain(first.text) and "page 1 of 3" in plain(first.text)
    third = owner_browser.get("/clients?q=client&page=3")
    assert listed_names(third.text) == [f"Client {n:03d}" for n in range(101, 121)]
    filtered = owner_browser.get("/clients?q=client&tier=key&sort=name&dir=desc&page=2")
    assert listed_names(filtered.text) == [f"Client {n:03d}" for n in range(20, 0, -2)]
    next_links = [unescape(h) for h in re.findall(r'class="page-link" href="([^"]+)" rel="prev"', filtered.text)]
    assert next_links == ["?q=client&tier=key&sort=name&dir=desc&page=1"]
    # an old link past the last page shows the last page
    past = owner_browser.get("/clients?q=client&page=99")
    assert listed_names(past.text) == [f"Client {n:03d}" for n in range(101, 121)]
    assert "page 3 of 3" in plain(past.text) and 'aria-current="page">3<' in past.text


def test_empty_book_and_no_match_say_different_things(owner_browser: Browser, runtime: Runtime) -> None:
    empty = plain(owner_browser.get("/clients").text)
    assert "No clients yet" in empty and "Import a spreadsheet" in empty
    add_client(runtime, name="Only One")
    no_match = owner_browser.get("/clients?q=zzz")
    text = plain(no_match.text)
    assert "No client matches these filters" in text and "No clients yet" not in text
    assert '<a class="btn" href="/clients">' in no_match.text and "Clear filters" in text


@pytest.mark.parametrize("query", ["tier=platinum", "status=gone", "owner=abc", "sort=revenue", "page=0"])
def test_bad_parameters_are_a_422_page(owner_browser: Browser, query: str) -> None:
    response = owner_browser.get(f"/clients?{query}")
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]


def test_htmx_gets_only_the_results(owner_browser: Browser, book: dict[str, Staff]) -> None:
    page = owner_browser.get("/clients")
    form = re.search(r'<form class="toolbar"[^>]*>', page.text).group(0)  # type: ignore[union-attr]
    assert 'method="get"' in form and 'action="/clients"' in form  # works without JavaScript
    assert 'hx-get="/clients"' in form and 'hx-target="#client-results"' in form and 'hx-push-url="true"' in form
    assert '<div id="client-results">' in page.text
    partial = owner_browser.get("/clients?tier=key", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "<form" not in partial.text
    assert listed_names(partial.text) == ["Harbour View Insurance", "Tan Holdings Sdn Bhd"]
    assert "2 clients" in plain(partial.text)
    assert "HX-Request" in partial.headers["vary"]


def test_signed_out_visitors_are_sent_to_sign_in(web) -> None:  # type: ignore[no-untyped-def]
    response = web.get("/clients?tier=key", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def _queries_for_list(runtime: Runtime, browser: Browser) -> int:
    browser.get("/clients")  # warm up: the session's first request may touch it
    with counting_queries(runtime) as statements:
        response = browser.get("/clients?sort=country")
    assert response.status_code == 200
    return len(statements)


def test_the_list_runs_the_same_number_of_queries_for_5_and_60_clients(runtime: Runtime,
                                                                      owner_browser: Browser) -> None:
    owners = [make_staff(runtime, Role.staff, f"owner{n}@firm.test", f"Owner {n}") for n in range(6)]
    for n in range(5):
        add_client(runtime, name=f"Small {n}", owner_id=owners[n].id, segment=f"S{n}", country="MY")
    few = _queries_for_list(runtime, owner_browser)
    for n in range(55):
        add_client(runtime, name=f"More {n}", owner_id=owners[n % 6].id, segment=f"S{n % 9}", country="BG")
    many = _queries_for_list(runtime, owner_browser)
    page = owner_browser.get("/clients")
    assert len(listed_names(page.text)) == 50 and "60 clients" in plain(page.text)
    print(f"queries of GET /clients: {few} with 5 clients, {many} with 60")
    assert few == many, (few, many)
    assert many <= 10, many
