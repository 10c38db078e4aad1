"""GET /staff and the owner's account changes: add, change role, deactivate, reactivate."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD, make_staff, sign_in
from tests.integration.pages.conftest import Browser, field_error, flash_after, load, plain

NEW = {"name": "Eszter Nagy", "email": "Eszter.Nagy@Firm.test", "role": "staff",
       "password": "correct horse battery staple"}


def _row(html: str, staff_id: int) -> str:
    return plain(re.search(rf'<tr id="staff-{staff_id}">.*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.staff, Role.viewer])
def test_staff_and_viewers_get_a_403_page(browser_as, role: Role) -> None:  # type: ignore[no-untyped-def]
    browser: Browser = browser_as(role)
    response = browser.get("/staff")
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "Error 403" in plain(response.text) and "does not allow" in plain(response.text)
    assert 'href="/staff"' not in browser.get("/clients").text  # nor a navigation entry
    assert browser.post("/staff", NEW).status_code == 403


def test_a_manager_sees_the_staff_but_changes_nothing(browser_as, owner: Staff, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    manager: Browser = browser_as(Role.manager, name="Georgi Ivanov")
    tokens_only = make_staff(runtime, Role.viewer, "robot@firm.test", "Import Robot")
    with runtime.transaction() as session:
        session.get(Staff, tokens_only.id).password_hash = None  # type: ignore[union-attr]
    page = manager.get("/staff")
    assert page.status_code == 200
    assert 'href="/staff"' in page.text and 'aria-current="page"' in page.text
    assert [plain(n).strip() for n in re.findall(r'<tr id="staff-\d+">\s*<td>([^<]*)<', page.text)] == [
        "Georgi Ivanov", "Import Robot", "Owner Person"]
    row = _row(page.text, owner.id)
    assert "owner@firm.test" in row and "Owner" in row and "Active" in row and "Yes" in row
    assert "No: API tokens only" in _row(page.text, tokens_only.id)
    assert 'action="/staff' not in page.text and "Add a staff member" not in page.text
    assert manager.post(f"/staff/{owner.id}", {"role": "viewer"}).status_code == 403


def test_last_sign_in_comes_from_the_audit_trail(owner_browser: Browser, runtime: Runtime) -> None:
    never = make_staff(runtime, Role.staff, "never@firm.test", "Never Signed In")
    page = owner_browser.get("/staff")
    assert "Never" in _row(page.text, never.id)
    owner_row = _row(page.text, owner_browser.staff.id)
    assert "Never" not in owner_row and re.search(r"\d{4}, \d{1,2}:\d{2}", owner_row)


def test_the_owner_adds_a_staff_member_who_can_then_sign_in(owner_browser: Browser, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    page = owner_browser.get("/staff")
    assert '<form class="form" method="post" action="/staff">' in page.text
    response = owner_browser.post("/staff", NEW)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    assert flash_after(response, owner_browser) == "Eszter Nagy was added."
    with runtime.transaction() as session:
        added = session.scalar(select(Staff).where(Staff.email == "eszter.nagy@firm.test"))
        assert added is not None and added.role == Role.staff and added.active
    with TestClient(app, base_url="http://127.0.0.1") as other:
        sign_in(other, "eszter.nagy@firm.test", NEW["password"])
        assert other.get("/clients").status_code == 200


@pytest.mark.parametrize(("change", "field", "status"), [
    ({"email": "not an address"}, "email", 422),
    ({"email": "owner@firm.test"}, "email", 409),
    ({"name": ""}, "name", 422),
    ({"password": "short"}, "password", 422),
    ({"password": "password123"}, "password", 422),
    ({"role": "emperor"}, "role", 422),
])
def test_bad_new_staff_is_the_form_again(owner_browser: Browser, change: dict[str, str], field: str,
                                         status: int) -> None:
    response = owner_browser.post("/staff", {**NEW, **change})
    assert response.status_code == status
    assert field_error(response.text, f"f-staff-{field}")
    assert 'value="Eszter Nagy"' in response.text or field == "name"
    assert NEW["password"] not in response.text  # never echo a password


def test_change_role_deactivate_and_reactivate(owner_browser: Browser, runtime: Runtime) -> None:
    person = make_staff(runtime, Role.staff, "daniel@firm.test", "Daniel Lim")
    response = owner_browser.post(f"/staff/{person.id}", {"role": "manager"})
    assert response.status_code == 303
    assert flash_after(response, owner_browser) == "The role of Daniel Lim was changed."
    assert load(runtime, Staff, person.id).role == Role.manager

    page = owner_browser.get("/staff")
    assert "data-confirm=" in _raw_row(page.text, person.id)
    response = owner_browser.post(f"/staff/{person.id}", {"active": "false"})
    assert response.status_code == 303
    assert "Daniel Lim was deactivated" in flash_after(response, owner_browser)
    assert not load(runtime, Staff, person.id).active
    row = _row(owner_browser.get("/staff").text, person.id)
    assert "Deactivated" in row and "Reactivate" in row

    response = owner_browser.post(f"/staff/{person.id}", {"active": "true"})
    assert response.status_code == 303
    assert flash_after(response, owner_browser) == "Daniel Lim was reactivated."
    assert load(runtime, Staff, person.id).active


def test_the_last_owner_cannot_step_down(owner_browser: Browser, runtime: Runtime) -> None:
    me = owner_browser.staff
    for values in ({"role": "manager"}, {"active": "false"}):
        response = owner_browser.post(f"/staff/{me.id}", values)
        assert response.status_code == 409
        assert "at least one active owner" in _row(response.text, me.id)
        assert load(runtime, Staff, me.id).role == Role.owner and load(runtime, Staff, me.id).active


def test_staff_changes_need_csrf_and_a_real_person(owner_browser: Browser, runtime: Runtime) -> None:
    person = make_staff(runtime, Role.staff, "x@firm.test", "X")
    assert owner_browser.post(f"/staff/{person.id}", {"role": "owner"}, csrf=False).status_code == 403
    assert owner_browser.post("/staff", NEW, csrf=False).status_code == 403
    assert owner_browser.post("/staff/999999", {"role": "owner"}).status_code == 404
    assert load(runtime, Staff, person.id).role == Role.staff
    assert PASSWORD  # the fixtures' password signs the owner in


def _raw_row(html: str, staff_id: int) -> str:
    return re.search(rf'<tr id="staff-{staff_id}">.*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
