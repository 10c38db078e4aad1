"""Value cases through the API on both databases: the figures at three estimates against values
worked by hand, "illustrative" until three outcomes of delivered work back it, evidence that must be
the client's own, and bad input named and not half-saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.promises import service as promises
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.integration.offerings.conftest import build_catalogue


def body(client_id: int, **changes: Any) -> dict[str, Any]:
    return {"client_id": client_id, "title": "Maintenance, the year ahead", "currency": "EUR", "price": "12000",
            "horizon_months": 12,
            "benefits": [{"kind": "time_saved", "description": "Breakdown hours", "low": "10000", "expected": "15000",
                          "high": "20000", "source": "Their log"},
                         {"kind": "cost_avoided", "description": "Energy", "low": "5000", "expected": "6000",
                          "high": "9000"}],
            "costs": [{"kind": "their_time", "description": "Meetings", "low": "1000", "expected": "2000",
                       "high": "4000"},
                      {"kind": "switching", "description": "Handover", "low": "500", "expected": "500",
                       "high": "1500"}], **changes}


def test_the_figures_and_the_evidence(api: TestClient, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    made = api.post("/api/v1/value-cases", json=body(firm.client_id, level_id=firm.levels["Premier"]))
    assert made.status_code == 201, made.text
    case = made.json()
    figures = api.get(f"/api/v1/value-cases/{case['id']}/figures").json()
    low, expected, high = figures["scenarios"]
    # worked by hand in tests/unit/offerings/test_value_math.py
    assert (low["value"], low["roi"], low["payback_months"]) == ("-2500.00", "-0.1429", "14.0")
    assert (expected["value"], expected["roi"], expected["payback_months"]) == ("6500.00", "0.4483", "8.3")
    assert (high["value"], high["roi"], high["payback_months"]) == ("15500.00", "1.1481", "5.6")
    assert figures["illustrative"] is True and figures["delivered_outcomes"] == 0

    outcomes = f"/api/v1/value-cases/{case['id']}/outcomes"
    active = api.post(outcomes, json={"engagement_id": firm.engagement_id, "recorded_on": "2026-05-01",
                                      "description": "Fewer breakdowns"})
    assert active.status_code == 422 and active.json()["error"]["field"] == "engagement_id"   # not delivered yet
    with runtime.transaction() as session:
        other = clients.clients.create(session, {"name": "Someone Else Kft."}, by=SYSTEM)
        start = datetime.now(UTC) - timedelta(days=3)
        theirs = promises.promises.create(session, {"client_id": other.id, "title": "Visit", "window_start": start,
                                                    "window_end": start + timedelta(hours=2)}, by=SYSTEM)
        promises.keep(session, theirs, kept_at=start + timedelta(hours=1), by=SYSTEM)
        theirs_id = theirs.id
    for n, engagement_id in enumerate(firm.done_ids):
        answer = api.post(outcomes, json={"engagement_id": engagement_id, "recorded_on": f"2026-0{n + 1}-15",
                                          "description": f"Outcome {n}", "amount": "4000"})
        assert answer.status_code == 201, answer.text
        if n < 2:
            assert api.get(f"/api/v1/value-cases/{case['id']}/figures").json()["illustrative"] is True
    backed = api.get(f"/api/v1/value-cases/{case['id']}/figures").json()
    assert backed["illustrative"] is False and backed["delivered_outcomes"] == 3
    assert len(api.get(f"/api/v1/value-cases/{case['id']}").json()["outcomes"]) == 3
    missing = api.post(outcomes, json={"engagement_id": firm.done_ids[0], "recorded_on": "2026-06-01",
                                       "description": "x", "testimonial_id": 424242})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "testimonial_id"
    foreign = api.post(outcomes, json={"engagement_id": firm.done_ids[0], "recorded_on": "2026-06-01",
                                       "description": "x", "promise_id": theirs_id})
    assert foreign.status_code == 422 and foreign.json()["error"]["field"] == "promise_id"
    first = api.get(f"/api/v1/value-cases/{case['id']}").json()["outcomes"][0]["id"]
    assert api.delete(f"/api/v1/value-cases/outcomes/{first}").status_code == 204
    assert api.get(f"/api/v1/value-cases/{case['id']}/figures").json()["illustrative"] is True


def test_bad_cases_are_refused_naming_the_field(api: TestClient, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    before = api.get("/api/v1/value-cases").json()["total"]
    item = body(firm.client_id)["benefits"][0]
    for changes, field in (({"benefits": []}, "benefits"),
                           ({"price": "0"}, "price"),
                           ({"horizon_months": 0}, "horizon_months"),
                           ({"benefits": [{**item, "low": "30000"}]}, "benefits[0].expected"),
                           ({"benefits": [{**item, "low": "-1"}]}, "benefits[0].low"),
                           ({"benefits": [{**item, "kind": "switching"}]}, "benefits[0].kind"),
                           ({"costs": [{**item, "kind": "time_saved"}]}, "costs[0].kind"),
                           ({"client_id": 999999}, "client_id")):
        answer = api.post("/api/v1/value-cases", json={**body(firm.client_id), **changes})
        assert answer.status_code == 422, (changes, answer.text)
        assert answer.json()["error"]["field"] == field, (changes, answer.json())
    assert api.get("/api/v1/value-cases").json()["total"] == before
    case = api.post("/api/v1/value-cases", json=body(firm.client_id)).json()
    emptied = api.patch(f"/api/v1/value-cases/{case['id']}", json={"benefits": []})
    assert emptied.status_code == 422 and emptied.json()["error"]["field"] == "benefits"
    assert len(api.get(f"/api/v1/value-cases/{case['id']}").json()["benefits"]) == 2


def test_staff_prepare_value_cases_viewers_do_not(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    firm = build_catalogue(runtime)
    staff = api_as(app, runtime, Role.staff)
    assert staff.post("/api/v1/value-cases", json=body(firm.client_id)).status_code == 201
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.get("/api/v1/value-cases").status_code == 403
    assert viewer.post("/api/v1/value-cases", json=body(firm.client_id)).status_code == 403
