"""The promise ledger's settings page on both databases: the service targets per tier, holidays,
staff leave, the at-risk notice's wording per language, the business clock shown read-only — each
form's bad input answered with the page again and the message beside the field, and only managers
changing anything."""

from __future__ import annotations

from datetime import date

from servicescape.auth.models import Role
from servicescape.clients.models import Tier
from servicescape.promises import policies
from servicescape.promises.models import Holiday, NoticeTemplate, StaffLeave
from servicescape.runtime import Runtime
from tests.integration.pages import conftest as pages
from tests.integration.pages.conftest import (
    Browser,
    field_error,
    flash_after,
    load,
    plain,
)

#: the page tests' fixtures: a signed-in browser per role, and the owner's
browser_as, owner_browser = pages.browser_as, pages.owner_browser


def test_the_settings_page_shows_everything(owner_browser: Browser) -> None:
    page = owner_browser.get("/promises/settings")
    assert page.status_code == 200
    text = plain(page.text)
    assert 'aria-current="true">Settings' in page.text
    for tier in ("key", "growth", "standard"):
        assert f'action="/promises/settings/policies/{tier}"' in page.text
    assert 'id="f-policy-key-first_response_hours"' in page.text and 'value="4"' in page.text
    assert "09:00–17:00" in text and "Monday, Tuesday, Wednesday, Thursday, Friday" in text
    assert "SERVICESCAPE_BUSINESS_HOURS" in text and "SERVICESCAPE_BUSINESS_DAYS" in text
    assert "{new_window}" in text and "The built-in wording" in text
    assert "No holidays recorded." in text and "No leave recorded." in text
    assert owner_browser.get("/promises/settings?language=nonsense").status_code == 200  # the reader's language


def test_service_targets_per_tier(owner_browser: Browser, runtime: Runtime) -> None:
    bad = owner_browser.post("/promises/settings/policies/key", {"first_response_hours": "0", "resolution_days": "3",
                                                                 "late_tolerance_minutes": ""})
    assert bad.status_code == 422
    assert field_error(bad.text, "f-policy-key-first_response_hours") == "Use 1 or more."
    assert field_error(bad.text, "f-policy-key-late_tolerance_minutes") == "This field is required."
    assert field_error(bad.text, "f-policy-growth-first_response_hours") is None
    saved = owner_browser.post("/promises/settings/policies/growth", {
        "first_response_hours": "6", "resolution_days": "4", "late_tolerance_minutes": "20"})
    assert "The targets of the Growth tier were saved." in flash_after(saved, owner_browser)
    with runtime.transaction() as session:
        stored = policies.policy_for(session, Tier.growth)
        assert (stored.first_response_hours, stored.resolution_days, stored.late_tolerance_minutes) == (6, 4, 20)
    assert owner_browser.post("/promises/settings/policies/platinum", {"first_response_hours": "1"}).status_code == 422


def test_holidays_and_leave(owner_browser: Browser, runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    colleague = browser_as(Role.staff, name="Daniel Lim")
    nameless = owner_browser.post("/promises/settings/holidays", {"day": "2030-08-31", "name": ""})
    assert nameless.status_code == 422 and field_error(nameless.text, "f-holiday-name") == "This field is required."
    added = owner_browser.post("/promises/settings/holidays", {"day": "2030-08-31", "name": "Hari Merdeka"})
    assert "Hari Merdeka" in flash_after(added, owner_browser)
    page = owner_browser.get("/promises/settings")
    assert "Hari Merdeka" in plain(page.text) and 'action="/promises/settings/holidays/2030-08-31/delete"' in page.text
    removed = owner_browser.post("/promises/settings/holidays/2030-08-31/delete")
    assert "The holiday was removed." in flash_after(removed, owner_browser)
    with runtime.transaction() as session:
        assert session.get(Holiday, date(2030, 8, 31)) is None
    assert owner_browser.post("/promises/settings/holidays/2030-09-01/delete").status_code == 404

    backwards = owner_browser.post("/promises/settings/leave", {"staff_id": str(colleague.staff.id),
                                                                "starts_on": "2030-07-10", "ends_on": "2030-07-01"})
    assert backwards.status_code == 422 and field_error(backwards.text, "f-leave-ends_on")
    nobody = owner_browser.post("/promises/settings/leave", {"staff_id": "", "starts_on": "2030-07-01",
                                                             "ends_on": "2030-07-10"})
    assert nobody.status_code == 422 and field_error(nobody.text, "f-leave-staff_id") == "This field is required."
    recorded = owner_browser.post("/promises/settings/leave", {
        "staff_id": str(colleague.staff.id), "starts_on": "2030-07-01", "ends_on": "2030-07-10", "note": "Langkawi"})
    assert "The leave was recorded." in flash_after(recorded, owner_browser)
    with runtime.transaction() as session:
        leave_id = session.query(StaffLeave).one().id
    text = plain(owner_browser.get("/promises/settings").text)
    assert "Daniel Lim" in text and "Langkawi" in text
    gone = owner_browser.post(f"/promises/settings/leave/{leave_id}/delete")
    assert "The leave was removed." in flash_after(gone, owner_browser)
    assert load(runtime, StaffLeave, leave_id) is None


def test_the_notices_wording_per_language(owner_browser: Browser, runtime: Runtime) -> None:
    hungarian = owner_browser.get("/promises/settings?language=hu")
    assert hungarian.status_code == 200 and 'action="/promises/settings/notice/hu"' in hungarian.text
    assert 'lang="hu" href="/promises/settings?language=hu#notice" aria-current="true"' in hungarian.text
    unknown = owner_browser.post("/promises/settings/notice/hu", {"subject": "Időpont: {window}",
                                                                  "body": "Kedves {ugyfel}!"})
    assert unknown.status_code == 422 and "unknown placeholders" in field_error(unknown.text, "f-wording-body")  # type: ignore[operator]
    saved = owner_browser.post("/promises/settings/notice/hu", {"subject": "Időpont: {window}",
                                                                "body": "Kedves {client}! Új időpont: {new_window}."})
    assert "was saved" in flash_after(saved, owner_browser)
    assert saved.headers["location"] == "/promises/settings?language=hu#notice"
    page = plain(owner_browser.get("/promises/settings?language=hu").text)
    assert "Kedves {client}! Új időpont: {new_window}." in page and "The firm's own wording" in page
    reset = owner_browser.post("/promises/settings/notice/hu/reset")
    assert "built-in wording" in flash_after(reset, owner_browser)
    with runtime.transaction() as session:
        assert session.get(NoticeTemplate, "hu") is None
    assert owner_browser.post("/promises/settings/notice/xx", {"subject": "a", "body": "b"}).status_code == 422
    assert owner_browser.post("/promises/settings/notice/xx/reset").status_code == 422


def test_staff_and_viewers_see_but_cannot_change(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    staff, viewer = browser_as(Role.staff), browser_as(Role.viewer)
    for reader in (staff, viewer):
        page = reader.get("/promises/settings")
        assert page.status_code == 200 and "Only managers can change these settings." in plain(page.text)
        assert "4 business hours" in plain(page.text) and "<form class=\"form\"" not in page.text
    assert staff.post("/promises/settings/policies/key", {"first_response_hours": "2", "resolution_days": "1",
                                                          "late_tolerance_minutes": "5"}).status_code == 403
    assert staff.post("/promises/settings/holidays", {"day": "2030-08-31", "name": "Merdeka"}).status_code == 403
    assert staff.post("/promises/settings/holidays/2030-08-31/delete").status_code == 403
    assert staff.post("/promises/settings/leave", {"staff_id": str(staff.staff.id), "starts_on": "2030-01-01",
                                                   "ends_on": "2030-01-02"}).status_code == 403
    assert staff.post("/promises/settings/leave/1/delete").status_code == 403
    assert staff.post("/promises/settings/notice/en", {"subject": "a", "body": "b"}).status_code == 403
    assert viewer.post("/promises/settings/notice/en/reset").status_code == 403
    with runtime.transaction() as session:
        assert policies.policy_for(session, Tier.key).first_response_hours == 4
