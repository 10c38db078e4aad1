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


def reason(row_reader: RowReader, cells: list[object]) -> list[str]:
    with pytest.raises(RowRejected) as rejected:
        row_reader.read(Record(2, cells))  # type: ignore[arg-type]
    return rejected.value.reason.split("\n")


def test_a_rejected_row_is_told_every_problem_in_the_order_of_its_columns() -> None:
    clients = reader("clients", ["Country", "Company", "Tier", "Note", "Created"], [(3, "Note")])
    assert reason(clients, ["Narnia", " ", "diamond", "a\x00b", "2024-02-30"]) == [
        "Country: unknown country: 'Narnia'; use an ISO code such as MY, BG, CN, TW, HK or HU, or the country's name",
        "Company: the name is empty.",
        "Tier: 'diamond' is not a value this field knows; use one of key, growth, standard.",
        "Note: the text contains a NUL character (\\x00), which cannot be stored.",
        "Created: not a valid date: '2024-02-30'"]
    assert reason(reader("interactions", ["Company", "Date"]), ["", "yesterday"]) == [
        "No client is given (client_external_id or client_name is empty).",
        "Date: not a date: 'yesterday'",  # and not "Date is empty." besides: the cell says more
        "summary: an interaction needs a few words on what happened."]
    contacts = reader("contacts", ["First Name", "Last Name", "Company"])
    assert reason(contacts, ["Si\x00ti", "Nur\x00", ""]) == [
        "First Name: the text contains a NUL character (\\x00), which cannot be stored.",
        "Last Name: the text contains a NUL character (\\x00), which cannot be stored.",
        "No client is given (client_external_id or client_name is empty)."]


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
    path.write_text(json.dumps([{"name": "A", "amount": 0.1}, {"name": "B", "tags": "x", "ok": True, "n": 12}]))
    table = open_json_table(path, 10_000)
    assert table.headers == ["name", "amount", "tags", "ok", "n"]
    assert [(r.number, r.cells) for r in table.records] == [
        (1, ["A", Decimal("0.1"), None, None, None]), (2, ["B", None, "x", "true", 12])]
    path.write_text("[]")
    assert open_json_table(path, 100).headers == []
    for bad in ('{"name": "A"}', "[1, 2]", "not json"):
        path.write_text(bad)
        with pytest.raises(TabularError):
            open_json_table(path, 100)
    with pytest.raises(TabularError, match="over the"):
        open_json_table(path, 3)


@pytest.mark.parametrize(("text", "problem"), [
    ("[" * 1000 + "]" * 1000, "t.json is nested too deeply to be a table"),
    ("[" * 100_000, "t.json is nested too deeply to be a table"),
    ('[{"name": "A", "x": ' + "[" * 500 + "]" * 500 + "}]", "record 1, key 'x' holds a JSON array; a value must be"),
    ('[{"name": "A"}, {"name": "B", "address": {"city": "Ipoh"}}]', "record 2, key 'address' holds a JSON object"),
    ('[{"name": "A"}, 5]', "t.json: record 2 is a JSON number, not an object"),
    ('[{"name": "A"}, [{"name": "B"}]]', "t.json: record 2 is a JSON array, not an object"),
    ('[null]', "t.json: record 1 is a JSON null, not an object"),
    ('{"name": "A"}', "t.json is not a list of records"),
    ('"text"', "t.json is not a list of records"),
    ('[{"name": NaN}]', "t.json is not valid UTF-8 JSON: NaN is not a JSON value"),
    ('[{"name": -Infinity}]', "t.json is not valid UTF-8 JSON: -Infinity is not a JSON value"),
    ('[{"name": "\\ud800"}]', "t.json: record 1 holds text that is not valid Unicode"),
    ('[{"name": "A"}, {"name": "B", "\\udfff": 1}]', "t.json: record 2 holds text that is not valid Unicode"),
    ("[" + ", ".join(f'{{"k{i}": 1}}' for i in range(1001)) + "]", "t.json has more than 1000 columns"),
    ('[{"": 1}]', "t.json: a key is empty"),
])
def test_json_that_is_not_a_table_is_refused_by_name(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TabularError) as refused:
        open_json_table(path, 10_000_000)
    assert problem in str(refused.value)


def test_json_numbers_keep_their_digits_within_reason(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    huge, long = "9" * 5000, "1" * 1000
    path.write_text(f'[{{"a": {huge}, "b": 1e999999999, "c": -1E-999999999, "d": {long}, "e": 1e999, '
                    f'"f": 0.5, "g": "\\ud83d\\ude00"}}]', encoding="utf-8")
    [record] = open_json_table(path, 10_000_000).records
    assert record.cells == [huge, "1e999999999", "-1E-999999999", int(long), Decimal("1e999"), Decimal("0.5"), "😀"]


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
