"""Defects a security probe found in the client book, each pinned so that it cannot come back."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from servicescape.web.app import create_app
from tests.conftest import PASSWORD, make_staff, sign_in

RECORDS = {"contacts": {"name": "Tan Wei Jie"}, "engagements": {"description": "Chiller overhaul"},
           "invoices": {"issued_on": "2025-03-01", "amount": "10.00", "currency": "MYR"},
           "interactions": {"summary": "Called"}}


def _client(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return service.clients.create(session, {"name": "Tan Holdings Sdn Bhd"}, by=SYSTEM).id


def test_ids_past_the_columns_range_are_refused_in_a_patch(api: TestClient, runtime: Runtime) -> None:
    client_id = _client(runtime)
    for kind, body in RECORDS.items():
        created = api.post(f"/api/v1/{kind}", json={"client_id": client_id, **body})
        assert created.status_code == 201, created.text
        patched = api.patch(f"/api/v1/{kind}/{created.json()['id']}", json={"client_id": 9223372036854775808})
        assert patched.status_code == 422, (kind, patched.text)
        assert patched.json()["error"]["field"] == "client_id"


def test_ids_in_urls_are_digits_only(api: TestClient, runtime: Runtime, web: TestClient, owner: Staff) -> None:
    client_id = _client(runtime)
    assert api.get(f"/api/v1/clients/{client_id}.0").status_code == 422
    assert api.get(f"/api/v1/contacts?client_id={client_id}.0").status_code == 422
    sign_in(web, owner.email)
    page = web.get("/clients")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    deleted = web.post(f"/clients/{client_id}.0/delete", data={"csrf_token": token}, follow_redirects=False)
    assert deleted.status_code == 422
    with runtime.transaction() as session:
        assert session.get(Client, client_id) is not None


def test_a_forged_flash_cookie_is_ignored(web: TestClient) -> None:
    response = web.get("/signin", headers={"Cookie": "ss_flash=x.é".encode()})
    assert response.status_code == 200


def test_an_unexpected_error_answers_500_with_the_security_headers(runtime: Runtime) -> None:
    app = create_app(runtime=runtime)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("a defect")

    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert header in response.headers, header
    assert response.headers["cache-control"] == "no-store"


def test_pages_api_answers_and_downloads_are_not_cached(api: TestClient, web: TestClient, owner: Staff) -> None:
    sign_in(web, owner.email)
    assert web.get("/clients").headers["cache-control"] == "no-store"
    assert api.get("/api/v1/clients").headers["cache-control"] == "no-store"
    assert api.get("/api/v1/exports/clients").headers["cache-control"] == "no-store"
    assert web.get("/static/app.css").headers.get("cache-control") != "no-store"


def test_a_chunked_body_over_the_limit_is_413(runtime: Runtime, api: TestClient) -> None:
    runtime.settings.max_upload_mb = 1
    app = create_app(runtime=runtime)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield b"x" * (600 * 1024)

    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.post("/api/v1/imports/clients", content=chunks(),
                               headers={"Authorization": api.headers["Authorization"],
                                        "Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"


def test_passwords_are_taken_exactly_as_typed(api: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    spacey = "  Spacey-Pass-2026  "
    created = api.post("/api/v1/staff", json={"name": "Ana Lim", "email": "ana@firm.test", "password": spacey})
    assert created.status_code == 201, created.text
    browser = TestClient(app, base_url="http://127.0.0.1")
    sign_in(browser, "ana@firm.test", spacey)
    wrong = TestClient(app, base_url="http://127.0.0.1")
    page = wrong.get("/signin")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    trimmed = wrong.post("/signin", data={"email": "ana@firm.test", "password": spacey.strip(),
                                          "csrf_token": token}, follow_redirects=False)
    assert trimmed.status_code == 401
    for password, field_message in (("        ", "only spaces"), ("bob@firm.test", "e-mail"),
                                    ("Servicescape", "too common")):
        refused = api.post("/api/v1/staff", json={"name": "Bob", "email": "bob@firm.test", "password": password})
        assert refused.status_code == 422, password
        assert field_message in refused.json()["error"]["message"], refused.json()


def test_the_demo_refuses_production_and_never_adds_a_known_password_where_staff_work(
        db_url: str, runtime: Runtime) -> None:
    production = CliRunner(env={"SERVICESCAPE_MODE": "production"})
    refused = production.invoke(cli, ["demo", "--clients", "5", "--db", db_url])
    assert refused.exit_code == 1 and "SERVICESCAPE_MODE is production" in refused.output
    make_staff(runtime, Role.owner, "boss@firm.test")
    forced = production.invoke(cli, ["demo", "--clients", "5", "--force", "--db", db_url])
    assert forced.exit_code == 0, forced.output
    assert "without the published demo password" in " ".join(forced.output.split())
    with runtime.transaction() as session:
        demo_owner = auth.find_by_email(session, "owner@demo.servicescape.test")
        assert demo_owner is not None and demo_owner.password_hash is None
        real = auth.find_by_email(session, "boss@firm.test")
        assert real is not None and real.password_hash is not None
    assert PASSWORD  # the real owner's own password still works (make_staff set it)
