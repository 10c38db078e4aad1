"""A batch of clients written at once (``import_at_once``) ends exactly as the row-by-row path leaves it.

The property: for any stored book and any file (keys repeated, e-mails in other cases, empty
cells, rows that match by e-mail or name, batches of any size), an import stores the same
records and reports the same counts, rejects and warnings whichever way its batches go, and
whether or not rows with an external id skip the natural-key look-ups when every stored client
has one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from servicescape.clients import import_batches
from servicescape.clients.import_columns import RowBatch
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import run, write_csv

EXTS = st.sampled_from([None, "S-0", "S-1", "S-2", "N-0", "N-1"])
NAMES = st.sampled_from(["Tan", "Lim", "Petrova", "Kovács"])
EMAILS = st.sampled_from([None, "a@x.example", "A@X.example", "b@x.example", "c@x.example"])
COUNTRIES = st.sampled_from(["", "MY", "HU"])
TIERS = st.sampled_from(["", "A", "growth", "Standard"])
CELL_NAMES = st.sampled_from(["", "Tan", "Lim", "Wong"])
HEADERS = ["External ID", "Name", "Email", "Country", "Tier", "City"]


@st.composite
def stored_and_file(draw: Any) -> tuple[list[dict[str, Any]], list[list[str]], int]:
    stored_exts = draw(st.lists(st.sampled_from(["S-0", "S-1", "S-2", None]), max_size=4))
    stored = [{"external_id": ext if ext is None or ext not in stored_exts[:i] else None, "name": draw(NAMES),
               "email": draw(EMAILS), "country": draw(st.sampled_from([None, "MY", "HU"]))}
              for i, ext in enumerate(stored_exts)]
    rows = draw(st.lists(st.tuples(EXTS, CELL_NAMES, EMAILS, COUNTRIES, TIERS, st.sampled_from(["", "Ipoh"])),
                         min_size=1, max_size=8))
    file_rows = [[ext or "", name, email or "", country, tier, city] for ext, name, email, country, tier, city in rows]
    return stored, file_rows, draw(st.sampled_from([1, 2, 3, 50]))


def _row_by_row(self: import_batches.BatchWriter, conn: Any, batch: RowBatch, now: datetime) -> Any:
    return self.write_rows(conn, batch.rows(), now)


def _reset(runtime: Runtime, stored: list[dict[str, Any]]) -> None:
    with runtime.transaction() as session:
        session.execute(delete(Client))
        session.add_all(Client(**data) for data in stored)


def _book(runtime: Runtime) -> list[tuple[Any, ...]]:
    with runtime.transaction() as session:
        return [tuple(row) for row in session.execute(
            select(Client.external_id, Client.name, Client.email, Client.country, Client.tier, Client.city)
            .order_by(Client.id))]


CASES = [
    ([], [["N-0", "Tan", "a@x.example", "MY", "A", ""], ["", "Tan", "", "MY", "", "Ipoh"]], 50),  # a name twice
    ([], [["", "Lim", "a@x.example", "", "", ""], ["", "Wong", "A@X.example", "", "", ""]], 50),  # an e-mail twice
    ([], [["N-0", "Lim", "", "", "", ""], ["N-0", "Wong", "", "", "", ""]], 50),                 # an id twice
    ([{"external_id": "S-0", "name": "Tan", "email": None, "country": "MY"}],
     [["S-0", "Tan", "", "HU", "", ""], ["S-0", "", "", "", "B", ""]], 1),                      # an empty name kept
    ([{"external_id": None, "name": "Tan", "email": "b@x.example", "country": None}],
     [["S-1", "Lim", "B@X.example", "", "", ""], ["N-1", "Tan", "", "", "", ""]], 50),          # by e-mail, by name
]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=stored_and_file())
@example(case=CASES[0]).via("a name twice")
@example(case=CASES[1]).via("an e-mail twice")
@example(case=CASES[2]).via("an external id twice")
@example(case=CASES[3]).via("an empty name on an update")
@example(case=CASES[4]).via("matches by e-mail and by name")
def test_batches_written_at_once_end_as_row_by_row(runtime: Runtime, tmp_path: Path,
                                                    case: tuple[list[dict[str, Any]], list[list[str]], int]) -> None:
    stored, file_rows, batch_size = case
    path = write_csv(tmp_path / "c.csv", HEADERS, file_rows)
    outcomes = []
    for general in (False, True):
        _reset(runtime, stored)
        with pytest.MonkeyPatch.context() as patch:
            if general:  # row by row, and every row looked up by its natural keys
                patch.setattr(import_batches.BatchWriter, "write", _row_by_row)
                patch.setattr(import_batches.BatchWriter, "all_keyed", lambda self, conn: False)
            report = run(runtime, "clients", path, batch_size=batch_size)
        outcomes.append((report.to_dict(), report.rejects, report.warning_messages, _book(runtime)))
    assert outcomes[0] == outcomes[1]


def test_both_paths_are_taken(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The property above compares something: a first import and a re-import go at once, a file
    that matches by e-mail goes row by row."""
    taken: list[str] = []
    at_once, row_by_row = import_batches.plan_at_once, import_batches.BatchWriter.write_rows

    def plan(*args: Any) -> Any:
        planned = at_once(*args)
        taken.append("stored" if isinstance(planned, import_batches.Stored) else "at once")
        return planned

    def rows(*args: Any) -> Any:
        taken.append("row by row")
        return row_by_row(*args)

    monkeypatch.setattr(import_batches, "plan_at_once", plan)
    monkeypatch.setattr(import_batches.BatchWriter, "write_rows", rows)
    first = write_csv(tmp_path / "a.csv", HEADERS, [["S-0", "Tan", "a@x.example", "MY", "A", ""]])
    run(runtime, "clients", first)
    run(runtime, "clients", first)
    by_email = write_csv(tmp_path / "b.csv", HEADERS, [["", "Tan Holdings", "A@X.example", "MY", "", ""]])
    assert run(runtime, "clients", by_email).updated == 1
    assert taken == ["at once", "at once", "stored", "row by row"]
