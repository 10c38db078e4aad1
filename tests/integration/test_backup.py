"""Backup and restore: a round trip keeps every row exactly; mistakes are refused with one line."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from typer.testing import CliRunner

from servicescape.audit.service import record
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service
from servicescape.clients.models import Client
from servicescape.db.engine import make_engine, make_session_factory
from servicescape.db.migrate import alembic_config
from servicescape.db.models import Base
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.platform import backup, pg_tools
from servicescape.platform.backup import backup_database
from servicescape.runtime import Runtime
from servicescape.system import backup_cli
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
                                                      "tier": "key"}, by=SYSTEM)
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
        service.clients.create(session, {"name": "Existing Sdn. Bhd.", "country": "MY"}, by=SYSTEM)
    line = error_line(run("restore", str(file), "--db", db_url, "--yes"))
    empty = len(Base.metadata.tables) - 4
    with runtime.engine.connect() as connection:
        head = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert (f"is not empty: it has alembic_version (revision {head}), audit_event (1 row), client (1 row), "
            f"data_version (1 row), data_version_entity (1 row), {empty} empty tables. Restore writes only into "
            "an empty database") in line
    assert "choose a new SQLite file or a newly created PostgreSQL database" in line
    line = error_line(run("restore", str(file), "--db", empty_url))  # restored once already
    assert f"is not empty: it has alembic_version (revision {head}), data_version (1 row)" in line
    with runtime.transaction() as session:  # the refused target is untouched
        assert session.scalars(select(Client.name)).all() == ["Existing Sdn. Bhd."]


def test_restore_asks_on_a_terminal_unless_yes(db_url: str, empty_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "firm.backup"
    assert run("backup", str(file), "--db", db_url).exit_code == 0
    monkeypatch.setattr(backup_cli, "interactive", lambda: True)
    declined = runner.invoke(app, ["restore", str(file), "--db", empty_url], input="n\n")
    assert declined.exit_code == 1
    head = ScriptDirectory.from_config(alembic_config(make_engine(db_url))).get_current_head()
    assert f"Restore {file} (" in declined.output and f"schema {head}) into " in declined.output
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


def test_a_damaged_sqlite_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "damaged.db"
    file.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    line = error_line(run("restore", str(file), "--db", f"sqlite:///{tmp_path / 'new.db'}"))
    assert line.startswith(f"error: {file} cannot be read as a SQLite database: ")
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
