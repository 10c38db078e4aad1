"""Who may enter the portal and what they reach: one-time links (single use, expiring, replaced),
passwords, sessions apart from staff's, and object-level authorization on every portal route (a
contact of one client gets "not found" for anything of another, and for a fuzz of ids)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.db.types import utcnow
from servicescape.portal import accounts
from servicescape.portal.models import PortalLink, PortalRequest, PortalSession
from servicescape.promises.models import Complaint, Promise
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.portal.contacts import PortalClient, csrf, portal_client, signed_in


@pytest.fixture
def pair(runtime: Runtime) -> tuple[PortalClient, PortalClient]:
    owner = make_staff(runtime, Role.owner)
    return (portal_client(runtime, "Acme", "ann@acme.test", owner),
            portal_client(runtime, "Beta", "bob@beta.test", owner))


def test_a_link_signs_in_once_and_leaves_the_address(web: TestClient, pair: tuple[PortalClient, PortalClient]) -> None:
    acme, _beta = pair
    assert web.get(f"/portal/link/{acme.token}").status_code == 200     # a look (a mail scanner) spends nothing
    used = web.post(f"/portal/link/{acme.token}", follow_redirects=False)
    assert used.status_code == 303 and used.headers["location"] == "/portal"
    home = web.get("/portal").text
    assert "Visit at Acme" in home
    assert re.findall(r'href="([^"]+)" aria-current="page"', home) == ["/portal"]      # the menu shows where
    assert re.findall(r'href="([^"]+)" aria-current="page"', web.get("/portal/order").text) == ["/portal/order"]
    web.cookies.clear()
    replayed = web.post(f"/portal/link/{acme.token}", follow_redirects=False)
    assert replayed.status_code == 404
    assert "ss_portal" not in replayed.cookies
    assert web.get("/portal", follow_redirects=False).status_code == 303


def test_an_expired_or_replaced_link_is_refused(web: TestClient, runtime: Runtime,
                                                pair: tuple[PortalClient, PortalClient]) -> None:
    acme, beta = pair
    with runtime.transaction() as session:
        session.execute(update(PortalLink).values(expires_at=utcnow() - timedelta(seconds=1))
                        .where(PortalLink.token_hash == accounts.token_hash(acme.token)))
        again = accounts.invite(session, runtime.settings, beta.contact_id, send=False, by=SYSTEM)
    assert web.post(f"/portal/link/{acme.token}", follow_redirects=False).status_code == 404
    assert web.post(f"/portal/link/{beta.token}", follow_redirects=False).status_code == 404   # replaced
    assert web.post(f"/portal/link/{again.link.rsplit('/', 1)[1]}", follow_redirects=False).status_code == 303
    assert web.post("/portal/link/not-a-token", follow_redirects=False).status_code == 404


def test_links_are_random_and_stored_hashed(runtime: Runtime, pair: tuple[PortalClient, PortalClient]) -> None:
    acme, beta = pair
    assert len(acme.token) == 43 and acme.token != beta.token         # 256 bits, URL-safe base64
    with runtime.transaction() as session:
        stored = set(session.scalars(select(PortalLink.token_hash)))
    assert acme.token not in stored and accounts.token_hash(acme.token) in stored


def test_asking_for_a_link_says_the_same_for_any_address(web: TestClient, runtime: Runtime,
                                                         pair: tuple[PortalClient, PortalClient]) -> None:
    from servicescape.platform.mail.models import OutboxMessage

    known = web.post("/portal/signin", data={"email": "ann@acme.test"})
    unknown = web.post("/portal/signin", data={"email": "nobody@acme.test"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ann@acme.test", "X") == unknown.text.replace("nobody@acme.test", "X")
    with runtime.transaction() as session:
        sent = list(session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == "portal_sign_in")))
    assert sent == ["ann@acme.test"]


def test_a_password_signs_in_within_limits(web: TestClient, runtime: Runtime,
                                           pair: tuple[PortalClient, PortalClient]) -> None:
    acme, _beta = pair
    token = signed_in(web, acme)
    chosen = web.post("/portal/settings", data={"csrf_token": token, "language": "en",
                                                "password": "a long portal passphrase 42"}, follow_redirects=False)
    assert chosen.status_code == 303
    web.cookies.clear()
    wrong = web.post("/portal/signin", data={"email": "ann@acme.test", "password": "wrong"}, follow_redirects=False)
    assert wrong.status_code == 401
    right = web.post("/portal/signin", data={"email": "ann@acme.test", "password": "a long portal passphrase 42"},
                     follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/portal"


def test_portal_and_staff_sessions_open_nothing_of_each_other(web: TestClient, runtime: Runtime,
                                                              pair: tuple[PortalClient, PortalClient]) -> None:
    acme, _beta = pair
    signed_in(web, acme)
    assert web.get("/clients", follow_redirects=False).status_code in (303, 401)
    assert web.get("/api/v1/clients").status_code == 401
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PortalSession)) == 1


def test_a_closed_account_or_a_contact_moved_away_ends_the_session(web: TestClient, runtime: Runtime,
                                                                   pair: tuple[PortalClient, PortalClient]) -> None:
    acme, _beta = pair
    signed_in(web, acme)
    with runtime.transaction() as session:
        user = accounts.users_of(session, acme.client_id, by=SYSTEM)[0]
        accounts.close(session, user, by=SYSTEM)
    assert web.get("/portal", follow_redirects=False).status_code == 303


def test_a_post_without_the_sessions_csrf_token_is_refused(web: TestClient,
                                                           pair: tuple[PortalClient, PortalClient]) -> None:
    acme, _beta = pair
    signed_in(web, acme)
    refused = web.post(f"/portal/promises/{acme.promise_id}/confirm", data={"csrf_token": "forged"})
    assert refused.status_code == 403


def _other_clients_routes(beta: PortalClient, document_id: int | None) -> list[tuple[str, str]]:
    routes = [("post", f"/portal/promises/{beta.promise_id}/confirm"),
              ("get", f"/portal/promises/{beta.promise_id}/reschedule"),
              ("post", f"/portal/promises/{beta.promise_id}/reschedule")]
    if document_id is not None:
        routes.append(("get", f"/portal/documents/{document_id}"))
    return routes


def test_a_contact_never_reaches_another_clients_records(web: TestClient, runtime: Runtime,
                                                         pair: tuple[PortalClient, PortalClient]) -> None:
    acme, beta = pair
    from servicescape.portal import documents

    with runtime.transaction() as session:
        shared = documents.share(session, beta.client_id, title="Beta's report", filename="beta.txt",
                                 content_type="text/plain", content=b"secret of Beta", by=SYSTEM)
        document_id = shared.id
    token = signed_in(web, acme)
    for method, url in _other_clients_routes(beta, document_id):
        data = {"csrf_token": token, "preferred_start": "2030-01-01T10:00"} if method == "post" else None
        answer = web.request(method.upper(), url, data=data, follow_redirects=False)
        assert answer.status_code == 404, (url, answer.status_code)
        assert "Beta" not in answer.text, url
    complaint = web.post("/portal/ask", data={"csrf_token": token, "kind": "complaint", "message": "Late again",
                                              "promise_id": str(beta.promise_id)})
    assert complaint.status_code == 404
    home = web.get("/portal").text
    assert "Visit at Acme" in home and "Visit at Beta" not in home and "Beta&#39;s report" not in home
    with runtime.transaction() as session:
        beta_promise = session.get(Promise, beta.promise_id)
        assert beta_promise is not None and beta_promise.confirmed_at is None
        assert session.scalar(select(func.count()).select_from(Complaint)) == 0
        assert session.scalar(select(func.count()).select_from(PortalRequest)) == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record_id=st.one_of(st.integers(min_value=-5, max_value=2**63), st.sampled_from([0, 1, 2, 3, 4, 99])))
def test_a_fuzz_of_ids_finds_nothing_of_another_client(web: TestClient, pair: tuple[PortalClient, PortalClient],
                                                       record_id: int) -> None:
    acme, _beta = pair
    if "ss_portal" not in web.cookies:
        signed_in(web, acme)
    token = csrf(web.get("/portal").text)
    for url in (f"/portal/promises/{record_id}/reschedule", f"/portal/documents/{record_id}"):
        answer = web.get(url, follow_redirects=False)
        assert answer.status_code in (200, 404, 422), (url, answer.status_code)
        assert "Visit at Beta" not in answer.text
        if answer.status_code == 200:
            assert record_id == acme.promise_id
    confirm = web.post(f"/portal/promises/{record_id}/confirm", data={"csrf_token": token}, follow_redirects=False)
    assert confirm.status_code in (303, 404, 409, 422)
    assert confirm.status_code != 303 or record_id == acme.promise_id
