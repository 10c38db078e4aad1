"""Rows read by their header map, the JSON reader, the rejects file and export headers."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from servicescape.clients.exporting import custom_header
from servicescape.clients.import_cells import RowRejected
from servicescape.clients.import_files import RejectsFile, open_json_table
from servicescape.clients.import_rows import ReadContext, RowReader, text_cell
from servicescape.clients.import_values import StaffDirectory
from servicescape.tabular import Record, TabularError, map_headers

CONTEXT = ReadContext(ZoneInfo("UTC"), StaffDirectory(), {}, {}, {})


def reader(kind: str, headers: list[str], custom: list[tuple[int, str]] | None = None, **kw) -> RowReader:  # type: ignore[no-untyped-def]
    return RowReader(kind, map_headers(kind, headers), CONTEXT, custom or [], **kw)


def test_text_cells_are_stripped_and_the_formula_guard_undone() -> None:
    assert text_cell("  '=SUM(A1)  ") == "=SUM(A1)"
    assert text_cell("'=SUM(A1)", guarded=False) == "'=SUM(A1)"
    assert text_cell("'12") == "'12" and text_cell("a\r\nb") == "a\nb"
    assert text_cell("   ") is None and text_cell(None) is None and text_cell(12.5) == 12.5
    with pytest.raises(RowRejected, match="NUL"):
        text_cell("a\x00b")


def test_a_client_row() -> None:
    row = reader("clients", ["Name", "Tier", "Seats"], [(2, "Seats")]).read(Record(2, ["  Tan ", "A", " 12 "]))
    assert (row.values, row.custom, row.warnings) == ({"name": "Tan", "tier": "key"}, {"Seats": "12"}, [])


def test_a_client_needs_a_name() -> None:
    with pytest.raises(RowRejected, match="Company: the name is empty"):
        reader("clients", ["Company", "City"]).read(Record(2, ["", "Ipoh"]))


def test_contacts_join_first_and_last_names_and_need_a_client() -> None:
    contacts = reader("contacts", ["First Name", "Last Name", "Company"])
    assert contacts.read(Record(2, ["伟", "王", "Weiwo"])).values["name"] == "王伟"
    assert contacts.read(Record(3, ["Siti", "", "Bunga"])).client_ref == (None, "Bunga")
    with pytest.raises(RowRejected, match="No client is given"):
        contacts.read(Record(4, ["Siti", "Nurhaliza", ""]))


def test_engagements_check_their_dates_and_keep_an_unknown_package_as_text() -> None:
    engagements = reader("engagements", ["Company", "Service", "Start", "End"])
    row = engagements.read(Record(2, ["Tan", "Audit", "2024-03-01", "2024-04-01"]))
    assert row.values["description"] == "Audit" and row.values["package_id"] is None and len(row.warnings) == 1
    with pytest.raises(RowRejected, match="end date is before the start date"):
        engagements.read(Record(3, ["Tan", "Audit", "2024-03-01", "2024-02-01"]))


def test_invoices_take_the_currency_from_the_amount() -> None:
    row = reader("invoices", ["Customer", "Date", "Total"]).read(Record(2, ["Tan", "2024-03-05", "RM 1,200.50"]))
    assert (row.values["amount"], row.values["currency"]) == (Decimal("1200.50"), "MYR")
    with pytest.raises(RowRejected, match="currency is empty"):
        reader("invoices", ["Customer", "Date", "Total"]).read(Record(2, ["Tan", "2024-03-05", "12"]))


def test_json_tables(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"name": "A", "amount": 0.1}, {"name": "B", "tags": ["x"], "ok": True}]))
    table = open_json_table(path, 10_000)
    assert table.headers == ["name", "amount", "tags", "ok"]
    assert [(r.number, r.cells) for r in table.records] == [
        (1, ["A", Decimal("0.1"), None, None]), (2, ["B", None, '["x"]', "true"])]
    path.write_text("[]")
    assert open_json_table(path, 100).headers == []
    for bad in ('{"name": "A"}', "[1, 2]", "not json"):
        path.write_text(bad)
        with pytest.raises(TabularError):
            open_json_table(path, 100)
    with pytest.raises(TabularError, match="over the"):
        open_json_table(path, 3)


def test_rejects_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "rejects.csv"
    with RejectsFile(path, ["Name", "=Formula header"]) as rejects:
        assert not path.exists()
        rejects.add(7, "-bad", ["@home", 12.0])
    assert path.read_bytes() == "\ufeffrecord,reason,Name,'=Formula header\r\n7,'-bad,'@home,12\r\n".encode()


@pytest.mark.parametrize(("key", "header"), [
    ("Annual fee", "Annual fee"), ("Email", "custom: Email"), ("Company", "custom: Company"),
    ("custom: note", "custom: custom: note"), ("备注", "备注"), ("Type", "custom: Type"),
])
def test_custom_field_headers_never_read_back_as_our_fields(key: str, header: str) -> None:
    assert custom_header(key) == header
