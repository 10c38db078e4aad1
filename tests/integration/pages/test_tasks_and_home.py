"""The task pages, the client page's tasks section, the timeline and the home page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.platform.timeline import TimelineScope, timeline
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task
from tests.integration.pages.conftest import (
    Browser,
    add_client,
    add_record,
    counting_queries,
    flash_after,
    load,
    plain,
)

HTMX = {"HX-Request": "true"}


def _task(runtime: Runtime, **fields: object) -> int:
    with runtime.transaction() as session:
        return tasks.tasks.create(session, {"title": "Follow up", **fields}, by=SYSTEM).id


def test_my_tasks_and_the_teams(owner_browser: Browser, runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    colleague = browser_as(Role.staff, name="Daniel Lim")
    _task(runtime, title="Mine, overdue", owner_id=owner_browser.staff.id,
          due_at=datetime.now(UTC) - timedelta(hours=5))
    _task(runtime, title="Daniel's", owner_id=colleague.staff.id)
    mine = plain(owner_browser.get("/tasks").text)
    assert "Mine, overdue" in mine and "Daniel's" not in mine and "Overdue" in mine
    team = plain(owner_browser.get("/tasks?view=team").text)
    assert "Mine, overdue" in team and "Daniel's" in team
    only_daniel = plain(owner_browser.get(f"/tasks?view=team&owner={colleague.staff.id}").text)
    assert "Daniel's" in only_daniel and "Mine, overdue" not in only_daniel
    assert "No tasks here" in plain(owner_browser.get("/tasks?status=done").text)
    assert owner_browser.get("/tasks?view=team&owner=abc").status_code == 422


def test_add_a_task_from_the_form_then_close_and_reopen_it(owner_browser: Browser, runtime: Runtime) -> None:
    assert owner_browser.get("/tasks/new").status_code == 200
    bad = owner_browser.post("/tasks", {"title": "", "kind": "follow_up", "priority": "normal"})
    assert bad.status_code == 422 and "This field is required." in plain(bad.text)
    created = owner_browser.post("/tasks", {"title": "Send the signed contract", "kind": "follow_up",
                                            "priority": "high", "due_at": "2030-05-01T09:30", "owner_id": ""})
    assert created.status_code == 303
    task_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert "Send the signed contract" in flash_after(created, owner_browser)
    stored = load(runtime, Task, task_id)
    # 09:30 on the firm's clock (Kuala Lumpur) is 01:30 UTC; no owner chosen: whoever added it
    assert stored.due_at == datetime(2030, 5, 1, 1, 30, tzinfo=UTC) and stored.owner_id == owner_browser.staff.id
    page = owner_browser.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and 'value="2030-05-01T09:30"' in page.text
    no_outcome = owner_browser.post(f"/tasks/{task_id}/close", {"outcome": ""})
    assert no_outcome.status_code == 422 and load(runtime, Task, task_id).status.value == "open"
    closed = owner_browser.post(f"/tasks/{task_id}/close", {"outcome": "Signed and filed."})
    assert closed.status_code == 303 and load(runtime, Task, task_id).status.value == "done"
    assert "Signed and filed." in plain(owner_browser.get(f"/tasks/{task_id}").text)
    assert owner_browser.post(f"/tasks/{task_id}/reopen").status_code == 303
    assert load(runtime, Task, task_id).status.value == "open"
    saved = owner_browser.post(f"/tasks/{task_id}", {"title": "Send the countersigned contract", "kind": "follow_up",
                                                     "priority": "urgent", "due_at": "", "owner_id": ""})
    assert saved.status_code == 303
    assert load(runtime, Task, task_id).priority.value == "urgent"
    assert owner_browser.post(f"/tasks/{task_id}/delete").status_code == 303
    assert load(runtime, Task, task_id) is None


def test_staff_cannot_delete_and_viewers_cannot_write(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    task_id = _task(runtime)
    staff, viewer = browser_as(Role.staff), browser_as(Role.viewer)
    assert staff.post(f"/tasks/{task_id}/delete").status_code == 403
    assert viewer.get("/tasks/new").status_code == 403
    assert viewer.post(f"/tasks/{task_id}/close", {"outcome": "x"}).status_code == 403
    page = viewer.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and f'action="/tasks/{task_id}/close"' not in page.text


def test_the_client_pages_tasks_section_adds_with_and_without_htmx(owner_browser: Browser,
                                                                    runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Petrova Architects")
    page = owner_browser.get(f"/clients/{client_id}")
    assert 'id="tasks"' in page.text and "No tasks for this client." in plain(page.text)
    body = {"title": "Ask for a testimonial", "kind": "follow_up", "priority": "normal", "owner_id": "",
            "client_id": str(client_id), "from": "client", "due_at": ""}
    swapped = owner_browser.post("/tasks", body, headers=HTMX)
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith('<section class="card" id="tasks"')
    assert "Ask for a testimonial" in plain(swapped.text) and "hx-swap-oob" in swapped.text
    failed = owner_browser.post("/tasks", {**body, "title": ""}, headers=HTMX)
    assert failed.status_code == 422 and 'id="tasks"' in failed.text and "<html" not in failed.text
    plain_post = owner_browser.post("/tasks", {**body, "title": "Book the lunch"})
    assert plain_post.status_code == 303 and plain_post.headers["location"] == f"/clients/{client_id}#tasks"
    failed_page = owner_browser.post("/tasks", {**body, "title": ""})
    assert failed_page.status_code == 422 and "<html" in failed_page.text and "<details class=\"add-form\" open" in \
        failed_page.text


def test_the_timeline_merges_every_kind_newest_first_and_filters(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Harbour View Insurance")
    add_record(runtime, "invoices", client_id=client_id, issued_on=date(2025, 1, 10), amount=Decimal("100.00"),
               currency="TWD", external_id="INV-1")
    add_record(runtime, "interactions", client_id=client_id, channel="meal",
               occurred_at=datetime(2025, 2, 1, 4, 0, tzinfo=UTC), summary="Lunch with the director")
    add_record(runtime, "engagements", client_id=client_id, description="Chiller overhaul",
               start_date=date(2024, 12, 1))
    _task(runtime, title="Send the renewal", client_id=client_id)
    text = plain(owner_browser.get(f"/clients/{client_id}").text)
    order = [text.index(s) for s in ("Task: Send the renewal", "Lunch with the director", "Invoice INV-1",
                                     "Engagement: Chiller")]
    assert order == sorted(order)
    only = plain(owner_browser.get(f"/clients/{client_id}/sections/timeline?type=invoice", headers=HTMX).text)
    assert "Invoice INV-1" in only and "Lunch with the director" not in only
    assert owner_browser.get(f"/clients/{client_id}/sections/timeline?type=nonsense").status_code == 422
    assert owner_browser.get(f"/clients/{client_id}/sections/nonsense").status_code == 404


def test_paging_through_the_timeline_shows_every_event_once(runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Kovács és Társa Kft.")
    day = date(2025, 3, 3)
    for n in range(7):  # several invoices on the same day: the cursor must tell them apart
        add_record(runtime, "invoices", client_id=client_id, issued_on=day, amount=Decimal(n + 1), currency="HUF")
    for n in range(9):
        add_record(runtime, "interactions", client_id=client_id, occurred_at=datetime(2025, 3, n + 1, tzinfo=UTC),
                   summary=f"Note {n}")
    seen, cursor, pages = [], None, 0
    with runtime.transaction() as session:
        while True:
            page = timeline(session, TimelineScope(client_id=client_id), by=SYSTEM, zone=runtime.settings.zone,
                            before=cursor, limit=4)
            seen += [(e.type, e.id) for e in page.events]
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert len(seen) == 16 and len(set(seen)) == 16 and pages == 4


def test_the_timeline_costs_the_same_queries_for_few_and_many_events(owner_browser: Browser,
                                                                      runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Greenfield Dental Group")

    def queries() -> int:
        owner_browser.get(f"/clients/{client_id}/sections/timeline", headers=HTMX)
        with counting_queries(runtime) as statements:
            assert owner_browser.get(f"/clients/{client_id}/sections/timeline", headers=HTMX).status_code == 200
        return len(statements)

    few = queries()
    for n in range(40):
        add_record(runtime, "interactions", client_id=client_id, summary=f"Note {n}")
        _task(runtime, title=f"Task {n}", client_id=client_id)
    assert queries() == few


def test_the_home_page_shows_my_tasks_and_activity_on_my_clients(owner_browser: Browser, runtime: Runtime,
                                                                 browser_as) -> None:  # type: ignore[no-untyped-def]
    mine = add_client(runtime, name="Tan Holdings Sdn Bhd", owner_id=owner_browser.staff.id)
    other = add_client(runtime, name="Someone Else's Client")
    add_record(runtime, "interactions", client_id=mine, channel="call", summary="Confirmed the visit")
    add_record(runtime, "interactions", client_id=other, channel="call", summary="Not my client")
    _task(runtime, title="Overdue call", owner_id=owner_browser.staff.id,
          due_at=datetime.now(UTC) - timedelta(days=1), client_id=mine)
    home = owner_browser.get("/")
    assert home.status_code == 200
    text = plain(home.text)
    assert "Your tasks" in text and "Overdue call" in text and "Tan Holdings Sdn Bhd" in text
    assert "Confirmed the visit" in text and "Not my client" not in text
    stats = re.findall(r'class="stat-value"[^>]*>([^<]*)<', home.text)
    assert stats[:3] == ["1", "1", "1"], stats  # overdue, due by tonight, open
    viewer = browser_as(Role.viewer)
    assert viewer.get("/").status_code == 200


def test_error_pages_speak_to_people(browser_as, owner_browser: Browser, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    viewer = browser_as(Role.viewer)
    refused = plain(viewer.get("/clients/new").text)
    assert "It takes the right to: Add and edit clients" in refused and "(clients.write)" not in refused
    bad = owner_browser.get("/clients?page=abc")
    assert bad.status_code == 422
    text = plain(bad.text)
    assert "Some information is not valid" in text and "Unprocessable" not in text and "Input should" not in text
    for n in range(3):
        _task(runtime, title=f"Task {n}")
    beyond = owner_browser.get("/tasks?view=team&page=999")
    assert beyond.status_code == 200 and "Task 0" in plain(beyond.text)


def test_the_task_form_takes_a_clients_name_number_or_other_id(owner_browser: Browser, runtime: Runtime) -> None:
    tan = add_client(runtime, name="Tan Holdings Sdn Bhd", external_id="MY-0000042")
    add_client(runtime, name="Harbour View")
    add_client(runtime, name="harbour view")
    base = {"title": "Follow up", "kind": "follow_up", "priority": "normal", "owner_id": "", "due_at": ""}
    for typed in ("tan holdings sdn bhd", "MY-0000042", str(tan)):
        created = owner_browser.post("/tasks", {**base, "client": typed})
        assert created.status_code == 303, (typed, plain(created.text)[:300])
        assert load(runtime, Task, int(created.headers["location"].rsplit("/", 1)[1])).client_id == tan
    task_page = owner_browser.get(created.headers["location"]).text
    assert 'value="Tan Holdings Sdn Bhd"' in task_page  # the edit form shows the name, not a number
    ambiguous = owner_browser.post("/tasks", {**base, "client": "Harbour View"})
    assert ambiguous.status_code == 422 and "Several clients are called Harbour View" in plain(ambiguous.text)
    unknown = owner_browser.post("/tasks", {**base, "client": "Nobody Ltd"})
    assert unknown.status_code == 422 and "No client is called or numbered Nobody Ltd" in plain(unknown.text)
