"""The health check, the home page for people signed out, and choosing a language (signed in or not).

The home page's panels are tested in test_tasks_and_home.py."""

from __future__ import annotations

from fastapi.testclient import TestClient

from servicescape.auth.models import Staff
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, sign_in
from tests.integration.pages.conftest import Browser, load


def test_signed_out_people_are_sent_to_sign_in_but_the_health_check_answers(web: TestClient) -> None:
    home = web.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/signin?next=/"
    health = web.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["x-content-type-options"] == "nosniff"


def test_choosing_a_language_remembers_it(owner_browser: Browser, runtime: Runtime, owner: Staff) -> None:
    assert 'name="scope" value="account"' in owner_browser.get("/clients").text  # the top bar's form
    chosen = owner_browser.post("/language", {"language": "hu", "next": "/clients?tier=key", "scope": "account"})
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


def _set_language(runtime: Runtime, staff: Staff, language: str | None) -> None:
    with runtime.transaction() as session:
        stored = session.get(Staff, staff.id)
        assert stored is not None
        stored.language = language


def test_the_sign_in_page_s_language_never_changes_an_account_s(
        web: TestClient, runtime: Runtime, owner: Staff) -> None:
    _set_language(runtime, owner, "bg")
    signin = web.get("/signin").text
    assert 'name="scope"' not in signin  # the signed-out form speaks for this browser only
    web.post("/language", data={"language": "zh-Hant", "next": "/signin", "csrf_token": csrf_from(signin)})
    sign_in(web, owner.email)
    assert '<html lang="zh-Hant">' in web.get("/clients").text  # this browser's choice, for this browser
    assert load(runtime, Staff, owner.id).language == "bg"  # the account keeps its own
    # the sign-in page's form, loaded before signing in and sent after: still this browser only
    web.post("/language", data={"language": "hu", "next": "/signin", "csrf_token": csrf_from(web.get("/").text)})
    assert load(runtime, Staff, owner.id).language == "bg"
    assert '<html lang="hu">' in web.get("/clients").text
    assert web.get("/api/v1/me").json()["language"] == "bg"
    # another browser without a choice of its own: the account's language
    other = TestClient(web.app, base_url="http://127.0.0.1")
    sign_in(other, owner.email)
    assert '<html lang="bg">' in other.get("/clients").text


def test_an_account_without_a_language_follows_the_browser(
        web: TestClient, runtime: Runtime, owner: Staff) -> None:
    token = csrf_from(web.get("/signin").text)
    web.post("/language", data={"language": "ms", "next": "/signin", "csrf_token": token})
    sign_in(web, owner.email)
    assert '<html lang="ms">' in web.get("/clients").text
    assert load(runtime, Staff, owner.id).language is None
