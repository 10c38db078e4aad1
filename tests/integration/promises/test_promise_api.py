"""The promise ledger through the API on both databases: record, keep, miss, re-promise, the sweep,
the figures, complaints, recovery tasks, settings — and the 4xx answers of the rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.runtime import Runtime
from tests.conftest import api_as


def _client(runtime: Runtime, tier: str = "key") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": "Hegyvidék Szerviz Kft.", "tier": tier, "language": "hu",
                                                "email": "iroda@hegyvidek.example"}, by=SYSTEM).id


def _window(hours_from_now: float, length: float = 3) -> dict[str, str]:
    start = datetime.now(UTC) + timedelta(hours=hours_from_now)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=length)).isoformat()}


def test_keep_miss_repromise_and_the_figures(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    client_id = _client(runtime)
    made = api.post("/api/v1/promises", json={"client_id": client_id, "kind": "site_visit", "title": "Klíma javítás",
                                              **_window(-5)})
    assert made.status_code == 201, made.text
    promise = made.json()
    assert (promise["status"], promise["owner_id"], promise["made_by_id"]) == ("open", owner.id, owner.id)
    kept = api.post(f"/api/v1/promises/{promise['id']}/keep", json={"client_words": "Rendben, köszönjük."})
    assert kept.status_code == 200, kept.text
    assert kept.json()["status"] == "late" and kept.json()["lateness_minutes"] >= 119
    assert api.post(f"/api/v1/promises/{promise['id']}/keep", json={}).status_code == 409
    second = api.post("/api/v1/promises", json={"client_id": client_id, **_window(20)}).json()
    missed = api.post(f"/api/v1/promises/{second['id']}/miss", json={"client_words": "Senki nem jött."})
    assert missed.status_code == 200 and missed.json()["status"] == "missed"
    again = api.post(f"/api/v1/promises/{second['id']}/repromise", json=_window(44))
    assert again.status_code == 201, again.text
    assert again.json()["repromised_from_id"] == second["id"]
    assert api.post(f"/api/v1/promises/{second['id']}/repromise", json=_window(50)).status_code == 409
    chain = api.get(f"/api/v1/promises/{again.json()['id']}/chain").json()
    assert [p["id"] for p in chain] == [second["id"], again.json()["id"]]
    recovery = api.get("/api/v1/promises/recovery/tasks").json()
    assert recovery["total"] == 2  # late beyond the key tier's 15 minutes, and the missed one
    stats = api.get("/api/v1/promises/stats").json()
    assert stats["late_share"] == 1.0 and stats["by_staff"][owner.email]["promises"] == 1
    assert api.post("/api/v1/promises/sweep").json()["missed"] == 0
    listed = api.get("/api/v1/promises", params={"view": "all", "client_id": client_id}).json()
    assert listed["total"] == 3
    task_id = recovery["items"][0]["id"]
    assert api.post(f"/api/v1/promises/recovery/tasks/{task_id}/close", json={"outcome": ""}).status_code == 422
    closed = api.post(f"/api/v1/promises/recovery/tasks/{task_id}/close", json={"outcome": "Elnézést kértünk."})
    assert closed.status_code == 200 and closed.json()["status"] == "done"


def test_bad_input_names_the_rule(api: TestClient, runtime: Runtime) -> None:
    client_id = _client(runtime)
    backwards = api.post("/api/v1/promises", json={"client_id": client_id, **_window(5, -1)})
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "window_end"
    unknown = api.post("/api/v1/promises", json={"client_id": 999_999, **_window(5)})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "client_id"
    naive = api.post("/api/v1/promises", json={"client_id": client_id, "window_start": "2027-01-01T10:00:00",
                                               "window_end": "2027-01-01T12:00:00+00:00"})
    assert naive.status_code == 422
    promise = api.post("/api/v1/promises", json={"client_id": client_id, **_window(5)}).json()
    assert api.post(f"/api/v1/promises/{promise['id']}/cancel", json={"reason": "Ügyfél kérte"}).status_code == 200
    kept = api.post(f"/api/v1/promises/{promise['id']}/keep", json={})
    assert kept.status_code == 409 and "cancelled" in kept.json()["error"]["message"]
    assert api.get("/api/v1/promises/stats").status_code == 200
    assert api.get("/api/v1/promises/999999").status_code == 404


def test_complaints_notice_and_settings(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    client_id = _client(runtime)
    complaint = api.post("/api/v1/complaints", json={"client_id": client_id, "text": "Senki nem jött 2 és 5 között.",
                                                     "channel": "call", "severity": "high"})
    assert complaint.status_code == 201, complaint.text
    body = complaint.json()
    assert body["status"] == "open" and body["response_due_at"] > body["received_at"]
    assert api.post(f"/api/v1/complaints/{body['id']}/resolve", json={"outcome": ""}).status_code == 422
    resolved = api.post(f"/api/v1/complaints/{body['id']}/resolve", json={"outcome": "Kicseréltük az alkatrészt."})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api.get("/api/v1/complaints", params={"state": "resolved"}).json()["total"] == 1
    assert api.get("/api/v1/complaints/stats").json()["resolved"] == 1
    promise = api.post("/api/v1/promises", json={"client_id": client_id, **_window(2)}).json()
    preview = api.post(f"/api/v1/promises/{promise['id']}/notice/preview", json={})
    assert preview.status_code == 200 and preview.json()["language"] == "hu"
    custom = api.put("/api/v1/promises/settings/notice/hu",
                     json={"subject": "Időpont: {window}", "body": "Kedves {client}! Új időpont: {new_window}. {firm}"})
    assert custom.status_code == 200 and custom.json()["custom"] is True
    bad = api.put("/api/v1/promises/settings/notice/hu", json={"subject": "{nope}", "body": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "subject"
    sent = api.post(f"/api/v1/promises/{promise['id']}/notice", json={})
    assert sent.status_code == 200 and sent.json()["subject"].startswith("Időpont:")
    assert api.get(f"/api/v1/promises/{promise['id']}").json()["announced_at"] is not None
    policy = api.patch("/api/v1/promises/settings/policies/key", json={"first_response_hours": 2})
    assert policy.status_code == 200 and policy.json()["first_response_hours"] == 2
    policies = {row["tier"]: row for row in api.get("/api/v1/promises/settings/policies").json()}
    assert policies["key"]["first_response_hours"] == 2 and set(policies) == {"key", "growth", "standard"}
    assert api.put("/api/v1/promises/settings/holidays/2026-12-25",
                   json={"day": "2026-12-25", "name": "Karácsony"}).status_code == 200
    assert [h["day"] for h in api.get("/api/v1/promises/settings/holidays").json()] == ["2026-12-25"]
    assert api.delete("/api/v1/promises/settings/holidays/2026-12-25").status_code == 204
    staff = api_as(app, runtime, Role.staff)
    assert staff.patch("/api/v1/promises/settings/policies/key", json={"resolution_days": 1}).status_code == 403
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.post("/api/v1/promises", json={"client_id": client_id, **_window(9)}).status_code == 403
    assert viewer.get("/api/v1/promises").status_code == 200


def test_confirm_respond_leave_and_wording_round_trips(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    client_id = _client(runtime)
    promise = api.post("/api/v1/promises", json={"client_id": client_id, **_window(30)}).json()
    confirmed = api.post(f"/api/v1/promises/{promise['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed_at"] is not None and confirmed.json()["status"] == "open"
    complaint = api.post("/api/v1/complaints", json={"client_id": client_id, "text": "Nem hívtak vissza.",
                                                     "channel": "e-mail"}).json()
    answered = api.post(f"/api/v1/complaints/{complaint['id']}/respond", json={})
    assert answered.status_code == 200, answered.text
    assert answered.json()["first_response_at"] is not None
    today = datetime.now(UTC).date()
    leave = api.post("/api/v1/promises/settings/leave", json={"staff_id": owner.id, "starts_on": today.isoformat(),
                                                              "ends_on": (today + timedelta(days=3)).isoformat()})
    assert leave.status_code == 201, leave.text
    assert [row["id"] for row in api.get("/api/v1/promises/settings/leave").json()] == [leave.json()["id"]]
    assert api.delete(f"/api/v1/promises/settings/leave/{leave.json()['id']}").status_code == 204
    assert api.get("/api/v1/promises/settings/leave").json() == []
    assert api.delete(f"/api/v1/promises/settings/leave/{leave.json()['id']}").status_code == 404
    built_in = api.get("/api/v1/promises/settings/notice/bg")
    assert built_in.status_code == 200 and built_in.json()["custom"] is False
    assert api.put("/api/v1/promises/settings/notice/bg",
                   json={"subject": "Час: {window}", "body": "Здравейте, {client}. {firm}"}).json()["custom"] is True
    assert api.get("/api/v1/promises/settings/notice/bg").json()["subject"] == "Час: {window}"
    reset = api.delete("/api/v1/promises/settings/notice/bg")
    assert reset.status_code == 200 and reset.json() == built_in.json()
    assert api.get("/api/v1/promises/settings/notice/xx").status_code == 422
