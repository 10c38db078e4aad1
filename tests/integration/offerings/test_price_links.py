"""Price questions asked by link on both databases: invitations by e-mail in the client's language
(not to addresses that opted out, nor to clients without one), the public form, an answer stored once
with the client's segment, and the links that cannot be answered: unknown, answered, expired, sent
from another site."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.offerings.research_models import PriceAnswer, PriceInvitation
from servicescape.platform.mail.models import OutboxMessage
from servicescape.quality.models import SurveyOptOut
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import plain


def firm(runtime: Runtime) -> dict[str, int]:
    with runtime.transaction() as session:
        made = {
            "hu": clients.clients.create(session, {"name": "Duna Kft.", "email": "iroda@duna.example", "language": "hu",
                                                   "segment": "Commercial"}, by=SYSTEM).id,
            "bg": clients.clients.create(session, {"name": "Витоша ООД", "language": "bg",
                                                   "segment": "Commercial"}, by=SYSTEM).id,
            "out": clients.clients.create(session, {"name": "Opted Out Ltd", "email": "no@out.example",
                                                    "segment": "Commercial"}, by=SYSTEM).id,
            "none": clients.clients.create(session, {"name": "No Address Sdn Bhd", "segment": "Commercial"},
                                           by=SYSTEM).id}
        clients.contacts.create(session, {"client_id": made["bg"], "name": "Мария Петрова",
                                          "email": "maria@vitosha.example", "language": "bg"}, by=SYSTEM)
        session.add(SurveyOptOut(email="no@out.example"))
    return made


def test_invited_answered_once(api: TestClient, web: TestClient, runtime: Runtime) -> None:
    ids = firm(runtime)
    study = api.post("/api/v1/price-studies", json={"name": "Wave", "method": "van_westendorp", "currency": "EUR",
                                                    "minimum_sample": 1}).json()
    invited = api.post(f"/api/v1/price-studies/{study['id']}/invitations", json={"segment": "Commercial"})
    assert invited.status_code == 201, invited.text
    body = invited.json()
    assert sorted(i["client_id"] for i in body["invited"]) == [ids["hu"], ids["bg"]]
    assert body["progress"] == {"invited": 2, "answered": 0, "expired": 0}
    again = api.post(f"/api/v1/price-studies/{study['id']}/invitations", json={"segment": "Commercial"}).json()
    assert again["invited"] == []                       # no second link while the first waits
    with runtime.transaction() as session:
        mails = {m.recipient: m for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "price_research"))}
        stored = session.scalars(select(PriceInvitation.token_hash)).all()
    assert set(mails) == {"iroda@duna.example", "maria@vitosha.example"}
    assert mails["maria@vitosha.example"].language == "bg" and mails["iroda@duna.example"].language == "hu"
    link = next(i["link"] for i in body["invited"] if i["client_id"] == ids["hu"])
    token = link.rsplit("/", 1)[1]
    assert link in mails["iroda@duna.example"].body_text
    assert token not in str(stored) and hashlib.sha256(token.encode()).hexdigest() in stored

    form = web.get(f"/price/{token}")
    assert form.status_code == 200 and 'lang="hu"' in form.text and "Duna Kft." in plain(form.text)
    assert form.headers["cache-control"] == "no-store" and form.headers["referrer-policy"] == "no-referrer"
    answer = {"too_cheap": "3000", "cheap": "4 500", "expensive": "6000", "too_expensive": "8000",
              "likely_cheap": "5", "likely_expensive": "2"}
    bad = web.post(f"/price/{token}", data={**answer, "cheap": "lots"})
    assert bad.status_code == 422 and 'id="f-cheap-error"' in bad.text
    foreign = web.post(f"/price/{token}", data=answer, headers={"Origin": "https://elsewhere.example"})
    assert foreign.status_code == 403
    sent = web.post(f"/price/{token}", data=answer, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/price/thanks")
    assert token not in sent.headers["location"]
    assert web.get(sent.headers["location"]).status_code == 200
    assert web.post(f"/price/{token}", data=answer).status_code == 409
    assert web.get(f"/price/{token}").status_code == 409
    with runtime.transaction() as session:
        stored_answer = session.scalars(select(PriceAnswer)).one()
    assert (stored_answer.client_id, stored_answer.segment, stored_answer.cheap, stored_answer.likely_cheap,
            stored_answer.valid) == (ids["hu"], "Commercial", 4500, 5, True)
    analysis = api.get(f"/api/v1/price-studies/{study['id']}/analysis").json()["analysis"]
    assert analysis["whole"]["valid"] == 1


def test_links_that_cannot_be_answered(api: TestClient, web: TestClient, runtime: Runtime) -> None:
    ids = firm(runtime)
    assert web.get("/price/" + "A" * 43).status_code == 404
    assert web.get("/price/short").status_code == 404
    study = api.post("/api/v1/price-studies", json={"name": "Wave", "method": "van_westendorp",
                                                    "currency": "EUR"}).json()
    link = api.post(f"/api/v1/price-studies/{study['id']}/invitations",
                    json={"client_ids": [ids["hu"]], "expires_days": 5}).json()["invited"][0]["link"]
    with runtime.transaction() as session:
        session.execute(update(PriceInvitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert web.get(link.replace("http://127.0.0.1:8000", "")).status_code == 410
    gg = api.post("/api/v1/price-studies", json={"name": "GG", "method": "gabor_granger", "currency": "EUR",
                                                 "grid": ["10", "20"]}).json()
    refused = api.post(f"/api/v1/price-studies/{gg['id']}/invitations", json={"client_ids": [ids["hu"]]})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "method"
    nobody = api.post(f"/api/v1/price-studies/{study['id']}/invitations", json={})
    assert nobody.status_code == 422 and nobody.json()["error"]["field"] == "client_ids"
