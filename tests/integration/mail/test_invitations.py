"""Inviting staff and "forgot password", from the owner's click to the person signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth import invitations
from servicescape.auth.link_models import AccountLink, LinkPurpose
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.db.types import utcnow
from servicescape.errors import TooManyAttempts
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import MailStatus, OutboxMessage
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD, csrf_from, make_staff, sign_in
from tests.integration.mail.conftest import FIRM, configure, link_in, parts
from tests.integration.pages.conftest import Browser, flash_after, plain
from tests.support.smtp import SmtpServer

NEW_PASSWORD = "lanterns over the quiet harbour"


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def choose(client: TestClient, path: str, password: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.post(path, data={"csrf_token": csrf_from(page.text), "password": password,
                                   "password_confirm": password if confirm is None else confirm},
                       follow_redirects=False)


def test_an_owner_invites_a_new_staff_member_who_chooses_a_password_and_is_signed_in(
        owner_browser: Browser, runtime: Runtime, mailer: SmtpServer, app) -> None:  # type: ignore[no-untyped-def]
    configure(runtime, default_language="ms")
    response = owner_browser.post("/staff", {"name": "Siti Rahman", "email": "Siti@Firm.test", "role": "manager",
                                             "password": "", "invite": "1"})
    # the page is in the firm's default language (ms): "An invitation for Siti Rahman is in the outbox."
    assert "Jemputan untuk Siti Rahman berada dalam peti keluar." in flash_after(response, owner_browser)
    [queued] = outbox(runtime)
    assert (queued.recipient, queued.kind, queued.status, queued.language) == (
        "siti@firm.test", "invitation", MailStatus.queued, "ms")
    assert mailer.received == []  # a request only enqueues

    assert mail.send_pending(runtime).sent == 1
    [got] = mailer.received
    assert got.rcpt_tos == ["siti@firm.test"] and got.message["To"] == "siti@firm.test"
    assert got.message["Subject"] == f"Jemputan anda ke {FIRM} di Servicescape"
    assert got.message["Content-Language"] == "ms"
    text, html = parts(got.message)
    link = link_in(text, "/welcome/")
    assert link_in(html, "/welcome/") == link and len(link) > len("/welcome/") + 40  # 256 bits
    assert "Owner Person" in text  # who invited them
    with runtime.transaction() as session:  # only the hash is stored
        stored = session.scalars(select(AccountLink.token_hash)).all()
    assert len(stored) == 1 and link.rsplit("/", 1)[1] not in stored[0]

    with TestClient(app, base_url="http://127.0.0.1") as person:
        page = person.get(link)
        assert "Selamat datang, Siti Rahman" in plain(page.text) and page.headers["cache-control"] == "no-store"
        response = choose(person, link, NEW_PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/"
        home = person.get("/")
        assert home.status_code == 200 and "Siti Rahman" in home.text  # signed in
        assert person.get(link).status_code == 404  # the link works once
        again = person.post(link, data={"csrf_token": csrf_from(home.text), "password": "another long passphrase",
                                        "password_confirm": "another long passphrase"}, follow_redirects=False)
        assert again.status_code == 404
    with TestClient(app, base_url="http://127.0.0.1") as later:
        sign_in(later, "siti@firm.test", NEW_PASSWORD)


def test_the_invitation_is_in_the_staff_members_own_language(
        owner_browser: Browser, runtime: Runtime, mailer: SmtpServer) -> None:
    person = make_staff(runtime, Role.staff, "georgi@firm.test", "Georgi Ivanov")
    with runtime.transaction() as session:
        staff = session.get_one(Staff, person.id)
        staff.password_hash, staff.language = None, "bg"
    assert "Send an invitation" in owner_browser.get("/staff").text
    response = owner_browser.post(f"/staff/{person.id}/invitation")
    assert "Georgi Ivanov" in flash_after(response, owner_browser)
    row = plain(re.search(rf'<tr id="staff-{person.id}">.*?</tr>', owner_browser.get("/staff").text, re.S).group(0))  # type: ignore[union-attr]
    assert "Invited; the link works until" in row and "Invite again" in row
    mail.send_pending(runtime)
    [got] = mailer.received
    assert got.message["Content-Language"] == "bg"
    assert got.message["Subject"] == f"Вашата покана за {FIRM} в Servicescape"


def test_links_expire_and_a_new_invitation_replaces_the_old_one(runtime: Runtime, web: TestClient) -> None:
    person = make_staff(runtime, Role.viewer, "late@firm.test")
    with runtime.transaction() as session:
        staff = session.get_one(Staff, person.id)
        staff.password_hash = None
        old = invitations.invite(session, runtime.settings, staff, by=SYSTEM,
                                 now=utcnow() - timedelta(hours=72, seconds=1))
    expired = link_in(outbox(runtime)[0].body_text, "/welcome/")
    assert old.expires_at < utcnow()
    page = web.get(expired)
    assert page.status_code == 404 and "This link does not work any more" in page.text
    with runtime.transaction() as session:
        invitations.invite(session, runtime.settings, session.get_one(Staff, person.id), by=SYSTEM,
                           now=utcnow() - timedelta(hours=71))
        invitations.invite(session, runtime.settings, session.get_one(Staff, person.id), by=SYSTEM)
    second, third = (link_in(m.body_text, "/welcome/") for m in outbox(runtime)[1:])
    assert web.get(second).status_code == 404  # replaced by the third, although not expired
    assert web.get(third).status_code == 200
    assert web.get(third.replace("/welcome/", "/reset-password/")).status_code == 404  # purpose counts


def test_the_password_policy_applies_and_a_failed_try_keeps_the_link(runtime: Runtime, web: TestClient) -> None:
    person = make_staff(runtime, Role.staff, "policy@firm.test")
    with runtime.transaction() as session:
        staff = session.get_one(Staff, person.id)
        staff.password_hash = None
        invitations.invite(session, runtime.settings, staff, by=SYSTEM)
    link = link_in(outbox(runtime)[0].body_text, "/welcome/")
    short = choose(web, link, "short")
    assert short.status_code == 422 and "at least 8 characters" in plain(short.text)
    common = choose(web, link, "password123")
    assert common.status_code == 422 and "too common" in plain(common.text)
    mismatch = choose(web, link, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert mismatch.status_code == 422 and "not the same" in plain(mismatch.text)
    no_csrf = web.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert no_csrf.status_code == 403
    assert choose(web, link, NEW_PASSWORD).status_code == 303


def test_forgot_password_answers_the_same_and_only_an_active_account_gets_mail(
        runtime: Runtime, mailer: SmtpServer, app, web: TestClient) -> None:  # type: ignore[no-untyped-def]
    make_staff(runtime, Role.staff, "active@firm.test", "Active Person")
    gone = make_staff(runtime, Role.staff, "gone@firm.test", "Gone Person")
    with runtime.transaction() as session:
        session.get_one(Staff, gone.id).active = False
    signed_in = TestClient(app, base_url="http://127.0.0.1")
    with signed_in:
        sign_in(signed_in, "active@firm.test")
        assert signed_in.get("/clients").status_code == 200

        login = web.get("/signin")
        assert 'href="/forgot-password"' in login.text
        answers = []
        for email in ("Active@Firm.test", "missing@firm.test", "gone@firm.test"):
            form = web.get("/forgot-password")
            answer = web.post("/forgot-password", data={"email": email, "csrf_token": csrf_from(form.text)})
            assert answer.status_code == 200
            answers.append(plain(answer.text).replace(email.strip(), "EMAIL"))
        assert answers[0] == answers[1] == answers[2] and "Check your e-mail" in answers[0]

        assert [(m.recipient, m.kind) for m in outbox(runtime)] == [("active@firm.test", "password_reset")]
        mail.send_pending(runtime)
        [got] = mailer.received
        assert got.message["Subject"] == "Choose a new password for Servicescape"
        link = link_in(parts(got.message)[0], "/reset-password/")
        assert choose(web, link, NEW_PASSWORD).status_code == 303
        assert signed_in.get("/clients", follow_redirects=False).status_code == 303  # its session ended
    with TestClient(app, base_url="http://127.0.0.1") as fresh:
        sign_in(fresh, "active@firm.test", NEW_PASSWORD)
    assert web.get(link).status_code == 404


def test_forgot_password_is_rate_limited_per_e_mail_and_per_address(runtime: Runtime, web: TestClient) -> None:
    configure(runtime, password_reset_max_per_email=2, password_reset_max_per_address=4)

    def ask(email: str) -> int:
        form = web.get("/forgot-password")
        return web.post("/forgot-password", data={"email": email, "csrf_token": csrf_from(form.text)}).status_code

    assert [ask("someone@firm.test") for _ in range(3)] == [200, 200, 429]
    limited = web.post("/forgot-password", data={"email": "someone@firm.test",
                                                 "csrf_token": csrf_from(web.get("/forgot-password").text)})
    assert "Too many requests for this e-mail address" in plain(limited.text) and "Error 429" in plain(limited.text)
    assert [ask("other@firm.test"), ask("third@firm.test"), ask("fourth@firm.test")] == [200, 200, 429]
    with runtime.transaction() as session:  # an hour later it works again
        with pytest.raises(TooManyAttempts):
            invitations.request_reset(session, runtime.settings, email="someone@firm.test", address="testclient")
        invitations.request_reset(session, runtime.settings, email="someone@firm.test", address="elsewhere",
                                  now=utcnow() + timedelta(hours=1, seconds=1))
    assert web.post("/forgot-password", data={"email": "other@firm.test"}).status_code == 403  # no CSRF token
    assert web.post("/forgot-password", data={"email": "not an address",
                                              "csrf_token": csrf_from(web.get("/forgot-password").text)}
                    ).status_code == 422


def test_a_deactivated_accounts_reset_link_stops_working(runtime: Runtime, web: TestClient) -> None:
    person = make_staff(runtime, Role.staff, "leaver@firm.test")
    with runtime.transaction() as session:
        invitations.request_reset(session, runtime.settings, email="leaver@firm.test", address="127.0.0.1")
    link = link_in(outbox(runtime)[0].body_text, "/reset-password/")
    assert web.get(link).status_code == 200
    with runtime.transaction() as session:
        session.get_one(Staff, person.id).active = False
    assert web.get(link).status_code == 404


def test_invitations_are_for_active_accounts_without_a_password(owner_browser: Browser, runtime: Runtime) -> None:
    has_password = make_staff(runtime, Role.staff, "has@firm.test", "Has Password")
    page = owner_browser.post(f"/staff/{has_password.id}/invitation")
    assert page.status_code == 409 and "already has a password" in plain(page.text)
    both = owner_browser.post("/staff", {"name": "Both", "email": "both@firm.test", "role": "staff",
                                         "password": PASSWORD, "invite": "1"})
    assert both.status_code == 422 and "Leave the password empty" in plain(both.text)
    assert outbox(runtime) == []
    with runtime.transaction() as session:
        assert session.scalar(select(Staff).where(Staff.email == "both@firm.test")) is None


def test_only_owners_invite(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    manager: Browser = browser_as(Role.manager)
    target = make_staff(runtime, Role.viewer, "target@firm.test")
    assert manager.post(f"/staff/{target.id}/invitation").status_code == 403
    assert outbox(runtime) == []


def test_the_api_invites(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import api_as

    created = api.post("/api/v1/staff", json={"name": "Api Person", "email": "api@firm.test"})
    assert created.status_code == 201
    staff_id = created.json()["id"]
    answer = api.post(f"/api/v1/staff/{staff_id}/invitation")
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["staff_id"] == staff_id and body["email"] == "api@firm.test" and body["mail_configured"] is False
    assert [m.id for m in outbox(runtime)] == [body["mail_id"]]
    assert api.post(f"/api/v1/staff/{staff_id}/invitation").status_code == 202  # again: a new link
    owner_id = api.get("/api/v1/me").json()["id"]
    conflict = api.post(f"/api/v1/staff/{owner_id}/invitation")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"
    assert api.post("/api/v1/staff/999999/invitation").status_code == 404
    with api_as(app, runtime, Role.manager) as manager:
        assert manager.post(f"/api/v1/staff/{staff_id}/invitation").status_code == 403
    operation = app.openapi()["paths"]["/api/v1/staff/{id}/invitation"]["post"]
    assert set(operation["responses"]) == {"202", "401", "403", "404", "409", "422"}


def test_invitation_tokens_hold_256_random_bits_and_only_their_hash_is_kept(runtime: Runtime) -> None:
    person = make_staff(runtime, Role.staff, "bits@firm.test")
    with runtime.transaction() as session:
        staff = session.get_one(Staff, person.id)
        staff.password_hash = None
        invitations.invite(session, runtime.settings, staff, by=SYSTEM)
        link = session.scalars(select(AccountLink)).one()
        assert link.purpose == LinkPurpose.invite and len(link.token_hash) == 64
        assert link.expires_at - link.created_at == timedelta(hours=72)
    token = link_in(outbox(runtime)[0].body_text, "/welcome/").rsplit("/", 1)[1]
    assert len(token) == 43  # token_urlsafe(32): 32 bytes
    from servicescape.auth.service import token_hash
    assert token_hash(token) == link.token_hash
