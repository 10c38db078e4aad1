"""Every file of tests/data/imports imported into a fresh client book, with the exact counts of
its README and the values of the awkward cells (encodings, separators, amounts, dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.errors import ImportFailed
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, count, rows, run

# file, sheet, read, imported, custom fields (columns kept), warnings
CLIENT_FILES = [
    ("clients_utf8_bom_semicolon.csv", None, 10, 10, ["Annual fee"], 0),
    ("clients_hu_cp1250.csv", None, 12, 12, [], 0),
    ("clients_bg_cp1251.csv", None, 10, 10, [], 0),
    ("clients_zh_gb18030.csv", None, 10, 10, [], 0),
    ("clients_zh_big5.csv", None, 8, 8, [], 0),
    ("clients_ms_tab.tsv", None, 10, 10, [], 0),
    ("clients_utf16_excel.txt", None, 6, 6, [], 0),
    ("workbook_two_sheets.xlsx", "Clients", 8, 8, ["Annual fee"], 0),
    ("hubspot_companies.csv", None, 8, 8, ["Number of Employees", "Annual Revenue"], 0),
    ("salesforce_accounts.csv", None, 8, 8, ["Account Number", "Rating"], 1),
    ("pipedrive_organizations.csv", None, 7, 7, ["Organization - People", "Organization - Open deals"], 0),
    ("odoo_contacts.csv", None, 8, 8, [], 0),
    ("zoho_accounts.csv", None, 5, 5, ["Account Number"], 1),
    ("clients_bad_rows.csv", None, 7, 2, [], 0),
]
# file, kind, sheet, read, imported, warnings (columns not imported, ambiguous dates)
RELATED_FILES = [
    ("contacts_quoted_multiline.csv", "contacts", None, 6, 6, 1),
    ("hubspot_contacts.csv", "contacts", None, 8, 8, 3),
    ("invoices_amounts_dates.csv", "invoices", None, 12, 10, 0),  # two negative totals (credit notes)
    ("workbook_two_sheets.xlsx", "invoices", "Invoices", 6, 6, 0),
    ("salesforce_opportunities.csv", "engagements", None, 6, 6, 0),
    ("odoo_invoices.csv", "invoices", None, 6, 5, 2),  # a credit note (RINV/…, negative)
    ("interactions_mixed.csv", "interactions", None, 6, 6, 1),
    ("invoices_bad_rows.csv", "invoices", None, 8, 2, 0),
]
MODELS = {"contacts": Contact, "engagements": Engagement, "invoices": Invoice, "interactions": Interaction}


@pytest.mark.parametrize(("name", "sheet", "read", "imported", "custom", "warnings"), CLIENT_FILES)
def test_client_files(runtime: Runtime, staff: dict[str, int], tmp_path: Path, name: str, sheet: str | None,
                      read: int, imported: int, custom: list[str], warnings: int) -> None:
    report = run(runtime, "clients", CORPUS / name, sheet=sheet, rejects_path=tmp_path / "rejects.csv")
    assert report.to_dict() == {"read": read, "imported": imported, "updated": 0, "rejected": read - imported,
                                "warnings": warnings}
    assert report.custom_fields == custom
    assert count(runtime, Client) == imported
    assert (tmp_path / "rejects.csv").exists() == (read > imported)


@pytest.mark.parametrize(("name", "kind", "sheet", "read", "imported", "warnings"), RELATED_FILES)
def test_related_files(runtime: Runtime, book: dict[str, int], name: str, kind: str, sheet: str | None,
                       read: int, imported: int, warnings: int) -> None:
    report = run(runtime, kind, CORPUS / name, sheet=sheet)
    assert report.to_dict() == {"read": read, "imported": imported, "updated": 0, "rejected": read - imported,
                                "warnings": warnings}, report.rejects
    assert count(runtime, MODELS[kind]) == imported


def test_semicolon_file_values(runtime: Runtime, staff: dict[str, int]) -> None:
    run(runtime, "clients", CORPUS / "clients_utf8_bom_semicolon.csv")
    stored = rows(runtime, Client, "external_id", "name", "country", "city", "phone", "email", "created_at",
                  "custom_fields")
    assert [r[0] for r in stored] == [f"C-{n:03d}" for n in range(1, 11)]
    first = stored[0]
    assert first[1:6] == ("Syarikat Bunga Raya Sdn Bhd", "MY", "Kuala Lumpur", "+60 3-2141 5678",
                          "hello@bungaraya.my")
    # 05.03.2024 is midnight in the firm's time zone (Asia/Kuala_Lumpur, UTC+8)
    assert first[6] == datetime(2024, 3, 4, 16, 0, tzinfo=UTC)
    assert first[7] == {"Annual fee": "12.500,00"}
    by_id = {r[0]: r for r in stored}
    assert by_id["C-006"][1] == "Szűcs; Erdős Könyvelő Bt."   # a quoted ; inside a field
    assert by_id["C-003"][2:4] == ("CN", "北京")
    assert by_id["C-004"][2] == "TW" and by_id["C-009"][2] == "HK"
    assert by_id["C-005"][6] == datetime(2024, 3, 19, 16, 0, tzinfo=UTC)  # 2024. 03. 20.
    assert by_id["C-007"][5] is None  # an empty e-mail cell


def test_legacy_encodings_read_every_letter(runtime: Runtime, staff: dict[str, int]) -> None:
    run(runtime, "clients", CORPUS / "clients_hu_cp1250.csv")
    run(runtime, "clients", CORPUS / "clients_bg_cp1251.csv")
    run(runtime, "clients", CORPUS / "clients_zh_big5.csv")
    names = {r[0]: r[1:] for r in rows(runtime, Client, "external_id", "name", "city", "country", "industry")}
    assert names["HU-02"] == ("Szűcs Könyvelő Bt.", "Pécs", "HU", "Könyvelés")
    assert names["HU-09"][0] == "Őri Gábor egyéni vállalkozó"
    assert names["BG-01"][:3] == ("Адвокатско дружество Петров, Иванов и сие", "София", "BG")
    assert names["BG-10"][0] == 'Нематериални услуги "Качество" ООД'
    assert names["TW-02"][2] == "TW" and names["TW-05"][2] == "HK"


def test_workbook_cells(runtime: Runtime, staff: dict[str, int]) -> None:
    run(runtime, "clients", CORPUS / "workbook_two_sheets.xlsx")  # the first sheet is Clients
    stored = {r[0]: r[1:] for r in rows(runtime, Client, "external_id", "phone", "created_at", "custom_fields")}
    assert list(stored) == [f"X-0{n}" for n in range(1, 9)]
    assert stored["X-01"] == ("60321415678", datetime(2024, 3, 4, 16, tzinfo=UTC), {"Annual fee": "12500"})
    assert stored["X-03"][1:] == (datetime(2024, 3, 6, 16, tzinfo=UTC), {"Annual fee": "98000.5"})  # serial 45358
    assert stored["X-04"][1] == datetime(2024, 3, 8, 1, 30, tzinfo=UTC)
    assert stored["X-05"][1] == datetime(2024, 3, 10, 16, tzinfo=UTC)  # text 2024. 03. 11.
    assert stored["X-06"] == (None, datetime(2024, 3, 11, 16, tzinfo=UTC), {})
    assert stored["X-07"][1] == datetime(2024, 3, 12, 16, tzinfo=UTC)  # text 13/03/2024


def test_invoice_amounts_and_dates(runtime: Runtime, book: dict[str, int]) -> None:
    report = run(runtime, "invoices", CORPUS / "invoices_amounts_dates.csv")
    negative = "Total: an invoice cannot be negative (credit notes are not supported yet)."
    assert report.rejects == [(8, negative), (10, negative)]  # (12.50) and -12,5 read as negative amounts
    stored = rows(runtime, Invoice, "external_id", "client_id", "issued_on", "amount", "currency")
    expected = [
        ("INV-001", "Syarikat Bunga Raya Sdn Bhd", date(2024, 3, 5), "1200", "MYR"),
        ("INV-002", "Адвокатско дружество Петров и сие", date(2024, 3, 5), "1234.5", "BGN"),
        ("INV-003", "帷幄咨询有限公司", date(2024, 3, 5), "12345", "CNY"),
        ("INV-004", "臺北品牌營銷顧問有限公司", date(2024, 3, 5), "45000", "TWD"),
        ("INV-005", "Kővári és Társa Ügyvédi Iroda", date(2024, 3, 5), "1234500", "HUF"),
        ("INV-006", "Szűcs Könyvelő Bt.", date(2024, 3, 5), "1234.5", "EUR"),
        ("INV-008", "Perunding Keyakinan Enterprise", date(2024, 3, 26), "1234.56", "MYR"),
        ("INV-010", "香港忠誠度顧問", date(2024, 3, 28), "8800", "HKD"),
        ("INV-011", "Erdős Tanácsadó Zrt.", date(2024, 3, 29), "1234.56", "EUR"),
        ("INV-012", "Győri Fővállalkozó Kft.", date(2024, 3, 30), "1234.56", "EUR"),
    ]
    assert stored == [(ext, book[client], day, Decimal(amount), currency)
                      for ext, client, day, amount, currency in expected]


def test_workbook_invoices(runtime: Runtime, book: dict[str, int]) -> None:
    run(runtime, "invoices", CORPUS / "workbook_two_sheets.xlsx", sheet="invoices")  # sheet names: any case
    stored = rows(runtime, Invoice, "external_id", "issued_on", "amount", "currency")
    assert stored == [
        ("INV-1", date(2024, 3, 5), Decimal("1200"), "MYR"), ("INV-2", date(2024, 3, 6), Decimal("8400"), "BGN"),
        ("INV-3", date(2024, 3, 7), Decimal("98000.5"), "CNY"), ("INV-4", date(2024, 3, 8), Decimal("45000"), "TWD"),
        ("INV-5", date(2024, 3, 11), Decimal("1234500"), "HUF"), ("INV-6", date(2024, 3, 13), Decimal("0.1"), "EUR"),
    ]


def test_interaction_times_and_channels(runtime: Runtime, book: dict[str, int], staff: dict[str, int]) -> None:
    report = run(runtime, "interactions", CORPUS / "interactions_mixed.csv")
    assert "3/7/2024 2:30 PM" in report.warning_messages[0][1]  # read month first, and said so
    stored = rows(runtime, Interaction, "external_id", "occurred_at", "channel", "staff_id", "summary")
    assert [(r[0], r[1], r[2].value, r[3]) for r in stored] == [
        ("A-1", datetime(2024, 3, 5, 2, 30, tzinfo=UTC), "call", staff["Aminah Yusof"]),
        ("A-2", datetime(2024, 3, 5, 1, 0, tzinfo=UTC), "meeting", staff["Georgi Ivanov"]),
        ("A-3", datetime(2024, 3, 5, 6, 15, tzinfo=UTC), "e-mail", staff["Li Na"]),
        ("A-4", datetime(2024, 3, 6, 8, 0, tzinfo=UTC), "call", staff["Li Na"]),
        ("A-5", datetime(2024, 3, 7, 6, 30, tzinfo=UTC), "meeting", staff["Georgi Ivanov"]),
        ("A-6", datetime(2024, 3, 7, 4, 0, tzinfo=UTC), "call", staff["Aminah Yusof"]),  # serial 45358.5
    ]
    assert stored[1][4] == "Обсъждане на услугите"


def test_day_first_setting_reads_the_ambiguous_date_the_other_way(runtime: Runtime, book: dict[str, int]) -> None:
    report = run(runtime, "interactions", CORPUS / "interactions_mixed.csv", dayfirst=True)
    assert report.warnings == 0
    assert rows(runtime, Interaction, "occurred_at")[4] == (datetime(2024, 7, 3, 6, 30, tzinfo=UTC),)


def test_opportunities_become_engagements(runtime: Runtime, book: dict[str, int], staff: dict[str, int]) -> None:
    run(runtime, "engagements", CORPUS / "salesforce_opportunities.csv")
    stored = rows(runtime, Engagement, "external_id", "client_id", "description", "sold_by_id", "start_date",
                  "status", "value", "currency")
    first, second = stored[0], stored[1]
    assert first == ("0065g00000Ab001AAA", book["Syarikat Bunga Raya Sdn Bhd"], "Bunga Raya - Service audit 2024",
                     staff["Aminah Yusof"], date(2024, 3, 15), first[5], Decimal("12000"), "MYR")
    assert [r[5].value for r in stored] == ["active", "proposed", "active", "proposed", "active", "cancelled"]
    assert second[4] == date(2024, 3, 20)


def test_contacts_keep_quotes_and_line_breaks(runtime: Runtime, book: dict[str, int]) -> None:
    run(runtime, "contacts", CORPUS / "contacts_quoted_multiline.csv")
    run(runtime, "contacts", CORPUS / "hubspot_contacts.csv")
    stored = {r[0]: r[1:] for r in rows(runtime, Contact, "external_id", "client_id", "name", "job_title")}
    assert stored["P-06"] == (book["Szűcs; Erdős Könyvelő Bt."], "Szűcs Éva", "Könyvelő, partner")
    assert stored["503"][1] == "王伟" and stored["506"][1] == "Hőgyes" and stored["507"][1] == "Ahmad"


@pytest.mark.parametrize(("name", "read", "imported", "line"), [
    ("clients_extra_cells.csv", 2, 2, "line 4"), ("clients_stray_quote.csv", 3, 3, "line 5"),
])
def test_a_file_that_breaks_midway_keeps_the_rows_before(runtime: Runtime, name: str, read: int, imported: int,
                                                          line: str) -> None:
    with pytest.raises(ImportFailed) as failed:
        run(runtime, "clients", CORPUS / name)
    assert line in failed.value.message
    assert failed.value.details == {"read": read, "imported": imported, "updated": 0, "rejected": 0, "warnings": 0}
    assert count(runtime, Client) == imported


def test_bad_rows_are_rejected_with_line_and_reason(runtime: Runtime, book: dict[str, int], tmp_path: Path) -> None:
    report = run(runtime, "invoices", CORPUS / "invoices_bad_rows.csv", rejects_path=tmp_path / "r.csv")
    assert report.rejects == [
        (3, "Invoice Date: not a valid date: '31.02.2024'"),
        (4, "Total: not an amount: 'abc'"),
        (5, "No client is given (client_external_id or client_name is empty)."),
        (6, "Total is empty."),
        (7, "Total: not an amount: '12,34,5' (digit groups are not in threes)"),
        (8, "Invoice Date is empty."),
    ]
    assert rows(runtime, Invoice, "external_id", "amount") == [("X-01", Decimal("1200")), ("X-08", Decimal("99.9"))]
