"""A rule of the client book lives once (``clients.rules``): added there, the API, the services and
the importer all apply it, with no second edit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import rules, service
from servicescape.clients.models import Client, Engagement
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_
from servicescape.runtime import Runtime
from tests.integration.api.conftest import assert_error, new_client
from tests.integration.importing.conftest import rows, run, write_csv

PLACEHOLDER = N_("%(column)s: XXX is a placeholder, not a name.")


def no_placeholder_names(record: rules.Record) -> None:
    if record.get("name") == "XXX":
        raise rules.RuleBroken("name", PLACEHOLDER)


def starts_on_a_known_day(record: rules.Record) -> None:
    if record.get("start_date") is None:
        raise rules.RuleBroken("start_date", N_("%(column)s: a new engagement needs a start date."))


@pytest.fixture
def extra_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rules added the one way there is: in ``clients.rules`` (undone after the test)."""
    clients, engagements = rules.RULES["clients"], rules.RULES["engagements"]
    monkeypatch.setattr(clients, "every_write", [*clients.every_write, no_placeholder_names])
    monkeypatch.setattr(engagements, "on_create", [*engagements.on_create, starts_on_a_known_day])


@pytest.mark.usefixtures("extra_rules")
def test_a_rule_added_once_holds_for_the_api_the_service_and_an_import(
        api: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    refused = assert_error(api.post("/api/v1/clients", json={"name": "XXX"}), 422, "validation_failed", "name")
    assert refused["message"] == "name: XXX is a placeholder, not a name."
    kept = new_client(api, name="Tan Holdings", external_id="T-1")
    assert_error(api.patch(f"/api/v1/clients/{kept['id']}", json={"name": "XXX"}), 422, "validation_failed", "name")
    with runtime.transaction() as session, pytest.raises(ValidationFailed) as failed:
        service.clients.create(session, {"name": "XXX"}, by=SYSTEM)
    assert failed.value.field == "name"

    path = write_csv(tmp_path / "c.csv", ["External ID", "Company"], [["L-1", "Lim"], ["X-1", "XXX"], ["T-1", "XXX"]])
    report = run(runtime, "clients", path)
    assert report.to_dict() == {"read": 3, "imported": 1, "updated": 0, "rejected": 2, "warnings": 0}
    assert report.rejects == [(3, "Company: XXX is a placeholder, not a name."),
                              (4, "Company: XXX is a placeholder, not a name.")]
    assert rows(runtime, Client, "external_id", "name") == [("T-1", "Tan Holdings"), ("L-1", "Lim")]


@pytest.mark.usefixtures("extra_rules")
def test_a_rule_for_new_records_holds_when_an_import_creates_and_not_when_it_updates(
        api: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    client = new_client(api, name="Tan Holdings", external_id="T-1")
    refused = assert_error(api.post("/api/v1/engagements", json={"client_id": client["id"], "description": "Audit"}),
                           422, "validation_failed", "start_date")
    assert refused["message"] == "start_date: a new engagement needs a start date."
    stored = api.post("/api/v1/engagements", json={"client_id": client["id"], "description": "Audit",
                                                   "external_id": "E-1", "start_date": "2024-03-01"})
    assert stored.status_code == 201, stored.text

    path = write_csv(tmp_path / "e.csv", ["External ID", "client_external_id", "Service", "Start", "Value"], [
        ["E-2", "T-1", "Tax", "", "100"], ["E-3", "T-1", "Payroll", "2024-04-01", "200"],
        ["E-1", "T-1", "Audit", "", "300"],
    ])
    report = run(runtime, "engagements", path)
    assert report.rejects == [(2, "Start: a new engagement needs a start date.")]
    assert (report.imported, report.updated) == (1, 1)
    assert sorted(rows(runtime, Engagement, "external_id", "value")) == [("E-1", 300), ("E-3", 200)]


def test_the_rules_the_book_has_word_the_same_for_the_service_and_the_importer(
        runtime: Runtime, tmp_path: Path) -> None:
    with runtime.transaction() as session:
        client = service.clients.create(session, {"name": "Tan", "external_id": "T-1"}, by=SYSTEM)
        with pytest.raises(ValidationFailed) as failed:
            service.engagements.create(session, {"client_id": client.id, "description": "x",
                                                 "start_date": date(2024, 3, 5), "end_date": date(2024, 3, 4)},
                                       by=SYSTEM)
    assert (failed.value.field, failed.value.message) == ("end_date", "The end date is before the start date.")
    path = write_csv(tmp_path / "e.csv", ["client_external_id", "Service", "Start", "End"], [
        ["T-1", "Audit", "2024-03-05", "2024-03-04"], ["T-1", "", "", ""]])
    assert run(runtime, "engagements", path).rejects == [
        (2, "The end date is before the start date."), (3, "An engagement needs a service package or a description.")]
