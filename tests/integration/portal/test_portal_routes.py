"""The portal's routes that only a whole journey reaches: a contact downloads a document shared
with their client and signs out (the session ends: the portal asks for a sign-in again); the firm
lists what clients asked and reads one request over the API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.portal import documents
from servicescape.portal.models import PortalRequest
from servicescape.runtime import Runtime
from tests.conftest import make_staff, sign_in
from tests.integration.portal.contacts import PortalClient, portal_client, signed_in


@pytest.fixture
def acme(runtime: Runtime) -> PortalClient:
    manager: Staff = make_staff(runtime, Role.manager, name="Muhammad Hafiz")
    return portal_client(runtime, "Acme", "ann@acme.test", manager, language="en")


def test_a_contact_downloads_a_shared_document_and_signs_out(web: TestClient, runtime: Runtime,
                                                             acme: PortalClient) -> None:
    with runtime.transaction() as session:
        shared = documents.share(session, acme.client_id, title="Annual report", filename="report.pdf",
                                 content_type="application/pdf", content=b"%PDF-1.4 the report", by=SYSTEM)
        document_id = shared.id
    token = signed_in(web, acme)
    download = web.get(f"/portal/documents/{document_id}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 the report"
    assert download.headers["content-disposition"].startswith("attachment")
    out = web.post("/portal/signout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    after = web.get("/portal", follow_redirects=False)
    assert after.status_code in (302, 303) and "/portal/signin" in after.headers["location"]
    assert web.get(f"/portal/documents/{document_id}", follow_redirects=False).status_code in (302, 303, 401, 404)


def test_the_firm_lists_the_requests_and_reads_one(web: TestClient, api: TestClient, owner: Staff,
                                                   runtime: Runtime, acme: PortalClient) -> None:
    token = signed_in(web, acme)
    assert web.post("/portal/ask", data={"csrf_token": token, "kind": "service",
                                         "message": "Please check the air conditioner"},
                    follow_redirects=False).status_code == 303
    with runtime.transaction() as session:
        request_id = session.scalars(select(PortalRequest.id)).one()
    staff = TestClient(web.app, base_url="http://127.0.0.1")
    sign_in(staff, owner.email)
    listed = staff.get("/client-portal/requests")
    assert listed.status_code == 200 and "Please check the air conditioner" in listed.text
    one = api.get(f"/api/v1/portal-requests/{request_id}")
    assert one.status_code == 200 and one.json()["message"] == "Please check the air conditioner"
