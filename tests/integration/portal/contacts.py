"""Two clients, each with a contact invited to the portal and an open promise: what the portal's
tests share (a contact of one must never reach the other's records)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.service import clients, contacts
from servicescape.db.types import utcnow
from servicescape.portal import accounts
from servicescape.promises import service as promises
from servicescape.runtime import Runtime


@dataclass(frozen=True)
class PortalClient:
    client_id: int
    contact_id: int
    promise_id: int
    link: str

    @property
    def token(self) -> str:
        return self.link.rsplit("/", 1)[1]


def portal_client(runtime: Runtime, name: str, email: str, owner: Staff | None = None,
                  language: str | None = None) -> PortalClient:
    now = utcnow()
    with runtime.transaction() as session:
        client = clients.create(session, {"name": name, "owner_id": owner.id if owner else None}, by=SYSTEM)
        contact = contacts.create(session, {"client_id": client.id, "name": f"{name} Contact", "email": email,
                                            "language": language}, by=SYSTEM)
        promise = promises.promises.create(session, {
            "client_id": client.id, "title": f"Visit at {name}", "owner_id": owner.id if owner else None,
            "window_start": now + timedelta(days=2), "window_end": now + timedelta(days=2, hours=2)}, by=SYSTEM)
        invited = accounts.invite(session, runtime.settings, contact.id, send=False, by=SYSTEM)
        return PortalClient(client.id, contact.id, promise.id, invited.link)


def signed_in(client: TestClient, who: PortalClient) -> str:
    """Sign ``client`` in with ``who``'s link; returns the CSRF token of its pages."""
    response = client.post(f"/portal/link/{who.token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf(client.get("/portal").text)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)
