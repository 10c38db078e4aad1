"""The importer's rules: custom fields, owners, rejects, dry runs, re-runs, --map, dates, batches."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from servicescape.audit.models import AuditEvent
from servicescape.audit.service import data_version
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.errors import ImportFailed
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, count, import_events, read_csv, rows, run, write_csv

HEADERS = ["External ID", "Name", "Email", "Country", "Owner", "Tier", "Status", "Type"]


def test_unmapped_columns_are_custom_fields_and_an_unknown_owner_only_warns(
        runtime: Runtime, staff: dict[str, int], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "Owner", "Seats", "VAT no"], [
        ["Tan Holdings", "Aminah Yusof", "12", "MY-1"],
        ["Lim & Partners", "nobody@firm.test", "", "MY-2"],
        ["Petrova", "GEORGI@firm.test", "3", ""],
    ])
    report = run(runtime, "clients", path)
    assert report.to_dict() == {"read": 3, "imported": 3, "updated": 0, "rejected": 0, "warnings": 1}
    assert report.warning_messages == [
        (3, "Owner: no staff member has the name or e-mail 'nobody@firm.test'; it was left empty.")]
    assert rows(runtime, Client, "name", "owner_id", "custom_fields") == [
        ("Tan Holdings", staff["Aminah Yusof"], {"Seats": "12", "VAT no": "MY-1"}),
        ("Lim & Partners", None, {"VAT no": "MY-2"}),
        ("Petrova", staff["Georgi Ivanov"], {"Seats": "3"}),
    ]


def test_choice_spellings_and_unknown_values(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "Tier", "Status", "Type"], [
        ["A", "Key account", "Customer", "Company"], ["B", "b", "former", "Individual"],
        ["C", "TIER 3", "", "Partner"], ["D", "Key", "closed lost", ""], ["E", "Diamond", "active", ""],
        ["F", "", "sleeping", ""],
    ])
    report = run(runtime, "clients", path)
    assert report.rejects == [
        (6, "Tier: 'Diamond' is not a value this field knows; use one of key, growth, standard."),
        (7, "Status: 'sleeping' is not a value this field knows; use one of active, lost."),
    ]
    stored = rows(runtime, Client, "name", "tier", "status", "kind")
    assert [(n, t.value, s.value, k.value) for n, t, s, k in stored] == [
        ("A", "key", "active", "organisation"), ("B", "growth", "lost", "person"),
        ("C", "standard", "active", "organisation"), ("D", "key", "lost", "organisation"),
    ]


def test_unknown_country_rejects_and_a_bad_email_warns(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "Country", "Email"], [
        ["A", "Atlantis", "a@a.example"], ["B", "Hungary", "not an address"], ["C", "my", "mailto:c@c.example"]])
    report = run(runtime, "clients", path)
    assert [n for n, _r in report.rejects] == [2]
    assert report.warning_messages == [
        (3, "Email: 'not an address' does not look like an e-mail address; it was left empty.")]
    assert rows(runtime, Client, "name", "country", "email") == [("B", "HU", None), ("C", "MY", "c@c.example")]


def test_rejects_file_holds_record_reason_and_the_original_cells(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "Country", "Note"], [
        ["Good", "MY", "ok"], ["", "MY", "=HYPERLINK(\"http://x\")"], ["Bad", "Nowhere", "line\nbreak, \"quoted\""]])
    rejects = tmp_path / "out" / "rejects.csv"
    report = run(runtime, "clients", path, rejects_path=rejects)
    assert report.rejects_path == rejects
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(rejects) == [
        ["record", "reason", "Name", "Country", "Note"],
        ["3", "Name: the name is empty.", "", "MY", "'=HYPERLINK(\"http://x\")"],
        ["4", "Country: unknown country: 'Nowhere'; use an ISO code such as MY, BG, CN, TW, HK or HU, or the "
              "country's name", "Bad", "Nowhere", "line\nbreak, \"quoted\""],
    ]
    clean = tmp_path / "clean.csv"
    ok = write_csv(tmp_path / "ok.csv", ["Name"], [["X"]])
    assert run(runtime, "clients", ok, rejects_path=clean).rejects_path is None
    assert not clean.exists()


def test_dry_run_counts_like_a_real_run_and_writes_nothing(runtime: Runtime, staff: dict[str, int]) -> None:
    before = _version(runtime)
    checked = run(runtime, "clients", CORPUS / "hubspot_companies.csv", dry_run=True, batch_size=3)
    assert checked.dry_run and checked.to_dict()["imported"] == 8
    assert count(runtime, Client) == 0 and not import_events(runtime)
    assert _version(runtime) == before
    real = run(runtime, "clients", CORPUS / "hubspot_companies.csv", batch_size=3)
    assert real.to_dict() == checked.to_dict()
    again = run(runtime, "clients", CORPUS / "hubspot_companies.csv", dry_run=True)
    assert again.to_dict()["updated"] == 8 and count(runtime, Client) == 8


def _version(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return data_version(session)


def test_rerun_updates_by_external_id(runtime: Runtime, staff: dict[str, int], tmp_path: Path) -> None:
    first = run(runtime, "clients", CORPUS / "salesforce_accounts.csv")
    assert first.imported == 8
    changed = tmp_path / "changed.csv"
    changed.write_text((CORPUS / "salesforce_accounts.csv").read_text(encoding="utf-8")
                       .replace("Kuala Lumpur", "Petaling Jaya"), encoding="utf-8")
    again = run(runtime, "clients", changed)
    assert (again.imported, again.updated) == (0, 8)
    assert count(runtime, Client) == 8
    assert rows(runtime, Client, "city")[0] == ("Petaling Jaya",)


def test_rerun_matches_email_case_insensitively_then_name_and_country(runtime: Runtime, tmp_path: Path) -> None:
    run(runtime, "clients", write_csv(tmp_path / "a.csv", ["Name", "Email", "Country", "City"], [
        ["Tan Holdings", "Office@Tan.example", "MY", "Ipoh"], ["Lim & Partners", "", "MY", "Ipoh"],
        ["Lim & Partners", "", "SG", "Singapore"]]))
    report = run(runtime, "clients", write_csv(tmp_path / "b.csv", ["Name", "Email", "Country", "City"], [
        ["Tan Holdings Sdn Bhd", "office@tan.example", "MY", "Kuala Lumpur"],   # by e-mail: renamed
        ["Lim & Partners", "", "SG", "Jurong"],                                # by name + country
        ["Lim & Partners", "", "HU", "Budapest"],                              # another country: new
    ]))
    assert (report.imported, report.updated) == (1, 2)
    assert rows(runtime, Client, "name", "country", "city") == [
        ("Tan Holdings Sdn Bhd", "MY", "Kuala Lumpur"), ("Lim & Partners", "MY", "Ipoh"),
        ("Lim & Partners", "SG", "Jurong"), ("Lim & Partners", "HU", "Budapest")]


def test_a_new_external_id_never_rekeys_a_client_of_another_system(runtime: Runtime, tmp_path: Path) -> None:
    run(runtime, "clients", write_csv(tmp_path / "a.csv", ["Id", "Name", "Email"], [["A-1", "Tan", "t@tan.example"]]))
    report = run(runtime, "clients", write_csv(tmp_path / "b.csv", ["Id", "Name", "Email"],
                                               [["B-1", "Tan", "t@tan.example"]]))
    assert (report.imported, report.updated) == (1, 0)
    # ... but a client without an external id gets the file's one
    run(runtime, "clients", write_csv(tmp_path / "c.csv", ["Name", "Email"], [["Lee", "lee@lee.example"]]))
    report = run(runtime, "clients", write_csv(tmp_path / "d.csv", ["Id", "Name", "Email"],
                                               [["C-1", "Lee", "lee@lee.example"]]))
    assert (report.imported, report.updated) == (0, 1)
    assert rows(runtime, Client, "external_id") == [("A-1",), ("B-1",), ("C-1",)]


def test_the_same_key_twice_in_a_file_updates_the_first(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Id", "Name", "City"], [
        ["K-1", "Tan", "Ipoh"], ["K-2", "Lee", "Ipoh"], ["K-1", "Tan Holdings", "Kuala Lumpur"], ["K-1", "", ""]])
    for batch_size in (10, 1):  # within one batch, and across batches
        report = run(runtime, "clients", path, batch_size=batch_size)
        assert report.rejected == 1
        assert rows(runtime, Client, "external_id", "name", "city") == [
            ("K-1", "Tan Holdings", "Kuala Lumpur"), ("K-2", "Lee", "Ipoh")]
    first = run(runtime, "clients", write_csv(tmp_path / "d.csv", ["Id", "Name"], [["N-1", "A"], ["N-1", "B"]]))
    assert (first.imported, first.updated) == (1, 1)


def test_custom_fields_on_update_are_merged_and_empty_cells_remove_them(runtime: Runtime, tmp_path: Path) -> None:
    run(runtime, "clients", write_csv(tmp_path / "a.csv", ["Id", "Name", "Seats", "Note"], [["K", "Tan", "3", "hi"]]))
    run(runtime, "clients", write_csv(tmp_path / "b.csv", ["Id", "Name", "Rating", "Note"], [["K", "Tan", "A", ""]]))
    assert rows(runtime, Client, "custom_fields") == [({"Seats": "3", "Rating": "A"},)]


def test_empty_cells_clear_fields_but_not_identifiers_or_choices(runtime: Runtime, tmp_path: Path) -> None:
    run(runtime, "clients", write_csv(tmp_path / "a.csv", ["Id", "Name", "City", "Tier", "Email"],
                                      [["K", "Tan", "Ipoh", "key", "t@t.example"]]))
    run(runtime, "clients", write_csv(tmp_path / "b.csv", ["Id", "Name", "City", "Tier", "Email"],
                                      [["K", "Tan", "", "", "t@t.example"]]))
    (city, tier, ext), = [(r[0], r[1].value, r[2]) for r in rows(runtime, Client, "city", "tier", "external_id")]
    assert (city, tier, ext) == (None, "key", "K")


def test_map_option(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Kundennummer", "Firma", "Land"], [["K-1", "Müller GmbH", "DE"]])
    with pytest.raises(ImportFailed, match="no column for name"):
        run(runtime, "clients", path)
    report = run(runtime, "clients", path, mappings={"Kundennummer": "external_id", "firma": "name", "Land": "country"})
    assert report.imported == 1 and report.custom_fields == []
    assert rows(runtime, Client, "external_id", "name", "country") == [("K-1", "Müller GmbH", "DE")]
    with pytest.raises(ImportFailed, match="no column 'Kunde'"):
        run(runtime, "clients", path, mappings={"Kunde": "external_id"})
    with pytest.raises(ImportFailed, match="'colour' is not a clients field"):
        run(runtime, "clients", path, mappings={"Firma": "colour"})


def test_ambiguous_dates_follow_dayfirst(runtime: Runtime, book: dict[str, int], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ["Number", "Customer", "Date", "Total", "Currency"], [
        ["I-1", "Erdős Tanácsadó Zrt.", "03/05/2024", "10", "EUR"],
        ["I-2", "Erdős Tanácsadó Zrt.", "04/06/2024", "10", "EUR"]])
    report = run(runtime, "invoices", path)
    assert report.warnings == 1 and "03/05/2024" in report.warning_messages[0][1]
    assert rows(runtime, Invoice, "issued_on") == [(date(2024, 3, 5),), (date(2024, 4, 6),)]
    report = run(runtime, "invoices", path, dayfirst=True)
    assert (report.updated, report.warnings) == (2, 0)
    assert rows(runtime, Invoice, "issued_on") == [(date(2024, 5, 3),), (date(2024, 6, 4),)]
    # one unambiguous date in the column decides for all of it
    decided = write_csv(tmp_path / "j.csv", ["Number", "Customer", "Date", "Total", "Currency"], [
        ["J-1", "Erdős Tanácsadó Zrt.", "03/05/2024", "10", "EUR"],
        ["J-2", "Erdős Tanácsadó Zrt.", "25/12/2024", "1", "EUR"]])
    assert run(runtime, "invoices", decided).warnings == 0
    assert rows(runtime, Invoice, "issued_on")[2:] == [(date(2024, 5, 3),), (date(2024, 12, 25),)]


def test_excel_serial_dates(runtime: Runtime, book: dict[str, int], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", ["Customer", "Date", "Total", "Currency"], [
        ["Erdős Tanácsadó Zrt.", "45356", "€ 10", ""], ["Erdős Tanácsadó Zrt.", "1", "10", "EUR"]])
    report = run(runtime, "invoices", path)
    assert report.rejected == 0
    assert rows(runtime, Invoice, "issued_on", "currency") == [(date(2024, 3, 5), "EUR"), (date(1899, 12, 31), "EUR")]


def test_related_rows_without_external_ids_are_not_duplicated(runtime: Runtime, book: dict[str, int],
                                                              staff: dict[str, int], tmp_path: Path) -> None:
    client = "Erdős Tanácsadó Zrt."
    files = {
        "invoices": (["Customer", "Date", "Total", "Currency"], [[client, "2024-03-05", "10", "EUR"],
                                                                 [client, "2024-03-05", "11", "EUR"]]),
        "interactions": (["Company", "Date", "Type", "Subject"], [[client, "2024-03-05 10:00", "call", "Hi"],
                                                                 [client, "2024-03-05 10:00", "call", "Bye"]]),
        "engagements": (["Company", "Service", "Start", "Value"], [[client, "Audit", "2024-03-01", "5"],
                                                                  [client, "Audit", "2024-04-01", "6"]]),
        "contacts": (["Company", "Name", "Email"], [[client, "Éva", "eva@erdos.example"],
                                                    [client, "Ödön", ""]]),
    }
    models = {"invoices": Invoice, "interactions": Interaction, "engagements": Engagement, "contacts": Contact}
    for kind, (headers, data) in files.items():
        path = write_csv(tmp_path / f"{kind}.csv", headers, data)
        assert run(runtime, kind, path).imported == 2
        again = run(runtime, kind, path)
        assert (again.imported, again.updated, count(runtime, models[kind])) == (0, 2, 2), kind
    report = run(runtime, "engagements", tmp_path / "engagements.csv")
    assert report.warnings == 2  # "Audit" is no service package: kept as the description
    assert rows(runtime, Engagement, "description")[0] == ("Audit",)


def test_unknown_and_ambiguous_clients_are_rejected(runtime: Runtime, book: dict[str, int], tmp_path: Path) -> None:
    run(runtime, "clients", write_csv(tmp_path / "twins.csv", ["Name", "Country"], [["Twin", "MY"], ["Twin", "SG"]]))
    path = write_csv(tmp_path / "i.csv", ["Client ID", "Customer", "Date", "Total", "Currency"], [
        ["", "Nobody Ltd", "2024-03-05", "1", "EUR"], ["X-404", "", "2024-03-05", "1", "EUR"],
        ["", "Twin", "2024-03-05", "1", "EUR"], ["0015g00000XyZ01AAF", "whatever", "2024-03-05", "1", "EUR"]])
    report = run(runtime, "invoices", path)
    assert report.rejects == [
        (2, "No client has the name Nobody Ltd."), (3, "No client has the external id X-404."),
        (4, "2 clients are named Twin; give the client's external id to say which.")]
    assert rows(runtime, Invoice, "client_id") == [(book["Syarikat Bunga Raya Sdn Bhd"],)]


def test_each_batch_is_one_transaction_with_one_audit_event(runtime: Runtime, staff: dict[str, int]) -> None:
    before = _version(runtime)
    report = run(runtime, "clients", CORPUS / "clients_hu_cp1250.csv", batch_size=5)
    assert report.batches == 3
    assert import_events(runtime) == [
        {"entity": "clients", "file": "clients_hu_cp1250.csv", "batch": n, "imported": i, "updated": 0}
        for n, i in ((1, 5), (2, 5), (3, 2))]
    with runtime.transaction() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.entity == "client")) is None  # no per-row events
    assert _version(runtime) == before + 3


def test_a_crash_leaves_whole_batches_and_a_rerun_completes(runtime: Runtime, staff: dict[str, int]) -> None:
    class Killed(Exception):
        pass

    def die_after_two(report) -> None:  # type: ignore[no-untyped-def]
        if report.batches == 2:
            raise Killed

    with pytest.raises(Killed):
        run(runtime, "clients", CORPUS / "clients_hu_cp1250.csv", batch_size=5, progress=die_after_two)
    assert rows(runtime, Client, "external_id") == [(f"HU-{n:02d}",) for n in range(1, 11)]
    report = run(runtime, "clients", CORPUS / "clients_hu_cp1250.csv", batch_size=5)
    assert (report.imported, report.updated) == (2, 10)
    assert rows(runtime, Client, "external_id") == [(f"HU-{n:02d}",) for n in range(1, 13)]


def test_a_failing_batch_writes_none_of_its_rows(runtime: Runtime, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from servicescape.clients import import_batches

    path = write_csv(tmp_path / "c.csv", ["Id", "Name"], [[f"K-{n}", f"Client {n}"] for n in range(7)])
    original = import_batches.BatchWriter._update

    def broken_update(self, conn, targets, now):  # type: ignore[no-untyped-def]
        original(self, conn, targets, now)
        if self.calls == 1:
            raise RuntimeError("power cut")
        self.calls += 1

    monkeypatch.setattr(import_batches.BatchWriter, "calls", 0, raising=False)
    monkeypatch.setattr(import_batches.BatchWriter, "_update", broken_update)
    with pytest.raises(RuntimeError, match="power cut"):
        run(runtime, "clients", path, batch_size=3)
    assert count(runtime, Client) == 3  # the second batch's inserts were rolled back with it


def test_text_is_restored_from_the_exports_formula_guard(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "Phone", "Note"], [["'=Tan", "'+60 3-1234", "''@home"]])
    run(runtime, "clients", path)
    assert rows(runtime, Client, "name", "phone", "custom_fields") == [("=Tan", "+60 3-1234", {"Note": "'@home"})]


def test_nul_characters_and_overlong_text_are_rejected(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Name", "City"], [["A\x00B", "x"], ["B", "y" * 121], ["C", "z"]])
    report = run(runtime, "clients", path)
    assert [n for n, _r in report.rejects] == [2, 3]
    assert report.rejects[1][1] == "City is longer than 120 characters."


def test_whole_file_problems(runtime: Runtime, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="Unknown kind"):
        run(runtime, "suppliers", CORPUS / "clients_hu_cp1250.csv")
    with pytest.raises(ImportFailed, match="cannot be read"):
        run(runtime, "clients", CORPUS / "clients_bg_cp1251.csv", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no sheet"):
        run(runtime, "clients", CORPUS / "workbook_two_sheets.xlsx", sheet="Nope")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty"):
        run(runtime, "clients", tmp_path / "empty.csv")


def test_explicit_encoding(runtime: Runtime) -> None:
    report = run(runtime, "clients", CORPUS / "clients_bg_cp1251.csv", encoding="cp1251")
    assert report.imported == 10 and report.encoding == "cp1251"


def test_created_at_keeps_the_files_time_and_updates_touch_updated_at(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Id", "Name", "Created"], [["K", "Tan", "2020-01-02T03:04:05+00:00"]])
    run(runtime, "clients", path)
    with runtime.transaction() as session:
        session.execute(update(Client).values(updated_at=datetime(2021, 1, 1, tzinfo=UTC)))
    run(runtime, "clients", path)
    (created, updated), = rows(runtime, Client, "created_at", "updated_at")
    assert created == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC) and updated.year > 2021


def test_amount_rules(runtime: Runtime, book: dict[str, int], tmp_path: Path) -> None:
    client = "Erdős Tanácsadó Zrt."
    path = write_csv(tmp_path / "i.csv", ["Number", "Customer", "Date", "Total", "Currency"], [
        ["1", client, "2024-03-05", "0.00005", "EUR"], ["2", client, "2024-03-05", "10000000000001", "EUR"],
        ["3", client, "2024-03-05", "12.3456", "EUR"], ["4", client, "2024-03-05", "5", "dollars"],
        ["5", client, "2024-03-05", "5", ""], ["6", client, "2024-03-05", "1 234,5678", "huf"],
        ["7", client, "2024-03-05", "-1 234,5678", "HUF"]])
    report = run(runtime, "invoices", path)
    assert [n for n, _r in report.rejects] == [2, 3, 5, 6, 8]
    assert rows(runtime, Invoice, "amount", "currency") == [(Decimal("12.3456"), "EUR"), (Decimal("1234.5678"), "HUF")]
