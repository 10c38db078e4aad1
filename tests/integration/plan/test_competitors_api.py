"""Competitors on both databases: added and changed through /api/v1 (a name taken in any case is a
409), strengths and weaknesses as clients reported them, the mentions job finding a Latin and a
Chinese name in complaints and interaction notes (whole words only; a second run changes nothing;
a renamed competitor is read again and its old mentions go), and the price map grouping
competitors' offers by their positioning."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.offerings import catalogue
from servicescape.plan import competitors, mentions
from servicescape.plan.models import CompetitorMention
from servicescape.platform.jobs.runner import JobContext, run_job
from servicescape.promises.models import Complaint
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.contract.shape import assert_error
from tests.integration.pages.conftest import owner_browser
from tests.integration.plan.knowledge_firm import client_with_revenue, resolved_complaint

__all__ = ["owner_browser"]     # the fixture

MENTIONS = "plan.competitor_mentions"


def test_competitors_and_what_clients_report(api: TestClient, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    made = api.post("/api/v1/competitors", json={"name": "  CoolTech   Services ", "segments": ["Commercial",
                                                                                             "Commercial", "Retail"],
                                                 "positioning": "parity"})
    assert made.status_code == 201, made.text
    rival = made.json()
    assert rival["name"] == "CoolTech Services" and rival["segments"] == ["Commercial", "Retail"]
    assert_error(api.post("/api/v1/competitors", json={"name": "cooltech services"}), 409, "conflict", field="name")
    assert_error(api.post("/api/v1/competitors", json={"name": "Other", "positioning": "cheap"}), 422,
                 "validation_failed", field="positioning")
    assert_error(api.post("/api/v1/competitors", json={"name": "Other", "segments": ["x" * 121]}), 422,
                 "validation_failed", field="segments.0")
    other = api.post("/api/v1/competitors", json={"name": "Rapid Fix Engineering", "positioning": "economy"}).json()
    assert api.patch(f"/api/v1/competitors/{other['id']}", json={"name": "COOLTECH SERVICES"}).status_code == 409
    client = client_with_revenue(runtime, "Permata Timur Sdn Bhd", 1000)
    for kind, text in (("weakness", "Missed two windows."), ("strength", "Cheaper contract.")):
        said = api.post("/api/v1/competitor-observations", json={"competitor_id": rival["id"], "kind": kind,
                                                                 "text": text, "client_id": client,
                                                                 "noted_on": "2026-03-01"})
        assert said.status_code == 201, said.text
    api.post("/api/v1/competitor-observations", json={"competitor_id": other["id"], "kind": "strength",
                                                      "text": "Came on a Sunday.", "noted_on": "2026-03-02"})
    listed = api.get("/api/v1/competitor-observations", params={"competitor_id": rival["id"]}).json()
    assert listed["total"] == 2 and {o["kind"] for o in listed["items"]} == {"weakness", "strength"}
    assert api.get("/api/v1/competitor-observations").json()["total"] == 3
    assert_error(api.post("/api/v1/competitor-observations", json={"competitor_id": rival["id"], "kind": "strength",
                                                                   "text": "  ", "noted_on": "2026-03-01"}),
                 422, "validation_failed", field="text")
    assert_error(api.post("/api/v1/competitor-observations", json={"competitor_id": 999999, "kind": "strength",
                                                                   "text": "x", "noted_on": "2026-03-01"}),
                 422, "validation_failed", field="competitor_id")
    staff = api_as(app, runtime, Role.staff)
    noted = staff.post("/api/v1/competitor-observations", json={"competitor_id": rival["id"], "kind": "weakness",
                                                                "text": "Slow to quote.", "noted_on": "2026-03-03"})
    assert noted.status_code == 201 and noted.json()["noted_by_id"] is not None
    assert_error(staff.post("/api/v1/competitors", json={"name": "Nope Ltd"}), 403, "permission_denied")
    with runtime.transaction() as session:
        assert competitors.positioning_by_name(session) == {"cooltech services": "parity",
                                                            "rapid fix engineering": "economy"}


def test_the_mentions_job_finds_latin_and_chinese_names_once(api: TestClient, runtime: Runtime,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cooltech = api.post("/api/v1/competitors", json={"name": "CoolTech Services"}).json()["id"]
    chinese = api.post("/api/v1/competitors", json={"name": "冷氣專家"}).json()["id"]
    apex = api.post("/api/v1/competitors", json={"name": "Apex"}).json()["id"]
    client = client_with_revenue(runtime, "Kedai Runcit Sdn Bhd", 1000)
    complaint = resolved_complaint(runtime, client, None, None)
    with runtime.transaction() as session:
        record = session.get(Complaint, complaint)
        assert record is not None
        record.text = "They said cooltech services would come sooner. Apexia quoted too."
        note = clients.interactions.create(session, {"client_id": client, "occurred_at": utcnow() - timedelta(days=3),
                                                     "summary": "客户说找了冷氣專家報價，比較便宜。"}, by=SYSTEM)
        clients.interactions.create(session, {"client_id": client, "summary": "Nothing about rivals.",
                                              "occurred_at": utcnow() - timedelta(days=2)}, by=SYSTEM)
    beats: list[str] = []
    keep_lease = JobContext.heartbeat
    monkeypatch.setattr(mentions, "PROGRESS_EVERY", 1)   # the lease is kept while the texts are read
    monkeypatch.setattr(JobContext, "heartbeat", lambda context: (beats.append(context.job.name),
                                                                  keep_lease(context))[1])
    first = run_job(runtime, MENTIONS)
    assert first.status.value == "succeeded", first.error
    assert first.counts["full"] is True and first.counts["added"] == 2
    assert beats and set(beats) == {MENTIONS}
    monkeypatch.undo()
    second = run_job(runtime, MENTIONS)
    assert second.counts["added"] == 0 and second.counts["removed"] == 0 and second.counts["full"] is False
    with runtime.transaction() as session:
        rows = {(m.competitor_id, m.source, m.key) for m in session.scalars(select(CompetitorMention))}
    assert rows == {(cooltech, "complaint", str(complaint)), (chinese, "interaction", str(note.id))}
    page = api.get(f"/api/v1/competitors/{cooltech}/mentions").json()
    assert page["total"] == 1
    mention = page["items"][0]
    assert mention["url"] == f"/complaints/{complaint}" and "cooltech services" in mention["excerpt"]
    assert api.get(f"/api/v1/competitors/{chinese}/mentions").json()["items"][0]["url"] == f"/clients/{client}"
    assert api.get(f"/api/v1/competitors/{apex}/mentions").json()["total"] == 0
    # renamed: every text is read again for it; its old mention goes, the new name's is found
    api.patch(f"/api/v1/competitors/{apex}", json={"name": "Apexia"})
    api.patch(f"/api/v1/competitors/{cooltech}", json={"name": "CoolTech Group"})
    third = run_job(runtime, MENTIONS)
    assert (third.counts["added"], third.counts["removed"]) == (1, 1), third.counts
    assert api.get(f"/api/v1/competitors/{apex}/mentions").json()["total"] == 1
    assert api.get(f"/api/v1/competitors/{cooltech}/mentions").json()["total"] == 0
    assert run_job(runtime, MENTIONS).counts["added"] == 0
    assert_error(api.get("/api/v1/competitors/999999/mentions"), 404, "not_found")
    api.delete(f"/api/v1/competitors/{chinese}")
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CompetitorMention)) == 1


def test_the_price_map_groups_competitors_by_positioning(api: TestClient, runtime: Runtime, owner_browser) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        for who, price, quality in (("Nordic Climate Partners", 16_500, 5.8), ("Budget Aircon Co.", 2_100, 3.4),
                                    ("Unknown Rival", 5_000, 4.0)):
            catalogue.competitor_prices.create(session, {"competitor": who, "offer": "Care", "price": Decimal(price),
                                                         "currency": "EUR", "perceived_quality": quality}, by=SYSTEM)
    api.post("/api/v1/competitors", json={"name": "nordic climate partners", "positioning": "premium"})
    api.post("/api/v1/competitors", json={"name": "Budget Aircon Co.", "positioning": "economy"})
    page = owner_browser.get("/offerings/price-map")
    assert page.status_code == 200, page.text
    for group in ("Premium competitors", "Economy competitors", "Competitors"):
        assert group in page.text
