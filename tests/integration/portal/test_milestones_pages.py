"""The client page's section "Client portal: milestones and documents": each proposed or active
engagement with its milestones in order (added, its status changed, moved and deleted through the
forms, plain and htmx), a bad form shown again with the message next to its field and nothing saved,
and a viewer who sees it all and can change nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.portal import milestones
from servicescape.portal.models import Milestone
from servicescape.runtime import Runtime
from tests.integration.pages import conftest as pages
from tests.integration.pages.conftest import Browser, field_error, flash_after, load, plain

#: the page tests' fixtures: a signed-in owner, and a browser per role
owner_browser = pages.owner_browser
browser_as = pages.browser_as
HTMX = {"HX-Request": "true"}


def a_client_with_work(runtime: Runtime) -> tuple[int, int, int, int]:
    """(client, its active engagement, its completed one, another client's engagement)."""
    today = date.today()
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": "Gradina Hotels EOOD"}, by=SYSTEM).id
        active = clients.engagements.create(session, {
            "client_id": client, "description": "Commissioning and handover – Sofia", "status": "active",
            "start_date": today - timedelta(days=30), "end_date": today + timedelta(days=60)}, by=SYSTEM).id
        completed = clients.engagements.create(session, {
            "client_id": client, "description": "Old audit", "status": "completed"}, by=SYSTEM).id
        other = clients.clients.create(session, {"name": "Kedai Runcit Sdn Bhd"}, by=SYSTEM).id
        theirs = clients.engagements.create(session, {"client_id": other, "description": "Their maintenance",
                                                      "status": "active"}, by=SYSTEM).id
        for name, status in (("Pre-commissioning checks", "done"), ("Functional performance tests", "in_progress")):
            milestones.milestones.create(session, {"engagement_id": active, "name": name, "status": status},
                                         by=SYSTEM)
        milestones.milestones.create(session, {"engagement_id": completed, "name": "Closed long ago"}, by=SYSTEM)
    return client, active, completed, theirs


def section(html: str) -> str:
    found = re.search(r'<section class="card" id="portal_records".*?</section>', html, re.S)
    assert found is not None, "the section is not on the page"
    return found.group(0)


def order(runtime: Runtime, engagement_id: int) -> list[str]:
    with runtime.transaction() as session:
        return [m.name for m in milestones.engagement_milestones(session, engagement_id, by=SYSTEM)]


def test_the_section_and_its_milestone_forms(owner_browser: Browser, runtime: Runtime) -> None:
    client, active, _completed, _theirs = a_client_with_work(runtime)
    shown = section(owner_browser.get(f"/clients/{client}").text)
    text = plain(shown)
    assert "Client portal: milestones and documents" in text
    assert "Commissioning and handover – Sofia" in text and "1 of 2 done" in text
    assert "next: Functional performance tests" in text
    assert "Closed long ago" not in text                           # completed engagements are not planned here
    assert f'action="/clients/{client}/milestones"' in shown and f'action="/clients/{client}/documents"' in shown
    assert 'enctype="multipart/form-data"' in shown

    added = owner_browser.post(f"/clients/{client}/milestones", {
        "engagement_id": str(active), "name": "Handover documentation", "due_on": "2026-09-30",
        "status": "planned", "note": "Binder and digital copy."})
    assert "Milestone “Handover documentation” added." in flash_after(added, owner_browser)
    assert added.headers["location"] == f"/clients/{client}#portal_records"
    swapped = owner_browser.post(f"/clients/{client}/milestones", {"engagement_id": str(active),
                                                                   "name": "Final acceptance"}, headers=HTMX)
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith('<section class="card" id="portal_records"')
    assert "Final acceptance" in swapped.text and "hx-swap-oob" in swapped.text
    assert order(runtime, active) == ["Pre-commissioning checks", "Functional performance tests",
                                      "Handover documentation", "Final acceptance"]

    with runtime.transaction() as session:
        ids = {m.name: m.id for m in milestones.engagement_milestones(session, active, by=SYSTEM)}
    final = ids["Final acceptance"]
    assert owner_browser.post(f"/milestones/{final}/move", {"direction": "up"}).status_code == 303
    assert order(runtime, active)[2:] == ["Final acceptance", "Handover documentation"]
    moved = owner_browser.post(f"/milestones/{ids['Pre-commissioning checks']}/move", {"direction": "down"},
                               headers=HTMX)
    assert moved.status_code == 200 and "portal_records" in moved.text
    assert order(runtime, active)[:2] == ["Functional performance tests", "Pre-commissioning checks"]
    assert owner_browser.post(f"/milestones/{final}/move", {"direction": "sideways"}).status_code == 422

    changed = owner_browser.post(f"/milestones/{final}/status", {"status": "done"}, headers=HTMX)
    assert changed.status_code == 200 and "Milestone “Final acceptance” changed." in changed.text
    assert load(runtime, Milestone, final).done_at is not None
    bad_status = owner_browser.post(f"/milestones/{final}/status", {"status": "finished"})
    assert bad_status.status_code == 422 and "error-summary" in section(bad_status.text)
    assert load(runtime, Milestone, final).status.value == "done"

    deleted = owner_browser.post(f"/milestones/{final}/delete")
    assert "Milestone “Final acceptance” deleted." in flash_after(deleted, owner_browser)
    assert load(runtime, Milestone, final) is None


def test_a_bad_milestone_form_is_shown_again_with_its_message(owner_browser: Browser, runtime: Runtime) -> None:
    client, active, _completed, theirs = a_client_with_work(runtime)
    before = order(runtime, active)
    empty = owner_browser.post(f"/clients/{client}/milestones", {"engagement_id": str(active), "name": " "})
    assert empty.status_code == 422
    assert field_error(section(empty.text), "f-milestone-name")
    assert "<details class=\"add-form\" open>" in section(empty.text)
    foreign = owner_browser.post(f"/clients/{client}/milestones", {"engagement_id": str(theirs), "name": "Sneaky"},
                                 headers=HTMX)
    assert foreign.status_code == 422
    assert "not an engagement of this client" in (field_error(foreign.text, "f-milestone-engagement_id") or "")
    bad_day = owner_browser.post(f"/clients/{client}/milestones", {"engagement_id": str(active), "name": "Visit",
                                                                   "due_on": "31/02/2026"})
    assert bad_day.status_code == 422 and field_error(section(bad_day.text), "f-milestone-due_on")
    assert order(runtime, active) == before
    with runtime.transaction() as session:
        assert milestones.engagement_milestones(session, theirs, by=SYSTEM) == []


def test_a_viewer_sees_the_section_and_changes_nothing(browser_as: Any, runtime: Runtime) -> None:
    client, active, _completed, _theirs = a_client_with_work(runtime)
    viewer = browser_as(Role.viewer)
    shown = section(viewer.get(f"/clients/{client}").text)
    assert "Functional performance tests" in plain(shown) and "In progress" in plain(shown)
    assert "<form" not in shown and "Add a milestone" not in shown and "Share a document" not in shown
    with runtime.transaction() as session:
        first = milestones.engagement_milestones(session, active, by=SYSTEM)[0].id
    for url, data in ((f"/clients/{client}/milestones", {"engagement_id": str(active), "name": "Mine"}),
                      (f"/milestones/{first}/status", {"status": "blocked"}),
                      (f"/milestones/{first}/move", {"direction": "down"}),
                      (f"/milestones/{first}/delete", {})):
        assert viewer.post(url, data).status_code == 403, url
    assert order(runtime, active) == ["Pre-commissioning checks", "Functional performance tests"]
    assert load(runtime, Milestone, first).status.value == "done"
