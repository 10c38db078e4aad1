"""Hostile input for the surfaces that take a file or a form from outside: the importers (CSV, XLSX,
JSON, any bytes), a survey link's answer page and the calendar feed. The strategies and the checks are
shared by the bounded run in the test suite (``tests/fuzz/test_fuzz.py``) and the longer one of
``benchmarks/fuzz_inputs.py``.

The property everywhere: the product answers (a report, a page, a 4xx with a message) or refuses with
its own error (``ServicescapeError``); it never raises anything else, never answers 5xx, never hangs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from servicescape.auth.permissions import SYSTEM
from servicescape.errors import ServicescapeError
from servicescape.platform.imports import import_kinds
from servicescape.runtime import Runtime

#: values that have broken importers elsewhere: formulas, locale numbers, impossible dates, control
#: and wide characters, byte-order marks, huge numbers, JSON-looking text
TRICKY = ["", " ", "=1+2", "+SUM(A1:A9)", "-", "@cmd", "1e308", "-0", "NaN", "inf", "2026-02-30", "31/12/2026",
          "12/31/2026", "2026-13-01", "0000-00-00", "１２３.４５", "1 234,50", "1.234.567,89", "MYR 100", "€1,000",
          "RM-5", "\x00", "\ufeff", "a\nb", "a\r\nb", '"', "''", "𝒜𝒷𝒸", "ء", "null", "true", "[]", "{}", "0x1F",
          "9" * 40, "-" + "9" * 25, "x" * 5000, "key", "growth", "active", "lost", "MY", "hu", "zh-Hant",
          "a@b", "not-an-email", "@@", "+60 3-2161 0000", "2026-11-30T25:61:00", "1970-01-01T00:00:00Z"]

CELLS = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30), st.integers().map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(str), st.dates().map(str))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1250", "latin-1", "gb18030", "big5"]
#: kinds whose import needs no option (survey responses need a survey)
KINDS = sorted(name for name, kind in import_kinds().items() if not kind.options)


def _headers_of(kind: str) -> list[str]:
    found = import_kinds()[kind]
    return sorted({*found.fields, *(alias for aliases in found.aliases.values() for alias in aliases)})


@st.composite
def import_files(draw: Any) -> tuple[str, str, bytes]:
    """(kind, file name, content): a CSV, JSON or XLSX file of the kind's columns (and others) with
    tricky cells, or bytes that only look like one."""
    kind = draw(st.sampled_from(KINDS))
    # mostly the columns the kind requires (so that rows are read, not only the header refused), then others
    required = [draw(st.sampled_from(sorted(fields))) for fields in import_kinds()[kind].required
                if draw(st.integers(0, 9)) > 0]
    headers = required + draw(st.lists(st.one_of(st.sampled_from(_headers_of(kind)), st.text(max_size=12)),
                                       min_size=0 if required else 1, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(headers) + 2), max_size=6))
    shape = draw(st.sampled_from(["csv", "csv", "json", "xlsx", "bytes"]))
    if shape == "csv":
        handle = io.StringIO()
        csv.writer(handle, delimiter=draw(st.sampled_from([",", ";", "\t", "|"]))).writerows([headers, *rows])
        content = handle.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        return kind, "file.csv", content
    if shape == "json":
        records: Any = [dict(zip(headers, row, strict=False)) for row in rows]
        records = draw(st.one_of(st.just(records), st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
            max_leaves=12)))
        return kind, "file.json", json.dumps(records, ensure_ascii=draw(st.booleans())).encode("utf-8")
    if shape == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in [headers, *rows]:
            sheet.append([_printable(cell) for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        if draw(st.booleans()):     # a workbook cut short
            content = content[:draw(st.integers(0, len(content)))]
        return kind, "file.xlsx", content
    name = draw(st.sampled_from(["file.csv", "file.xlsx", "file.json", "file.txt"]))
    return kind, name, draw(st.binary(max_size=300))


def _printable(cell: str) -> str:
    """What a worksheet cell takes (openpyxl refuses control characters)."""
    return "".join(ch for ch in cell if ch >= " " or ch in "\t\n\r")


def check_import(runtime: Runtime, folder: Path, kind: str, name: str, content: bytes) -> None:
    """A dry run of the file: a report, or the product's own refusal; nothing else."""
    path = folder / name
    path.write_bytes(content)
    with contextlib.suppress(ServicescapeError):
        import_kinds()[kind].run_import(runtime, path=path, dry_run=True, by=SYSTEM)


#: a survey answer form's fields: the real ones (SERVQUAL halves, importance, NPS, comment, the
#: action) with hostile values, and others
ANSWER_FIELDS = [f"servqual_{n}_{half}" for n in (1, 2, 22, 23, 0) for half in "ep"] + [
    "importance_tangibles", "importance_reliability", "importance_responsiveness", "importance_assurance",
    "importance_empathy", "nps", "csat", "comment", "action", "lang", "csrf_token", "q_1", "choice_1"]
ANSWER_VALUES = st.one_of(st.sampled_from([*TRICKY, "submit", "save", "5", "7", "0", "8", "100", "-1", "10.5"]),
                          st.text(max_size=40))
answer_forms = st.dictionaries(st.one_of(st.sampled_from(ANSWER_FIELDS), st.text(max_size=10)), ANSWER_VALUES,
                               max_size=14)
#: tokens of a survey link or a calendar feed: near-real, too short, too long, odd characters
tokens = st.one_of(st.text(max_size=120), st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_",
                                                  min_size=20, max_size=100),
                   st.sampled_from(["%00", "..", "../../etc/passwd", "a" * 43, "\u202e", "%2F%2F", "?x=1"]))
