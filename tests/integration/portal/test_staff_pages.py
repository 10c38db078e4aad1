"""The client page's portal section: staff invite one of the client's contacts (never another
client's), a manager closes an account; the form's answers name what went wrong."""

from __future__ import annotations

from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.service import contacts
from servicescape.platform.mail.models import OutboxMessage
from servicescape.portal.models import PortalUser
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import browser_as, flash_after, owner_browser, plain
from tests.integration.portal.contacts import portal_client


def test_staff_invite_the_clients_contacts_only_and_a_manager_closes(runtime: Runtime, owner_browser,  # type: ignore[no-untyped-def]
                                                                     browser_as) -> None:
    acme = portal_client(runtime, "Acme", "ann@acme.test")
    beta = portal_client(runtime, "Beta", "bob@beta.test")
    with runtime.transaction() as session:
        new = contacts.create(session, {"client_id": acme.client_id, "name": "Cara Acme",
                                        "email": "cara@acme.test"}, by=SYSTEM).id
    staff = browser_as(Role.staff)

    invited = staff.post(f"/clients/{acme.client_id}/portal/invite", {"contact_id": str(new)})
    assert "Cara Acme is invited to the client portal (cara@acme.test)." in flash_after(invited, staff)
    with runtime.transaction() as session:
        assert session.scalar(select(OutboxMessage.recipient).where(OutboxMessage.kind == "portal_invitation")
                              .order_by(OutboxMessage.id.desc()).limit(1)) == "cara@acme.test"
        cara = session.scalar(select(PortalUser).where(PortalUser.contact_id == new))
        assert cara is not None and cara.client_id == acme.client_id and cara.active

    for wrong in (str(beta.contact_id), "abc", "", "99999999999999999999"):
        refused = staff.post(f"/clients/{acme.client_id}/portal/invite", {"contact_id": wrong})
        assert refused.status_code == 404, wrong
        assert "Choose one of the client's contacts." in plain(refused.text)
    with runtime.transaction() as session:   # Beta's contact was not moved nor re-invited under Acme
        beta_user = session.scalar(select(PortalUser).where(PortalUser.contact_id == beta.contact_id))
        assert beta_user is not None and beta_user.client_id == beta.client_id

    assert staff.post(f"/client-portal/users/{cara.id}/close").status_code == 403
    closed = owner_browser.post(f"/client-portal/users/{cara.id}/close")
    assert "The portal account is closed." in flash_after(closed, owner_browser)
    with runtime.transaction() as session:
        assert session.get(PortalUser, cara.id).active is False
    assert owner_browser.post("/client-portal/users/99999999/close").status_code == 404


__all__ = ["browser_as", "owner_browser"]     # the fixtures
