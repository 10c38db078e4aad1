"""Converting a batch column by column gives every row what converting it alone gives it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from servicescape.clients.import_cells import RowRejected
from servicescape.clients.import_rows import ReadContext, RowReader
from servicescape.clients.import_values import StaffDirectory
from servicescape.tabular import Record, map_headers

STAFF = StaffDirectory.of([(1, "Aminah Yusof", "aminah@firm.test"), (2, "Li Na", "li.na@firm.test")])
CONTEXT = ReadContext(ZoneInfo("Asia/Kuala_Lumpur"), STAFF, {"audit": 7}, {}, {})
TEXT = st.sampled_from(["", "  ", "Tan", " Lim ", "'=1+2", "a\r\nb", "x\x00y", "Kővári", "y" * 301, "王伟"])
CELLS: dict[str, Any] = {
    "clients": (["Name", "Email", "Country", "Tier", "Owner", "Created", "Note"], [
        TEXT, st.sampled_from(["", "a@x.example", "mailto:B@x.example", "not mail", "c@x.example"]),
        st.sampled_from(["", "MY", "Hungary", "Atlantis", 12]), st.sampled_from(["", "A", "gold", "Standard"]),
        st.sampled_from(["", "Aminah Yusof", "nobody", "LI.NA@firm.test"]),
        st.sampled_from(["", "2024-03-05", "05.03.2024", "31.02.2024", datetime(2024, 3, 5, 9, 30)]), TEXT]),
    "invoices": (["Customer", "Date", "Total", "Currency"], [
        TEXT, st.sampled_from(["", "2024-03-05", "nope", date(2024, 1, 2)]),
        st.sampled_from(["", "RM 1,200.50", "12", "abc", "1.00001", Decimal("3.5"), 7]),
        st.sampled_from(["", "EUR", "euro", "XX"])]),
    "engagements": (["Company", "Service", "Description", "Start", "End"], [
        TEXT, st.sampled_from(["", "Audit", "Tax advice"]), TEXT,
        st.sampled_from(["", "2024-03-01", "2024-04-01"]), st.sampled_from(["", "2024-03-15", "2024-02-01"])]),
}


@st.composite
def batches(draw: Any) -> tuple[str, list[str], list[list[Any]]]:
    kind = draw(st.sampled_from(sorted(CELLS)))
    headers, columns = CELLS[kind]
    rows = draw(st.lists(st.tuples(*columns).map(list), min_size=1, max_size=12))
    return kind, headers, rows


def outcome(reader: RowReader, record: Record) -> tuple[str, Any]:
    try:
        row = reader.read(record)
    except RowRejected as exc:
        return "rejected", exc.reason
    return "row", (row.values, row.warnings, row.client_ref, row.custom)


@settings(max_examples=200, deadline=None)
@given(case=batches())
def test_a_row_reads_the_same_in_any_batch(case: tuple[str, list[str], list[list[Any]]]) -> None:
    kind, headers, cells = case
    header_map = map_headers(kind, headers)
    custom = [(index, header) for index, header in header_map.unmapped] if kind == "clients" else []
    records = [Record(number, row) for number, row in enumerate(cells, start=2)]
    reader = RowReader(kind, header_map, CONTEXT, custom)
    together: dict[int, tuple[str, Any]] = {}
    for part in (records[:len(records) // 2], records[len(records) // 2:]):  # two batches, one reader
        batch, rejects = reader.read_batch(part)
        together.update({number: ("rejected", reason) for number, reason, _cells in rejects})
        for row in batch.rows():
            together[row.number] = ("row", (row.values, row.warnings, row.client_ref, row.custom))
    alone = {record.number: outcome(RowReader(kind, header_map, CONTEXT, custom), record) for record in records}
    assert together == alone
