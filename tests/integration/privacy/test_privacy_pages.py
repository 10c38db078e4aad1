"""Data protection's pages: owners find a person, see what is held, download the ZIP, erase after typing
the name (a wrong name is named and nothing changes), set retention limits; staff and managers are
refused."""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, Contact
from servicescape.clients.service import clients
from servicescape.privacy import retention
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, make_staff, sign_in


def test_owners_export_erase_and_limit_from_the_pages(runtime: Runtime, web: TestClient, owner) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        client = clients.create(session, {"name": "Szabó és Társa Kft.", "email": "iroda@szabo.example"}, by=SYSTEM)
        session.add(Contact(client_id=client.id, name="Szabó Anna", email="anna@szabo.example"))
        client_id = client.id
    sign_in(web, owner.email)
    home = web.get("/privacy")
    assert home.status_code == 200 and "survey_text" in home.text
    bad = web.get("/privacy/subject", params={"subject": "someone"})
    assert bad.status_code == 422 and "contact:7" in bad.text
    assert web.get("/privacy/subject", params={"subject": "99999999"}).status_code == 404
    held = web.get("/privacy/subject", params={"subject": str(client_id)})
    assert held.status_code == 200 and "Szabó és Társa Kft." in held.text and "<code>contact</code>" in held.text
    download = web.get("/privacy/export.zip", params={"subject": str(client_id)})
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        bundle = json.loads(archive.read("subject.json"))
        assert bundle["counts"] == {"client": 1, "contact": 1} and "contact.csv" in archive.namelist()

    form = web.get("/privacy/erase", params={"subject": str(client_id)})
    assert form.status_code == 200 and "<strong>Szabó és Társa Kft.</strong>" in form.text
    wrong = web.post("/privacy/erase", data={"csrf_token": csrf_from(form.text), "subject": str(client_id),
                                             "confirm": "Szabo", "reason": "Levél 2026-11-30"})
    assert wrong.status_code == 422 and "Type the name exactly" in wrong.text and "Levél 2026-11-30" in wrong.text
    with runtime.transaction() as session:
        assert session.get(Client, client_id).name == "Szabó és Társa Kft."  # type: ignore[union-attr]
    done = web.post("/privacy/erase", data={"csrf_token": csrf_from(form.text), "subject": str(client_id),
                                            "confirm": " szabó és társa kft. ", "reason": "Levél 2026-11-30"},
                    follow_redirects=False)
    assert done.status_code == 303
    with runtime.transaction() as session:
        assert session.get(Client, client_id).name == f"Erased client {client_id}"  # type: ignore[union-attr]
        assert session.scalar(select(Contact.email).where(Contact.client_id == client_id)) is None
    again = web.get("/privacy/subject", params={"subject": str(client_id)})
    assert again.status_code == 200 and "Erased on" in again.text and "anonymised or deleted" in again.text
    after = web.get("/privacy")
    assert "Levél 2026-11-30" in after.text and "Erasure" in after.text and "Export" in after.text

    with runtime.transaction() as session:
        limits = {f"months-{rule.key}": "" for rule in retention.rules(session, by=SYSTEM)}
    refused = web.post("/privacy/retention", data={"csrf_token": csrf_from(after.text), **limits,
                                                   "months-survey_text": "24", "months-complaint_text": "0"})
    assert refused.status_code == 422 and "from 1 to 600 months" in refused.text
    with runtime.transaction() as session:       # all the limits or none
        assert {r.key: r.months for r in retention.rules(session, by=SYSTEM)}["survey_text"] is None
    saved = web.post("/privacy/retention", data={"csrf_token": csrf_from(after.text), **limits,
                                                 "months-survey_text": "24"}, follow_redirects=False)
    assert saved.status_code == 303
    with runtime.transaction() as session:
        assert {r.key: r.months for r in retention.rules(session, by=SYSTEM)}["survey_text"] == 24


def test_staff_and_managers_are_refused(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    for role in (Role.staff, Role.manager):
        person = make_staff(runtime, role)
        browser = TestClient(app, base_url="http://127.0.0.1")
        sign_in(browser, person.email)
        assert browser.get("/privacy").status_code == 403
        assert browser.get("/privacy/export.zip", params={"subject": "1"}).status_code == 403
        assert browser.get("/privacy/erase", params={"subject": "1"}).status_code == 403
