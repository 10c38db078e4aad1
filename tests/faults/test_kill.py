"""Kill -9 in the middle of each long operation, re-run it: nothing lost, nothing twice.

A bounded run of ``benchmarks/faults.py`` (which runs 20 kills per operation, and on PostgreSQL
restarts the server in the middle of a run): SQLite, one small starting database shared by the
operations (all but the report and the feedback analysis), one clean run and two kills each, every
kill landing while the command runs.
The first tests show that the comparison fails where it must (a duplicated, lost or changed
row; an e-mail received twice; a half-written PDF).
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "benchmarks") not in sys.path:
    # imported by its name, so that the fork server's processes find its functions
    sys.path.insert(0, str(ROOT / "benchmarks"))
faults: Any = import_module("faults")


# --- the comparison can fail --------------------------------------------------------------------

def _book(path: Path, tasks: Sequence[tuple[int, str, int | None, str]]) -> str:
    """A tiny database: clients, and tasks pointing at them (id, title, client_id, created_at)."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE client (id INTEGER PRIMARY KEY, name TEXT, created_at TEXT)")
        conn.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT, "
                     "client_id INTEGER REFERENCES client(id), created_at TEXT)")
        conn.executemany("INSERT INTO client VALUES (?, ?, ?)", [(1, "Szűcs Kft.", "2024-01-01"),
                                                                 (2, "帷幄咨询有限公司", "2024-01-02")])
        conn.executemany("INSERT INTO task VALUES (?, ?, ?, ?)", tasks)
    return f"sqlite:///{path}"


BASE = [(1, "Call back", 1, "t0"), (2, "Review", 2, "t0")]


def _signature(tmp_path: Path, name: str, tasks: Sequence[tuple[int, str, int | None, str]]) -> Any:
    return faults.signature(_book(tmp_path / f"{name}.db", tasks), {"client": 2, "task": 2})


def test_a_duplicated_row_is_reported(tmp_path: Path) -> None:
    clean = _signature(tmp_path, "clean", [*BASE, (3, "Recovery", 1, "t1")])
    twice = _signature(tmp_path, "twice", [*BASE, (3, "Recovery", 1, "t1"), (4, "Recovery", 1, "t2")])
    problems = faults.compare(clean, twice)
    assert len(problems) == 1
    assert problems[0].startswith("task: 3 rows in the clean run, 4 here") and "1 duplicated" in problems[0]
    assert "title='Recovery'" in problems[0]
    assert clean.digest("task") != twice.digest("task")


def test_a_lost_or_changed_row_is_reported(tmp_path: Path) -> None:
    clean = _signature(tmp_path, "clean", [*BASE, (3, "Recovery", 1, "t1")])
    lost = _signature(tmp_path, "lost", BASE)
    changed = _signature(tmp_path, "changed", [*BASE, (3, "Recovery", 2, "t1")])
    assert faults.compare(clean, lost) == ["task: 3 rows in the clean run, 2 here — 1 lost or changed, "
                                           "e.g. title='Recovery', client_id=1"]
    assert "1 extra or changed, e.g. title='Recovery', client_id=2" in faults.compare(clean, changed)[0]


def test_run_times_and_the_ids_of_added_rows_are_not_compared(tmp_path: Path) -> None:
    # the same added rows, written at another time and with other ids (a PostgreSQL sequence
    # value used up by a killed transaction): equal
    clean = _signature(tmp_path, "clean", [*BASE, (3, "Recovery", 1, "t1"), (4, "Follow-up", 2, "t1")])
    again = _signature(tmp_path, "again", [*BASE, (7, "Follow-up", 2, "t9"), (9, "Recovery", 1, "t8")])
    assert faults.compare(clean, again) == []
    assert clean.columns["task"] == ["title", "client_id"]


def test_two_clean_runs_that_differ_name_the_column(tmp_path: Path) -> None:
    first = _signature(tmp_path, "first", [*BASE, (3, "Recovery", 1, "t1")])
    second = _signature(tmp_path, "second", [*BASE, (3, "Recovery 2026-12-04 09:00", 1, "t1")])
    assert faults.differing_columns(first, second) == {"task": ["title"]}


def test_an_email_received_twice_or_marked_sent_without_arriving_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    with sqlite3.connect(tmp_path / "outbox.db") as conn:
        conn.execute("CREATE TABLE mail_outbox (id INTEGER PRIMARY KEY, message_id TEXT, recipient TEXT, status TEXT)")
        conn.executemany("INSERT INTO mail_outbox VALUES (?, ?, ?, ?)",
                         [(1, "<a@x>", "a@firm.test", "sent"), (2, "<b@x>", "b@firm.test", "sent"),
                          (3, "<c@x>", "c@firm.test", "sending")])

    def received(*ids: str) -> SimpleNamespace:
        return SimpleNamespace(received=[SimpleNamespace(message={"Message-ID": i}, rcpt_tos=[f"{i[1]}@firm.test"])
                                         for i in ids])

    context = faults.Context(SimpleNamespace(url=url), tmp_path, received("<a@x>", "<b@x>"))
    assert faults._campaign_checks(context, None) == ([], 1)  # c: in doubt, never resent
    context.smtp = received("<a@x>", "<b@x>", "<b@x>")
    problems, _ = faults._campaign_checks(context, None)
    assert "e-mail: message <b@x> received 2 times" in problems
    context.smtp = received("<a@x>")
    assert faults._campaign_checks(context, None)[0] == ["mail_outbox: b@firm.test marked sent but received 0 times"]


def test_a_half_written_pdf_fails(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n1 0 obj")
    assert faults._pdf_problems(tmp_path / "report.pdf")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n%%EOF\n")
    assert faults._pdf_problems(tmp_path / "report.pdf") == []


# --- the kills ----------------------------------------------------------------------------------

#: kills per operation, in one chain (killed, re-run and killed again, then re-run to the end: a kill
#: during the recovery from a kill), each drawn between 20% and 70% of the clean run's time (the
#: command's first second or two is its start-up, before it touches the database)
POINTS = 2


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """One small starting database for the operations: the demo firm (30 clients, its comments
    not yet read), a CSV of 1,000 new clients and an active survey."""
    faults.use_fork_server()
    backend = faults.Backend("sqlite", tmp_path_factory.mktemp("faults"))
    today = datetime.now(UTC).date() - timedelta(days=10)
    start = faults.prepare(backend, "shared", 15, today, [
        lambda database, folder: faults._prepare_import(database, folder, rows=1000), faults._prepare_campaign])
    yield backend, start
    backend.close()


#: the operations killed here; the report render (19 s) and the feedback analysis (17 s) are killed
#: 20 times each by ``benchmarks/faults.py`` only, to keep the suite's time
IN_THE_SUITE = tuple(name for name in faults.OPERATIONS if name not in ("report", "voice"))


@pytest.mark.parametrize("name", IN_THE_SUITE)
def test_a_killed_operation_run_again_loses_nothing_and_duplicates_nothing(
        shared: tuple[Any, Any], name: str) -> None:
    backend, start = shared
    today = datetime.now(UTC).date() - timedelta(days=10)
    report = faults.run_operation(backend, faults.operations()[name], POINTS, random.Random(name), today,
                                  clean_runs=1, start=start, earliest=0.2, latest=0.7, kills=POINTS,
                                  log=lambda line: None)
    assert report.failures == []
    assert report.landed >= 1, f"no kill landed while {name} ran (clean run: {report.clean_seconds:.1f} s)"
