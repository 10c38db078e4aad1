"""open_table on CSV files: delimiters, quoting, line numbers, shape errors, streaming."""

from pathlib import Path

import pytest

from servicescape.tabular import Record, TabularError, open_table
from servicescape.tabular.csv_source import BLOCK_BYTES


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read(path: Path, **options: str) -> tuple[list[str], list[Record]]:
    with open_table(path, **options) as table:  # type: ignore[arg-type]
        return table.headers, list(table.records)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["Name", "City", "Amount"]) + "\n"
    text += delimiter.join(['"Kővári, Társa; Bt."', "Győr", '"1.234,50"']) + "\n"
    text += delimiter.join(["帷幄咨询有限公司", "北京", '"12,5"']) + "\n"
    with open_table(write(tmp_path, "clients.csv", text)) as table:
        assert table.delimiter == delimiter
        assert table.headers == ["Name", "City", "Amount"]
        assert [r.cells for r in table.records] == [
            ["Kővári, Társa; Bt.", "Győr", "1.234,50"],
            ["帷幄咨询有限公司", "北京", "12,5"],
        ]


def test_a_header_only_file_has_no_records(tmp_path: Path) -> None:
    with open_table(write(tmp_path, "empty.csv", "Name;City;Country\r\n")) as table:
        assert (table.headers, table.delimiter) == (["Name", "City", "Country"], ";")
        assert list(table.records) == []


def test_a_single_column_file_defaults_to_comma(tmp_path: Path) -> None:
    headers, records = read(write(tmp_path, "names.csv", "Name\nSiti\nÖdön\n"))
    assert headers == ["Name"]
    assert [r.cells for r in records] == [["Siti"], ["Ödön"]]


def test_tsv_extension_prefers_tab_when_nothing_else_decides(tmp_path: Path) -> None:
    with open_table(write(tmp_path, "one.tsv", "Name\nSiti\n")) as table:
        assert table.delimiter == "\t"


def test_commas_inside_a_semicolon_file_do_not_win(tmp_path: Path) -> None:
    text = "Name;Fee;City\nA, B and C;1.234,50;Pécs\nD;12,5;Eger\n"
    with open_table(write(tmp_path, "fees.csv", text)) as table:
        assert table.delimiter == ";"
        assert [r.cells for r in table.records] == [["A, B and C", "1.234,50", "Pécs"], ["D", "12,5", "Eger"]]


def test_excel_sep_line_sets_the_delimiter_and_counts_as_a_line(tmp_path: Path) -> None:
    with open_table(write(tmp_path, "sep.csv", "sep=|\r\nName|City\r\nSiti|Ipoh\r\n")) as table:
        assert table.delimiter == "|"
        assert [(r.number, r.cells) for r in table.records] == [(3, ["Siti", "Ipoh"])]


def test_record_numbers_follow_physical_lines(tmp_path: Path) -> None:
    text = 'Name,Notes\r\nA,"one\r\ntwo"\r\n\r\nB,plain\r\n,\r\nC,"x\ny\nz"\n  ,\t\nD,last'
    _, records = read(write(tmp_path, "notes.csv", text))
    assert [(r.number, r.cells) for r in records] == [
        (2, ["A", "one\r\ntwo"]),
        (5, ["B", "plain"]),
        (7, ["C", "x\ny\nz"]),
        (11, ["D", "last"]),
    ]


def test_quotes_inside_quoted_fields(tmp_path: Path) -> None:
    _, records = read(write(tmp_path, "q.csv", 'Name,Note\n"Petrov ""Law"" Ltd","a, b"\n'))
    assert records[0].cells == ['Petrov "Law" Ltd', "a, b"]


def test_short_rows_are_padded_and_empty_extra_cells_dropped(tmp_path: Path) -> None:
    _, records = read(write(tmp_path, "pad.csv", "A,B,C\n1\n1,2,3,,\n"))
    assert [r.cells for r in records] == [["1", None, None], ["1", "2", "3"]]


def test_too_many_cells_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "extra.csv", "Name,City\nSiti,Ipoh\nPetrov, Ivanov,Sofia\n")
    with open_table(path) as table:
        assert next(table.records).number == 2
        with pytest.raises(TabularError) as caught:
            next(table.records)
    assert str(caught.value) == (
        "extra.csv line 3 has 3 cells but the header has 2 columns; quote fields that contain the delimiter ','"
    )


def test_headers_are_cleaned(tmp_path: Path) -> None:
    headers, _ = read(write(tmp_path, "h.csv", '\ufeff Name ;"\u00a0Billing\n Country ";;\n'))
    assert headers == ["Name", "Billing Country"]


def test_header_row_after_blank_lines(tmp_path: Path) -> None:
    headers, records = read(write(tmp_path, "late.csv", "\n\nName,City\nSiti,Ipoh\n"))
    assert headers == ["Name", "City"]
    assert records[0].number == 4


def test_duplicate_headers_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.csv", "Name,Email,City,Email,Name\nx,y,z,w,v\n")
    with pytest.raises(TabularError) as caught:
        open_table(path)
    assert str(caught.value) == (
        "dup.csv line 1: the header 'Name', 'Email' appears more than once; "
        "rename the copies so each column has its own name"
    )


def test_a_blank_header_between_named_ones_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"blank\.csv line 1: column 2 \(B\) has no header"):
        open_table(write(tmp_path, "blank.csv", "Name,,City\n1,2,3\n"))


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"^nothing\.csv is empty$"):
        open_table(write(tmp_path, "nothing.csv", "\r\n  \n"))


def test_a_stray_quote_names_the_line_it_opens_on(tmp_path: Path) -> None:
    path = write(tmp_path, "stray.csv", 'Name,City\nA,B\n"C,D\nE,F\n')
    with open_table(path) as table, pytest.raises(TabularError) as caught:
        list(table.records)
    assert str(caught.value) == (
        "stray.csv line 3: a quoted field that starts on this line never ends; look for a stray double quote"
    )


def test_text_after_a_closing_quote_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "after.csv", 'Name,City\nA,B\n"C"x,D\n')
    with open_table(path) as table, pytest.raises(TabularError, match=r"after\.csv line 3: text follows"):
        list(table.records)


def test_old_mac_line_endings(tmp_path: Path) -> None:
    _, records = read(write(tmp_path, "mac.csv", "Name,City\rSiti,Ipoh\rÖdön,Pécs\r"))
    assert [(r.number, r.cells) for r in records] == [(2, ["Siti", "Ipoh"]), (3, ["Ödön", "Pécs"])]


def test_records_across_block_boundaries_keep_their_numbers(tmp_path: Path) -> None:
    row = 'C{n:06d},Kővári és Társa {n},"multi\r\nline"\r\n'
    body = "".join(row.format(n=n) for n in range(50_000))
    assert len(body.encode("utf-8")) > 2 * BLOCK_BYTES
    _, records = read(write(tmp_path, "big.csv", "ID,Name,Note\r\n" + body))
    assert len(records) == 50_000
    assert [r.number for r in records[:3]] == [2, 4, 6]
    assert records[-1].number == 2 + 2 * 49_999
    assert all(r.cells[2] == "multi\r\nline" for r in records)
    assert records[31_000].cells[:2] == ["C031000", "Kővári és Társa 31000"]


def test_records_are_read_lazily_and_close_stops_them(tmp_path: Path) -> None:
    path = write(tmp_path, "lazy.csv", "Name\n" + "".join(f"n{i}\n" for i in range(10)))
    table = open_table(path)
    assert next(table.records).cells == ["n0"]
    table.close()
    assert list(table.records) == []


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "large.csv", "Name\n" + "x\n" * 600)
    with pytest.raises(TabularError, match=r"large\.csv is 0 MiB, over the 0 MiB limit; split the file"):
        open_table(path, max_bytes=1000)


def test_a_sheet_name_on_a_csv_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"a\.csv is a CSV file; it has no sheet 'Clients'"):
        open_table(write(tmp_path, "a.csv", "Name\nx\n"), sheet="Clients")


def test_a_missing_file_is_a_tabular_error(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"cannot open gone\.csv"):
        open_table(tmp_path / "gone.csv")


def test_unknown_extension_without_zip_magic_reads_as_csv(tmp_path: Path) -> None:
    with open_table(write(tmp_path, "export.dat", "Name;City\nSiti;Ipoh\n")) as table:
        assert (table.delimiter, [r.cells for r in table.records]) == (";", [["Siti", "Ipoh"]])


def test_old_binary_excel_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(TabularError, match=r"old\.xls is an old binary Excel \(\.xls\).*save it as \.xlsx or CSV"):
        open_table(path)


def test_nul_bytes_do_not_stop_reading(tmp_path: Path) -> None:
    _, records = read(write(tmp_path, "nul.csv", "Name,City\nA\x00B,Ipoh\n"))
    assert records[0].cells == ["A\x00B", "Ipoh"]
