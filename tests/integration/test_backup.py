"""Backup and restore: a round trip keeps every row exactly; mistakes are refused with one line."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from servicescape.audit.service import record
from servicescape.auth.models import Role
from servicescape.cli.main import app
from servicescape.clients import service
from servicescape.clients.models import Client
from servicescape.db import migrate
from servicescape.db.engine import make_engine, make_session_factory
from servicescape.db.models import Base
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.platform import backup, backup_cli, pg_tools
from servicescape.platform.backup import backup_database
from servicescape.runtime import Runtime
from tests.conftest import make_staff, token_for

runner = CliRunner()
_names = itertools.count()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A database with nothing in it: a new SQLite file, or a PostgreSQL database from template0."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'servicescape.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    name = f"restore_{next(_names)}"
    url: str = cluster.create_database(name)
    request.addfinalizer(lambda: cluster.drop_database(name))
    return url


@pytest.fixture
def live_sqlite(tmp_path: Path) -> Any:
    """A migrated SQLite database in WAL mode, as the running app has it."""
    path = tmp_path / "live.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the product and alembic_version, row by row, ordered by primary key."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = {table.name: [tuple(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in Base.metadata.sorted_tables}
            rows["alembic_version"] = [tuple(row) for row in connection.execute(
                text("SELECT version_num FROM alembic_version ORDER BY version_num"))]
    finally:
        engine.dispose()
    return rows


def error_line(result: Any) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return str(lines[0])


def fill(runtime: Runtime) -> None:
    """The demo firm (40 clients), one more staff account with a token, one audit event."""
    load_demo(runtime, DemoSpec(today=date(2026, 12, 1), clients=40, seed=7))
    staff = make_staff(runtime, Role.manager, email="restore.check@firm.test", name="Réka Szabó")
    token_for(runtime, staff)
    with runtime.transaction() as session:
        record(session, "backup_check", entity="client", entity_id=1,
               changes={"note": "Ünïcode ✓ 台北", "amount": "12.50"})


def test_round_trip_keeps_every_row(runtime: Runtime, db_url: str, empty_url: str, tmp_path: Path,
                                    backend: str) -> None:
    fill(runtime)
    before = every_row(db_url)
    assert len(before["client"]) == 40 and len(before["invoice"]) > 40
    assert any("backup_check" in row for row in before["audit_event"])
    assert any("restore.check@firm.test" in row for row in before["staff"])
    assert before["api_token"] and before["alembic_version"]

    file = tmp_path / "firm.backup"
    made = run("backup", str(file), "--db", db_url, "--json")
    assert made.exit_code == 0, made.output
    report = json.loads(made.stdout)
    assert report["backend"] == ("sqlite" if backend == "sqlite" else "postgresql")
    assert report["bytes"] == file.stat().st_size > 0
    assert report["tables"]["client"] == 40 and report["rows"] == sum(map(len, before.values()))
    assert file.stat().st_mode & 0o777 == 0o600  # password hashes inside: owner-only
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []

    restored = run("restore", str(file), "--db", empty_url, "--json")
    assert restored.exit_code == 0, restored.output
    restore_report = json.loads(restored.stdout)
    assert restore_report["tables"] == report["tables"]
    assert restore_report["revision"] == report["revision"] == restore_report["backup_revision"]

    after = every_row(empty_url)
    assert set(after) == set(before) == {*Base.metadata.tables, "alembic_version"}
    for name in before:
        assert after[name] == before[name], name

    engine = make_engine(empty_url)  # the restored database takes new rows (sequences moved on)
    try:
        with make_session_factory(engine).begin() as session:
            client = service.clients.create(session, {"name": "After Restore Kft.", "country": "HU",
                                                      "tier": "key"}, by=None)
        assert client.id == max(row[0] for row in before["client"]) + 1
    finally:
        engine.dispose()


def test_backup_into_a_folder_names_the_file(db_url: str, tmp_path: Path, backend: str) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    result = run("backup", str(folder), "--db", db_url)
    assert result.exit_code == 0, result.output
    [written] = list(folder.iterdir())
    assert written.name.startswith("servicescape-")
    assert written.suffix == (".db" if backend == "sqlite" else ".dump")
    assert "Backed up" in result.output


def test_existing_path_needs_force(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "backups").mkdir()
    file = tmp_path / "backups" / "kept.backup"
    file.write_bytes(b"an older backup")
    line = error_line(run("backup", str(file), "--db", db_url))
    assert line == f"error: {file} already exists; use --force to replace it."
    assert file.read_bytes() == b"an older backup"
    assert run("backup", str(file), "--db", db_url, "--force").exit_code == 0
    assert file.read_bytes().startswith((b"SQLite format 3", b"PGDMP"))
    assert list(file.parent.iterdir()) == [file]


def test_a_missing_folder_is_named(db_url: str, tmp_path: Path) -> None:
    line = error_line(run("backup", str(tmp_path / "nowhere" / "x.db"), "--db", db_url))
    assert line == f"error: The folder {tmp_path / 'nowhere'} does not exist."


def test_restore_refuses_a_database_that_is_not_empty(runtime: Runtime, db_url: str, tmp_path: Path,
                                                      empty_url: str) -> None:
    file = tmp_path / "firm.backup"
    assert run("backup", str(file), "--db", db_url).exit_code == 0
    assert run("restore", str(file), "--db", empty_url).exit_code == 0
    with runtime.transaction() as session:  # a migrated database with clients in it
        service.clients.create(session, {"name": "Existing Sdn. Bhd.", "country": "MY"}, by=None)
    line = error_line(run("restore", str(file), "--db", db_url, "--yes"))
    empty = len(Base.metadata.tables) - 3
    assert ("is not empty: it has alembic_version (revision 0001), audit_event (1 row), client (1 row), "
            f"data_version (1 row), {empty} empty tables. Restore writes only into an empty database") in line
    assert "choose a new SQLite file or a newly created PostgreSQL database" in line
    line = error_line(run("restore", str(file), "--db", empty_url))  # restored once already
    assert "is not empty: it has alembic_version (revision 0001), data_version (1 row)" in line
    with runtime.transaction() as session:  # the refused target is untouched
        assert session.scalars(select(Client.name)).all() == ["Existing Sdn. Bhd."]


def test_restore_asks_on_a_terminal_unless_yes(db_url: str, empty_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "firm.backup"
    assert run("backup", str(file), "--db", db_url).exit_code == 0
    monkeypatch.setattr(backup_cli, "interactive", lambda: True)
    declined = runner.invoke(app, ["restore", str(file), "--db", empty_url], input="n\n")
    assert declined.exit_code == 1
    assert f"Restore {file} (" in declined.output and "schema 0001) into " in declined.output
    assert declined.output.strip().endswith("error: restore cancelled; nothing was changed")
    accepted = runner.invoke(app, ["restore", str(file), "--db", empty_url], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Restored " in accepted.output


def _other_format(backend: str, tmp_path: Path) -> Path:
    """A file in the other backend's backup format."""
    file = tmp_path / "other.backup"
    if backend == "sqlite":
        file.write_bytes(b"PGDMP\x01\x0f\x00" + bytes(200))
    else:
        with sqlite3.connect(file) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.close()
    return file


def test_restore_refuses_the_other_backends_format(backend: str, empty_url: str, tmp_path: Path) -> None:
    file = _other_format(backend, tmp_path)
    found, target = ("PostgreSQL", "SQLite") if backend == "sqlite" else ("SQLite", "PostgreSQL")
    line = error_line(run("restore", str(file), "--db", empty_url))
    assert line == (f"error: {file} is a {found} backup but the target database is {target}; "
                    f"restore it into a {found} database.")


@pytest.mark.parametrize(("content", "says"), [
    (b"", "is empty; it is not a backup."),
    (b"--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\n", "is an SQL script; restore reads"),
    (b"name,country\nAcme,HU\n", "is not a Servicescape backup: it is neither a SQLite database nor a pg_dump"),
])
def test_restore_refuses_what_is_not_a_backup(empty_url: str, tmp_path: Path, content: bytes, says: str) -> None:
    file = tmp_path / "not-a-backup"
    file.write_bytes(content)
    line = error_line(run("restore", str(file), "--db", empty_url))
    assert line.startswith(f"error: {file} {says}")


def test_restore_names_a_missing_file(empty_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    line = error_line(run("restore", str(missing), "--db", empty_url))
    assert line == f"error: No backup at {missing}: the file does not exist."


def test_restore_refuses_a_sqlite_file_that_is_no_servicescape_database(tmp_path: Path) -> None:
    file = tmp_path / "notes.db"
    with sqlite3.connect(file) as connection:
        connection.execute("CREATE TABLE note (body TEXT)")
    connection.close()
    line = error_line(run("restore", str(file), "--db", f"sqlite:///{tmp_path / 'new.db'}"))
    assert line == f"error: {file} is not a Servicescape backup: it has no schema revision (alembic_version)."
    assert not (tmp_path / "new.db").exists()


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


def test_interrupted_backup_leaves_nothing_under_path(db_url: str, tmp_path: Path, backend: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def half_then_interrupted(_source: Any, temp: Path) -> Any:
        temp.write_bytes(b"half a backup")
        raise KeyboardInterrupt

    name = "_sqlite_backup" if backend == "sqlite" else "_postgres_backup"
    monkeypatch.setattr(backup, name, half_then_interrupted)
    folder = tmp_path / "backups"
    folder.mkdir()
    engine = make_engine(db_url)
    try:
        with pytest.raises(KeyboardInterrupt):
            backup_database(engine, folder / "x.backup")
    finally:
        engine.dispose()
    assert list(folder.iterdir()) == []


def test_a_copy_that_fails_its_check_is_not_written(live_sqlite: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """integrity_check is SQLite's; on PostgreSQL a failing tool is the same path (tested below)."""
    checked: Callable[[sqlite3.Connection], list[str]] = lambda _c: ["*** in database main ***"]  # noqa: E731
    monkeypatch.setattr(backup, "_integrity_problems", checked)
    folder = tmp_path / "backups"
    folder.mkdir()
    line = error_line(run("backup", str(folder / "x.db"), "--db", f"sqlite:///{live_sqlite}"))
    assert line.startswith("error: The copy failed its integrity check (*** in database main ***); "
                           "nothing was written.")
    assert list(folder.iterdir()) == []


def test_pg_dump_not_found_is_named(backend: str, db_url: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "postgres":
        pytest.skip("pg_dump is PostgreSQL's")
    monkeypatch.setattr(pg_tools, "DEBIAN_BIN_GLOB", str(tmp_path / "lib" / "postgresql" / "*" / "bin"))
    monkeypatch.setattr(pg_tools.shutil, "which", lambda _name: None)
    line = error_line(run("backup", str(tmp_path / "x.dump"), "--db", db_url))
    assert line.startswith("error: pg_dump for PostgreSQL 15 was not found (looked in "
                           f"{tmp_path}/lib/postgresql/15/bin and PATH); install the PostgreSQL 15 client")
    assert not (tmp_path / "x.dump").exists()


def test_a_failing_pg_dump_is_reported_with_its_first_error_line(backend: str, db_url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "postgres":
        pytest.skip("pg_dump is PostgreSQL's")
    bindir = tmp_path / "lib" / "postgresql" / "15" / "bin"
    bindir.mkdir(parents=True)
    fake = bindir / "pg_dump"
    fake.write_text("#!/bin/sh\n\necho 'pg_dump: error: query failed: out of shared memory' >&2\n"
                    "echo 'pg_dump: detail: second line' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pg_tools, "DEBIAN_BIN_GLOB", str(tmp_path / "lib" / "postgresql" / "*" / "bin"))
    folder = tmp_path / "backups"
    folder.mkdir()
    line = error_line(run("backup", str(folder / "x.dump"), "--db", db_url))
    assert line == "error: pg_dump failed: pg_dump: error: query failed: out of shared memory"
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
