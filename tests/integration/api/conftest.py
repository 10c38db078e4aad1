"""Helpers of the API tests: records made through the API itself, and the error shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

ERROR_KEYS = {"code", "message", "field", "details"}


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "field"?, "details"?}}."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message"} <= set(error) <= ERROR_KEYS
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error.get("field") == field, error
    return error  # type: ignore[no-any-return]


def utc(text: str) -> datetime:
    """A timestamp of a response; it must be timezone-aware and in UTC."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None and value.utcoffset() == UTC.utcoffset(None), text
    return value


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"].endswith(f"/{body['id']}")
    return body


def new_client(api: TestClient, **fields: Any) -> dict[str, Any]:
    return created(api.post("/api/v1/clients", json={"name": "Acme Sdn Bhd", **fields}))


@pytest.fixture
def client_id(api: TestClient) -> int:
    return int(new_client(api)["id"])
