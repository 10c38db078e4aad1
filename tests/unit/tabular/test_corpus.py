"""The corpus in tests/data/imports matches its README table and its generator."""

import importlib.util
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest

from servicescape.tabular import (
    Record,
    Table,
    TabularError,
    clean_text,
    infer_dayfirst,
    map_headers,
    normalise_country,
    open_table,
    parse_date,
    parse_datetime,
    parse_decimal,
    restore,
)
from servicescape.tabular.headers import REQUIRED, HeaderMap

CORPUS = Path(__file__).resolve().parents[2] / "data" / "imports"
DATETIME_FIELDS = {"created_at", "occurred_at"}
DATE_FIELDS = {"issued_on", "start_date", "end_date"}
AMOUNT_FIELDS = {"amount", "value"}
UTC_PLUS_8 = ZoneInfo("Asia/Kuala_Lumpur")


@dataclass
class Row:
    file: str
    kind: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    records: int
    error_line: int | None
    valid: int
    bad: list[tuple[int, str]]
    unmapped: list[str]
    warnings: int


def readme_rows() -> list[Row]:
    rows = []
    lines = (CORPUS / "README.md").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.startswith("| ") or line.startswith(("| File", "| ---")):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        file, kind, encoding, where, records, valid, bad, headers = cells
        sheet = where.removeprefix("sheet ") if where.startswith("sheet ") else None
        delimiter = None if sheet else {"tab": "\t"}.get(where, where)
        error = re.fullmatch(r"(\d+), then error at line (\d+)", records)
        unmapped = re.search(r"unmapped: ([^;]+)", headers)
        rows.append(
            Row(
                file=file,
                kind=kind,
                encoding=None if encoding == "—" else encoding,
                delimiter=delimiter,
                sheet=sheet,
                records=int(error.group(1)) if error else int(records),
                error_line=int(error.group(2)) if error else None,
                valid=int(valid),
                bad=[(int(n), field) for n, field in re.findall(r"(\d+): (\w+)", bad)],
                unmapped=unmapped.group(1).split(", ") if unmapped else [],
                warnings=headers.count("warning:"),
            )
        )
    return rows


ROWS = readme_rows()


def first_problem(headers: HeaderMap, record: Record, dayfirst: dict[str, bool]) -> str | None:
    """The importer's rule (see README): required fields first, then typed fields."""
    cells = record.cells
    for group in REQUIRED[headers.kind]:
        if all(clean_text(headers.value(cells, name)) is None for name in group):
            present = [name for name in group if headers.has(name)]
            return present[0] if present else group[-1]
    for name, index in sorted(headers.fields.items(), key=lambda item: item[1]):
        value = cells[index]
        if clean_text(value) is None:
            continue
        try:
            if name in DATETIME_FIELDS:
                parse_datetime(value, dayfirst=dayfirst[name], tz=UTC_PLUS_8)
            elif name in DATE_FIELDS:
                parse_date(value, dayfirst=dayfirst[name])
            elif name in AMOUNT_FIELDS:
                parse_decimal(value)
            elif name == "country":
                normalise_country(value)
        except TabularError:
            return name
    return None


def read_all(row: Row) -> tuple[list[str], list[Record], TabularError | None, Table]:
    with open_table(CORPUS / row.file, sheet=row.sheet) as table:
        records: list[Record] = []
        error = None
        try:
            records.extend(table.records)
        except TabularError as caught:
            error = caught
        return table.headers, records, error, table


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_lists_every_generated_file() -> None:
    generated = set(load_generator().FILES)
    assert {row.file for row in ROWS} == generated
    assert all((CORPUS / name).is_file() for name in generated)
    assert len(ROWS) == 24


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.file}:{row.sheet or row.kind}")
def test_each_file_reads_as_the_readme_says(row: Row) -> None:
    headers, records, error, table = read_all(row)
    assert (table.encoding, table.delimiter, table.sheet) == (row.encoding, row.delimiter, row.sheet)
    assert len(records) == row.records
    if row.error_line is None:
        assert error is None
    else:
        assert error is not None and f"line {row.error_line}" in str(error)
    mapped = map_headers(row.kind, headers)
    assert mapped.missing_required() == []
    assert [name for _, name in mapped.unmapped] == row.unmapped
    assert len(mapped.warnings) == row.warnings
    dayfirst = {
        name: bool(infer_dayfirst([cell for r in records if isinstance(cell := r.cells[i], str)]))
        for name, i in mapped.fields.items()
    }
    bad = [(r.number, problem) for r in records if (problem := first_problem(mapped, r, dayfirst))]
    assert bad == row.bad
    assert len(records) - len(bad) == row.valid


def test_the_generator_reproduces_the_committed_bytes(tmp_path: Path) -> None:
    written = load_generator().write_corpus(tmp_path)
    assert len(written) == 23
    for path in written:
        assert path.read_bytes() == (CORPUS / path.name).read_bytes(), path.name


def test_invoice_amounts_and_dates_parse_to_exact_values() -> None:
    with open_table(CORPUS / "invoices_amounts_dates.csv") as table:
        records = list(table.records)
    amounts = [parse_decimal(r.cells[3]) for r in records]
    assert amounts == [
        Decimal("1200.00"), Decimal("1234.50"), Decimal("12345"), Decimal("45000"),
        Decimal("1234500"), Decimal("1234.50"), Decimal("-12.50"), Decimal("1234.56"),
        Decimal("-12.5"), Decimal("8800.00"), Decimal("1234.56"), Decimal("1234.56"),
    ]  # fmt: skip
    dayfirst = infer_dayfirst([str(r.cells[2]) for r in records])
    assert dayfirst is True
    dates = [parse_date(r.cells[2], dayfirst=dayfirst) for r in records]
    assert dates == [date(2024, 3, 5)] * 6 + [date(2024, 3, d) for d in (25, 26, 27, 28, 29, 30)]


def test_hubspot_contact_names_are_joined_from_first_and_last() -> None:
    with open_table(CORPUS / "hubspot_contacts.csv") as table:
        mapped = map_headers("contacts", table.headers)
        names = [mapped.value(r.cells, "name") for r in table.records]
    assert names == [
        "Siti Nurhaliza", "Иван Петров", "王伟", "陳怡君", "Péter Kovács", "Hőgyes", "Ahmad", "Мария Димитрова",
    ]  # fmt: skip


def test_multiline_contact_notes_keep_their_text_and_restore_formulas() -> None:
    with open_table(CORPUS / "contacts_quoted_multiline.csv") as table:
        notes = [clean_text(r.cells[5]) for r in table.records]
    assert notes[1] == "Met at the Sofia fair.\nFollow up in April."
    assert notes[2] == 'He said "call me Wei"'
    assert notes[3] == "Line one\nLine two\nLine three"
    assert notes[4] is None
    assert restore(notes[5] or "") == "=SUM(A1:A3)"


def test_xlsx_cells_keep_their_types() -> None:
    with open_table(CORPUS / "workbook_two_sheets.xlsx") as table:
        first = next(table.records)
    assert first.cells == [
        "X-01", "Syarikat Bunga Raya Sdn Bhd", "MY", "Kuala Lumpur", 60321415678, datetime(2024, 3, 5), 12500,
    ]  # fmt: skip
    assert clean_text(first.cells[4]) == "60321415678"


def test_interaction_times_become_utc() -> None:
    with open_table(CORPUS / "interactions_mixed.csv") as table:
        values = [r.cells[2] for r in table.records]
    tz = ZoneInfo("Europe/Budapest")
    times = [parse_datetime(v, dayfirst=False, tz=tz).isoformat() for v in values]
    assert times == [
        "2024-03-05T02:30:00+00:00",
        "2024-03-05T08:00:00+00:00",
        "2024-03-05T13:15:00+00:00",
        "2024-03-06T08:00:00+00:00",
        "2024-03-07T13:30:00+00:00",
        "2024-03-07T11:00:00+00:00",
    ]


def test_a_wrong_explicit_encoding_names_the_first_bad_line() -> None:
    with pytest.raises(TabularError, match=r"clients_bg_cp1251\.csv line 1: .*--encoding"):
        open_table(CORPUS / "clients_bg_cp1251.csv", encoding="utf-8")
