"""The analytics API on both databases: every report, the cache per data version (kept when
something the analytics do not read changes), reports that the data cannot give, the settings with
their audit entry, the refresh (by hand and as the job) — and who may see and change what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.platform.jobs import runner
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from tests.conftest import api_as
from tests.integration.analytics.conftest import build_firm

REPORTS = ("pareto", "rfm", "cohorts", "clv", "churn", "economics")


def test_every_report_and_its_cache(api: TestClient, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=25)
    for report in REPORTS:
        answer = api.get(f"/api/v1/analytics/{report}")
        assert answer.status_code == 200, (report, answer.text)
        body = answer.json()
        assert body["report"] == report and body["meta"]["cached"] is False and body["result"]["currency"] == "EUR"
        again = api.get(f"/api/v1/analytics/{report}").json()
        assert again["meta"]["cached"] is True and again["result"] == body["result"]
    pareto = api.get("/api/v1/analytics/pareto", params={"period": "all"}).json()
    assert pareto["params"]["since"] is None and pareto["result"]["overall"]["clients"] == 25
    assert set(pareto["result"]["by"]) == {"year", "segment", "market", "package"}
    clv = api.get("/api/v1/analytics/clv", params={"until": "2025-12-31", "holdout_until": "2026-06-30",
                                                  "time_unit": "day"}).json()
    assert clv["result"]["holdout"]["clients"] == clv["result"]["clients"]
    churn = api.get("/api/v1/analytics/churn").json()["result"]
    assert churn["key_accounts_at_risk_count"] == len(churn["key_accounts_at_risk"]) <= churn["key_accounts"]

    # a task is not something the analytics read: the cache stays; an invoice is
    with runtime.transaction() as session:
        tasks.tasks.create(session, {"title": "Call Client 03"}, by=SYSTEM)
    assert api.get("/api/v1/analytics/rfm").json()["meta"]["cached"] is True
    with runtime.transaction() as session:
        clients.invoices.create(session, {"client_id": 1, "issued_on": date(2026, 6, 1), "amount": Decimal(10),
                                          "currency": "EUR"}, by=SYSTEM)
    stale = api.get("/api/v1/analytics/rfm", params={"allow_stale": "true"}).json()
    assert stale["meta"]["cached"] is True and stale["meta"]["stale"] is True
    fresh = api.get("/api/v1/analytics/rfm").json()
    assert fresh["meta"]["cached"] is False and fresh["meta"]["data_version"] > stale["meta"]["data_version"]


def test_what_the_data_cannot_give_is_a_4xx_with_the_reason(api: TestClient) -> None:
    for report in ("clv", "churn"):
        answer = api.get(f"/api/v1/analytics/{report}")
        assert answer.status_code == 422 and "nothing to fit" in answer.json()["error"]["message"]
    empty = api.get("/api/v1/analytics/pareto").json()["result"]
    assert empty["overall"]["clients"] == 0 and empty["key_accounts"] == []


def test_bad_parameters_are_4xx(api: TestClient) -> None:
    for url, params in [("pareto", {"period": "sometime"}), ("rfm", {"as_of": "2026-02-30"}),
                        ("rfm", {"as_of": "2026-01-01", "compare_to": "2026-02-01"}),
                        ("cohorts", {"months": "0"}), ("clv", {"time_unit": "month"}),
                        ("clv", {"until": "2026-01-01", "holdout_until": "2025-01-01"})]:
        answer = api.get(f"/api/v1/analytics/{url}", params=params)
        assert 400 <= answer.status_code < 500, (url, params, answer.text)
        assert "error" in answer.json()


def test_settings_are_audited_and_checked(api: TestClient, runtime: Runtime) -> None:
    assert api.get("/api/v1/analytics/settings").json()["acquisition_cost"] is None
    changed = api.patch("/api/v1/analytics/settings", json={"acquisition_cost": 2500, "horizon_months": 18})
    assert changed.status_code == 200 and changed.json()["acquisition_cost"] == 2500
    assert changed.json()["horizon_months"] == 18 and changed.json()["currency"] == "EUR"
    with runtime.transaction() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.entity == "analytics_settings")).first()
    assert api.patch("/api/v1/analytics/settings", json={"horizon_months": 500}).status_code == 422
    assert api.patch("/api/v1/analytics/settings", json={"colour": "red"}).status_code == 422
    cleared = api.patch("/api/v1/analytics/settings", json={"acquisition_cost": None}).json()
    assert cleared["acquisition_cost"] is None and cleared["horizon_months"] == 18


def test_refresh_by_hand_and_as_the_job(api: TestClient, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=15)
    first = api.post("/api/v1/analytics/refresh").json()
    assert first["counted"] == 6
    assert api.post("/api/v1/analytics/refresh").json()["counted"] == 0
    assert api.post("/api/v1/analytics/refresh", params={"force": "true"}).json()["counted"] == 6
    assert api.get("/api/v1/analytics/churn").json()["meta"]["cached"] is True
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Newcomer Kft."}, by=SYSTEM)
    run = runner.run_job(runtime, "analytics.refresh")
    assert run.status.value == "succeeded" and run.counts["counted"] == 6, run.error


def test_roles(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    build_firm(runtime, clients_count=5)
    for role in (Role.viewer, Role.staff):
        client = api_as(app, runtime, role)
        assert client.get("/api/v1/analytics/pareto").status_code == 403
        assert client.patch("/api/v1/analytics/settings", json={"horizon_months": 6}).status_code == 403
        assert client.post("/api/v1/analytics/refresh").status_code == 403
    manager = api_as(app, runtime, Role.manager)
    assert manager.get("/api/v1/analytics/economics").status_code == 200
    assert manager.patch("/api/v1/analytics/settings", json={"horizon_months": 6}).status_code == 200
