"""The firm's side of the portal from the API and the CLI: invite (e-mailed, or the link returned
and printed), list, close; what clients asked, accepted and declined; permissions fail closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli_app
from servicescape.clients.service import clients, contacts
from servicescape.db.types import utcnow
from servicescape.platform.mail.models import OutboxMessage
from servicescape.portal import accounts, service
from servicescape.portal.models import PortalUser
from servicescape.promises import service as promises
from servicescape.runtime import Runtime
from tests.conftest import api_as


@pytest.fixture
def contact_id(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        client = clients.create(session, {"name": "Acme"}, by=SYSTEM)
        return contacts.create(session, {"client_id": client.id, "name": "Ann", "email": "Ann@Acme.test"},
                               by=SYSTEM).id


def test_invite_by_api_emails_or_returns_the_link(api: TestClient, runtime: Runtime, contact_id: int) -> None:
    emailed = api.post("/api/v1/portal-users", json={"contact_id": contact_id})
    assert emailed.status_code == 201, emailed.text
    assert emailed.json()["emailed"] is True and emailed.json()["link"] is None
    assert emailed.json()["user"]["email"] == "ann@acme.test"
    handed = api.post("/api/v1/portal-users", json={"contact_id": contact_id, "send": False})
    assert handed.status_code == 201 and "/portal/link/" in handed.json()["link"]
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PortalUser)) == 1      # invited again, one account
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.kind == "portal_invitation")) == 1
    client_id = emailed.json()["user"]["client_id"]
    listed = api.get(f"/api/v1/clients/{client_id}/portal-users")
    assert [u["email"] for u in listed.json()] == ["ann@acme.test"]
    assert api.get("/api/v1/clients/999999/portal-users").status_code == 404
    closed = api.post(f"/api/v1/portal-users/{listed.json()[0]['id']}/close")
    assert closed.status_code == 200 and closed.json()["active"] is False


def test_bad_invitations_name_the_field(api: TestClient, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        client = clients.create(session, {"name": "Nomail"}, by=SYSTEM)
        nomail = contacts.create(session, {"client_id": client.id, "name": "No Mail"}, by=SYSTEM).id
    for body, status in (({"contact_id": 999999}, 404), ({"contact_id": nomail}, 422), ({"contact_id": "x"}, 422)):
        answer = api.post("/api/v1/portal-users", json=body)
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["field"] == "contact_id"


def test_a_viewer_may_look_but_not_invite_nor_answer(app: object, runtime: Runtime, contact_id: int) -> None:
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.post("/api/v1/portal-users", json={"contact_id": contact_id}).status_code == 403
    assert viewer.get("/api/v1/portal-requests").status_code == 200
    staff = api_as(app, runtime, Role.staff)
    invited = staff.post("/api/v1/portal-users", json={"contact_id": contact_id})
    assert invited.status_code == 201
    assert staff.post(f"/api/v1/portal-users/{invited.json()['user']['id']}/close").status_code == 403


def test_requests_are_answered_by_api(api: TestClient, runtime: Runtime, contact_id: int) -> None:
    with runtime.transaction() as session:
        user = accounts.invite(session, runtime.settings, contact_id, send=False, by=SYSTEM).user
        promise = promises.promises.create(session, {"client_id": user.client_id, "title": "Visit",
                                                     "window_start": utcnow() + timedelta(days=1),
                                                     "window_end": utcnow() + timedelta(days=1, hours=1)}, by=SYSTEM)
        start = utcnow() + timedelta(days=4)
        asked = service.ask_reschedule(session, user, promise.id, start=start, end=None, message=None)
        other = service.ask_service(session, user, "Send the report")
        asked_id, other_id = asked.id, other.id
    listed = api.get("/api/v1/portal-requests").json()
    assert {r["id"] for r in listed} == {asked_id, other_id}
    accepted = api.post(f"/api/v1/portal-requests/{asked_id}/accept", json={"answer": "See you then"})
    assert accepted.status_code == 200 and accepted.json()["promise_id"] is not None
    assert api.post(f"/api/v1/portal-requests/{asked_id}/accept", json={}).status_code == 409
    assert api.post(f"/api/v1/portal-requests/{other_id}/decline", json={"answer": ""}).status_code == 422
    assert api.post(f"/api/v1/portal-requests/{other_id}/decline", json={"answer": "Not now"}).status_code == 200
    assert api.get("/api/v1/portal-requests?status=declined").json()[0]["answer"] == "Not now"


def test_cli_invite_prints_a_working_link(runtime: Runtime, web: TestClient, contact_id: int) -> None:
    db = runtime.settings.database_url
    result = CliRunner().invoke(cli_app, ["portal", "invite", str(contact_id), "--print-link", "--db", db])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith(runtime.settings.public_url) and "/portal/link/" in link
    token = link.rsplit("/", 1)[1]
    assert web.post(f"/portal/link/{token}", follow_redirects=False).status_code == 303
    listed = CliRunner().invoke(cli_app, ["portal", "users", "1", "--json", "--db", db])
    assert listed.exit_code == 0 and "ann@acme.test" in listed.output
    unknown = CliRunner().invoke(cli_app, ["portal", "invite", "999999", "--db", db])
    assert unknown.exit_code != 0 and "contact" in unknown.output.lower()
    requests = CliRunner().invoke(cli_app, ["portal", "requests", "--status", "nonsense", "--db", db])
    assert requests.exit_code != 0
