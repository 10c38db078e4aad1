"""The home page (the panels capabilities register), the health check, and choosing a language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from tests.conftest import csrf_from
from tests.integration.pages.conftest import Browser, add_client, add_record, load, plain


def test_the_home_page_shows_my_tasks_and_what_happened_with_my_clients(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    me: Browser = browser_as(Role.staff, "aisyah@firm.test", "Aisyah Rahman")
    mine = add_client(runtime, name="Tan Holdings Sdn Bhd", owner_id=me.staff.id)
    theirs = add_client(runtime, name="Somebody Else's Client")
    add_record(runtime, "interactions", client_id=mine, channel="call", summary="Confirmed the Tuesday visit",
               occurred_at=datetime.now(UTC) - timedelta(hours=1))
    add_record(runtime, "interactions", client_id=theirs, channel="call", summary="Not my client's call")
    now = datetime.now(UTC)
    with runtime.transaction() as session:
        tasks.tasks.create(session, {"title": "Send the renewal offer", "owner_id": me.staff.id, "client_id": mine,
                                     "due_at": now - timedelta(hours=2)}, by=SYSTEM)
        tasks.tasks.create(session, {"title": "Book the review", "owner_id": me.staff.id}, by=SYSTEM)
        tasks.tasks.create(session, {"title": "Someone else's task"}, by=SYSTEM)

    page = me.get("/")
    assert page.status_code == 200
    panel = plain(page.text[page.text.index('id="my-tasks"'):page.text.index('id="activity"')])
    assert "Send the renewal offer" in panel and "Book the review" in panel and "Someone else's task" not in panel
    assert "Overdue 1" in panel and "Open 2" in panel
    activity = plain(page.text[page.text.index('id="activity"'):])
    assert "Confirmed the Tuesday visit" in activity and "Not my client's call" not in activity

    viewer: Browser = browser_as(Role.viewer)
    empty = plain(viewer.get("/").text)
    assert "Nothing is waiting for you." in empty and "Add a task" not in empty


def test_signed_out_people_are_sent_to_sign_in_but_the_health_check_answers(web: TestClient) -> None:
    home = web.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/signin?next=/"
    health = web.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["x-content-type-options"] == "nosniff"


def test_choosing_a_language_remembers_it(owner_browser: Browser, runtime: Runtime, owner: Staff) -> None:
    chosen = owner_browser.post("/language", {"language": "hu", "next": "/clients?tier=key"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/clients?tier=key"
    assert owner_browser.client.cookies["ss_lang"] == "hu"
    assert load(runtime, Staff, owner.id).language == "hu"
    assert '<html lang="hu">' in owner_browser.get("/clients").text
    assert owner_browser.post("/language", {"language": "xx"}).status_code == 422
    elsewhere = owner_browser.post("/language", {"language": "ms", "next": "//evil.example/"})
    assert elsewhere.headers["location"] == "/"  # never to another site
    assert owner_browser.post("/language", {"language": "ms"}, csrf=False).status_code == 403


def test_signed_out_people_choose_a_language_for_the_sign_in_page(web: TestClient) -> None:
    token = csrf_from(web.get("/signin").text)
    chosen = web.post("/language", data={"language": "zh-Hant", "next": "/signin", "csrf_token": token},
                      follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/signin"
    assert '<html lang="zh-Hant">' in web.get("/signin").text
