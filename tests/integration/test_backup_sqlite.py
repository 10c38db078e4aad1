"""SQLite only: backups while another connection writes (WAL), and the checks around the file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from servicescape.db import migrate
from servicescape.db.engine import make_engine
from servicescape.platform import backup
from servicescape.platform.backup import backup_database
from tests.integration.test_backup import error_line, run


@pytest.fixture
def live_sqlite(tmp_path: Path) -> Path:
    """A migrated SQLite database in WAL mode, as the running app has it."""
    path = tmp_path / "live.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def test_backup_refuses_to_replace_the_database_itself(live_sqlite: Path) -> None:
    before = live_sqlite.read_bytes()
    line = error_line(run("backup", str(live_sqlite), "--force", "--db", f"sqlite:///{live_sqlite}"))
    assert line == f"error: {live_sqlite} is the database itself; choose another file."
    assert live_sqlite.read_bytes() == before
    assert [p.name for p in live_sqlite.parent.iterdir() if p.suffix == ".partial"] == []


def test_restore_refuses_a_backup_from_a_newer_version(live_sqlite: Path, tmp_path: Path) -> None:
    """The check is the same code on both backends; a SQLite file is the one easy to edit."""
    file = tmp_path / "future.db"
    assert run("backup", str(file), "--db", f"sqlite:///{live_sqlite}").exit_code == 0
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    line = error_line(run("restore", str(file), "--db", f"sqlite:///{tmp_path / 'new.db'}"))
    assert line == (f"error: {file} comes from a newer Servicescape (schema revision 0099_from_the_future "
                    "is unknown to this version); upgrade Servicescape, then restore.")
    assert not (tmp_path / "new.db").exists()


def test_a_file_that_appears_meanwhile_is_not_overwritten(live_sqlite: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "backups" / "x.db"
    target.parent.mkdir()
    copy = backup._sqlite_backup

    def someone_else_writes_it(source: Path, temp: Path) -> Any:
        target.write_bytes(b"another writer's file")
        return copy(source, temp)

    monkeypatch.setattr(backup, "_sqlite_backup", someone_else_writes_it)
    line = error_line(run("backup", str(target), "--db", f"sqlite:///{live_sqlite}"))
    assert line == f"error: {target} already exists; use --force to replace it."
    assert target.read_bytes() == b"another writer's file" and list(target.parent.iterdir()) == [target]


def test_a_copy_that_fails_its_check_is_not_written(live_sqlite: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """integrity_check is SQLite's; on PostgreSQL a failing pg_dump is the same path (test_backup.py)."""

    def damaged(_copy: sqlite3.Connection) -> list[str]:
        return ["*** in database main ***"]

    monkeypatch.setattr(backup, "_integrity_problems", damaged)
    folder = tmp_path / "backups"
    folder.mkdir()
    line = error_line(run("backup", str(folder / "x.db"), "--db", f"sqlite:///{live_sqlite}"))
    assert line.startswith("error: The copy failed its integrity check (*** in database main ***); "
                           "nothing was written.")
    assert list(folder.iterdir()) == []


# -- a backup while another connection writes (SQLite in WAL mode) -------------------------------

WRITES_PER_COMMIT = 25


def _write_batch(connection: sqlite3.Connection, batch: int) -> None:
    """One writer transaction: WRITES_PER_COMMIT audit rows and the data version moved by one."""
    connection.executemany(
        "INSERT INTO audit_event (at, actor, action, entity_id) VALUES ('2026-12-01 00:00:00', 'writer', "
        "'live_write', ?)", [(f"{batch}-{n}",) for n in range(WRITES_PER_COMMIT)])
    connection.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")


def _committed_state(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT count(*) FROM audit_event WHERE action = 'live_write'").fetchone()[0]
        version = connection.execute("SELECT version FROM data_version WHERE id = 1").fetchone()[0]
    connection.close()
    return int(rows), int(version)


def test_backup_sees_committed_writes_and_not_an_open_transaction(live_sqlite: Path, tmp_path: Path) -> None:

    writer = sqlite3.connect(live_sqlite, isolation_level=None)
    engine = make_engine(f"sqlite:///{live_sqlite}")
    try:
        assert writer.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        writer.execute("PRAGMA wal_autocheckpoint=0")  # the commits stay in the -wal file
        for batch in range(3):
            writer.execute("BEGIN IMMEDIATE")
            _write_batch(writer, batch)
            writer.execute("COMMIT")
        writer.execute("BEGIN IMMEDIATE")  # a fourth batch, written but not committed
        _write_batch(writer, 3)
        assert Path(f"{live_sqlite}-wal").stat().st_size > 0  # the commits are only in the WAL yet
        report = backup_database(engine, tmp_path / "during.db")
        writer.execute("COMMIT")
    finally:
        writer.close()
        engine.dispose()
    assert _committed_state(tmp_path / "during.db") == (3 * WRITES_PER_COMMIT, 3)
    assert report.tables["audit_event"] == 3 * WRITES_PER_COMMIT
    assert _committed_state(live_sqlite) == (4 * WRITES_PER_COMMIT, 4)
    with sqlite3.connect(tmp_path / "during.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()


def test_backups_taken_while_a_writer_runs_are_each_a_committed_state(live_sqlite: Path, tmp_path: Path) -> None:

    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_writing() -> None:
        connection = sqlite3.connect(live_sqlite, isolation_level=None, timeout=30)
        try:
            batch = 0
            while not stop.is_set():
                connection.execute("BEGIN IMMEDIATE")
                _write_batch(connection, batch)
                connection.execute("COMMIT")
                batch += 1
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=keep_writing)
    engine = make_engine(f"sqlite:///{live_sqlite}")
    writer.start()
    states = []
    try:
        for number in range(4):
            before = _committed_state(live_sqlite)
            report = backup_database(engine, tmp_path / f"copy-{number}.db")
            after = _committed_state(live_sqlite)
            copied = _committed_state(report.path)
            states.append((before, copied, after))
            assert report.tables["audit_event"] == copied[0]
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert failures == []
    for before, (rows, version), after in states:
        assert rows == WRITES_PER_COMMIT * version  # never half a transaction
        assert before[1] <= version <= after[1]  # a state that was committed while it ran
    assert states[-1][2][1] > states[0][0][1]  # the writer really wrote meanwhile
