"""The one error shape of the API, pinned: ``{"error": {"code", "message", "field"?, "details"?}}``,
and the security headers every answer carries, errors included."""

from __future__ import annotations

from typing import Any

from servicescape.web.security import BASE_HEADERS

ERROR_KEYS = {"code", "message", "field", "details"}
SECURITY_HEADERS = {name.decode(): value.decode() for name, value in BASE_HEADERS}


def assert_secure(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.method, response.request.url)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The error body of ``response``, after checking its status, its shape and its code (and
    ``field``: the input it names, or a field under it such as ``custom_fields.x``)."""
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code == status, f"{where}: {response.status_code} {response.text}"
    assert response.headers["content-type"] == "application/json", where
    assert_secure(response)
    body = response.json()
    assert set(body) == {"error"}, (where, body)
    error = body["error"]
    assert {"code", "message"} <= set(error) <= ERROR_KEYS, (where, error)
    assert error["code"] == code, (where, error)
    assert isinstance(error["message"], str) and error["message"].strip(), (where, error)
    if "field" in error:
        assert isinstance(error["field"], str) and error["field"], (where, error)
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer", where
    if code == "validation_failed" and "details" in error:
        assert isinstance(error["details"], list) and error["details"], (where, error)
        for problem in error["details"]:
            assert set(problem) == {"field", "message", "type"}, (where, problem)
    if field is not None:
        named = error.get("field") or ""
        assert named == field or named.startswith(f"{field}."), f"{where}: names {named!r}, not {field!r}: {error}"
    return error  # type: ignore[no-any-return]
