"""open_table on XLSX workbooks: sheets, typed cells, row numbers, and hostile files."""

import io
import time
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from servicescape.tabular import TabularError, open_table

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(sheets: Mapping[str, Sequence[Any]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(data: bytes, parts: dict[str, str]) -> bytes:
    """The workbook with ``parts`` added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item.filename, source.read(item.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def save(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


TWO_SHEETS = {
    "Clients": [
        ["Name", "Phone", "Created", "Fee"],
        ["Syarikat Bunga Raya", 60321415678, datetime(2024, 3, 5), 1200.5],
        [None, None, None, None],
        ["Kővári és Társa", "+36 96 123 456", datetime(2024, 3, 6, 9, 30), 3600000],
    ],
    "Invoices": [["Invoice", "Total"], ["INV-1", 12.5]],
}


def test_the_first_sheet_is_read_with_sheet_row_numbers_and_typed_cells(tmp_path: Path) -> None:
    with open_table(save(tmp_path, "book.xlsx", workbook(TWO_SHEETS))) as table:
        assert (table.sheet, table.encoding, table.delimiter) == ("Clients", None, None)
        assert table.headers == ["Name", "Phone", "Created", "Fee"]
        assert [(r.number, r.cells) for r in table.records] == [
            (2, ["Syarikat Bunga Raya", 60321415678, datetime(2024, 3, 5), 1200.5]),
            (4, ["Kővári és Társa", "+36 96 123 456", datetime(2024, 3, 6, 9, 30), 3600000]),
        ]


def test_a_sheet_is_picked_by_name_ignoring_case(tmp_path: Path) -> None:
    with open_table(save(tmp_path, "book.xlsm", workbook(TWO_SHEETS)), sheet=" invoices") as table:
        assert table.sheet == "Invoices"
        assert [r.cells for r in table.records] == [["INV-1", 12.5]]


def test_an_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(TabularError) as caught:
        open_table(save(tmp_path, "book.xlsx", workbook(TWO_SHEETS)), sheet="Deals")
    assert str(caught.value) == "book.xlsx has no sheet 'Deals'; its sheets are 'Clients', 'Invoices'"


def test_a_zip_without_an_xlsx_extension_is_sniffed(tmp_path: Path) -> None:
    with open_table(save(tmp_path, "export.download", workbook(TWO_SHEETS))) as table:
        assert table.sheet == "Clients"


def test_a_value_beyond_the_headers_names_the_row(tmp_path: Path) -> None:
    data = workbook({"Sheet": [["Name", "City"], ["A", "B"], ["C", "D", None, "stray"]]})
    with open_table(save(tmp_path, "wide.xlsx", data)) as table, pytest.raises(TabularError) as caught:
        list(table.records)
    assert str(caught.value) == "wide.xlsx sheet 'Sheet' row 3 has 4 cells but the header has 2 columns"


def test_header_problems_name_the_sheet_and_row(tmp_path: Path) -> None:
    data = workbook({"Sheet": [[], ["Name", None, "City"]]})
    with pytest.raises(TabularError, match=r"h\.xlsx sheet 'Sheet' row 2: column 2 \(B\) has no header"):
        open_table(save(tmp_path, "h.xlsx", data))


def test_an_empty_sheet_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"^e\.xlsx: sheet 'Sheet' is empty$"):
        open_table(save(tmp_path, "e.xlsx", workbook({"Sheet": []})))


def test_an_out_of_range_date_cell_is_read_without_leaking_a_warning(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["When"])
    sheet.append([99999999])
    sheet["A2"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    with open_table(save(tmp_path, "dates.xlsx", out.getvalue())) as table:
        assert [r.cells for r in table.records] == [["#VALUE!"]]


def laughing_parts(part: str, data: bytes) -> dict[str, str]:
    """Parts that put the billion-laughs DTD into ``part`` of an openpyxl-written workbook."""
    cell = '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
    if part == "xl/workbook.xml":
        sheets = '<sheets><sheet name="&lol9;" sheetId="1"/></sheets>'
        return {part: f'{LAUGHS}<workbook xmlns="{MAIN}">{sheets}</workbook>'}
    if part == "xl/worksheets/sheet1.xml":
        return {part: f'{LAUGHS}<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cell}</row></sheetData></worksheet>'}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return {
        "[Content_Types].xml": types.replace("</Types>", override + "</Types>"),
        "xl/sharedStrings.xml": f'{LAUGHS}<sst xmlns="{MAIN}" count="1"><si><t>&lol9;</t></si></sst>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"])
def test_billion_laughs_is_refused_not_expanded(tmp_path: Path, part: str) -> None:
    data = workbook({"Sheet": [["Name"], ["Siti"]]})
    path = save(tmp_path, "laughs.xlsx", with_parts(data, laughing_parts(part, data)))
    started = time.perf_counter()
    with pytest.raises(TabularError) as caught, open_table(path) as table:
        list(table.records)
    assert time.perf_counter() - started < 5
    assert str(caught.value) == (
        "laughs.xlsx contains XML entity declarations, which are refused as a possible attack; "
        "open it in Excel and save it again"
    )


def test_the_entity_free_shared_strings_part_reads(tmp_path: Path) -> None:
    """The same parts without the DTD read fine, so the refusal above is about the entities."""
    data = workbook({"Sheet": [["Name"], ["Siti"]]})
    parts = laughing_parts("xl/sharedStrings.xml", data)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="1"><si><t>Név</t></si></sst>'
    with open_table(save(tmp_path, "plain.xlsx", with_parts(data, parts))) as table:
        assert table.headers == ["Név"]


def test_workbooks_are_refused_when_defusedxml_is_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(TabularError, match="defusedxml protection is switched off"):
        open_table(save(tmp_path, "book.xlsx", workbook(TWO_SHEETS)))


def test_a_zip_bomb_part_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 << 20))
    with pytest.raises(TabularError) as caught:
        open_table(save(tmp_path, "bomb.xlsx", out.getvalue()))
    assert str(caught.value).startswith("bomb.xlsx: part xl/worksheets/sheet1.xml is compressed ")
    assert str(caught.value).endswith(":1, far more than a real workbook; refused as a possible ZIP bomb")


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for n in range(10_001):
            archive.writestr(f"p{n}", b"")
    with pytest.raises(TabularError, match=r"holds 10,001 parts, more than the 10,000"):
        open_table(save(tmp_path, "many.xlsx", out.getvalue()))


def test_too_much_unpacked_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"big\.xlsx unpacks to 0 MiB, over the 0 MiB limit"):
        open_table(save(tmp_path, "big.xlsx", workbook(TWO_SHEETS)), max_bytes=2000)


def test_a_damaged_zip_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"^broken\.xlsx is not a readable \.xlsx workbook: "):
        open_table(save(tmp_path, "broken.xlsx", b"PK\x03\x04" + b"\x00" * 50))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(TabularError, match=r"sheet\.ods is a ZIP file but not an Excel workbook"):
        open_table(save(tmp_path, "sheet.ods", out.getvalue()))
