"""/api/v1/clients: create, read, change, delete; search, filters, sorting and paging."""

from __future__ import annotations

import typing

import pytest
from fastapi.testclient import TestClient

from servicescape.auth.models import Staff
from servicescape.clients.api import ClientSort
from servicescape.clients.listing import CLIENT_SORTS
from tests.integration.api.conftest import assert_error, created, new_client, utc

FULL = {
    "name": "Lim & Partners", "external_id": "CRM-0042", "kind": "organisation",
    "email": "office@lim.example", "phone": "+60 3 2222 1111", "website": "https://lim.example",
    "country": "my", "city": "Kuala Lumpur", "language": "ms", "region": "Klang Valley",
    "industry": "Law", "segment": "SME", "tier": "key", "status": "active",
    "custom_fields": {"partner": "Mr Lim", "seats": 12, "vat": 0.08, "listed": False, "note": None},
}


def test_create_read_update_delete_client(api: TestClient, owner: Staff) -> None:
    body = created(api.post("/api/v1/clients", json={**FULL, "owner_id": owner.id}))
    expected = {**FULL, "country": "MY", "owner_id": owner.id}
    assert {key: body[key] for key in expected} == expected
    assert set(body) == set(expected) | {"id", "created_at", "updated_at"}
    assert utc(body["created_at"]) <= utc(body["updated_at"])
    assert api.get(f"/api/v1/clients/{body['id']}").json() == body

    changed = api.patch(f"/api/v1/clients/{body['id']}", json={"tier": "growth", "city": None})
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after == {**body, "tier": "growth", "city": None, "updated_at": after["updated_at"]}
    assert utc(after["updated_at"]) >= utc(body["updated_at"])
    assert api.get(f"/api/v1/clients/{body['id']}").json() == after

    gone = api.delete(f"/api/v1/clients/{body['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert_error(api.get(f"/api/v1/clients/{body['id']}"), 404, "not_found")
    assert_error(api.delete(f"/api/v1/clients/{body['id']}"), 404, "not_found")


def test_defaults_and_location(api: TestClient) -> None:
    response = api.post("/api/v1/clients", json={"name": "  Tan Holdings  "})
    body = created(response)
    assert response.headers["location"] == f"/api/v1/clients/{body['id']}"
    assert body["name"] == "Tan Holdings"
    assert (body["kind"], body["tier"], body["status"]) == ("organisation", "standard", "active")
    assert body["custom_fields"] == {}


def test_duplicate_external_id_is_a_conflict(api: TestClient) -> None:
    new_client(api, external_id="X-1")
    assert_error(api.post("/api/v1/clients", json={"name": "B", "external_id": "X-1"}), 409,
                 "conflict", field="external_id")
    other = new_client(api, name="C")
    assert_error(api.patch(f"/api/v1/clients/{other['id']}", json={"external_id": "X-1"}), 409,
                 "conflict", field="external_id")


def test_patch_refuses_emptying_a_required_field(api: TestClient, client_id: int) -> None:
    assert_error(api.patch(f"/api/v1/clients/{client_id}", json={"name": None}), 422,
                 "validation_failed", field="name")
    assert_error(api.patch(f"/api/v1/clients/{client_id}", json={"tier": None}), 422,
                 "validation_failed", field="tier")
    assert_error(api.patch(f"/api/v1/clients/{client_id}", json={"phone": "1" * 61}), 422,
                 "validation_failed", field="phone")
    assert api.get(f"/api/v1/clients/{client_id}").json()["tier"] == "standard"


def test_unknown_owner_is_named(api: TestClient) -> None:
    assert_error(api.post("/api/v1/clients", json={"name": "A", "owner_id": 999}), 422,
                 "validation_failed", field="owner_id")


@pytest.fixture
def book(api: TestClient, owner: Staff) -> dict[str, int]:
    rows: list[dict[str, typing.Any]] = [
        {"name": "Alpha Audit", "tier": "key", "segment": "SME", "country": "MY",
         "city": "Penang", "owner_id": owner.id},
        {"name": "beta Builders", "tier": "growth", "segment": "Enterprise", "country": "SG",
         "email": "hello@beta.example"},
        {"name": "Gamma Goods", "tier": "standard", "segment": "SME", "country": "MY",
         "status": "lost", "external_id": "G-77"},
        {"name": "Delta Dental", "tier": "key", "segment": "Health", "country": "HU",
         "owner_id": owner.id},
    ]
    return {row["name"]: new_client(api, **row)["id"] for row in rows}


def names(response: typing.Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Alpha Audit", "beta Builders", "Delta Dental", "Gamma Goods"]),
    ("q=BETA", ["beta Builders"]),
    ("q=penang", ["Alpha Audit"]),
    ("q=hello@beta", ["beta Builders"]),
    ("q=g-77", ["Gamma Goods"]),
    ("tier=key", ["Alpha Audit", "Delta Dental"]),
    ("segment=SME", ["Alpha Audit", "Gamma Goods"]),
    ("country=my", ["Alpha Audit", "Gamma Goods"]),
    ("status=lost", ["Gamma Goods"]),
    ("tier=key&country=HU", ["Delta Dental"]),
    ("sort=name&desc=true", ["Gamma Goods", "Delta Dental", "beta Builders", "Alpha Audit"]),
    ("sort=country", ["Delta Dental", "Alpha Audit", "Gamma Goods", "beta Builders"]),
    ("sort=created", ["Alpha Audit", "beta Builders", "Gamma Goods", "Delta Dental"]),
    ("sort=created&desc=1", ["Delta Dental", "Gamma Goods", "beta Builders", "Alpha Audit"]),
])
def test_filters_and_sorting(api: TestClient, book: dict[str, int], query: str,
                             expected: list[str]) -> None:
    assert names(api.get(f"/api/v1/clients?{query}")) == expected


def test_filter_by_owner(api: TestClient, book: dict[str, int], owner: Staff) -> None:
    assert names(api.get(f"/api/v1/clients?owner_id={owner.id}")) == ["Alpha Audit",
                                                                      "Delta Dental"]
    assert names(api.get(f"/api/v1/clients?owner_id={owner.id + 1000}")) == []


def test_sorts_offered_are_the_service_sorts() -> None:
    assert set(typing.get_args(ClientSort)) == set(CLIENT_SORTS)


def test_paging(api: TestClient) -> None:
    for number in range(7):
        new_client(api, name=f"Client {number:02d}")
    pages = [api.get(f"/api/v1/clients?per_page=3&page={page}").json() for page in (1, 2, 3, 4)]
    assert [[item["name"] for item in page["items"]] for page in pages] == [
        ["Client 00", "Client 01", "Client 02"], ["Client 03", "Client 04", "Client 05"],
        ["Client 06"], [],
    ]
    assert {(p["total"], p["per_page"], p["pages"]) for p in pages} == {(7, 3, 3)}
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    default = api.get("/api/v1/clients").json()
    assert (default["page"], default["per_page"], default["pages"]) == (1, 50, 1)
    assert len(api.get("/api/v1/clients?per_page=500").json()["items"]) == 7


@pytest.mark.parametrize(("query", "field"), [
    ("page=0", "page"), ("page=-1", "page"), ("page=x", "page"), ("page=99999999999999999999", "page"),
    ("per_page=0", "per_page"), ("per_page=501", "per_page"), ("per_page=10000", "per_page"),
    ("sort=unknown", "sort"), ("sort=name;drop", "sort"), ("tier=platinum", "tier"),
    ("status=asleep", "status"), ("country=Malaysia", "country"), ("owner_id=0", "owner_id"),
    ("owner_id=true", "owner_id"), ("owner_id=1e3", "owner_id"),
    ("owner_id=99999999999999999999999", "owner_id"), ("q=a%00b", "q"), ("desc=maybe", "desc"),
])
def test_bad_list_parameters(api: TestClient, query: str, field: str) -> None:
    assert_error(api.get(f"/api/v1/clients?{query}"), 422, "validation_failed", field=field)
