"""Contacts, engagements, invoices and interactions: add from the client's page (with and without
htmx), edit, delete; bad input re-renders the form with a message at the field."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from servicescape.auth.models import Role
from servicescape.clients.models import Contact, Engagement, Interaction, Invoice
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import (
    Browser,
    add_client,
    add_record,
    field_error,
    flash_after,
    flashes,
    load,
    plain,
)

#: the section of the client's page each kind is shown in (interactions: the timeline)
SECTION = {"contacts": "contacts", "engagements": "engagements", "invoices": "invoices", "interactions": "timeline"}
MODELS = {"contacts": Contact, "engagements": Engagement, "invoices": Invoice, "interactions": Interaction}
PREFIX = {"contacts": "contact", "engagements": "engagement", "invoices": "invoice", "interactions": "interaction"}


@pytest.fixture
def client_id(runtime: Runtime) -> int:
    return add_client(runtime, name="Tan Holdings Sdn Bhd")


def _valid(kind: str, browser: Browser) -> dict[str, str]:
    me = str(browser.staff.id)
    return {
        "contacts": {"name": "Tan Wei Jie", "job_title": "Finance Director", "email": "wj@tan.example",
                     "phone": "", "language": ""},
        "engagements": {"package_id": "", "status": "active", "sold_by_id": me, "delivered_by_id": me,
                        "start_date": "2025-03-01", "end_date": "", "value": "12 500,00", "currency": "myr",
                        "description": "Quarterly maintenance visits"},
        "invoices": {"issued_on": "2025-03-05", "amount": "1 234,50", "currency": "MYR", "engagement_id": "",
                     "external_id": "INV-2025-001"},
        "interactions": {"channel": "meeting", "occurred_at": "2025-03-01T10:00", "staff_id": me,
                         "summary": "Key-account review; agreed on a named deputy."},
    }[kind]


def _only(runtime: Runtime, kind: str) -> Any:
    with runtime.transaction() as session:
        rows = list(session.scalars(select(MODELS[kind])))
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("kind", list(MODELS))
def test_add_from_the_client_page_without_javascript(owner_browser: Browser, runtime: Runtime,
                                                     client_id: int, kind: str) -> None:
    response = owner_browser.post(f"/clients/{client_id}/{kind}", _valid(kind, owner_browser))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/clients/{client_id}#{SECTION[kind]}"
    record = _only(runtime, kind)
    assert record.client_id == client_id
    assert flash_after(response, owner_browser) == f"{PREFIX[kind].title()} added."


def test_what_the_add_forms_store(owner_browser: Browser, runtime: Runtime, client_id: int) -> None:
    for kind in MODELS:
        assert owner_browser.post(f"/clients/{client_id}/{kind}", _valid(kind, owner_browser)).status_code == 303
    engagement = _only(runtime, "engagements")
    assert engagement.value == Decimal("12500.00") and engagement.currency == "MYR"
    assert engagement.start_date == date(2025, 3, 1) and engagement.end_date is None
    invoice = _only(runtime, "invoices")
    assert invoice.amount == Decimal("1234.50") and invoice.external_id == "INV-2025-001"
    interaction = _only(runtime, "interactions")
    # 10:00 on the firm's clock in Kuala Lumpur (UTC+8) is 02:00 UTC
    assert interaction.occurred_at == datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    assert interaction.channel.value == "meeting" and interaction.staff_id == owner_browser.staff.id
    contact = _only(runtime, "contacts")
    assert contact.phone is None and contact.job_title == "Finance Director"


@pytest.mark.parametrize(("kind", "change", "field", "message"), [
    ("contacts", {"name": ""}, "name", "This field is required."),
    ("engagements", {"description": "", "package_id": ""}, "description",
     "An engagement needs a service package or a description."),
    ("engagements", {"end_date": "2025-02-01"}, "end_date", "The end date is before the start date."),
    ("engagements", {"value": "lots"}, "value", "Enter an amount such as 1234.50 or 1 234,50."),
    ("engagements", {"sold_by_id": "999999"}, "sold_by_id", "Sold by 999999 does not exist."),
    ("invoices", {"amount": "abc"}, "amount", "Enter an amount such as 1234.50 or 1 234,50."),
    ("invoices", {"amount": "1.23456"}, "amount", "Use at most 4 decimal places."),
    ("invoices", {"currency": "EURO"}, "currency", "Enter a three-letter currency code such as EUR or MYR."),
    ("invoices", {"issued_on": ""}, "issued_on", "This field is required."),
    ("invoices", {"issued_on": "31/02/2025"}, "issued_on", "Enter a date such as 2025-03-01."),
    ("interactions", {"occurred_at": "yesterday"}, "occurred_at", "Enter a date and time such as 2025-03-01 14:30."),
    ("interactions", {"channel": "telepathy"}, "channel", "Choose one of the options."),
])
def test_bad_input_is_a_422_client_page_with_the_form_open_and_the_message_at_the_field(
        owner_browser: Browser, runtime: Runtime, client_id: int, kind: str, change: dict[str, str],
        field: str, message: str) -> None:
    values = {**_valid(kind, owner_browser), **change}
    response = owner_browser.post(f"/clients/{client_id}/{kind}", values)
    assert response.status_code == 422
    assert field_error(response.text, f"f-{PREFIX[kind]}-{field}") == message
    assert "<h1>Tan Holdings Sdn Bhd</h1>" in response.text  # the whole client page
    if kind != "interactions":  # the folded add form is unfolded
        assert re.search(rf'<details class="add-form" open>\s*<summary[^>]*>.*?</summary>\s*<form[^>]*/{kind}"',
                         response.text, re.S)
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(MODELS[kind])) == 0


def test_adding_to_a_missing_client_is_a_404(owner_browser: Browser) -> None:
    response = owner_browser.post("/clients/999999/contacts", {"name": "Nobody"})
    assert response.status_code == 404


def _make(runtime: Runtime, kind: str, client_id: int, staff_id: int) -> int:
    by_kind: dict[str, dict[str, Any]] = {
        "contacts": {"name": "Old Name"},
        "engagements": {"description": "Old job", "sold_by_id": staff_id, "delivered_by_id": staff_id,
                        "start_date": date(2025, 1, 1), "value": Decimal("100.00"), "currency": "EUR"},
        "invoices": {"issued_on": date(2025, 1, 2), "amount": Decimal("99.90"), "currency": "EUR",
                     "external_id": "INV-1"},
        "interactions": {"channel": "call", "occurred_at": datetime(2025, 1, 3, 1, 15, tzinfo=UTC),
                         "summary": "Old note", "staff_id": staff_id},
    }
    return add_record(runtime, kind, client_id=client_id, **by_kind[kind])


EDITS = {
    "contacts": ({"name": "New Name", "job_title": "", "email": "", "phone": "", "language": ""},
                 lambda r: r.name == "New Name"),
    "engagements": ({"package_id": "", "status": "completed", "sold_by_id": "", "delivered_by_id": "",
                     "start_date": "2025-01-01", "end_date": "2025-06-30", "value": "1.234,50", "currency": "EUR",
                     "description": "New job"},
                    lambda r: (r.status.value, r.end_date, r.value, r.sold_by_id) == (
                        "completed", date(2025, 6, 30), Decimal("1234.50"), None)),
    "invoices": ({"issued_on": "2025-01-02", "amount": "100", "currency": "USD", "engagement_id": "",
                  "external_id": "INV-1"},
                 lambda r: (r.amount, r.currency) == (Decimal("100"), "USD")),
    "interactions": ({"channel": "meal", "occurred_at": "2025-01-03T20:45", "staff_id": "", "summary": "New note"},
                     lambda r: (r.channel.value, r.occurred_at, r.summary) == (
                         "meal", datetime(2025, 1, 3, 12, 45, tzinfo=UTC), "New note")),
}
SHOWN = {"contacts": 'value="Old Name"', "engagements": 'value="100.00"', "invoices": 'value="99.90"',
         "interactions": 'value="2025-01-03T09:15"'}  # 01:15 UTC is 09:15 in Kuala Lumpur


@pytest.mark.parametrize("kind", list(MODELS))
def test_edit_a_record(owner_browser: Browser, runtime: Runtime, client_id: int, kind: str) -> None:
    record_id = _make(runtime, kind, client_id, owner_browser.staff.id)
    form = owner_browser.get(f"/{kind}/{record_id}/edit")
    assert form.status_code == 200
    assert SHOWN[kind] in form.text and f'action="/{kind}/{record_id}/edit"' in form.text
    assert f'href="/clients/{client_id}#{SECTION[kind]}"' in form.text  # cancel goes back
    values, check = EDITS[kind]
    response = owner_browser.post(f"/{kind}/{record_id}/edit", values)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/clients/{client_id}#{SECTION[kind]}"
    assert check(load(runtime, MODELS[kind], record_id))
    assert flash_after(response, owner_browser) == f"{PREFIX[kind].title()} saved."


@pytest.mark.parametrize(("kind", "change", "field"), [
    ("contacts", {"name": " "}, "name"),
    ("engagements", {"end_date": "2024-01-01"}, "end_date"),
    ("invoices", {"amount": ""}, "amount"),
    ("interactions", {"occurred_at": ""}, "occurred_at"),
])
def test_edit_with_bad_input_is_a_422_form(owner_browser: Browser, runtime: Runtime, client_id: int, kind: str,
                                           change: dict[str, str], field: str) -> None:
    record_id = _make(runtime, kind, client_id, owner_browser.staff.id)
    values = {**EDITS[kind][0], **change}
    response = owner_browser.post(f"/{kind}/{record_id}/edit", values)
    assert response.status_code == 422
    assert field_error(response.text, f"f-{PREFIX[kind]}-{field}")
    assert not EDITS[kind][1](load(runtime, MODELS[kind], record_id))  # nothing changed


@pytest.mark.parametrize("kind", list(MODELS))
def test_delete_a_record(owner_browser: Browser, runtime: Runtime, client_id: int, kind: str) -> None:
    record_id = _make(runtime, kind, client_id, owner_browser.staff.id)
    response = owner_browser.post(f"/{kind}/{record_id}/delete")
    assert response.status_code == 303
    assert response.headers["location"] == f"/clients/{client_id}#{SECTION[kind]}"
    assert load(runtime, MODELS[kind], record_id) is None
    assert flash_after(response, owner_browser) == f"{PREFIX[kind].title()} deleted."
    assert owner_browser.get(f"/{kind}/{record_id}/edit").status_code == 404


@pytest.mark.parametrize("kind", list(MODELS))
def test_roles_and_csrf_on_record_routes(browser_as, runtime: Runtime, client_id: int, kind: str) -> None:  # type: ignore[no-untyped-def]
    viewer: Browser = browser_as(Role.viewer)
    staff: Browser = browser_as(Role.staff)
    record_id = _make(runtime, kind, client_id, staff.staff.id)
    assert viewer.post(f"/clients/{client_id}/{kind}", _valid(kind, staff)).status_code == 403
    assert viewer.get(f"/{kind}/{record_id}/edit").status_code == 403
    assert viewer.post(f"/{kind}/{record_id}/edit", EDITS[kind][0]).status_code == 403
    assert staff.post(f"/{kind}/{record_id}/delete").status_code == 403
    assert staff.post(f"/clients/{client_id}/{kind}", _valid(kind, staff), csrf=False).status_code == 403
    assert staff.post(f"/{kind}/{record_id}/edit", EDITS[kind][0], csrf=False).status_code == 403
    assert load(runtime, MODELS[kind], record_id) is not None
    assert not EDITS[kind][1](load(runtime, MODELS[kind], record_id))


HTMX = {"HX-Request": "true", "HX-Target": "timeline"}


def test_htmx_adds_an_interaction_and_swaps_the_timeline(owner_browser: Browser, runtime: Runtime,
                                                         client_id: int) -> None:
    page = owner_browser.get(f"/clients/{client_id}")
    form = re.search(rf'<form class="form" method="post" action="/clients/{client_id}/interactions"[^>]*>',
                     page.text).group(0)  # type: ignore[union-attr]
    assert f'hx-post="/clients/{client_id}/interactions"' in form and 'hx-target="#timeline"' in form
    assert 'hx-swap="outerHTML"' in form
    _make(runtime, "interactions", client_id, owner_browser.staff.id)
    response = owner_browser.post(f"/clients/{client_id}/interactions", _valid("interactions", owner_browser),
                                  headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section class="card" id="timeline"')
    timeline = response.text[response.text.index('<ol class="timeline">'):]
    assert timeline.index("Key-account review") < timeline.index("Old note")  # newest first
    # the form comes back empty, ready for the next one
    summary = re.search(r'<textarea name="summary"[^>]*>(.*?)</textarea>', response.text, re.S).group(1)  # type: ignore[union-attr]
    assert summary.strip() == ""
    assert 'hx-swap-oob="beforeend:#flashes"' in response.text and "Interaction added." in flashes(response.text)
    assert len(list(_all(runtime, Interaction))) == 2


def test_htmx_with_bad_input_gets_the_section_back_with_the_errors(owner_browser: Browser, runtime: Runtime,
                                                                  client_id: int) -> None:
    values = {**_valid("interactions", owner_browser), "occurred_at": "soon"}
    response = owner_browser.post(f"/clients/{client_id}/interactions", values, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="timeline"' in response.text
    assert field_error(response.text, "f-interaction-occurred_at")
    assert "Key-account review; agreed on a named deputy." in response.text  # the typed summary is kept
    assert not list(_all(runtime, Interaction))


def test_htmx_works_for_the_other_sections_too(owner_browser: Browser, client_id: int) -> None:
    response = owner_browser.post(f"/clients/{client_id}/contacts", _valid("contacts", owner_browser),
                                  headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="contacts"')
    assert "Tan Wei Jie" in plain(response.text)


def _all(runtime: Runtime, model: type[Any]) -> list[Any]:
    with runtime.transaction() as session:
        return list(session.scalars(select(model)))
