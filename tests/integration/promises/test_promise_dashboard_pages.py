"""The reliability dashboard and the recovery tasks page on both databases: the shares, the charts by
month, the tables by staff, tier, package and client, the flagged clients; the recovery list and
closing a recovery with its outcome (with htmx: the row; without: a redirect with a message; no
outcome: 4xx with the error), and who may do what."""

from __future__ import annotations

from datetime import timedelta

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.promises import service
from servicescape.promises.models import Promise
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task, TaskStatus
from tests.integration.pages import conftest as pages
from tests.integration.pages.conftest import (
    Browser,
    flash_after,
    flashes,
    load,
    plain,
)

#: the page tests' fixtures: a signed-in browser per role, and the owner's
browser_as, owner_browser = pages.browser_as, pages.owner_browser

HTMX = {"HX-Request": "true"}


def _client(runtime: Runtime, name: str, tier: str = "key") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "tier": tier}, by=SYSTEM).id


def _promise(runtime: Runtime, client_id: int, owner: Staff, days_ago: float, outcome: str) -> int:
    """A promise whose 3-hour window started ``days_ago``: kept on time, late (by two hours) or missed."""
    start = utcnow() - timedelta(days=days_ago)
    with runtime.transaction() as session:
        promise = service.promises.create(session, {"client_id": client_id, "owner_id": owner.id, "kind": "site_visit",
                                                    "window_start": start, "window_end": start + timedelta(hours=3)},
                                          by=SYSTEM)
        if outcome == "kept":
            service.keep(session, promise, kept_at=start + timedelta(hours=1), by=SYSTEM)
        elif outcome == "late":
            service.keep(session, promise, kept_at=start + timedelta(hours=5), by=SYSTEM)
        else:
            service.miss(session, promise, by=SYSTEM)
        return promise.id


def _story(runtime: Runtime, owner: Staff) -> tuple[int, int]:
    """One kept, one late, two missed for the same client (flagged): 25 %, 25 %, 50 %."""
    flagged = _client(runtime, "Sejuk Aircond Sdn Bhd")
    steady = _client(runtime, "Harbour View Insurance", tier="standard")
    _promise(runtime, steady, owner, 20, "kept")
    _promise(runtime, flagged, owner, 15, "late")
    _promise(runtime, flagged, owner, 10, "missed")
    missed = _promise(runtime, flagged, owner, 5, "missed")
    return flagged, missed


def test_the_reliability_dashboard(owner_browser: Browser, runtime: Runtime) -> None:
    empty = owner_browser.get("/promises/reliability")
    assert empty.status_code == 200 and "No figures to show yet." in plain(empty.text)
    flagged, _missed = _story(runtime, owner_browser.staff)
    page = owner_browser.get("/promises/reliability")
    assert page.status_code == 200
    text = plain(page.text)
    for figure in ("Kept on time 25%", "Late 25%", "Missed 50%", "Mean lateness 2 h",
                   "Recovery effectiveness —", "Client found out 3"):
        assert figure in text, figure
    assert 'aria-current="true">Reliability' in page.text and 'aria-current="true">Last 365 days' in page.text
    assert page.text.count("data-chart") == 4 and "Promises by month and outcome" in text
    assert "Kept on time by staff member" in text and "Kept on time by tier" in text
    assert owner_browser.staff.name in text and "No service package" in text and "Standard" in text
    assert f'<a href="/clients/{flagged}">Sejuk Aircond Sdn Bhd</a>' in page.text
    assert "Flagged clients" in text and "Two or more broken promises" in text
    short = owner_browser.get("/promises/reliability?days=90")
    assert short.status_code == 200 and 'aria-current="true">Last 90 days' in short.text
    assert owner_browser.get("/promises/reliability?days=180").status_code == 200
    assert owner_browser.get("/promises/reliability?days=30").status_code == 422
    assert owner_browser.get("/promises/reliability?days=many").status_code == 422


def _recoveries(runtime: Runtime) -> list[Task]:
    with runtime.transaction() as session:
        return list(session.query(Task).filter(Task.kind == "recovery").order_by(Task.id))


def test_the_recovery_list_and_closing_without_javascript(owner_browser: Browser, runtime: Runtime,
                                                          browser_as) -> None:  # type: ignore[no-untyped-def]
    colleague = browser_as(Role.staff, name="Daniel Lim")
    _flagged, missed = _story(runtime, owner_browser.staff)
    _promise(runtime, _client(runtime, "Kovács és Társa Kft."), colleague.staff, 2, "missed")
    late_one, missed_one, _other, theirs = _recoveries(runtime)
    mine = owner_browser.get("/promises/recovery")
    assert mine.status_code == 200
    assert f'href="/tasks/{missed_one.id}"' in mine.text and f'href="/promises/{missed}"' in mine.text
    assert f'href="/tasks/{theirs.id}"' not in mine.text and 'aria-current="true">Recovery' in mine.text
    everyone = owner_browser.get("/promises/recovery?view=all")
    assert f'href="/tasks/{theirs.id}"' in everyone.text and "Kovács és Társa Kft." in plain(everyone.text)

    refused = owner_browser.post(f"/promises/recovery/{missed_one.id}/close",
                                 {"outcome": " ", "next": "/promises/recovery?view=all"})
    assert refused.status_code == 422 and "<html" in refused.text
    assert "A recovery is closed with its outcome" in plain(refused.text)
    assert f'id="f-outcome-{missed_one.id}-error"' in refused.text
    assert load(runtime, Task, missed_one.id).status == TaskStatus.open

    closed = owner_browser.post(f"/promises/recovery/{missed_one.id}/close", {
        "outcome": "Apologised and came the next morning.", "next": "/promises/recovery?view=all"})
    assert closed.status_code == 303 and closed.headers["location"] == "/promises/recovery?view=all"
    assert "The recovery is closed." in flash_after(closed, owner_browser)
    stored = load(runtime, Task, missed_one.id)
    assert (stored.status, stored.outcome) == (TaskStatus.done, "Apologised and came the next morning.")
    done = plain(owner_browser.get("/promises/recovery?status=done").text)
    assert "Apologised and came the next morning." in done
    elsewhere = owner_browser.post(f"/promises/recovery/{late_one.id}/close",
                                   {"outcome": "Called the client.", "next": "https://example.com/promises/recovery"})
    assert elsewhere.headers["location"] == "/promises/recovery"
    assert "No recovery tasks here" in plain(owner_browser.get("/promises/recovery?status=cancelled").text)
    assert owner_browser.get("/promises/recovery?status=nonsense&view=nonsense").status_code == 200


def test_closing_from_the_list_with_htmx_answers_the_row(owner_browser: Browser, runtime: Runtime) -> None:
    _story(runtime, owner_browser.staff)
    task = _recoveries(runtime)[0]
    refused = owner_browser.post(f"/promises/recovery/{task.id}/close", {"outcome": ""}, headers=HTMX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert refused.text.lstrip().startswith(f'<tr id="recovery-{task.id}"') and 'aria-invalid="true"' in refused.text
    assert "A recovery is closed with its outcome" in plain(refused.text)
    closed = owner_browser.post(f"/promises/recovery/{task.id}/close", {"outcome": "Sent a voucher."}, headers=HTMX)
    assert closed.status_code == 200
    assert closed.text.lstrip().startswith(f'<tr id="recovery-{task.id}" class="is-closed"')
    assert "Sent a voucher." in plain(closed.text) and 'hx-swap-oob="beforeend:#flashes"' in closed.text
    assert "The recovery is closed." in flashes(closed.text)
    again = owner_browser.post(f"/promises/recovery/{task.id}/close", {"outcome": "Twice."}, headers=HTMX)
    assert again.status_code == 409 and "This task is already closed." in plain(again.text)


def test_only_recovery_tasks_close_here_and_viewers_cannot(owner_browser: Browser, runtime: Runtime,
                                                          browser_as) -> None:  # type: ignore[no-untyped-def]
    _story(runtime, owner_browser.staff)
    with runtime.transaction() as session:
        other = tasks.tasks.create(session, {"title": "Send the renewal", "kind": "follow_up"}, by=SYSTEM).id
    wrong = owner_browser.post(f"/promises/recovery/{other}/close", {"outcome": "Sent."})
    assert wrong.status_code == 422 and "is not a recovery task" in plain(wrong.text)
    assert owner_browser.post("/promises/recovery/99999999/close", {"outcome": "x"}).status_code == 404
    viewer = browser_as(Role.viewer)
    task = _recoveries(runtime)[0]
    listed = viewer.get("/promises/recovery?view=all")
    assert listed.status_code == 200 and f'href="/tasks/{task.id}"' in listed.text
    assert f'action="/promises/recovery/{task.id}/close"' not in listed.text
    assert viewer.post(f"/promises/recovery/{task.id}/close", {"outcome": "x"}).status_code == 403
    assert viewer.get("/promises/reliability").status_code == 200
    assert load(runtime, Promise, 1) is not None
