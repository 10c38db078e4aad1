"""Who may do what over the API: the same role rules for tokens and browser sessions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.runtime import Runtime
from servicescape.web.deps import session_cookie_name
from servicescape.web.security import csrf_token
from tests.conftest import api_as, make_staff, sign_in, token_for
from tests.integration.api.conftest import assert_error, created, new_client

ANY_CLIENT = {"name": "Acme"}


def test_viewer_reads_but_cannot_write(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    client = new_client(api)
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.get("/api/v1/clients").json()["total"] == 1
    assert viewer.get(f"/api/v1/clients/{client['id']}").status_code == 200
    assert_error(viewer.post("/api/v1/clients", json=ANY_CLIENT), 403, "permission_denied")
    assert_error(viewer.patch(f"/api/v1/clients/{client['id']}", json={"name": "B"}), 403,
                 "permission_denied")
    assert_error(viewer.delete(f"/api/v1/clients/{client['id']}"), 403, "permission_denied")
    assert_error(viewer.post("/api/v1/contacts", json={"client_id": client["id"], "name": "A"}),
                 403, "permission_denied")
    assert api.get(f"/api/v1/clients/{client['id']}").json() == client  # unchanged


def test_staff_writes_but_cannot_delete_or_edit_the_catalogue(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    member = api_as(app, runtime, Role.staff)
    client = created(member.post("/api/v1/clients", json=ANY_CLIENT))
    assert member.patch(f"/api/v1/clients/{client['id']}", json={"tier": "key"}).status_code == 200
    assert_error(member.delete(f"/api/v1/clients/{client['id']}"), 403, "permission_denied")
    assert_error(member.post("/api/v1/packages", json={"name": "Gold"}), 403, "permission_denied")


def test_manager_deletes_and_edits_the_catalogue_but_not_staff(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    manager = api_as(app, runtime, Role.manager)
    client = created(manager.post("/api/v1/clients", json=ANY_CLIENT))
    created(manager.post("/api/v1/packages", json={"name": "Gold"}))
    assert manager.delete(f"/api/v1/clients/{client['id']}").status_code == 204
    assert_error(manager.post("/api/v1/staff", json={"name": "N", "email": "n@firm.test"}), 403,
                 "permission_denied")


def test_no_or_bad_token_is_401(web: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer ssk_not-a-token"}, {"Authorization": "Bearer"},
                    {"Authorization": "Basic dXNlcjpwdw=="}):
        response = web.get("/api/v1/clients", headers=headers)
        assert_error(response, 401, "authentication_required")
        assert response.headers["www-authenticate"] == "Bearer"
    for headers in ({}, {"Authorization": "Bearer ssk_nope"}, {"Authorization": "Basic eDp5"}):
        response = web.post("/api/v1/clients", json=ANY_CLIENT, headers=headers)
        assert_error(response, 401, "authentication_required")
        assert_error(web.delete("/api/v1/clients/1", headers=headers), 401,
                     "authentication_required")


def test_revoked_token_is_401(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    assert api.get("/api/v1/me").status_code == 200
    with runtime.transaction() as session:
        auth.revoke_tokens(session, session.merge(owner), by=SYSTEM)
    assert_error(api.get("/api/v1/me"), 401, "authentication_required")


def test_deactivated_users_token_is_401(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    member = make_staff(runtime, Role.staff, email="leaver@firm.test")
    client = TestClient(app, base_url="http://127.0.0.1")
    client.headers["Authorization"] = f"Bearer {token_for(runtime, member)}"
    assert client.get("/api/v1/me").json()["email"] == "leaver@firm.test"
    with runtime.transaction() as session:  # deactivated directly: its tokens stay unrevoked
        session.merge(member).active = False
    assert_error(client.get("/api/v1/me"), 401, "authentication_required")
    assert_error(client.post("/api/v1/clients", json=ANY_CLIENT), 401, "authentication_required")


def test_cookie_session_needs_the_csrf_header_to_write(web: TestClient, runtime: Runtime,
                                                       owner: Staff) -> None:
    sign_in(web, owner.email)
    assert web.get("/api/v1/me").json()["id"] == owner.id  # reads need no token
    assert_error(web.post("/api/v1/clients", json=ANY_CLIENT), 403, "csrf_failed")
    for forged in (b"forged", b"\xff\xfe", "é".encode("latin-1")):  # bytes ≥ 0x80 too
        assert_error(web.post("/api/v1/clients", json=ANY_CLIENT,
                              headers={b"X-CSRF-Token": forged}), 403, "csrf_failed")
    token = csrf_token(runtime.settings.secret_key, web.cookies[session_cookie_name(runtime)])
    created(web.post("/api/v1/clients", json=ANY_CLIENT, headers={"X-CSRF-Token": token}))
    assert web.get("/api/v1/clients").json()["total"] == 1


def test_a_token_next_to_a_session_cookie_still_needs_csrf(web: TestClient, runtime: Runtime,
                                                            owner: Staff) -> None:
    sign_in(web, owner.email)
    headers = {"Authorization": f"Bearer {token_for(runtime, owner)}"}
    assert_error(web.post("/api/v1/clients", json=ANY_CLIENT, headers=headers), 403, "csrf_failed")


def test_cookie_session_follows_the_same_role_rules(app, web: TestClient,  # type: ignore[no-untyped-def]
                                                    runtime: Runtime) -> None:
    viewer = make_staff(runtime, Role.viewer)
    sign_in(web, viewer.email)
    token = csrf_token(runtime.settings.secret_key, web.cookies[session_cookie_name(runtime)])
    assert_error(web.post("/api/v1/clients", json=ANY_CLIENT, headers={"X-CSRF-Token": token}),
                 403, "permission_denied")


def test_api_writes_are_audited_as_the_caller(api: TestClient, runtime: Runtime,
                                              owner: Staff) -> None:
    client = new_client(api)
    api.patch(f"/api/v1/clients/{client['id']}", json={"tier": "key"})
    api.delete(f"/api/v1/clients/{client['id']}")
    with runtime.transaction() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.actor, AuditEvent.changes)
            .where(AuditEvent.entity == "client").order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor_id, e.actor) for e in events] == [
        ("create", owner.id, owner.email), ("update", owner.id, owner.email),
        ("delete", owner.id, owner.email)]
    assert events[1].changes["tier"] == "key"
