"""The catalogue through the API on both databases: levels with their targets, dated prices and
their history, the comparison on a day and in a currency, the rules (named fields, nothing
half-saved), and the targets a level promises reaching the promise ledger and the contact cadence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client
from servicescape.promises import complaints, policies
from servicescape.relationships import service as relationships
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.integration.offerings.conftest import build_catalogue


def test_the_comparison_on_a_day_and_in_a_currency(api: TestClient, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    url = f"/api/v1/packages/{firm.package_id}/comparison"
    today = api.get(url, params={"day": "2026-06-01"}).json()
    assert today["currency"] == "EUR" and today["currencies"] == ["EUR", "MYR"]
    assert [c["level"]["name"] for c in today["levels"]] == ["Essential", "Professional", "Premier"]
    assert [c["price"]["amount"] for c in today["levels"]] == ["4800.00", "9600.00", "18500.00"]
    premier = today["levels"][2]
    assert [p["amount"] for p in premier["history"]] == ["18000.00", "18500.00"]
    assert premier["level"]["first_response_hours"] == 4 and premier["level"]["cadence_days"] == 14
    assert today["addons"][0]["price"]["amount"] == "1200.00"
    last_year = api.get(url, params={"day": "2025-06-01"}).json()
    assert [c["price"]["amount"] for c in last_year["levels"]] == ["4500.00", "9000.00", "18000.00"]
    assert last_year["addons"][0]["price"] is None          # the add-on was not sold yet
    myr = api.get(url, params={"day": "2026-06-01", "currency": "myr"}).json()
    assert [c["price"] and c["price"]["amount"] for c in myr["levels"]] == [None, None, "85000.00"]
    wrong = api.get(url, params={"currency": "USD"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "currency"


def test_bad_input_names_the_field_and_saves_nothing(api: TestClient, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    level = firm.levels["Premier"]
    before = api.get("/api/v1/package-prices", params={"per_page": 100}).json()["total"]
    for body, field in (
            ({"level_id": level, "currency": "EUR", "amount": "0", "valid_from": "2027-01-01"}, "amount"),
            ({"level_id": level, "currency": "EUR", "amount": "-5", "valid_from": "2027-01-01"}, "amount"),
            ({"level_id": level, "currency": "EUR", "amount": "19000", "valid_from": "2026-01-01"}, "valid_from"),
            ({"currency": "EUR", "amount": "19000", "valid_from": "2027-01-01"}, "level_id"),
            ({"level_id": level, "addon_id": firm.addon_id, "currency": "EUR", "amount": "1",
              "valid_from": "2027-01-01"}, "level_id"),
            ({"level_id": level, "currency": "XXX", "amount": "1", "valid_from": "2027-01-01"}, "currency")):
        answer = api.post("/api/v1/package-prices", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["field"] == field, (body, answer.json())
    assert api.get("/api/v1/package-prices", params={"per_page": 100}).json()["total"] == before
    for body, field in (({"package_id": firm.package_id, "name": "Premier"}, "name"),
                        ({"package_id": firm.package_id, "name": "Gold", "first_response_hours": 0},
                         "first_response_hours"),
                        ({"package_id": firm.package_id, "name": "Gold", "cadence_days": 4000}, "cadence_days"),
                        ({"package_id": firm.package_id, "name": "Gold", "perceived_quality": 9}, "perceived_quality"),
                        ({"package_id": firm.package_id, "name": "Gold", "inclusions": [""]}, "inclusions")):
        answer = api.post("/api/v1/package-levels", json=body)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, (body, answer.text)
    level_of = api.put(f"/api/v1/engagements/{firm.done_ids[0]}/level", json={"level_id": 999999})
    assert level_of.status_code == 422 and level_of.json()["error"]["field"] == "level_id"


def test_a_level_from_another_package_is_refused_and_a_level_can_be_cleared(api: TestClient,
                                                                            runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    other = api.post("/api/v1/packages", json={"name": "Audit", "currency": "EUR"}).json()
    foreign = api.post("/api/v1/package-levels", json={"package_id": other["id"], "name": "Basic"}).json()
    refused = api.put(f"/api/v1/engagements/{firm.engagement_id}/level", json={"level_id": foreign["id"]})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "level_id"
    cleared = api.put(f"/api/v1/engagements/{firm.engagement_id}/level", json={"level_id": None})
    assert cleared.status_code == 200 and cleared.json() == {"engagement_id": firm.engagement_id, "level_id": None}
    assert api.put("/api/v1/engagements/999999/level", json={"level_id": None}).status_code == 404


def test_the_levels_targets_are_the_ledgers_and_the_cadences(runtime: Runtime) -> None:
    """A standard-tier client sold Premier: complaints are due on Premier's 4 hours and 3 days (not
    the tier's 16 and 10), and the client is overdue for contact after 14 days (not 90)."""
    firm = build_catalogue(runtime)
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)         # a Monday morning on the firm's (UTC) clock
    with runtime.transaction() as session:
        client = session.get(Client, firm.client_id)
        assert client is not None
        due = complaints.due_times(session, client, received)
        clock = policies.clock(session, runtime.settings)
        standard = policies.policy_for(session, client.tier)
        assert standard.first_response_hours == 16 and standard.resolution_days == 10
        assert due["response_due_at"] == clock.add_hours(received, 4)
        assert due["resolution_due_at"] == clock.add_days(received, 3)
        now = client.created_at + timedelta(days=20)
        overdue = relationships.overdue_contacts(session, now=now, reporting_currency="EUR", by=SYSTEM)
        assert [item.client_id for item in overdue.items] == [firm.client_id]
        assert overdue.items[0].due_at == client.created_at + timedelta(days=14)
        assert not relationships.overdue_contacts(session, now=client.created_at + timedelta(days=10),
                                                  reporting_currency="EUR", by=SYSTEM).items


def test_who_may_change_the_catalogue(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    firm = build_catalogue(runtime)
    for role in (Role.viewer, Role.staff):
        client = api_as(app, runtime, role)
        assert client.get(f"/api/v1/packages/{firm.package_id}/comparison").status_code == 200
        assert client.post("/api/v1/package-levels", json={"package_id": firm.package_id,
                                                            "name": "Gold"}).status_code == 403
        assert client.get("/api/v1/competitor-prices").status_code == 403
    manager = api_as(app, runtime, Role.manager)
    assert manager.post("/api/v1/package-levels", json={"package_id": firm.package_id,
                                                         "name": "Gold"}).status_code == 201
