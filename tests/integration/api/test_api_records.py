"""Contacts, engagements, invoices, interactions and service packages over /api/v1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicescape.auth.models import Staff
from tests.integration.api.conftest import assert_error, created, new_client, utc


@dataclass(frozen=True)
class Case:
    path: str
    body: Callable[[dict[str, int]], dict[str, Any]]  # refs (client, package, staff) → body
    expected: dict[str, Any]   # what comes back, besides the references
    change: dict[str, Any]     # a PATCH
    changed: dict[str, Any]    # what comes back after it
    refs: tuple[str, ...] = field(default=("client_id",))


CASES = [
    Case("contacts",
         lambda r: {"client_id": r["client"], "name": "Siti Rahman", "email": "siti@lim.example",
                    "phone": "+60 12 345 6789", "job_title": "CFO", "language": "ms",
                    "external_id": "P-1"},
         {"name": "Siti Rahman", "email": "siti@lim.example", "phone": "+60 12 345 6789",
          "job_title": "CFO", "language": "ms", "external_id": "P-1"},
         {"job_title": "Managing Partner"}, {"job_title": "Managing Partner"}),
    Case("engagements",
         lambda r: {"client_id": r["client"], "package_id": r["package"], "sold_by_id": r["staff"],
                    "delivered_by_id": r["staff"], "description": "Statutory audit FY2025",
                    "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "proposed",
                    "value": "1234.50", "currency": "myr", "external_id": "E-9"},
         {"description": "Statutory audit FY2025", "start_date": "2025-01-01",
          "end_date": "2025-12-31", "status": "proposed", "value": "1234.50", "currency": "MYR",
          "external_id": "E-9"},
         {"status": "active", "value": "99999.9999"}, {"status": "active", "value": "99999.9999"},
         refs=("client_id", "package_id", "sold_by_id", "delivered_by_id")),
    Case("invoices",
         lambda r: {"client_id": r["client"], "issued_on": "2025-03-31", "amount": "1234.50",
                    "currency": "EUR", "external_id": "INV-2025-001"},
         {"issued_on": "2025-03-31", "amount": "1234.50", "currency": "EUR",
          "external_id": "INV-2025-001", "engagement_id": None},
         {"amount": "0.0100"}, {"amount": "0.01"}),
    Case("interactions",
         lambda r: {"client_id": r["client"], "staff_id": r["staff"], "channel": "e-mail",
                    "occurred_at": "2025-03-01T10:00:00+08:00", "summary": "Renewal call\nnext: May"},
         {"channel": "e-mail", "occurred_at": "2025-03-01T02:00:00Z",
          "summary": "Renewal call\nnext: May", "external_id": None},
         {"occurred_at": "2025-03-02T09:30:00-05:00"}, {"occurred_at": "2025-03-02T14:30:00Z"},
         refs=("client_id", "staff_id")),
    Case("packages",
         lambda r: {"name": "Audit Gold", "level": "gold", "list_price": "15000",
                    "currency": "eur", "description": "Full audit with quarterly reviews"},
         {"name": "Audit Gold", "level": "gold", "list_price": "15000.00", "currency": "EUR",
          "description": "Full audit with quarterly reviews", "active": True},
         {"active": False, "list_price": None}, {"active": False, "list_price": None}, refs=()),
]


@pytest.fixture
def refs(api: TestClient, owner: Staff) -> dict[str, int]:
    client = new_client(api)["id"]
    package = created(api.post("/api/v1/packages", json={"name": "Tax Basic"}))["id"]
    return {"client": client, "package": package, "staff": owner.id}


def ref_values(case: Case, refs: dict[str, int]) -> dict[str, Any]:
    body = case.body(refs)
    return {name: body[name] for name in case.refs}


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_create_read_update_delete(api: TestClient, refs: dict[str, int], case: Case) -> None:
    url = f"/api/v1/{case.path}"
    response = api.post(url, json=case.body(refs))
    body = created(response)
    assert response.headers["location"] == f"{url}/{body['id']}"
    expected = {**case.expected, **ref_values(case, refs)}
    assert {key: body[key] for key in expected} == expected
    assert utc(body["created_at"]) <= utc(body["updated_at"])
    assert api.get(f"{url}/{body['id']}").json() == body

    changed = api.patch(f"{url}/{body['id']}", json=case.change)
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after == {**body, **case.changed, "updated_at": after["updated_at"]}
    assert api.get(f"{url}/{body['id']}").json() == after

    assert api.delete(f"{url}/{body['id']}").status_code == 204
    assert_error(api.get(f"{url}/{body['id']}"), 404, "not_found")
    assert_error(api.patch(f"{url}/{body['id']}", json={}), 404, "not_found")


@pytest.mark.parametrize("case", [c for c in CASES if c.refs], ids=[c.path for c in CASES if c.refs])
def test_unknown_references_are_named(api: TestClient, refs: dict[str, int], case: Case) -> None:
    for name in case.refs:
        response = api.post(f"/api/v1/{case.path}", json={**case.body(refs), name: 424242})
        assert_error(response, 422, "validation_failed", field=name)


@pytest.mark.parametrize("amount", ["0", "0.0001", "1234.5", "12.30", "9999999999999.9999",
                                    "10000000000000"])
def test_money_is_exact(api: TestClient, client_id: int, amount: str) -> None:
    body = created(api.post("/api/v1/invoices", json={
        "client_id": client_id, "issued_on": "2025-01-31", "amount": amount, "currency": "EUR"}))
    from decimal import Decimal
    assert Decimal(body["amount"]) == Decimal(amount)
    assert len(body["amount"].partition(".")[2]) >= 2  # at least two places: 1234.50
    assert api.get(f"/api/v1/invoices/{body['id']}").json()["amount"] == body["amount"]


def test_engagement_rules(api: TestClient, client_id: int) -> None:
    url = "/api/v1/engagements"
    assert_error(api.post(url, json={"client_id": client_id}), 422, "validation_failed",
                 field="description")
    assert_error(api.post(url, json={"client_id": client_id, "description": "x",
                                     "start_date": "2025-02-01", "end_date": "2025-01-01"}),
                 422, "validation_failed", field="end_date")
    engagement = created(api.post(url, json={"client_id": client_id, "description": "x",
                                             "start_date": "2025-02-01"}))
    assert_error(api.patch(f"{url}/{engagement['id']}", json={"end_date": "2025-01-31"}), 422,
                 "validation_failed", field="end_date")


def test_interaction_time_defaults_to_now_and_must_be_aware(api: TestClient, client_id: int) -> None:
    body = created(api.post("/api/v1/interactions", json={"client_id": client_id, "summary": "Call"}))
    assert utc(body["occurred_at"]) and body["channel"] == "other"
    assert_error(api.post("/api/v1/interactions", json={
        "client_id": client_id, "occurred_at": "2025-03-01T10:00:00"}), 422, "validation_failed",
        field="occurred_at")
    assert_error(api.patch(f"/api/v1/interactions/{body['id']}", json={
        "occurred_at": "2025-03-01T10:00:00"}), 422, "validation_failed", field="occurred_at")
    assert_error(api.post("/api/v1/interactions", json={
        "client_id": client_id, "occurred_at": "0001-01-01T00:00:00+05:00"}), 422,
        "validation_failed", field="occurred_at")


def test_package_names_are_unique(api: TestClient) -> None:
    created(api.post("/api/v1/packages", json={"name": "Payroll"}))
    assert_error(api.post("/api/v1/packages", json={"name": "Payroll"}), 409, "conflict",
                 field="name")


@pytest.mark.parametrize("path", ["contacts", "engagements", "invoices", "interactions"])
def test_list_by_client_newest_first_in_pages(api: TestClient, path: str) -> None:
    first, second = new_client(api, name="First")["id"], new_client(api, name="Second")["id"]
    bodies = {
        "contacts": lambda c, n: {"client_id": c, "name": f"Person {n}"},
        "engagements": lambda c, n: {"client_id": c, "description": f"Job {n}"},
        "invoices": lambda c, n: {"client_id": c, "issued_on": "2025-01-01", "amount": n,
                                  "currency": "EUR"},
        "interactions": lambda c, n: {"client_id": c, "summary": f"Note {n}"},
    }
    ids: dict[int, list[int]] = {first: [], second: []}
    for n in range(5):
        for client in (first, second) if n < 2 else (first,):
            ids[client].append(created(api.post(f"/api/v1/{path}",
                                                json=bodies[path](client, n)))["id"])
    page = api.get(f"/api/v1/{path}?client_id={first}&per_page=2&page=2").json()
    assert [item["id"] for item in page["items"]] == list(reversed(ids[first]))[2:4]
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (5, 3, 2, 2)
    assert {item["client_id"] for item in page["items"]} == {first}
    everything = api.get(f"/api/v1/{path}").json()
    assert [item["id"] for item in everything["items"]] == sorted(ids[first] + ids[second],
                                                                   reverse=True)
    assert api.get(f"/api/v1/{path}?client_id=999").json()["items"] == []


def test_deleting_a_client_deletes_its_records(api: TestClient, client_id: int) -> None:
    contact = created(api.post("/api/v1/contacts", json={"client_id": client_id, "name": "A"}))
    assert api.delete(f"/api/v1/clients/{client_id}").status_code == 204
    assert_error(api.get(f"/api/v1/contacts/{contact['id']}"), 404, "not_found")
