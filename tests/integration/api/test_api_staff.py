"""/api/v1/staff and /api/v1/me: names for everyone, e-mails and roles for managers and
owners, accounts managed by owners only and never deleted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from servicescape.auth.models import Role, Staff
from servicescape.platform.registry import registry
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD, api_as, sign_in
from tests.integration.api.conftest import assert_error, created, utc


def test_me(api: TestClient, owner: Staff) -> None:
    assert api.get("/api/v1/me").json() == {
        "id": owner.id, "name": "Owner Person", "email": "owner@firm.test", "role": "owner",
        "language": None, "permissions": sorted(registry().permissions),
    }


def test_me_as_viewer(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    me = api_as(app, runtime, Role.viewer).get("/api/v1/me").json()
    assert (me["role"], me["permissions"]) == (
        "viewer", ["clients.read", "home.use", "plan.read", "portal.read", "promises.read", "quality.read",
                   "referrals.read", "relationships.read", "staff.directory", "tasks.read", "voice.read"])


def test_owner_adds_changes_and_deactivates_staff(app, api: TestClient, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    response = api.post("/api/v1/staff", json={"name": " Aisha Tan ", "email": "Aisha@Firm.Test",
                                              "role": "manager", "password": PASSWORD})
    aisha = created(response)
    assert response.headers["location"] == f"/api/v1/staff/{aisha['id']}"
    assert {k: aisha[k] for k in ("name", "email", "role", "active")} == {
        "name": "Aisha Tan", "email": "aisha@firm.test", "role": "manager", "active": True}
    utc(aisha["created_at"])
    sign_in(TestClient(app, base_url="http://127.0.0.1"), "aisha@firm.test")  # the password works

    changed = api.patch(f"/api/v1/staff/{aisha['id']}", json={"role": "staff", "name": "Aisha T."})
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("name", "role", "active")} == {
        "name": "Aisha T.", "role": "staff", "active": True}

    assert api.delete(f"/api/v1/staff/{aisha['id']}").status_code == 204
    after = api.get(f"/api/v1/staff/{aisha['id']}").json()
    assert (after["active"], after["email"]) == (False, "aisha@firm.test")  # kept, not deleted
    assert api.get("/api/v1/staff?active=false").json()["items"] == [after]
    back = api.patch(f"/api/v1/staff/{aisha['id']}", json={"active": True}).json()
    assert back["active"] is True


def test_staff_create_is_validated(api: TestClient, owner: Staff) -> None:
    assert_error(api.post("/api/v1/staff", json={"name": "X", "email": "not-an-email"}), 422,
                 "validation_failed", field="email")
    assert_error(api.post("/api/v1/staff", json={"name": "X", "email": "owner@firm.test"}), 409,
                 "conflict", field="email")
    assert_error(api.post("/api/v1/staff", json={"name": "X", "email": "x@firm.test",
                                                  "password": "short"}), 422,
                 "validation_failed", field="password")
    assert_error(api.post("/api/v1/staff", json={"name": "X", "email": "x@firm.test",
                                                  "role": "emperor"}), 422,
                 "validation_failed", field="role")


def test_the_last_owner_stays(api: TestClient, owner: Staff) -> None:
    assert_error(api.delete(f"/api/v1/staff/{owner.id}"), 409, "conflict")
    assert_error(api.patch(f"/api/v1/staff/{owner.id}", json={"role": "manager"}), 409, "conflict")
    assert_error(api.patch(f"/api/v1/staff/{owner.id}", json={"active": False}), 409, "conflict")
    assert api.get("/api/v1/me").json()["role"] == "owner"


def test_deactivating_revokes_tokens(app, api: TestClient, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    member = api_as(app, runtime, Role.staff)
    me = member.get("/api/v1/me").json()
    assert api.delete(f"/api/v1/staff/{me['id']}").status_code == 204
    assert_error(member.get("/api/v1/me"), 401, "authentication_required")
    assert api.patch(f"/api/v1/staff/{me['id']}", json={"active": True}).status_code == 200
    assert_error(member.get("/api/v1/me"), 401, "authentication_required")  # still revoked


def test_everyone_sees_names_only_managers_see_emails_and_roles(app, api: TestClient,  # type: ignore[no-untyped-def]
                                                                runtime: Runtime, owner: Staff) -> None:
    viewer = api_as(app, runtime, Role.viewer)
    manager = api_as(app, runtime, Role.manager)
    listed = viewer.get("/api/v1/staff").json()
    assert [(s["name"], s["email"], s["role"]) for s in listed["items"]] == [
        ("Manager Person", None, None), ("Owner Person", None, None),
        ("Viewer Person", None, None)]
    assert viewer.get(f"/api/v1/staff/{owner.id}").json()["email"] is None
    full = manager.get("/api/v1/staff").json()
    assert [(s["email"], s["role"]) for s in full["items"]] == [
        ("manager@firm.test", "manager"), ("owner@firm.test", "owner"),
        ("viewer@firm.test", "viewer")]
    assert full["total"] == 3


def test_only_owners_manage_staff(app, runtime: Runtime, owner: Staff) -> None:  # type: ignore[no-untyped-def]
    for role in (Role.manager, Role.staff, Role.viewer):
        caller = api_as(app, runtime, role)
        assert_error(caller.post("/api/v1/staff", json={"name": "N", "email": "n@firm.test"}), 403,
                     "permission_denied")
        assert_error(caller.patch(f"/api/v1/staff/{owner.id}", json={"name": "Z"}), 403,
                     "permission_denied")
        assert_error(caller.delete(f"/api/v1/staff/{owner.id}"), 403, "permission_denied")


def test_unknown_staff_is_404(api: TestClient) -> None:
    for response in (api.get("/api/v1/staff/999"), api.patch("/api/v1/staff/999", json={}),
                     api.delete("/api/v1/staff/999")):
        assert_error(response, 404, "not_found")
