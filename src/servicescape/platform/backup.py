"""Backup and restore of the whole database, on SQLite and on PostgreSQL.

A backup is consistent while the app keeps running: SQLite's online backup API copies one
snapshot (in WAL mode writers carry on meanwhile), PostgreSQL's ``pg_dump`` reads the snapshot
that our own repeatable-read transaction exports, so the row counts in the report are the dump's.
The file is written to a hidden temporary file in the target folder, checked (SQLite:
``PRAGMA integrity_check``; PostgreSQL: ``pg_restore --list`` reads the archive back), and only
then linked into place; an interrupted backup never leaves a half file under the target path.

A restore writes only into an empty database, recognises the backup's format by its first bytes,
then brings the schema up to this version's head (a backup made by an older version restores into
a newer one) and checks the result.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from servicescape.db import migrate
from servicescape.db.models import Base
from servicescape.errors import BackupFailed, Conflict, NotFound, ValidationFailed
from servicescape.i18n import _, ngettext
from servicescape.platform import pg_tools
from servicescape.platform.files import staged_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SUFFIXES = {"sqlite": ".db", "postgresql": ".dump"}
#: how many non-empty tables a "the target is not empty" message names
SHOWN_TABLES = 4


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote: the file, its size, the schema revision and rows per table."""

    path: Path
    database: str
    backend: str
    bytes: int
    revision: str | None
    tables: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path), "rows": self.rows}


@dataclass(frozen=True)
class RestoreReport(BackupReport):
    """What a restore did; ``revision`` is the schema after the upgrade, ``backup_revision`` before."""

    backup_revision: str | None = None


@dataclass(frozen=True)
class RestorePlan:
    """A backup that may go into the target: checked, not yet written."""

    path: Path
    backend: str
    bytes: int
    revision: str
    database: str
    tool: Path | None = field(default=None)


def product_tables() -> list[str]:
    return ["alembic_version", *sorted(Base.metadata.tables)]


def where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# -- backup ---------------------------------------------------------------------------------------

def backup_database(engine: Engine, path: Path, *, force: bool = False) -> BackupReport:
    """Copy the database behind ``engine`` to ``path`` (a file, or a folder to put one in)."""
    started = time.perf_counter()
    backend = engine.dialect.name
    target = _backup_target(path, backend, force=force)
    source = _sqlite_source(engine, target) if backend == "sqlite" else None
    try:
        with staged_file(target, replace=force) as temp:
            if source is not None:
                revision, tables = _sqlite_backup(source, temp)
            else:
                revision, tables = _postgres_backup(engine, temp)
            size = temp.stat().st_size
    except FileExistsError as exc:  # it appeared while the backup ran
        raise Conflict(_("%(path)s already exists; use --force to replace it.", path=target)) from exc
    return BackupReport(path=target, database=where(engine), backend=backend, bytes=size,
                        revision=revision, tables=tables,
                        seconds=round(time.perf_counter() - started, 3))


def _backup_target(path: Path, backend: str, *, force: bool) -> Path:
    if path.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = path / f"servicescape-{stamp}{SUFFIXES[backend]}"
    if not path.parent.is_dir():
        raise NotFound(_("The folder %(folder)s does not exist.", folder=path.parent))
    if path.exists() and not force:
        raise Conflict(_("%(path)s already exists; use --force to replace it.", path=path))
    return path


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValidationFailed(_("Only a SQLite database in a file can be backed up or restored."))
    return Path(database)


def _sqlite_connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    mode = "ro" if readonly else "rwc"
    return sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode={mode}", uri=True,
                           timeout=30, check_same_thread=False)


@contextmanager
def _sqlite_engine(path: Path) -> Iterator[Connection]:
    """A plain connection to a SQLite file (none of the app's pragmas), read only."""
    engine = create_engine("sqlite://", creator=lambda: _sqlite_connect(path, readonly=True),
                           poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _sqlite_source(engine: Engine, target: Path) -> Path:
    source = _sqlite_file(engine)
    if not source.is_file():
        raise NotFound(_("The SQLite database %(path)s does not exist.", path=source))
    if target.exists() and target.samefile(source):
        raise ValidationFailed(_("%(path)s is the database itself; choose another file.", path=target))
    return source


def _sqlite_backup(source: Path, temp: Path) -> tuple[str | None, dict[str, int]]:
    try:
        with closing(_sqlite_connect(source, readonly=True)) as origin, \
                closing(_sqlite_connect(temp)) as copy:
            origin.backup(copy)  # one step: one consistent snapshot of the source
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            problems = _integrity_problems(copy)
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(_("The SQLite database %(path)s could not be copied: %(reason)s",
                             path=source, reason=str(exc))) from exc
    if problems:
        raise BackupFailed(_("The copy failed its integrity check (%(problem)s); nothing was "
                             "written. Check the database with `sqlite3 FILE 'PRAGMA "
                             "integrity_check'`.", problem=problems[0]))
    with _sqlite_engine(temp) as connection:
        return _revision(connection), _row_counts(connection)


def _integrity_problems(connection: sqlite3.Connection) -> list[str]:
    rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _postgres_backup(engine: Engine, temp: Path) -> tuple[str | None, dict[str, int]]:
    with engine.connect() as connection:
        snapshot_reader = connection.execution_options(isolation_level="REPEATABLE READ",
                                                       postgresql_readonly=True)
        with snapshot_reader.begin():
            pg_dump = pg_tools.find_tool("pg_dump", _server_major(snapshot_reader))
            snapshot = snapshot_reader.scalar(text("SELECT pg_export_snapshot()"))
            revision, tables = _revision(snapshot_reader), _row_counts(snapshot_reader)
            pg_tools.run_tool(pg_dump, ["--format=custom", f"--snapshot={snapshot}",
                                        f"--file={temp}"], engine.url)
        pg_restore = pg_tools.find_tool("pg_restore", _server_major(connection))
    pg_tools.run_tool(pg_restore, ["--list", str(temp)], engine.url)  # the archive reads back
    return revision, tables


def _server_major(connection: Connection) -> int:
    return pg_tools.server_major(int(connection.scalar(text("SHOW server_version_num")) or 0))


# -- what a database holds ---------------------------------------------------------------------

def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
    return ",".join(sorted(versions)) or None


def _row_counts(connection: Connection, names: list[str] | None = None) -> dict[str, int]:
    present = set(inspect(connection).get_table_names())
    chosen = names if names is not None else product_tables()
    return {name: int(connection.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in sorted(chosen) if name in present}


def _describe_contents(revision: str | None, tables: dict[str, int]) -> str:
    """E.g. "alembic_version (revision 0001), client (40 rows), ..., 3 more tables with rows"."""
    parts = []
    if revision is not None:
        parts.append(_("alembic_version (revision %(revision)s)", revision=revision))
    filled = sorted(((rows, name) for name, rows in tables.items() if rows and name != "alembic_version"),
                    key=lambda item: (-item[0], item[1]))
    parts += [ngettext("%(table)s (%(num)s row)", "%(table)s (%(num)s rows)", rows, table=name)
              for rows, name in filled[:SHOWN_TABLES]]
    if len(filled) > SHOWN_TABLES:
        parts.append(ngettext("%(num)s more table with rows", "%(num)s more tables with rows",
                              len(filled) - SHOWN_TABLES))
    empty = sum(1 for name, rows in tables.items() if not rows and name != "alembic_version")
    if empty:
        parts.append(ngettext("%(num)s empty table", "%(num)s empty tables", empty))
    return ", ".join(parts)


def _target_contents(engine: Engine) -> str:
    """What the restore target already holds, in words; empty when it holds nothing."""
    if engine.dialect.name == "sqlite":
        path = _sqlite_file(engine)
        if not path.exists() or path.stat().st_size == 0:
            return ""
        with _sqlite_engine(path) as connection:  # the whole file is replaced: any table counts
            # but the search index's own tables (migrate.SEARCH_OBJECTS), part of the client table
            names = [name for name in inspect(connection).get_table_names() if migrate.modelled(name, "table", None)]
            return _describe_contents(_revision(connection), _row_counts(connection, names))
    with engine.connect() as connection:
        return _describe_contents(_revision(connection), _row_counts(connection))


# -- restore --------------------------------------------------------------------------------------

def detect_format(path: Path) -> str:
    """``sqlite`` or ``postgresql`` from the file's first bytes; a clear error for anything else."""
    if not path.exists():
        raise NotFound(_("No backup at %(path)s: the file does not exist.", path=path))
    if path.is_dir():
        raise ValidationFailed(_("%(path)s is a folder; give the backup file's path.", path=path))
    with path.open("rb") as handle:
        head = handle.read(64)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    if not head:
        raise ValidationFailed(_("%(path)s is empty; it is not a backup.", path=path))
    if head.lstrip().upper().startswith((b"--", b"PRAGMA", b"BEGIN", b"SET ", b"CREATE")):
        raise ValidationFailed(_(
            "%(path)s is an SQL script; restore reads the files that `servicescape backup` "
            "writes (a SQLite database or a pg_dump --format=custom archive).", path=path))
    raise ValidationFailed(_(
        "%(path)s is not a Servicescape backup: it is neither a SQLite database nor a pg_dump "
        "custom-format archive.", path=path))


def prepare_restore(engine: Engine, path: Path) -> RestorePlan:
    """Check that ``path`` can be restored into the database behind ``engine``; write nothing."""
    backend = engine.dialect.name
    found = detect_format(path)
    if found != backend:
        raise ValidationFailed(_(
            "%(path)s is a %(found)s backup but the target database is %(target)s; restore it "
            "into a %(found)s database.", path=path, found=BACKEND_NAMES[found],
            target=BACKEND_NAMES.get(backend, backend)))
    tool = None
    if backend == "sqlite":
        revision = _sqlite_backup_revision(path)
    else:
        with engine.connect() as connection:
            tool = pg_tools.find_tool("pg_restore", _server_major(connection))
        revision = _archive_revision(tool, path, engine)
    if revision is None:
        raise ValidationFailed(_("%(path)s is not a Servicescape backup: it has no schema "
                                 "revision (alembic_version).", path=path))
    unknown = set(revision.split(",")) - _known_revisions(engine)
    if unknown:
        raise ValidationFailed(_(
            "%(path)s comes from a newer Servicescape (schema revision %(revision)s is unknown "
            "to this version); upgrade Servicescape, then restore.", path=path,
            revision=", ".join(sorted(unknown))))
    contents = _target_contents(engine)
    if contents:
        raise Conflict(_(
            "The target database %(database)s is not empty: it has %(contents)s. Restore writes "
            "only into an empty database: choose a new SQLite file or a newly created PostgreSQL "
            "database.", database=where(engine), contents=contents))
    return RestorePlan(path=path, backend=backend, bytes=path.stat().st_size, revision=revision,
                       database=where(engine), tool=tool)


def restore_database(engine: Engine, path: Path) -> RestoreReport:
    """Restore ``path`` into the empty database behind ``engine``, upgrade it and check it."""
    started = time.perf_counter()
    plan = prepare_restore(engine, path)
    engine.dispose()
    if plan.backend == "sqlite":
        _sqlite_restore(plan.path, _sqlite_file(engine))
    else:
        assert plan.tool is not None
        pg_tools.run_tool(plan.tool, [
            "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            f"--dbname={engine.url.database}", str(plan.path)], engine.url)
    engine.dispose()
    migrate.upgrade(engine)
    _check_restored(engine)
    with engine.connect() as connection:
        revision, tables = _revision(connection), _row_counts(connection)
    return RestoreReport(path=plan.path, database=plan.database, backend=plan.backend,
                         bytes=plan.bytes, revision=revision, tables=tables,
                         seconds=round(time.perf_counter() - started, 3),
                         backup_revision=plan.revision)


def _sqlite_backup_revision(path: Path) -> str | None:
    try:
        with _sqlite_engine(path) as connection:
            return _revision(connection)
    except (sqlite3.DatabaseError, DBAPIError) as exc:  # "file is not a database", "malformed"
        reason = str(getattr(exc, "orig", exc))
        raise ValidationFailed(_("%(path)s cannot be read as a SQLite database: %(reason)s",
                                 path=path, reason=reason)) from exc


def _archive_revision(pg_restore: Path, path: Path, engine: Engine) -> str | None:
    script = pg_tools.run_tool(pg_restore, ["--data-only", "--table=alembic_version", "--file=-",
                                            str(path)], engine.url)
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            values = []
            for value in lines[number + 1:]:
                if value == "\\.":
                    break
                values.append(value)
            return ",".join(sorted(values)) or None
    return None


def _known_revisions(engine: Engine) -> set[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    return {revision.revision for revision in script.walk_revisions()}


def _sqlite_restore(source: Path, target: Path) -> None:
    try:
        with closing(_sqlite_connect(source, readonly=True)) as origin, \
                closing(_sqlite_connect(target)) as restored:
            origin.backup(restored)  # one transaction on the target: all or nothing
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(_("%(path)s could not be restored: %(reason)s", path=source,
                             reason=str(exc))) from exc


def _check_restored(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            rows = [str(row) for row in connection.scalars(text("PRAGMA integrity_check"))]
        if rows != ["ok"]:
            raise BackupFailed(_("The restored database failed its integrity check "
                                 "(%(problem)s).", problem=rows[0] if rows else "?"))
    differences = migrate.pending_differences(engine)
    if differences:
        raise BackupFailed(_("The restored schema differs from this version's models "
                             "(%(difference)s).", difference=str(differences[0])))
