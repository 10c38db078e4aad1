"""Testimonials and referrals through the API on both databases: consent and approval, the
approved-only export, referrals of a client or a prospect, status changes, the figures — and the
4xx answers (naming the field, nothing half-saved) and the roles' limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.referrals.models import Referral, Testimonial
from servicescape.runtime import Runtime
from tests.conftest import api_as


def _client(runtime: Runtime, name: str = "Hegyvidék Szerviz Kft.") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "language": "hu"}, by=SYSTEM).id


def _consent(**extra: object) -> dict[str, object]:
    return {"consent_by": "Kovács Anna", "consent_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
            "consent_uses": ["website", "proposals"], **extra}


def _count(runtime: Runtime, model: type) -> int:
    with runtime.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_consent_approval_and_the_export(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    client_id = _client(runtime)
    words = {"client_id": client_id, "author_name": "Kovács Anna", "author_role": "Ügyvezető",
             "text": "Mindig pontosan érkeznek.\nA jelentés <b>példás</b>.", "language": "hu"}
    draft = api.post("/api/v1/testimonials", json=words)
    assert draft.status_code == 201, draft.text
    assert (draft.json()["status"], draft.json()["consent_uses"]) == ("draft", [])
    refused = api.post(f"/api/v1/testimonials/{draft.json()['id']}/approve")
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "consent_by"

    made = api.post("/api/v1/testimonials", json={**words, **_consent()}).json()
    assert made["status"] == "pending" and made["consent_uses"] == ["website", "proposals"]
    chinese = api.post("/api/v1/testimonials", json={
        **words, "text": "他们总是准时到达。", "language": "zh_Hans", **_consent(consent_uses=["case_studies"])}).json()
    assert chinese["language"] == "zh-Hans"
    for testimonial in (made, chinese):
        approved = api.post(f"/api/v1/testimonials/{testimonial['id']}/approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "approved" and approved.json()["approved_by_id"] == owner.id
    assert api.post(f"/api/v1/testimonials/{made['id']}/approve").status_code == 409

    exported = api.get("/api/v1/testimonials/export", params={"use": "website"})
    assert exported.status_code == 200 and [t["id"] for t in exported.json()] == [made["id"]]
    assert exported.json()[0]["client"] == "Hegyvidék Szerviz Kft."
    assert [t["id"] for t in api.get("/api/v1/testimonials/export", params={"use": "case_studies"}).json()] == [
        chinese["id"]]
    html = api.get("/api/v1/testimonials/export", params={"use": "website", "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert '<figure class="testimonial" lang="hu">' in html.text and "<blockquote" in html.text
    assert "&lt;b&gt;példás&lt;/b&gt;" in html.text and "<b>" not in html.text and "<script" not in html.text
    assert "<p>Mindig pontosan érkeznek.</p>" in html.text and "Ügyvezető, Hegyvidék Szerviz Kft." in html.text
    bad_use = api.get("/api/v1/testimonials/export", params={"use": "billboards"})
    assert bad_use.status_code == 422 and bad_use.json()["error"]["field"] == "use"

    # changing what an approved one says sends it back, out of the export
    changed = api.patch(f"/api/v1/testimonials/{made['id']}", json={"text": "Mindig pontosan érkeznek."})
    assert changed.status_code == 200 and changed.json()["status"] == "pending"
    assert changed.json()["approved_at"] is None
    assert api.get("/api/v1/testimonials/export", params={"use": "website"}).json() == []
    rejected = api.post(f"/api/v1/testimonials/{made['id']}/reject", json={"reason": "Too short."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["rejected_reason"] == "Too short."

    listed = api.get("/api/v1/testimonials", params={"status": "approved"}).json()
    assert [t["id"] for t in listed["items"]] == [chinese["id"]]
    assert api.get("/api/v1/testimonials", params={"language": "zh-Hans", "use": "case_studies",
                                                   "client_id": client_id}).json()["total"] == 1
    assert api.get("/api/v1/testimonials", params={"language": "fr"}).status_code == 422


def test_bad_testimonials_are_refused_naming_the_field(api: TestClient, runtime: Runtime) -> None:
    client_id = _client(runtime)
    good = {"client_id": client_id, "author_name": "Anna", "text": "Kiváló.", "language": "hu"}
    before = _count(runtime, Testimonial)
    for change, field in (({"language": "fr"}, "language"), ({"text": "   "}, "text"),
                          ({"consent_uses": ["billboards"]}, "consent_uses"), ({"client_id": 999_999}, "client_id"),
                          ({"consent_at": "2025-03-01T10:00:00"}, "consent_at"),
                          ({"consent_at": (datetime.now(UTC) + timedelta(days=9)).isoformat()}, "consent_at"),
                          ({"status": "approved"}, "status")):
        response = api.post("/api/v1/testimonials", json={**good, **change})
        assert response.status_code == 422, (change, response.text)
        assert response.json()["error"]["field"].split(".")[0] == field   # consent_uses.0: the item
    assert _count(runtime, Testimonial) == before


def test_referrals_of_a_client_or_a_prospect(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    referrer, other = _client(runtime), _client(runtime, "Syarikat Maju Jaya Sdn. Bhd.")
    day = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    prospect = api.post("/api/v1/referrals", json={"referrer_client_id": referrer, "prospect_name": "Nagy Péter",
                                                   "prospect_company": "Duna Logisztika Kft.", "referred_on": day})
    assert prospect.status_code == 201, prospect.text
    assert (prospect.json()["status"], prospect.json()["owner_id"]) == ("new", owner.id)
    of_client = api.post("/api/v1/referrals", json={"referrer_client_id": referrer, "referred_client_id": other,
                                                    "referred_on": day}).json()
    won = api.post(f"/api/v1/referrals/{of_client['id']}/status",
                   json={"status": "won", "value_won": "12500.50", "currency": "myr"})
    assert won.status_code == 200, won.text
    assert (won.json()["status"], won.json()["value_won"], won.json()["currency"]) == ("won", "12500.50", "MYR")
    assert won.json()["won_on"] is not None
    lost = api.post(f"/api/v1/referrals/{of_client['id']}/status", json={"status": "lost"})
    assert lost.json()["value_won"] is None and lost.json()["won_on"] is None
    assert api.post(f"/api/v1/referrals/{prospect.json()['id']}/status", json={"status": "won", "value_won": "0",
                                                                              "currency": "EUR"}).status_code == 200
    listed = api.get("/api/v1/referrals", params={"status": "won", "referrer_client_id": referrer}).json()
    assert [r["id"] for r in listed["items"]] == [prospect.json()["id"]]
    assert api.get("/api/v1/referrals", params={"client_id": other}).json()["total"] == 1
    year = datetime.now(UTC).year
    assert api.get("/api/v1/referrals", params={"year": year - 5}).json()["total"] == 0
    stats = api.get("/api/v1/referrals/stats").json()
    assert (stats["total"], stats["won"], stats["lost"], stats["conversion_rate"], stats["win_rate"]) == (
        2, 1, 1, 0.5, 0.5)
    assert stats["top_by_count"][0]["client_id"] == referrer
    assert api.get("/api/v1/referrals/stats", params={"year": 2025, "since": "2025-01-01"}).status_code == 422


def test_bad_referrals_are_refused_naming_the_field(api: TestClient, runtime: Runtime) -> None:
    referrer, other = _client(runtime), _client(runtime, "Beta")
    day = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    good = {"referrer_client_id": referrer, "prospect_name": "Tan", "referred_on": day}
    before = _count(runtime, Referral)
    for change, field in (
        ({"prospect_name": None}, "referred_client_id"),                       # nobody referred
        ({"referred_client_id": other}, "prospect_name"),                      # both
        ({"prospect_name": None, "referred_client_id": referrer}, "referred_client_id"),   # itself
        ({"prospect_name": None, "prospect_email": "x@y.example"}, "prospect_name"),
        ({"status": "won"}, "value_won"),
        ({"status": "won", "value_won": "-5", "currency": "EUR"}, "value_won"),
        ({"status": "won", "value_won": "5"}, "currency"),
        ({"status": "won", "value_won": "5", "currency": "XQZ"}, "currency"),
        ({"value_won": "5", "currency": "EUR"}, "value_won"),                 # not won
        ({"referred_on": (datetime.now(UTC) + timedelta(days=5)).date().isoformat()}, "referred_on"),
        ({"status": "won", "value_won": "5", "currency": "EUR", "won_on": "2001-01-01"}, "won_on"),
        ({"referrer_client_id": 999_999}, "referrer_client_id"),
    ):
        response = api.post("/api/v1/referrals", json={**good, **change})
        assert response.status_code == 422, (change, response.text)
        assert response.json()["error"]["field"] == field, (change, response.text)
    assert _count(runtime, Referral) == before
    made = api.post("/api/v1/referrals", json=good).json()
    refused = api.post(f"/api/v1/referrals/{made['id']}/status", json={"status": "won"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "value_won"
    assert api.get(f"/api/v1/referrals/{made['id']}").json()["status"] == "new"   # nothing half-saved


def test_viewers_read_staff_write_managers_approve(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    client_id = _client(runtime)
    made = api.post("/api/v1/testimonials", json={"client_id": client_id, "author_name": "Anna", "text": "Kiváló.",
                                                  "language": "hu", **_consent()}).json()
    viewer, staff = api_as(app, runtime, Role.viewer), api_as(app, runtime, Role.staff)
    assert viewer.get("/api/v1/testimonials/export", params={"use": "website"}).status_code == 200
    assert viewer.get("/api/v1/referrals/stats").status_code == 200
    denied = viewer.post("/api/v1/referrals", json={"referrer_client_id": client_id, "prospect_name": "Tan",
                                                    "referred_on": "2025-01-02"})
    assert denied.status_code == 403
    assert staff.post("/api/v1/referrals", json={"referrer_client_id": client_id, "prospect_name": "Tan",
                                                 "referred_on": "2025-01-02"}).status_code == 201
    assert staff.post(f"/api/v1/testimonials/{made['id']}/approve").status_code == 403
    assert staff.post(f"/api/v1/testimonials/{made['id']}/reject", json={}).status_code == 403
    assert viewer.post("/api/v1/referrals/1/status", json={"status": "lost"}).status_code == 403
