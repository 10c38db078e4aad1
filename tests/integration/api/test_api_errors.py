"""One error shape for every 4xx, declared in OpenAPI; nothing a client sends gives a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicescape.runtime import Runtime
from tests.integration.api.conftest import assert_error, created


def test_error_shape_is_pinned(api: TestClient) -> None:
    assert api.get("/api/v1/clients/4242").json() == {
        "error": {"code": "not_found", "message": "Client 4242 does not exist."}}
    response = api.post("/api/v1/clients", json={"name": "A", "tier": "platinum"})
    assert response.status_code == 422
    assert response.json() == {"error": {
        "code": "validation_failed",
        "message": "tier: Input should be 'key', 'growth' or 'standard'",
        "field": "tier",
        "details": [{"field": "tier", "message": "Input should be 'key', 'growth' or 'standard'",
                     "type": "enum"}],
    }}
    assert api.post("/api/v1/clients", json={"name": "A", "owner_id": 77}).json() == {
        "error": {"code": "validation_failed", "message": "owner_id 77 does not exist.",
                  "field": "owner_id"}}


def test_openapi_declares_our_error_shape(api: TestClient) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    assert components["ErrorOut"]["required"] == ["error"]
    assert components["ErrorBody"]["required"] == ["code", "message"]
    assert set(components["ErrorBody"]["properties"]) == {"code", "message", "field", "details"}
    operations = [(path, method, op) for path, item in schema["paths"].items()
                  for method, op in item.items()]
    for entity in ("clients", "contacts", "engagements", "invoices", "interactions", "packages",
                   "staff"):
        assert set(schema["paths"][f"/api/v1/{entity}"]) == {"get", "post"}
        assert set(schema["paths"][f"/api/v1/{entity}/{{id}}"]) == {"get", "patch", "delete"}
    assert set(schema["paths"]["/api/v1/me"]) == {"get"}
    for path, method, op in operations:
        codes = {code for code in op["responses"] if code.startswith("4")}
        assert "401" in codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in codes, (method, path)
        for code in codes:
            content = op["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def post_raw(api: TestClient, path: str, content: bytes,
             content_type: str = "application/json") -> Any:
    return api.post(path, content=content, headers={"content-type": content_type})


@pytest.mark.parametrize(("content", "status", "code"), [
    (b'{"name": "A"', 422, "validation_failed"),                      # truncated JSON
    (b"[1, 2, 3]", 422, "validation_failed"),                          # not an object
    (b"null", 422, "validation_failed"),
    (b'"A"', 422, "validation_failed"),
    (b'{"name": "\xff\xfe"}', 400, "bad_request"),                      # not UTF-8
    (b"\x00\x01\x02", 422, "validation_failed"),
    (b'{"name": "A", "custom_fields": {"x": NaN}}', 422, "validation_failed"),
    (b'{"name": "A", "custom_fields": {"x": Infinity}}', 422, "validation_failed"),
    (b'{"name": "A", "custom_fields": {"x": 1' + b"0" * 5000 + b"}}", 400, "bad_request"),
])
def test_unreadable_bodies(api: TestClient, content: bytes, status: int, code: str) -> None:
    assert_error(post_raw(api, "/api/v1/clients", content), status, code)


def test_a_body_that_is_not_json(api: TestClient) -> None:
    assert_error(post_raw(api, "/api/v1/clients", b'{"name": "A"}', "text/plain"), 422,
                 "validation_failed")
    assert_error(post_raw(api, "/api/v1/clients", b"name=A",
                          "application/x-www-form-urlencoded"), 422, "validation_failed")


HOSTILE_BODIES: list[tuple[str, dict[str, Any], str | None]] = [
    ("clients", {"name": "A", "owner_id": True}, "owner_id"),             # strict ids
    ("clients", {"name": "A", "owner_id": 1.0}, "owner_id"),
    ("clients", {"name": "A", "owner_id": "1"}, "owner_id"),
    ("clients", {"name": "A", "owner_id": 2**31}, "owner_id"),            # INTEGER columns
    ("clients", {"name": "A", "owner_id": 2**64}, "owner_id"),
    ("clients", {"name": "A", "owner_id": -(2**70)}, "owner_id"),
    ("clients", {"name": "A", "owner_id": 0}, "owner_id"),
    ("clients", {"name": "A\x00B"}, "name"),                              # NUL bytes
    ("clients", {"name": "A", "city": "\x00"}, "city"),
    ("clients", {"name": "   "}, "name"),
    ("clients", {"name": "A", "country": "MYS"}, "country"),
    ("clients", {"name": "A", "kind": "robot"}, "kind"),                  # unknown enums
    ("clients", {"name": "A", "tier": True}, "tier"),
    ("clients", {"name": "A", "status": None}, "status"),
    ("clients", {"name": "A", "unknown": 1}, "unknown"),                  # extra fields
    ("clients", {"name": "A" * 301}, "name"),
    ("clients", {"name": "A", "phone": "1" * 61}, "phone"),                # column lengths
    ("clients", {"name": "A", "custom_fields": {"x": [1]}}, None),
    ("clients", {"name": "A", "custom_fields": {"nul\x00key": 1}}, "custom_fields"),  # NUL, as in a name
    ("clients", {"name": "A", "custom_fields": {"x": "a\x00b"}}, "custom_fields"),
    ("clients", {"name": "A", "custom_fields": {" ": "unnamed"}}, "custom_fields"),
    ("clients", {"name": 12}, "name"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": "NaN",
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": "-Infinity",
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": "1e400",
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": "0.00001",
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": 10**14,
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": True,
                  "currency": "EUR"}, "amount"),
    ("invoices", {"client_id": 1, "issued_on": "2025-02-30", "amount": "1",
                  "currency": "EUR"}, "issued_on"),
    ("invoices", {"client_id": 1, "issued_on": "2025-01-01", "amount": "1",
                  "currency": "E€R"}, "currency"),
    ("invoices", {"client_id": True, "issued_on": "2025-01-01", "amount": "1",
                  "currency": "EUR"}, "client_id"),
    ("interactions", {"client_id": 1, "occurred_at": "2025-03-01T10:00:00"}, "occurred_at"),
    ("interactions", {"client_id": 1, "occurred_at": "9999-12-31T23:59:59-14:00"},
     "occurred_at"),
    ("interactions", {"client_id": 1, "occurred_at": "yesterday"}, "occurred_at"),
    ("interactions", {"client_id": 1, "channel": "pigeon"}, "channel"),
    ("interactions", {"client_id": 1, "summary": "a\x00"}, "summary"),
    ("engagements", {"client_id": 1, "description": "x", "value": "Infinity"}, "value"),
    ("engagements", {"client_id": 1, "description": "x", "start_date": 10**20}, "start_date"),
    ("packages", {"name": "P", "active": "perhaps"}, "active"),
    ("packages", {"name": "P" * 201}, "name"),
    ("contacts", {"client_id": 1, "name": "A", "external_id": "x" * 101}, "external_id"),
    ("staff", {"name": "A\x00", "email": "a@firm.test"}, "name"),
    ("staff", {"name": "A", "email": "a\x00@firm.test"}, "email"),
]


@pytest.mark.parametrize("path", sorted({path for path, _body, _field in HOSTILE_BODIES}))
def test_hostile_bodies_are_422(api: TestClient, client_id: int, path: str) -> None:
    """One test per entity (a fresh database each is slow): every body is refused, naming the
    field, and nothing was written."""
    assert client_id == 1
    before = api.get(f"/api/v1/{path}").json()["total"]
    for body, field in [(body, field) for where, body, field in HOSTILE_BODIES if where == path]:
        error = assert_error(api.post(f"/api/v1/{path}", json=body), 422, "validation_failed")
        if field is not None:
            assert error["field"] == field or error["field"].startswith(f"{field}."), (body, error)
    assert api.get(f"/api/v1/{path}").json()["total"] == before


PATHS = ["clients", "contacts", "engagements", "invoices", "interactions", "packages", "staff"]


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", "1.5", "true", "2147483648",
                                    "99999999999999999999999"])
def test_bad_ids_in_paths(api: TestClient, bad_id: str) -> None:
    for path in PATHS:
        assert_error(api.get(f"/api/v1/{path}/{bad_id}"), 422, "validation_failed", field="id")
        assert_error(api.patch(f"/api/v1/{path}/{bad_id}", json={}), 422, "validation_failed")
        assert_error(api.delete(f"/api/v1/{path}/{bad_id}"), 422, "validation_failed", field="id")


@pytest.mark.parametrize("query", ["page=0", "per_page=10000", "page=1e9", "per_page=true",
                                   "client_id=0", "client_id=2e30"])
def test_bad_list_parameters(api: TestClient, query: str) -> None:
    for path in PATHS[1:]:
        response = api.get(f"/api/v1/{path}?{query}")
        if query.startswith("client_id") and path in ("packages", "staff"):
            assert response.status_code == 200  # no such filter there: ignored, as unknown ones
        else:
            assert_error(response, 422, "validation_failed", field=query.partition("=")[0])


def test_last_page_far_away_is_empty_not_an_error(api: TestClient) -> None:
    page = api.get("/api/v1/clients?page=1000000&per_page=500").json()
    assert (page["items"], page["page"]) == ([], 1000000)


def test_custom_fields_with_odd_but_valid_text_round_trip(api: TestClient) -> None:
    fields = {"=SUM": "+60 12-345 6789", "emoji": "🙂", "big": 10**30, "neg": -1.5e-300}
    body = created(api.post("/api/v1/clients", json={"name": "A", "custom_fields": fields}))
    assert api.get(f"/api/v1/clients/{body['id']}").json()["custom_fields"] == fields


@pytest.mark.parametrize("custom", [{"nul\u0000key": "x"}, {"note": "a\u0000b"}])
def test_nul_in_a_custom_field_is_refused_as_in_a_name(api: TestClient, custom: dict[str, str]) -> None:
    """A NUL is refused in a custom field's name and text as it is in a name: no database keeps it."""
    assert_error(api.post("/api/v1/clients", json={"name": "A\u0000"}), 422, "validation_failed", field="name")
    error = assert_error(api.post("/api/v1/clients", json={"name": "A", "custom_fields": custom}), 422,
                         "validation_failed", field="custom_fields")
    assert "NUL" in error["message"]
    kept = created(api.post("/api/v1/clients", json={"name": "A", "custom_fields": {"note": "ok"}}))
    assert_error(api.patch(f"/api/v1/clients/{kept['id']}", json={"custom_fields": custom}), 422,
                 "validation_failed", field="custom_fields")
    assert api.get(f"/api/v1/clients/{kept['id']}").json()["custom_fields"] == {"note": "ok"}


def test_too_large_a_body_is_413(runtime: Runtime, api: TestClient) -> None:
    limit = runtime.settings.max_upload_bytes
    content = json.dumps({"name": "A", "custom_fields": {"x": "y" * limit}}).encode()
    assert_error(post_raw(api, "/api/v1/clients", content), 413, "payload_too_large")


def test_unknown_route_and_method(api: TestClient) -> None:
    assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(api.put("/api/v1/clients/1", json={}), 405, "method_not_allowed")
