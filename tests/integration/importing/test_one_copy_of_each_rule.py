"""A rule of the client book lives once (``clients.rules``): added there, the API, the services and
the importer all apply it, with no second edit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import rules, service
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, sign_in
from tests.integration.api.conftest import assert_error, created, new_client
from tests.integration.importing.conftest import rows, run, write_csv
from tests.integration.pages.conftest import field_error, plain

PLACEHOLDER = N_("%(column)s: XXX is a placeholder, not a name.")


def no_placeholder_names(record: rules.Record) -> None:
    if record.get("name") == "XXX":
        raise rules.RuleBroken("name", PLACEHOLDER)


def starts_on_a_known_day(record: rules.Record) -> None:
    if record.get("start_date") is None:
        raise rules.RuleBroken("start_date", N_("%(column)s: a new engagement needs a start date."))


@pytest.fixture
def extra_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rules added the one way there is: in ``clients.rules`` (undone after the test)."""
    clients, engagements = rules.RULES["clients"], rules.RULES["engagements"]
    monkeypatch.setattr(clients, "every_write", [*clients.every_write, no_placeholder_names])
    monkeypatch.setattr(engagements, "on_create", [*engagements.on_create, starts_on_a_known_day])


@pytest.mark.usefixtures("extra_rules")
def test_a_rule_added_once_holds_for_the_api_the_service_and_an_import(
        api: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    refused = assert_error(api.post("/api/v1/clients", json={"name": "XXX"}), 422, "validation_failed", "name")
    assert refused["message"] == "name: XXX is a placeholder, not a name."
    kept = new_client(api, name="Tan Holdings", external_id="T-1")
    assert_error(api.patch(f"/api/v1/clients/{kept['id']}", json={"name": "XXX"}), 422, "validation_failed", "name")
    with runtime.transaction() as session, pytest.raises(ValidationFailed) as failed:
        service.clients.create(session, {"name": "XXX"}, by=SYSTEM)
    assert failed.value.field == "name"

    path = write_csv(tmp_path / "c.csv", ["External ID", "Company"], [["L-1", "Lim"], ["X-1", "XXX"], ["T-1", "XXX"]])
    report = run(runtime, "clients", path)
    assert report.to_dict() == {"read": 3, "imported": 1, "updated": 0, "rejected": 2, "warnings": 0}
    assert report.rejects == [(3, "Company: XXX is a placeholder, not a name."),
                              (4, "Company: XXX is a placeholder, not a name.")]
    assert rows(runtime, Client, "external_id", "name") == [("T-1", "Tan Holdings"), ("L-1", "Lim")]


@pytest.mark.usefixtures("extra_rules")
def test_a_rule_for_new_records_holds_when_an_import_creates_and_not_when_it_updates(
        api: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    client = new_client(api, name="Tan Holdings", external_id="T-1")
    refused = assert_error(api.post("/api/v1/engagements", json={"client_id": client["id"], "description": "Audit"}),
                           422, "validation_failed", "start_date")
    assert refused["message"] == "start_date: a new engagement needs a start date."
    stored = api.post("/api/v1/engagements", json={"client_id": client["id"], "description": "Audit",
                                                   "external_id": "E-1", "start_date": "2024-03-01"})
    assert stored.status_code == 201, stored.text

    path = write_csv(tmp_path / "e.csv", ["External ID", "client_external_id", "Service", "Start", "Value"], [
        ["E-2", "T-1", "Tax", "", "100"], ["E-3", "T-1", "Payroll", "2024-04-01", "200"],
        ["E-1", "T-1", "Audit", "", "300"],
    ])
    report = run(runtime, "engagements", path)
    assert report.rejects == [(2, "Start: a new engagement needs a start date.")]
    assert (report.imported, report.updated) == (1, 1)
    assert sorted(rows(runtime, Engagement, "external_id", "value")) == [("E-1", 300), ("E-3", 200)]


def test_the_rules_the_book_has_word_the_same_for_the_service_and_the_importer(
        runtime: Runtime, tmp_path: Path) -> None:
    with runtime.transaction() as session:
        client = service.clients.create(session, {"name": "Tan", "external_id": "T-1"}, by=SYSTEM)
        with pytest.raises(ValidationFailed) as failed:
            service.engagements.create(session, {"client_id": client.id, "description": "x",
                                                 "start_date": date(2024, 3, 5), "end_date": date(2024, 3, 4)},
                                       by=SYSTEM)
    assert (failed.value.field, failed.value.message) == ("end_date", "The end date is before the start date.")
    path = write_csv(tmp_path / "e.csv", ["client_external_id", "Service", "Start", "End"], [
        ["T-1", "Audit", "2024-03-05", "2024-03-04"], ["T-1", "", "", ""]])
    assert run(runtime, "engagements", path).rejects == [
        (2, "The end date is before the start date."), (3, "An engagement needs a service package or a description.")]


# -- the values a first user saw saved: refused the same way by the API, the pages and an import ---

@dataclass(frozen=True)
class Refused:
    """A value that breaks a rule, as each way of writing a record gives it: one valid record with
    ``field`` set to it. The page shows the field as ``label``; the file calls it ``header``."""

    kind: str
    field: str
    api: Any            # the value in JSON
    page: str           # ... as typed in the form
    cell: str           # ... in the file
    label: str
    header: str
    left_empty: bool = False   # an import keeps the row without the value, with a warning (e-mail, website)


REFUSED = [
    Refused("invoices", "amount", "-250", "-250", "-250.00", "Amount", "Total"),
    Refused("invoices", "currency", "XYZ", "XYZ", "XYZ", "Currency", "Currency"),
    Refused("invoices", "currency", "DEM", "DEM", "DEM", "Currency", "Currency"),  # ISO 4217, but not in use
    Refused("engagements", "value", "-5000", "-5000", "-5000", "Value", "Value"),
    Refused("engagements", "currency", "XYZ", "XYZ", "XYZ", "Currency", "Currency"),
    Refused("contacts", "email", "bad@@mail", "bad@@mail", "bad@@mail", "E-mail", "E-mail", left_empty=True),
    Refused("clients", "email", "bad@@mail", "bad@@mail", "bad@@mail", "E-mail", "E-mail", left_empty=True),
    Refused("clients", "website", "htp:/bad site", "htp:/bad site", "htp:/bad site", "Website", "Website",
            left_empty=True),
    Refused("interactions", "occurred_at", "2099-01-01T10:00:00+08:00", "2099-01-01T10:00", "2099-01-01 10:00",
            "When", "Date"),
    Refused("interactions", "summary", "  ", "", "", "What was said or agreed", "Notes"),
]
#: a valid record of each kind: (API body, form, file columns and cells); the client is "Tan"
VALID: dict[str, tuple[dict[str, Any], dict[str, str], dict[str, str]]] = {
    "invoices": ({"issued_on": "2025-03-05", "amount": "1234.50", "currency": "MYR"},
                 {"issued_on": "2025-03-05", "amount": "1 234,50", "currency": "MYR", "engagement_id": "",
                  "external_id": ""},
                 {"Customer": "Tan", "Invoice Date": "2025-03-05", "Total": "1234.50", "Currency": "MYR"}),
    "engagements": ({"description": "Audit", "value": "5000", "currency": "MYR"},
                    {"package_id": "", "status": "active", "sold_by_id": "", "delivered_by_id": "", "start_date": "",
                     "end_date": "", "value": "5000", "currency": "MYR", "description": "Audit"},
                    {"Company": "Tan", "Description": "Audit", "Value": "5000", "Currency": "MYR"}),
    "contacts": ({"name": "Tan Wei Jie", "email": "wj@tan.example"},
                 {"name": "Tan Wei Jie", "job_title": "", "email": "wj@tan.example", "phone": "", "language": ""},
                 {"Company": "Tan", "Full Name": "Tan Wei Jie", "E-mail": "wj@tan.example"}),
    "clients": ({"name": "Lim Holdings", "email": "office@lim.example", "website": "https://lim.example"},
                {"name": "Lim Holdings", "kind": "organisation", "tier": "standard", "status": "active",
                 "email": "office@lim.example", "website": "https://lim.example", "custom_fields": ""},
                {"Company": "Lim Holdings", "E-mail": "office@lim.example", "Website": "https://lim.example"}),
    "interactions": ({"channel": "call", "occurred_at": "2025-03-01T10:00:00+08:00", "summary": "Renewal call"},
                     {"channel": "call", "occurred_at": "2025-03-01T10:00", "staff_id": "", "summary": "Renewal call"},
                     {"Company": "Tan", "Date": "2025-03-01 10:00", "Notes": "Renewal call"}),
}
PREFIX = {"invoices": "invoice", "engagements": "engagement", "contacts": "contact", "clients": "client",
          "interactions": "interaction"}
MODELS = {"invoices": Invoice, "engagements": Engagement, "contacts": Contact, "clients": Client,
          "interactions": Interaction}


def stored(runtime: Runtime, kind: str, field: str) -> list[Any]:
    model = MODELS[kind]
    with runtime.transaction() as session:
        return list(session.scalars(select(getattr(model, field)).order_by(model.id)))


@pytest.mark.parametrize("case", REFUSED, ids=[f"{c.kind}-{c.field}-{c.cell.strip() or 'empty'}" for c in REFUSED])
def test_a_refused_value_is_refused_by_the_api_the_pages_and_an_import(
        api: TestClient, web: TestClient, owner: Staff, runtime: Runtime, tmp_path: Path, case: Refused) -> None:
    body, form, cells = VALID[case.kind]
    tan = new_client(api, name="Tan")["id"]
    before = stored(runtime, case.kind, case.field)

    # the API: a 422 naming the field, on a create and on an update
    parent = {} if case.kind == "clients" else {"client_id": tan}
    refused = assert_error(api.post(f"/api/v1/{case.kind}", json={**parent, **body, case.field: case.api}),
                           422, "validation_failed", case.field)
    assert refused["message"].startswith(case.field), refused
    record = created(api.post(f"/api/v1/{case.kind}", json={**parent, **body}))
    assert_error(api.patch(f"/api/v1/{case.kind}/{record['id']}", json={case.field: case.api}),
                 422, "validation_failed", case.field)

    # the pages: the form again, the message at the field and in the summary, named by its label
    sign_in(web, owner.email)
    url = "/clients" if case.kind == "clients" else f"/clients/{tan}/{case.kind}"
    page = web.post(url, data={**form, case.field: case.page, "csrf_token": csrf_from(web.get("/clients").text)})
    assert page.status_code == 422, page.text
    field_id = f"f-{PREFIX[case.kind]}-{case.field}"
    at_field = field_error(page.text, field_id)
    assert at_field is not None and case.field not in at_field.split(":")[0], at_field
    entry = re.search(rf'<div class="error-summary".*?<a href="#{field_id}">(.*?)</a>', page.text, re.S)
    assert entry is not None, page.text
    assert plain(entry.group(1)).strip().startswith(f"{case.label}:") or \
        plain(entry.group(1)).strip().startswith(f"{case.label} "), entry.group(1)

    # an import: the row is rejected, or (an address) kept without the value, naming the file's column
    bad = {**cells, case.header: case.cell}
    report = run(runtime, case.kind, write_csv(tmp_path / "f.csv", list(cells), [list(bad.values())]))
    if case.left_empty:
        assert (report.imported + report.updated, report.rejects) == (1, [])
        assert [message.split(":")[0] for _n, message in report.warning_messages] == [case.header]
    else:
        assert report.imported + report.updated == 0 and [n for n, _r in report.rejects] == [2]
        assert report.rejects[0][1].startswith(case.header), report.rejects

    # nothing refused was stored, by any of the three
    values = stored(runtime, case.kind, case.field)
    assert len(values) == len(before) + 1 + report.imported
    assert not any(str(value).strip() in (case.api.strip(), case.cell.strip()) for value in values if value), values
