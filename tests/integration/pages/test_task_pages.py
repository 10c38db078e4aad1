"""The task pages: the lists (mine, the team's, filtered), the form, a task's page (change, close
with an outcome, reopen, delete) and adding a task from a client's page (htmx answers the section)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.runtime import Runtime
from servicescape.tasks import service
from servicescape.tasks.models import Task, TaskStatus
from tests.integration.pages.conftest import Browser, add_client, field_error, flash_after, load, plain


def listed(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<td><a href="/tasks/\d+">([^<]*)</a>', html)]


def add_task(runtime: Runtime, **fields: object) -> int:
    with runtime.transaction() as session:
        return service.tasks.create(session, {"title": "A task", **fields}, by=SYSTEM).id


def test_add_change_close_reopen_and_delete_a_task(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    manager: Browser = browser_as(Role.manager, "mei@firm.test", "Chen Mei-Ling")
    client = add_client(runtime, name="Tan Holdings Sdn Bhd")
    form = manager.get(f"/tasks/new?client_id={client}")
    assert form.status_code == 200
    assert f'value="{client}"' in form.text and f'<option value="{manager.staff.id}" selected' in form.text

    added = manager.post("/tasks", {"title": "Send the renewal offer", "kind": "call_back", "owner_id": "",
                                    "due_at": "2025-03-03T09:30", "priority": "high", "client_id": str(client),
                                    "notes": "Mention the audit."})
    assert added.status_code == 303
    task_id = int(added.headers["location"].rsplit("/", 1)[1])
    assert flash_after(added, manager) == "Task “Send the renewal offer” was added."
    task = load(runtime, Task, task_id)
    assert (task.title, task.kind, task.client_id, task.owner_id, task.created_by_id, task.priority.value) == (
        "Send the renewal offer", "call_back", client, manager.staff.id, manager.staff.id, "high")
    assert task.due_at == datetime(2025, 3, 3, 1, 30, tzinfo=UTC)  # 09:30 in Kuala Lumpur

    page = manager.get(f"/tasks/{task_id}")
    text = plain(page.text)
    assert page.status_code == 200 and "Tan Holdings Sdn Bhd" in text and "Call back" in text
    assert "Mar 3, 2025, 9:30:00" in text and "Chen Mei-Ling" in text
    assert f'action="/tasks/{task_id}/delete"' in page.text

    refused = manager.post(f"/tasks/{task_id}", {"title": " ", "kind": "call_back", "priority": "high"})
    assert refused.status_code == 422 and field_error(refused.text, "f-edit-title") == "This field is required."
    saved = manager.post(f"/tasks/{task_id}", {"title": "Send the renewal offer today", "kind": "meeting",
                                               "priority": "normal", "due_at": "", "client_id": str(client)})
    assert flash_after(saved, manager) == "The task was saved."
    task = load(runtime, Task, task_id)
    assert (task.title, task.kind, task.due_at) == ("Send the renewal offer today", "meeting", None)

    no_outcome = manager.post(f"/tasks/{task_id}/close", {"outcome": "  "})
    assert no_outcome.status_code == 422
    assert "Say what was done" in plain(no_outcome.text) and load(runtime, Task, task_id).status == TaskStatus.open
    closed = manager.post(f"/tasks/{task_id}/close", {"outcome": "Offer sent; they will sign next week."})
    assert flash_after(closed, manager) == "The task is done."
    task = load(runtime, Task, task_id)
    assert (task.status, task.outcome, task.closed_by_id) == (TaskStatus.done, "Offer sent; they will sign next week.",
                                                              manager.staff.id)
    assert f'action="/tasks/{task_id}/reopen"' in manager.get(f"/tasks/{task_id}").text

    reopened = manager.post(f"/tasks/{task_id}/reopen")
    assert flash_after(reopened, manager) == "The task is open again."
    assert (load(runtime, Task, task_id).status, load(runtime, Task, task_id).closed_at) == (TaskStatus.open, None)
    cancelled = manager.post(f"/tasks/{task_id}/close", {"outcome": "They chose another firm.", "cancelled": "1"})
    assert flash_after(cancelled, manager) == "The task was cancelled."
    assert load(runtime, Task, task_id).status == TaskStatus.cancelled

    deleted = manager.post(f"/tasks/{task_id}/delete")
    assert deleted.headers["location"] == "/tasks"
    assert flash_after(deleted, manager) == "Task “Send the renewal offer today” was deleted."
    assert load(runtime, Task, task_id) is None
    assert manager.get(f"/tasks/{task_id}").status_code == 404


def test_my_list_the_teams_list_and_their_filters(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    me: Browser = browser_as(Role.staff, "aisyah@firm.test", "Aisyah Rahman")
    other: Browser = browser_as(Role.staff, "daniel@firm.test", "Daniel Lim")
    now = datetime.now(UTC)
    add_task(runtime, title="Mine, overdue", owner_id=me.staff.id, due_at=now - timedelta(days=1))
    add_task(runtime, title="Mine, undated meeting", owner_id=me.staff.id, kind="meeting")
    add_task(runtime, title="Mine, urgent", owner_id=me.staff.id, due_at=now + timedelta(days=3), priority="urgent")
    add_task(runtime, title="Daniel's", owner_id=other.staff.id, due_at=now + timedelta(days=1))
    closed = add_task(runtime, title="Mine, done", owner_id=me.staff.id)
    with runtime.transaction() as session:
        service.close(session, session.get(Task, closed), outcome="done", by=SYSTEM)

    assert listed(me.get("/tasks").text) == ["Mine, overdue", "Mine, urgent", "Mine, undated meeting"]
    assert listed(me.get("/tasks?view=team").text) == ["Mine, overdue", "Daniel's", "Mine, urgent",
                                                       "Mine, undated meeting"]
    assert listed(me.get(f"/tasks?view=team&owner={other.staff.id}").text) == ["Daniel's"]
    assert listed(me.get("/tasks?status=done").text) == ["Mine, done"]
    assert listed(me.get("/tasks?status=all").text) == ["Mine, overdue", "Mine, urgent", "Mine, undated meeting",
                                                        "Mine, done"]
    assert listed(me.get("/tasks?due=overdue").text) == ["Mine, overdue"]
    assert listed(me.get("/tasks?due=none").text) == ["Mine, undated meeting"]
    assert listed(me.get("/tasks?kind=meeting").text) == ["Mine, undated meeting"]
    assert listed(me.get("/tasks?priority=urgent").text) == ["Mine, urgent"]
    assert "No tasks here" in plain(me.get("/tasks?kind=call_back").text)
    assert me.get("/tasks?priority=whenever").status_code == 422
    assert 'href="/tasks/new"' in me.get("/tasks").text  # staff may add


def test_a_task_added_on_a_clients_page_answers_with_its_section(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    member: Browser = browser_as(Role.staff)
    client = add_client(runtime, name="Tan Holdings Sdn Bhd")
    fields = {"from": "client", "client_id": str(client), "kind": "follow_up", "priority": "normal",
              "owner_id": str(member.staff.id)}
    htmx = {"HX-Request": "true"}

    section = member.post("/tasks", {**fields, "title": "Ask for a testimonial"}, headers=htmx)
    assert section.status_code == 200 and section.headers["vary"] == "HX-Request"
    assert "<html" not in section.text and 'id="tasks"' in section.text
    assert "Ask for a testimonial" in section.text and "hx-swap-oob" in section.text

    refused = member.post("/tasks", {**fields, "title": ""}, headers=htmx)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert field_error(refused.text, "f-client-task-title") == "This field is required."

    plain_post = member.post("/tasks", {**fields, "title": "Book the review meeting"})
    assert plain_post.headers["location"] == f"/clients/{client}#tasks"
    assert flash_after(plain_post, member) == "Task “Book the review meeting” was added."
    page = member.get(f"/clients/{client}")
    assert "Ask for a testimonial" in page.text and "Book the review meeting" in page.text
    failed_page = member.post("/tasks", {**fields, "title": " "})
    assert failed_page.status_code == 422 and "<html" in failed_page.text
    assert field_error(failed_page.text, "f-client-task-title") == "This field is required."


def test_what_each_role_may_do_on_the_task_pages(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    task = add_task(runtime, title="Prepare the quarterly report")
    viewer: Browser = browser_as(Role.viewer)
    assert viewer.get("/tasks?view=team").status_code == 200
    page = viewer.get(f"/tasks/{task}")
    assert page.status_code == 200 and "Prepare the quarterly report" in page.text
    assert 'href="/tasks/new"' not in viewer.get("/tasks").text and "/close" not in page.text
    for url in ("/tasks/new",):
        assert viewer.get(url).status_code == 403
    for url in ("/tasks", f"/tasks/{task}", f"/tasks/{task}/close", f"/tasks/{task}/reopen", f"/tasks/{task}/delete"):
        assert viewer.post(url, {"title": "x", "outcome": "x"}).status_code == 403, url

    member: Browser = browser_as(Role.staff)
    assert f"/tasks/{task}/delete" not in member.get(f"/tasks/{task}").text
    assert member.post(f"/tasks/{task}/delete").status_code == 403
    assert load(runtime, Task, task) is not None


def test_signed_out_people_are_sent_to_sign_in(web) -> None:  # type: ignore[no-untyped-def]
    response = web.get("/tasks", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signin?next=/tasks"
