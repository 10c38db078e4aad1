"""The account menu's pages (change my password, my API tokens), the API of one's own tokens, and
what the sign-in page does with the limits, known devices and proxies."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth.limits import DEVICE_COOKIE
from servicescape.auth.models import ApiToken, Role, Staff, WebSession
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD, csrf_from, sign_in, token_for
from tests.integration.pages.conftest import Browser, field_error, flash_after, flashes, load, plain

NEW_PASSWORD = "seven green lanterns at dusk"
TOKEN = re.compile(r"ssk_[A-Za-z0-9_-]{43}")


def _client(app: FastAPI, address: str = "testclient") -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 50000))


def _sign_in_answer(client: TestClient, email: str, password: str, **headers: str) -> httpx.Response:
    page = client.get("/signin")
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
                       headers=headers, follow_redirects=False)


def test_the_account_menu_links_to_my_password_and_my_tokens(owner_browser: Browser) -> None:
    html = owner_browser.get("/").text
    menu = html[html.index('class="menu-panel"'):html.index("</details>", html.index('class="menu-panel"'))]
    assert 'href="/account/password"' in menu and 'href="/account/tokens"' in menu
    assert "Change my password" in menu and "My API tokens" in menu


def test_signed_out_people_are_sent_to_sign_in(web: TestClient) -> None:
    for path in ("/account/password", "/account/tokens"):
        answer = web.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/signin?next={path}"


def test_changing_my_password_ends_my_other_sessions_and_keeps_this_one(
        app: FastAPI, runtime: Runtime, owner: Staff, owner_browser: Browser) -> None:
    elsewhere = _client(app)
    sign_in(elsewhere, owner.email)
    form = owner_browser.get("/account/password")
    assert form.status_code == 200 and 'autocomplete="current-password"' in form.text

    def change(current: str, new: str, confirm: str | None = None) -> Any:
        return owner_browser.post("/account/password", {"current_password": current, "password": new,
                                                         "password_confirm": new if confirm is None else confirm})

    wrong = change("not my password", NEW_PASSWORD)
    assert wrong.status_code == 422
    assert field_error(wrong.text, "f-current_password") == "That is not your current password."
    mismatch = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert field_error(mismatch.text, "f-password_confirm") == "The two new passwords are not the same."
    weak = change(PASSWORD, "password123")
    assert "too common" in (field_error(weak.text, "f-password") or "")
    same = change(PASSWORD, PASSWORD)
    assert field_error(same.text, "f-password") == "The new password must differ from the current one."
    assert load(runtime, Staff, owner.id).password_hash == owner.password_hash  # nothing changed yet

    done = change(PASSWORD, NEW_PASSWORD)
    assert "Your password is changed" in flash_after(done, owner_browser)
    assert owner_browser.get("/account/password").status_code == 200  # this session continues
    assert elsewhere.get("/", follow_redirects=False).headers["location"].startswith("/signin")  # that one ended
    with runtime.transaction() as session:
        assert len(session.scalars(select(WebSession).where(WebSession.staff_id == owner.id)).all()) == 1
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "staff")).all()
    assert "password_changed" in actions and "password_confirmed_failed" in actions
    assert _sign_in_answer(_client(app), owner.email, PASSWORD).status_code == 401
    assert _sign_in_answer(_client(app), owner.email, NEW_PASSWORD).status_code == 303


def test_wrong_current_passwords_count_in_the_sign_in_limits(
        runtime: Runtime, owner: Staff, owner_browser: Browser) -> None:
    for _ in range(runtime.settings.login_max_failures_per_client):
        answer = owner_browser.post("/account/password", {"current_password": "guess", "password": NEW_PASSWORD,
                                                          "password_confirm": NEW_PASSWORD})
        assert answer.status_code == 422
    refused = owner_browser.post("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                       "password_confirm": NEW_PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 800
    assert "Too many wrong passwords" in (field_error(refused.text, "f-current_password") or "")


def test_making_a_token_shows_it_once_and_it_works_until_revoked(
        app: FastAPI, runtime: Runtime, owner: Staff, owner_browser: Browser) -> None:
    empty = owner_browser.get("/account/tokens")
    assert empty.status_code == 200 and "No tokens yet" in plain(empty.text)
    no_name = owner_browser.post("/account/tokens", {"name": "  ", "current_password": PASSWORD})
    assert no_name.status_code == 422
    assert field_error(no_name.text, "f-name") == "Give the token a name: what it is for."
    wrong = owner_browser.post("/account/tokens", {"name": "Reporting", "current_password": "guess"})
    assert wrong.status_code == 422 and field_error(wrong.text, "f-current_password")
    assert 'value="Reporting"' in wrong.text  # the name is kept

    made = owner_browser.post("/account/tokens", {"name": "Monthly report", "current_password": PASSWORD})
    assert made.status_code == 200
    secrets = TOKEN.findall(made.text)
    assert len(set(secrets)) == 1 and "shown only this once" in plain(made.text)
    token = secrets[0]
    integration = _client(app)
    integration.headers["Authorization"] = f"Bearer {token}"
    assert integration.get("/api/v1/me").json()["email"] == owner.email

    listed = owner_browser.get("/account/tokens").text
    assert token not in listed and "Monthly report" in listed and f"{token[:10]}…" in listed
    mine = integration.get("/api/v1/me/tokens").json()
    assert [(t["name"], t["prefix"], t["revoked_at"]) for t in mine] == [("Monthly report", token[:10], None)]
    assert mine[0]["last_used_at"] is not None and "token_hash" not in mine[0]

    revoked = owner_browser.post(f"/account/tokens/{mine[0]['id']}/revoke")
    assert flash_after(revoked, owner_browser) == "The token “Monthly report” is revoked: nothing can use it any more."
    assert integration.get("/api/v1/me").status_code == 401
    assert "Revoked" in plain(owner_browser.get("/account/tokens").text)


def test_people_see_and_revoke_only_their_own_tokens(
        runtime: Runtime, owner: Staff, browser_as: Callable[..., Browser]) -> None:
    owners_token = token_for(runtime, owner)
    viewer = browser_as(Role.viewer)
    assert owners_token[:10] not in viewer.get("/account/tokens").text
    with runtime.transaction() as session:
        owners_id = session.scalars(select(ApiToken.id).where(ApiToken.staff_id == owner.id)).one()
    assert viewer.post(f"/account/tokens/{owners_id}/revoke").status_code == 404
    assert load(runtime, ApiToken, owners_id).revoked_at is None
    made = viewer.post("/account/tokens", {"name": "My spreadsheet", "current_password": PASSWORD})
    assert made.status_code == 200 and TOKEN.search(made.text)  # every role may make its own


def test_my_tokens_in_the_api(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    other = token_for(runtime, owner)
    listed = api.get("/api/v1/me/tokens")
    assert listed.status_code == 200 and len(listed.json()) == 2
    other_id = next(t["id"] for t in listed.json() if t["prefix"] == other[:10])
    assert api.delete(f"/api/v1/me/tokens/{other_id}").status_code == 204
    assert api.delete("/api/v1/me/tokens/999999").json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/me/tokens").json()[1]["revoked_at"] is not None  # revoked ones last
    assert api.post("/api/v1/me/tokens", json={"name": "x"}).status_code == 405  # a token makes no tokens


def test_signing_in_remembers_the_device_and_a_refusal_says_when_to_try_again(
        app: FastAPI, runtime: Runtime, owner: Staff) -> None:
    known = _client(app)
    assert _sign_in_answer(known, owner.email, PASSWORD).status_code == 303
    assert known.cookies.get(DEVICE_COOKIE)
    known.post("/signout", data={"csrf_token": csrf_from(known.get("/").text)})
    stranger = _client(app)
    for _ in range(runtime.settings.login_max_failures_per_client):
        assert _sign_in_answer(stranger, owner.email, "guess").status_code == 401
    refused = _sign_in_answer(stranger, owner.email, PASSWORD)
    assert refused.status_code == 429
    assert 800 < int(refused.headers["retry-after"]) <= 900
    assert "Too many wrong passwords for this account from here" in plain(refused.text)
    assert 'name="password"' in refused.text  # the sign-in page again, not an error page
    # the owner's browser (same address here) still signs in: it is a known device
    assert _sign_in_answer(known, owner.email, PASSWORD).status_code == 303


def test_x_forwarded_for_is_believed_only_from_trusted_proxies(
        app: FastAPI, runtime: Runtime, owner: Staff) -> None:
    proxy = _client(app, "10.0.0.2")
    forged = {"X-Forwarded-For": "198.51.100.1"}
    assert _sign_in_answer(proxy, owner.email, PASSWORD, **forged).status_code == 303
    runtime.settings.trusted_proxies = ["10.0.0.0/24"]
    behind = _client(app, "10.0.0.2")
    chain = {"X-Forwarded-For": "6.6.6.6, 198.51.100.2"}  # what the client wrote, then what our proxy saw
    assert _sign_in_answer(behind, owner.email, PASSWORD, **chain).status_code == 303
    with runtime.transaction() as session:
        seen = session.scalars(select(AuditEvent.address).where(AuditEvent.action == "sign_in")
                               .order_by(AuditEvent.id)).all()
        sessions = set(session.scalars(select(WebSession.address)).all())
    assert seen == ["10.0.0.2", "198.51.100.2"] and sessions == {"10.0.0.2", "198.51.100.2"}
    # the limits count the address behind the proxy: one client's failures stop only that client
    for _ in range(runtime.settings.login_max_failures_per_client):
        _sign_in_answer(_client(app, "10.0.0.2"), owner.email, "guess", **{"X-Forwarded-For": "198.51.100.3"})
    assert _sign_in_answer(_client(app, "10.0.0.2"), owner.email, PASSWORD,
                           **{"X-Forwarded-For": "198.51.100.3"}).status_code == 429
    assert _sign_in_answer(_client(app, "10.0.0.2"), owner.email, PASSWORD,
                           **{"X-Forwarded-For": "198.51.100.4"}).status_code == 303
    assert not flashes(proxy.get("/").text)
