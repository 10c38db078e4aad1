"""A JSON file is read as a stream, a piece at a time: any piece size reads the same records, and
a broken file is refused with the line where it breaks."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from servicescape.clients import import_files
from servicescape.clients.import_files import open_json_table
from servicescape.tabular import TabularError

RECORDS = [{"name": f"Client {n}", "amount": round(0.1 * n, 1), "big": 10 ** (n + 20), "note": "ü\n\"x\"" * (n % 4)}
           for n in range(40)]


@pytest.mark.parametrize("piece", [1, 2, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_any_piece_size_reads_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int,
                                               indent: int | None) -> None:
    monkeypatch.setattr(import_files, "READ_CHARS", piece)
    path = tmp_path / "clients.json"
    path.write_text(json.dumps(RECORDS, indent=indent, ensure_ascii=False), encoding="utf-8-sig")
    table = open_json_table(path, 10_000_000)
    assert table.headers == ["name", "amount", "big", "note"]
    read = list(table.records)
    assert [record.number for record in read] == list(range(1, 41))
    assert read[3].cells == ["Client 3", Decimal("0.3"), 10**23, "ü\n\"x\"" * 3]


@pytest.mark.parametrize(("text", "problem"), [
    ('[{"a": 1},\n {"a": 2}\n {"a": 3}]', "is not valid UTF-8 JSON: Expecting ',' delimiter: line 3"),
    ('[{"a": 1},\n\n {"a": }]', "is not valid UTF-8 JSON: Expecting value: line 3"),
    ('[{"a": 1}]\n[]', "is not valid UTF-8 JSON: Extra data: line 2"),
    ("not json", "is not valid UTF-8 JSON: Expecting value: line 1"),
    ('[{"a": 1},\n 2]', "record 2 is a JSON number, not an object"),
    ('[{"a": 1}, {"b": "\\ud800"}]', "record 2 holds text that is not valid Unicode"),
])
@pytest.mark.parametrize("piece", [1, 1 << 20])
def test_a_broken_file_is_refused_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                problem: str, piece: int) -> None:
    monkeypatch.setattr(import_files, "READ_CHARS", piece)
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TabularError, match=problem):
        open_json_table(path, 1000)
