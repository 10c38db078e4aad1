"""Importing promises and complaints through the import pipeline, on both databases: statuses derived
from the times, rows refused with their record and field, batches kept or rolled back whole, CSV and
XLSX, complaints' due times, the CLI, the data API and pages, and the export read back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.clients.importing import ImportReport
from servicescape.errors import ImportFailed, ServicescapeError
from servicescape.platform.imports import import_kind
from servicescape.promises import import_writes, rules
from servicescape.promises.complaints import _moment, due_times
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.promises.service import promises as promises_service
from servicescape.runtime import Runtime
from servicescape.tabular.headers import map_headers, targets
from tests.conftest import csrf_from, make_staff, sign_in
from tests.integration.importing.conftest import read_csv, write_csv

FIRM = ZoneInfo("Asia/Kuala_Lumpur")  # the settings fixture's zone
HEADERS = ["external_id", "client_external_id", "client_name", "owner", "kind", "window_start", "window_end",
           "kept_at", "delivered_by", "cancelled"]


def day(offset: int) -> str:
    """A day ``offset`` days from today on the firm's clock, as a file writes it."""
    return (datetime.now(FIRM).date() + timedelta(days=offset)).isoformat()


def firm_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=FIRM)


@pytest.fixture
def firm(runtime: Runtime) -> dict[str, int]:
    """Two staff members and three clients: name → id."""
    ids = {"aminah": make_staff(runtime, Role.staff, email="aminah@firm.test", name="Aminah Yusof").id,
           "georgi": make_staff(runtime, Role.staff, email="georgi@firm.test", name="Georgi Ivanov").id}
    with runtime.transaction() as session:
        for ext, name, tier in (("C-1", "Hegyvidék Szerviz Kft.", "key"), ("C-2", "Tan Holdings Sdn Bhd", "standard"),
                                ("C-3", "Lim & Partners", "growth")):
            ids[ext] = clients.clients.create(session, {"name": name, "external_id": ext, "tier": tier,
                                                        "owner_id": ids["georgi"]}, by=SYSTEM).id
    return ids


def worded(refusal: Callable[[], object], column: str) -> str:
    """How an import words a rule's refusal: the rule's own message, with the field named as the file's
    column names it."""
    with pytest.raises(ServicescapeError) as refused:
        refusal()
    error = refused.value
    return error.naming(column) if error.naming is not None else f"{column}: {error.message}"


def run(runtime: Runtime, kind: str, path: Path, **options: Any) -> ImportReport:
    options.setdefault("by", SYSTEM)
    report: ImportReport = import_kind(kind).run_import(runtime, path=path, **options)
    return report


def promises(runtime: Runtime) -> dict[str, Promise]:
    with runtime.transaction() as session:
        return {p.external_id: p for p in session.scalars(select(Promise))}  # type: ignore[misc]


def complaints(runtime: Runtime) -> dict[str, Complaint]:
    with runtime.transaction() as session:
        return {c.external_id: c for c in session.scalars(select(Complaint))}  # type: ignore[misc]


def ledger_csv(path: Path) -> Path:
    """Kept on time, late (by someone else), missed, cancelled and still open."""
    return write_csv(path, HEADERS, [
        ["P-1", "C-1", "", "aminah@firm.test", "site visit", f"{day(-3)} 09:00", f"{day(-3)} 12:00",
         f"{day(-3)} 11:30", "", ""],
        ["P-2", "", "Tan Holdings Sdn Bhd", "Aminah Yusof", "appointment", f"{day(-2)} 09:00", f"{day(-2)} 12:00",
         f"{day(-2)} 13:45", "Georgi Ivanov", "no"],
        ["P-3", "C-2", "", "GEORGI@firm.test", "call back", f"{day(-1)} 14:00", f"{day(-1)} 15:00", "", "", ""],
        ["P-4", "C-3", "", "georgi@firm.test", "document", f"{day(1)} 09:00", f"{day(1)} 17:00", "", "", "yes"],
        ["P-5", "C-3", "", "georgi@firm.test", "", f"{day(2)} 10:00", f"{day(2)} 11:00", "", "", ""],
    ])


def test_statuses_and_lateness_follow_from_the_times(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    before = datetime.now(UTC)
    report = run(runtime, "promises", ledger_csv(tmp_path / "ledger.csv"))
    assert report.to_dict() == {"read": 5, "imported": 5, "updated": 0, "rejected": 0, "warnings": 0}
    stored = promises(runtime)
    assert {ext: p.status for ext, p in stored.items()} == {
        "P-1": PromiseStatus.kept, "P-2": PromiseStatus.late, "P-3": PromiseStatus.missed,
        "P-4": PromiseStatus.cancelled, "P-5": PromiseStatus.open}
    kept, late, missed, cancelled, still_open = (stored[f"P-{n}"] for n in range(1, 6))
    # times without a timezone are on the firm's clock, as an interaction's occurred_at
    assert kept.window_start == firm_time(f"{day(-3)} 09:00") and kept.window_start.utcoffset() == timedelta(0)
    assert (kept.lateness_minutes, kept.delivered_by_id, kept.owner_id) == (0, firm["aminah"], firm["aminah"])
    assert (late.lateness_minutes, late.delivered_by_id, late.client_id) == (105, firm["georgi"], firm["C-2"])
    assert late.other_person_came and late.kind == "appointment"
    assert (missed.missed_at, missed.kept_at, missed.lateness_minutes) == (missed.window_end, None, None)
    assert cancelled.cancelled_at is not None and cancelled.cancelled_at >= before and cancelled.missed_at is None
    assert (still_open.kind, still_open.cancelled_at, still_open.missed_at) == ("appointment", None, None)
    assert kept.made_by_id is None  # the system imported it


def test_bad_rows_are_refused_with_their_record_and_field(runtime: Runtime, firm: dict[str, int],
                                                          tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", ["Appointment ID", "Customer ID", "Assigned to", "Type", "Start time",
                                            "End time", "Completed at", "Cancelled"], [
        ["B-1", "C-1", "aminah@firm.test", "site visit", f"{day(-1)} 15:00", f"{day(-1)} 14:00", "", ""],
        ["B-2", "C-404", "aminah@firm.test", "site visit", f"{day(-1)} 09:00", f"{day(-1)} 10:00", "", ""],
        ["B-3", "C-1", "nobody@firm.test", "teleport", f"{day(-1)} 09:00", f"{day(-1)} 10:00", "", ""],
        ["B-4", "C-1", "aminah@firm.test", "", f"{day(-1)} 09:00", f"{day(-1)} 10:00", f"{day(-1)} 09:30", "yes"],
        ["B-5", "C-1", "aminah@firm.test", "", f"{day(-1)} 09:00", f"{day(-1)} 10:00", f"{day(3)} 09:30", ""],
        ["B-6", "C-1", "aminah@firm.test", "", f"{day(1)} 09:00", f"{day(1)} 10:00", "", ""],
    ])
    rejects_path = tmp_path / "rejects.csv"
    report = run(runtime, "promises", path, rejects_path=rejects_path)
    assert report.to_dict() == {"read": 6, "imported": 1, "updated": 0, "rejected": 5, "warnings": 0}
    reasons = dict(report.rejects)
    assert sorted(reasons) == [2, 3, 4, 5, 6]  # CSV lines: the header is line 1
    assert reasons[2] == worded(lambda: rules.check_window(firm_time(f"{day(-1)} 15:00"),
                                                         firm_time(f"{day(-1)} 14:00")), "End time")
    assert "End time" in reasons[2]
    assert reasons[3] == "Customer ID: No client has the external id C-404."
    assert reasons[4].split("\n") == [
        "Assigned to: no staff member has the name or e-mail 'nobody@firm.test'.",
        "Type: 'teleport' is not a value this field knows; use one of appointment, deliverable, call_back, "
        "site_visit, document, other."]
    assert reasons[5] == "Cancelled: Only an open promise can be cancelled; this one is kept."
    assert reasons[6] == "Completed at: A promise cannot be kept in the future (kept_at is after now)."
    written = read_csv(rejects_path)
    assert written[0][:3] == ["record", "reason", "Appointment ID"]
    assert sorted((int(row[0]), row[1], row[2]) for row in written[1:]) == [
        (number, reasons[number], f"B-{number - 1}") for number in range(2, 7)]
    assert list(promises(runtime)) == ["B-6"]


def test_a_dry_run_writes_nothing_and_a_real_run_keeps_the_good_rows(runtime: Runtime, firm: dict[str, int],
                                                                     tmp_path: Path) -> None:
    path = ledger_csv(tmp_path / "ledger.csv")
    with path.open("a", encoding="utf-8") as handle:  # a bad row, and P-1 again: the earlier row's record
        handle.write(f"P-6,C-9,,georgi@firm.test,,{day(1)} 09:00,{day(1)} 10:00,,,\n"
                     f"P-1,C-1,,aminah@firm.test,site visit,{day(-3)} 09:00,{day(-3)} 12:00,{day(-3)} 12:20,,\n")
    checked = run(runtime, "promises", path, dry_run=True, batch_size=2)
    assert checked.to_dict() == {"read": 7, "imported": 5, "updated": 1, "rejected": 1, "warnings": 0}
    assert checked.dry_run and promises(runtime) == {}
    imported = run(runtime, "promises", path, batch_size=2)
    assert imported.to_dict() == checked.to_dict()
    stored = promises(runtime)
    assert sorted(stored) == ["P-1", "P-2", "P-3", "P-4", "P-5"]
    assert (stored["P-1"].status, stored["P-1"].lateness_minutes) == (PromiseStatus.late, 20)  # the later row
    with runtime.transaction() as session:
        events = session.scalars(select(AuditEvent.changes).where(AuditEvent.action == "import")).all()
    assert [(e["batch"], e["imported"], e["updated"]) for e in events] == [(1, 2, 0), (2, 2, 0), (3, 1, 0), (4, 0, 1)]
    again = run(runtime, "promises", path)
    assert again.to_dict() == {"read": 7, "imported": 0, "updated": 6, "rejected": 1, "warnings": 0}
    assert len(promises(runtime)) == 5


def test_a_batch_is_kept_or_rolled_back_whole(runtime: Runtime, firm: dict[str, int], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    applied = import_writes.PromiseWriter.apply
    seen: list[str] = []

    def fails_on_the_fourth(self: Any, session: Any, row: Any, existing: Any, now: datetime) -> Any:
        seen.append(row.values["external_id"])
        if len(seen) == 4:
            raise RuntimeError("the disk is full")
        return applied(self, session, row, existing, now)

    monkeypatch.setattr(import_writes.PromiseWriter, "apply", fails_on_the_fourth)
    with pytest.raises(RuntimeError, match="the disk is full"):
        run(runtime, "promises", ledger_csv(tmp_path / "ledger.csv"), batch_size=2)
    assert sorted(promises(runtime)) == ["P-1", "P-2"]  # the first batch; none of the second


def test_without_external_ids_a_second_import_matches_instead_of_duplicating(
        runtime: Runtime, firm: dict[str, int], owner: Staff, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calendar.csv", ["Customer", "Assigned to", "Appointment start", "Appointment end",
                                                 "Location", "Subject", "Status"], [
        ["Lim & Partners", "Georgi Ivanov", f"{day(4)} 09:00", f"{day(4)} 10:00", "Ipoh", "Audit kick-off", "Kept"],
        ["Lim & Partners", "Georgi Ivanov", f"{day(5)} 09:00", f"{day(5)} 10:00", "Ipoh", "", ""],
        ["Lim & Partners", "", f"{day(6)} 09:00", f"{day(6)} 10:00", "", "", ""],
    ])
    first = run(runtime, "promises", path, by=owner)
    assert first.to_dict() == {"read": 3, "imported": 3, "updated": 0, "rejected": 0, "warnings": 1}
    assert first.warning_messages == [(None, "Column Status is not imported: only clients have custom fields.")]
    assert run(runtime, "promises", path).to_dict()["updated"] == 3
    with runtime.transaction() as session:
        stored = session.execute(select(Promise.place, Promise.title, Promise.status, Promise.owner_id)
                                 .order_by(Promise.window_start))
        assert [tuple(row) for row in stored] == [("Ipoh", "Audit kick-off", "open", firm["georgi"]),
                                                  ("Ipoh", None, "open", firm["georgi"]),
                                                  (None, None, "open", None)]  # not the manager who imported it


def test_xlsx_with_other_systems_headers(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Jobs"
    start = datetime.combine(datetime.now(FIRM).date() - timedelta(days=2), datetime.min.time()).replace(hour=9)
    sheet.append(["Job ID", "Customer", "Technician", "Scheduled start", "Scheduled end", "Arrived at",
                  "Customer feedback", "Notes"])
    sheet.append(["J-1", "Hegyvidék Szerviz Kft.", "Aminah Yusof", start, start + timedelta(hours=3),
                  start + timedelta(hours=3, minutes=40), "Megjöttek, köszönjük.", "Ladder needed"])
    sheet.append(["J-2", "Tan Holdings Sdn Bhd", "georgi@firm.test", f"{day(-1)}T09:00:00+00:00",
                  f"{day(-1)}T11:00:00+00:00", None, None, None])
    path = tmp_path / "jobs.xlsx"
    book.save(path)
    report = run(runtime, "promises", path)
    assert report.to_dict() == {"read": 2, "imported": 2, "updated": 0, "rejected": 0, "warnings": 0}
    assert report.sheet == "Jobs"
    stored = promises(runtime)
    late, missed = stored["J-1"], stored["J-2"]
    assert late.window_start == start.replace(tzinfo=FIRM)   # a workbook's times are on the firm's clock
    assert (late.status, late.lateness_minutes, late.client_words, late.notes) == (
        PromiseStatus.late, 40, "Megjöttek, köszönjük.", "Ladder needed")
    assert missed.status == PromiseStatus.missed
    assert missed.window_start == datetime.fromisoformat(f"{day(-1)}T09:00:00+00:00")  # its own offset kept
    with pytest.raises(ImportFailed, match="Nope"):
        run(runtime, "promises", path, sheet="Nope")
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Promise)) == 2


def test_complaints_get_their_due_times_statuses_and_breaches(runtime: Runtime, firm: dict[str, int],
                                                              tmp_path: Path) -> None:
    received = datetime.now(FIRM).replace(microsecond=0, second=0) - timedelta(days=20)
    when = (received + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")

    def at(days: float) -> str:
        return (received + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")

    headers = ["Ticket ID", "Organization", "Created", "Via", "Priority", "Assignee", "Description",
               "First response at", "Resolved at", "Resolution"]
    tickets = [
        ["T-1", "Hegyvidék Szerviz Kft.", when, "Phone", "Urgent", "aminah@firm.test", "Nobody came at 2 pm.", "",
         "", ""],
        ["T-2", "Tan Holdings Sdn Bhd", when, "Web", "low", "", "The invoice is wrong.", at(0.01), at(1), "Refunded."],
        ["T-3", "Lim & Partners", when, "e-mail", "High", "Georgi Ivanov", "Late again.", at(15), "", ""],
        ["T-4", "Lim & Partners", when, "e-mail", "", "", "Resolved, but how?", "", at(2), ""],
        ["T-5", "Lim & Partners", "", "e-mail", "", "", "When was this?", "", "", ""],
        ["T-6", "Lim & Partners", when, "e-mail", "", "", "Answered before it came.", at(-1), "", ""],
    ]
    path = write_csv(tmp_path / "tickets.csv", headers, tickets)
    report = run(runtime, "complaints", path)
    assert report.to_dict() == {"read": 6, "imported": 3, "updated": 0, "rejected": 3, "warnings": 0}
    assert dict(report.rejects) == {
        5: "Resolution: Say how the complaint was resolved (outcome).",
        6: "Created is required.",
        7: worded(lambda: _moment(firm_time(at(-1)), Complaint(received_at=firm_time(when)), "first_response_at"),
                  "First response at")}
    stored = complaints(runtime)
    with runtime.transaction() as session:
        for complaint in stored.values():
            client = clients.clients.get(session, complaint.client_id, by=SYSTEM)
            assert {"response_due_at": complaint.response_due_at, "resolution_due_at": complaint.resolution_due_at} \
                == due_times(session, client, complaint.received_at)
    fresh, solved, late = stored["T-1"], stored["T-2"], stored["T-3"]
    assert fresh.received_at == firm_time(when)
    assert (fresh.status, fresh.channel, fresh.severity, fresh.owner_id) == (
        ComplaintStatus.open, "call", "critical", firm["aminah"])
    assert fresh.response_breached_at is None  # left to the sweep
    assert (solved.status, solved.channel, solved.severity, solved.outcome) == (
        ComplaintStatus.resolved, "other", "low", "Refunded.")
    assert solved.owner_id == firm["georgi"]  # nobody named: the client's owner
    assert (solved.response_breached_at, solved.resolution_breached_at) == (None, None)
    assert late.status == ComplaintStatus.responded and late.response_breached_at == late.response_due_at
    assert late.resolution_breached_at is None
    tickets[3][-1] = "New part fitted."
    write_csv(path, headers, tickets)
    again = run(runtime, "complaints", path)
    assert again.to_dict() == {"read": 6, "imported": 1, "updated": 3, "rejected": 2, "warnings": 0}
    answered = complaints(runtime)["T-4"]
    assert (answered.status, answered.first_response_at) == (ComplaintStatus.resolved, answered.resolved_at)


def test_the_cli_imports_and_exports_and_the_export_reads_back(runtime: Runtime, db_url: str, firm: dict[str, int],
                                                               tmp_path: Path) -> None:
    runner = CliRunner()
    path = ledger_csv(tmp_path / "ledger.csv")
    result = runner.invoke(cli, ["import", "promises", str(path), "--db", db_url, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"read": 5, "imported": 5, "updated": 0, "rejected": 0, "warnings": 0}
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"promises.{fmt}"
        exported = runner.invoke(cli, ["export", "promises", "--out", str(out), "--db", db_url])
        assert exported.exit_code == 0 and "Exported 5 promises" in exported.stdout
    rows = read_csv(tmp_path / "promises.csv")
    assert rows[0] == list(import_kind("promises").fields)
    kept = dict(zip(rows[0], rows[1], strict=True))
    assert (kept["owner"], kept["kind"], kept["cancelled"]) == ("aminah@firm.test", "site_visit", "")
    # the CLI's firm keeps the default clock (UTC): times with their offset, read back to the same instant
    assert kept["kept_at"] == f"{day(-3)}T11:30:00+00:00"
    assert datetime.fromisoformat(kept["kept_at"]) == promises(runtime)["P-1"].kept_at
    before = {ext: (p.status, p.lateness_minutes, p.kept_at, p.cancelled_at, p.delivered_by_id)
              for ext, p in promises(runtime).items()}
    for fmt in ("csv", "xlsx", "json"):
        back = runner.invoke(cli, ["import", "promises", str(tmp_path / f"promises.{fmt}"), "--db", db_url, "--json"])
        assert json.loads(back.stdout)["updated"] == 5, back.output
    assert {ext: (p.status, p.lateness_minutes, p.kept_at, p.cancelled_at, p.delivered_by_id)
            for ext, p in promises(runtime).items()} == before
    summary = runner.invoke(cli, ["import", "complaints", str(path), "--db", db_url])
    assert summary.exit_code == 1 and "no column for received_at" in " ".join(summary.stderr.split())


@pytest.fixture
def browser(app: Any, runtime: Runtime, owner: Staff) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in(client, owner.email)
        yield client


def test_the_import_page_and_the_api_take_the_new_kinds(browser: TestClient, api: TestClient, runtime: Runtime,
                                                       firm: dict[str, int], tmp_path: Path) -> None:
    page = browser.get("/import")
    assert page.status_code == 200
    assert '<option value="promises"' in page.text and '<option value="complaints"' in page.text
    assert "/export?kind=complaints&amp;format=xlsx" in page.text
    token = csrf_from(page.text)
    content = ledger_csv(tmp_path / "ledger.csv").read_bytes()
    uploaded = browser.post("/import", data={"csrf_token": token, "kind": "promises"},
                            files={"file": ("ledger.csv", content, "text/csv")}, follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    columns = browser.get(uploaded.headers["location"])
    assert columns.status_code == 200 and "Window start" in columns.text and "Who must deliver" in columns.text
    chosen = dict(re.findall(r'<select name="(col-\d+)"[^>]*>.*?<option value="([^"]+)" selected', columns.text,
                             re.S))
    assert chosen["col-5"] == "window_start" and chosen["col-9"] == "cancelled"
    checked = browser.post(uploaded.headers["location"], data={"csrf_token": token, "action": "check"})
    assert checked.status_code == 200 and "Nothing has been written yet" in checked.text
    assert promises(runtime) == {}
    done = browser.post(uploaded.headers["location"], data={"csrf_token": token, "action": "import"})
    assert done.status_code == 200 and "Every row was imported." in done.text
    assert len(promises(runtime)) == 5
    export = browser.get("/export?kind=promises&format=csv")
    assert export.status_code == 200 and export.text.count("\n") == 6
    tickets = b"Ticket ID,Customer ID,Created,Description\nT-9,C-2,2025-01-06 10:00,The lift is broken.\n"
    staged = browser.post("/import", data={"csrf_token": token, "kind": "complaints"},
                          files={"file": ("tickets.csv", tickets, "text/csv")}, follow_redirects=False)
    step = browser.get(staged.headers["location"])
    assert step.status_code == 200 and "Who handles it" in step.text and "Keep as a custom field" not in step.text
    response = api.post("/api/v1/imports/complaints", files={"file": ("tickets.csv", tickets, "text/csv")})
    assert response.status_code == 200, response.text
    assert {key: response.json()[key] for key in ("kind", "imported", "rejected")} == {
        "kind": "complaints", "imported": 1, "rejected": 0}
    ticket = complaints(runtime)["T-9"]
    assert ticket.received_at == datetime(2025, 1, 6, 2, tzinfo=UTC)
    assert ticket.owner_id == firm["georgi"]  # the client's owner, not the manager who imported it
    exported = api.get("/api/v1/exports/complaints", params={"format": "json"})
    assert exported.status_code == 200 and exported.json()[0]["external_id"] == "T-9"


def test_the_kinds_know_what_other_systems_call_their_fields() -> None:
    promise, complaint = import_kind("promises"), import_kind("complaints")
    for kind in (promise, complaint):
        assert sorted(kind.labels) == sorted(targets(kind)) and not kind.custom_fields
    calendar = map_headers(promise, ["Appointment ID", "Customer", "Start time", "Scheduled end", "Assignee",
                                     "Completed at", "Canceled", "Location", "Status"])
    assert list(calendar.fields) == ["external_id", "client_name", "window_start", "window_end", "owner", "kept_at",
                                     "cancelled", "place"]
    assert calendar.unmapped == [(8, "Status")]  # a status is never read: it follows from the times
    assert map_headers(promise, ["Account ID", "Appointment start", "Due date"]).missing_required() == []
    assert map_headers(promise, ["Window start", "Window end"]).missing_required() == [
        "client_external_id or client_name"]
    tickets = map_headers(complaint, ["Ticket ID", "Organization", "Created", "Via", "Priority", "Assignee",
                                      "Description", "First response at", "Resolved at", "Resolution"])
    assert list(tickets.fields) == ["external_id", "client_name", "received_at", "channel", "severity", "owner", "text",
                                    "first_response_at", "resolved_at", "outcome"]
    assert map_headers("clients", ["Created", "Priority"]).fields == {"created_at": 0, "tier": 1}  # by name, as before


def test_engagements_and_the_date_order(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    with runtime.transaction() as session:
        for ext, client in (("E-1", "C-1"), ("E-2", "C-2")):
            clients.engagements.create(session, {"client_id": firm[client], "external_id": ext,
                                                 "description": "Maintenance"}, by=SYSTEM)
    path = write_csv(tmp_path / "dates.csv", ["ID", "Client ID", "Engagement", "Start", "End"], [
        ["D-1", "C-1", "E-1", "13/05/2030 09:00", "13/05/2030 10:00"],
        ["D-2", "C-1", "E-2", "03/05/2030 09:00", "03/05/2030 10:00"],
        ["D-3", "C-1", "E-404", "03/05/2030 09:00", "03/05/2030 10:00"],
        ["D-4", "C-2", "", "03/05/2030 09:00", "04/05/2030 10:00"],
    ])
    report = run(runtime, "promises", path)
    with runtime.transaction() as session:
        elsewhere = worded(lambda: promises_service.check(session, {
            "client_id": firm["C-1"], "engagement_id": 2, "window_start": firm_time("2030-05-03 09:00"),
            "window_end": firm_time("2030-05-03 10:00")}, None), "Engagement")
    assert dict(report.rejects) == {3: elsewhere, 4: "Engagement: No engagement has the external id E-404."}
    stored = promises(runtime)
    assert stored["D-1"].window_start == datetime(2030, 5, 13, 9, tzinfo=FIRM)   # 13/05: the day comes first
    assert stored["D-4"].window_end == datetime(2030, 5, 4, 10, tzinfo=FIRM)     # so in the other date column too
    assert (stored["D-1"].engagement_id, stored["D-4"].engagement_id) == (1, None)
    monthfirst = run(runtime, "promises", write_csv(tmp_path / "us.csv", ["ID", "Client ID", "Start", "End"], [
        ["D-5", "C-3", "03/05/2030 09:00", "03/05/2030 10:00"]]), dry_run=True)
    assert [message for _number, message in monthfirst.warning_messages] == [
        f"{column}: dates such as 03/05/2030 {hour} could have the day or the month first; they were read month "
        "first. If the day comes first, import the file again with --dayfirst."
        for column, hour in (("Start", "09:00"), ("End", "10:00"))]


def test_a_stored_record_changes_by_its_services_rules(runtime: Runtime, firm: dict[str, int],
                                                       tmp_path: Path) -> None:
    assert run(runtime, "promises", ledger_csv(tmp_path / "ledger.csv")).imported == 5
    moved = write_csv(tmp_path / "moved.csv", ["external_id", "client_external_id", "window_start", "window_end"], [
        ["P-1", "C-1", f"{day(-3)} 10:00", f"{day(-3)} 12:00"],     # kept: it keeps its window
        ["P-5", "C-3", f"{day(3)} 10:00", f"{day(3)} 11:00"],       # open: moved
    ])
    report = run(runtime, "promises", moved)
    with runtime.transaction() as session:
        kept = session.scalars(select(Promise).where(Promise.external_id == "P-1")).one()
        refusal = worded(lambda: promises_service.update(session, kept, {"window_start": firm_time(
            f"{day(-3)} 10:00")}, by=SYSTEM), "window_start")
    assert report.to_dict() == {"read": 2, "imported": 0, "updated": 1, "rejected": 1, "warnings": 0}
    assert dict(report.rejects) == {2: refusal}
    stored = promises(runtime)
    assert stored["P-1"].window_start == firm_time(f"{day(-3)} 09:00") and stored["P-1"].status == PromiseStatus.kept
    assert stored["P-5"].window_start == firm_time(f"{day(3)} 10:00") and stored["P-5"].status == PromiseStatus.open
