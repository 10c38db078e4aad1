"""The complaint pages on both databases: the board (what is due first first, filters, overdue
targets), recording a complaint by the client's name, answering, resolving with the outcome (and
without: the form again, 422), changing, deleting, the recovery task's link, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.promises import complaints
from servicescape.promises.models import Complaint, ComplaintStatus, Severity
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
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


def _client(runtime: Runtime, name: str = "Sejuk Aircond Sdn Bhd", tier: str = "key") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "tier": tier}, by=SYSTEM).id


def _complaint(runtime: Runtime, client_id: int, **fields: Any) -> int:
    with runtime.transaction() as session:
        return complaints.complaints.create(session, {"client_id": client_id, "text": "Nobody came.", **fields},
                                            by=SYSTEM).id


def test_record_a_complaint_by_the_clients_name(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = _client(runtime)
    form = owner_browser.get(f"/complaints/new?client={client_id}")
    assert form.status_code == 200 and 'value="Sejuk Aircond Sdn Bhd"' in form.text
    empty = owner_browser.post("/complaints", {"client": "", "text": "", "channel": "call", "severity": "medium",
                                               "owner_id": "", "received_at": ""})
    assert empty.status_code == 422
    assert field_error(empty.text, "f-complaint-client") == "This field is required."
    assert field_error(empty.text, "f-complaint-text") == "This field is required."
    unknown = owner_browser.post("/complaints", {"client": "Nobody Ltd", "text": "Late again.", "channel": "call",
                                                 "severity": "medium", "owner_id": ""})
    assert unknown.status_code == 422 and "No client is called or numbered Nobody Ltd" in plain(unknown.text)
    future = owner_browser.post("/complaints", {"client": "sejuk aircond sdn bhd", "text": "Late again.",
                                                "channel": "call", "severity": "medium", "owner_id": "",
                                                "received_at": "2999-01-01T10:00"})
    assert future.status_code == 422 and "cannot be received in the future" in plain(future.text)
    created = owner_browser.post("/complaints", {"client": "sejuk aircond sdn bhd", "text": "The repairer never came.",
                                                 "channel": "e-mail", "severity": "high", "owner_id": "",
                                                 "received_at": "2025-03-03T10:00"})
    assert "The complaint was recorded." in flash_after(created, owner_browser)
    complaint_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = load(runtime, Complaint, complaint_id)
    # 10:00 on the firm's clock (Kuala Lumpur) is 02:00 UTC; nobody chosen: whoever recorded it handles it
    assert stored.received_at == datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    assert (stored.client_id, stored.owner_id, stored.severity, stored.channel.value) == (
        client_id, owner_browser.staff.id, Severity.high, "e-mail")


def test_the_board_puts_what_is_due_first_first_and_filters(owner_browser: Browser, runtime: Runtime,
                                                            browser_as) -> None:  # type: ignore[no-untyped-def]
    colleague = browser_as(Role.staff, name="Daniel Lim")
    client_id = _client(runtime)
    fresh = _complaint(runtime, client_id, text="The invoice is wrong.", owner_id=colleague.staff.id)
    old = _complaint(runtime, client_id, text="Nobody came on Tuesday.", severity="critical",
                     received_at=utcnow() - timedelta(days=10), owner_id=owner_browser.staff.id)
    board = owner_browser.get("/complaints")
    assert board.status_code == 200
    text = plain(board.text)
    assert text.index("Nobody came on Tuesday.") < text.index("The invoice is wrong.")
    assert "Overdue" in text and "Answer by" in text and "Awaiting answer" in text and "Critical" in text
    assert 'class="nowrap is-late"' in board.text and f'href="/clients/{client_id}"' in board.text
    assert f'href="/complaints/{old}"' in board.text and 'aria-current="true">Complaints' in board.text
    only_daniel = plain(owner_browser.get(f"/complaints?owner={colleague.staff.id}").text)
    assert "The invoice is wrong." in only_daniel and "Nobody came on Tuesday." not in only_daniel
    critical = plain(owner_browser.get("/complaints?severity=critical").text)
    assert "Nobody came on Tuesday." in critical and "The invoice is wrong." not in critical
    assert "No complaints here" in plain(owner_browser.get("/complaints?state=resolved").text)
    with runtime.transaction() as session:
        complaints.resolve(session, complaints.complaints.get(session, fresh, by=SYSTEM), outcome="Corrected.",
                           by=SYSTEM)
    resolved = plain(owner_browser.get("/complaints?state=resolved").text)
    assert "The invoice is wrong." in resolved and "Resolved" in resolved
    assert owner_browser.get("/complaints?state=nonsense").status_code == 200  # back to the default
    assert owner_browser.get("/complaints?owner=abc").status_code == 422
    assert owner_browser.get("/complaints?severity=dreadful").status_code == 422


def test_answer_change_and_resolve_a_complaint(owner_browser: Browser, runtime: Runtime) -> None:
    complaint_id = _complaint(runtime, _client(runtime), text="The report came a week late.")
    page = owner_browser.get(f"/complaints/{complaint_id}")
    assert page.status_code == 200
    text = plain(page.text)
    assert "The report came a week late." in text and "First answer" in text and "Not yet due" in text
    assert f'action="/complaints/{complaint_id}/respond"' in page.text

    no_outcome = owner_browser.post(f"/complaints/{complaint_id}/resolve", {"outcome": "  "})
    assert no_outcome.status_code == 422
    assert "outcome" in field_error(no_outcome.text, "f-resolve-outcome").lower()  # type: ignore[union-attr]
    assert load(runtime, Complaint, complaint_id).status == ComplaintStatus.open

    answered = owner_browser.post(f"/complaints/{complaint_id}/respond")
    assert "The answer was recorded." in flash_after(answered, owner_browser)
    assert load(runtime, Complaint, complaint_id).status == ComplaintStatus.responded
    again = owner_browser.post(f"/complaints/{complaint_id}/respond")
    assert again.status_code == 409 and "This complaint was answered already." in plain(again.text)

    blank = owner_browser.post(f"/complaints/{complaint_id}", {"text": "", "channel": "call", "severity": "low",
                                                               "owner_id": ""})
    assert blank.status_code == 422 and field_error(blank.text, "f-edit-text")
    saved = owner_browser.post(f"/complaints/{complaint_id}", {"text": "The report came eight days late.",
                                                               "channel": "letter", "severity": "high",
                                                               "owner_id": str(owner_browser.staff.id)})
    assert "The complaint was saved." in flash_after(saved, owner_browser)
    stored = load(runtime, Complaint, complaint_id)
    assert (stored.text, stored.channel.value, stored.severity) == ("The report came eight days late.", "letter",
                                                                    Severity.high)

    resolved = owner_browser.post(f"/complaints/{complaint_id}/resolve", {"outcome": "Refunded the month."})
    assert "The complaint is resolved." in flash_after(resolved, owner_browser)
    page = owner_browser.get(f"/complaints/{complaint_id}")
    assert "Refunded the month." in plain(page.text) and "Met" in plain(page.text)
    assert f'action="/complaints/{complaint_id}/resolve"' not in page.text
    twice = owner_browser.post(f"/complaints/{complaint_id}/resolve", {"outcome": "Again."})
    assert twice.status_code == 409 and "This complaint is resolved already." in plain(twice.text)


def test_a_late_answer_opens_a_recovery_task_the_page_links_to(owner_browser: Browser, runtime: Runtime) -> None:
    complaint_id = _complaint(runtime, _client(runtime), received_at=utcnow() - timedelta(days=10))
    assert "Overdue" in plain(owner_browser.get(f"/complaints/{complaint_id}").text)
    answered = owner_browser.post(f"/complaints/{complaint_id}/respond")
    assert "a recovery task is open" in flash_after(answered, owner_browser)
    with runtime.transaction() as session:
        task = session.query(Task).filter(Task.related_type == "complaint", Task.related_id == complaint_id).one()
        task_id = task.id
    page = owner_browser.get(f"/complaints/{complaint_id}")
    assert f'href="/tasks/{task_id}"' in page.text and "Service recovery" in plain(page.text)
    assert "Late" in plain(page.text) and "Past target" in plain(page.text)
    breached = owner_browser.get("/complaints?state=breached&page=9")  # past the last page: the last one
    assert breached.status_code == 200 and f'href="/complaints/{complaint_id}"' in breached.text


def test_who_may_do_what(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    complaint_id = _complaint(runtime, _client(runtime))
    viewer, staff, manager = browser_as(Role.viewer), browser_as(Role.staff), browser_as(Role.manager)
    assert viewer.get("/complaints").status_code == 200
    page = viewer.get(f"/complaints/{complaint_id}")
    assert page.status_code == 200 and f'action="/complaints/{complaint_id}/respond"' not in page.text
    assert viewer.get("/complaints/new").status_code == 403
    assert viewer.post("/complaints", {"client": "1", "text": "x"}).status_code == 403
    assert viewer.post(f"/complaints/{complaint_id}/respond").status_code == 403
    assert viewer.post(f"/complaints/{complaint_id}/resolve", {"outcome": "x"}).status_code == 403
    assert viewer.post(f"/complaints/{complaint_id}", {"text": "x"}).status_code == 403
    staff_page = staff.get(f"/complaints/{complaint_id}")
    assert f'action="/complaints/{complaint_id}/delete"' not in staff_page.text
    assert staff.post(f"/complaints/{complaint_id}/delete").status_code == 403
    assert f'action="/complaints/{complaint_id}/delete"' in manager.get(f"/complaints/{complaint_id}").text
    deleted = manager.post(f"/complaints/{complaint_id}/delete")
    assert "The complaint was deleted." in flash_after(deleted, manager)
    assert manager.get(f"/complaints/{complaint_id}").status_code == 404
    assert manager.get("/complaints/99999999").status_code == 404
