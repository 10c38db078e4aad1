"""Engine and session factory. SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL a lock
timeout (a writer waits for another at most ``busy.WAIT_SECONDS``, see ``db.busy``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from servicescape.db.busy import WAIT_SECONDS, busy, is_busy
from servicescape.errors import ConfigurationError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(WAIT_SECONDS * 1000)}")
    # read the file through a memory map (up to SQLite's usual limit of ~2 GB): the pages are the
    # operating system's, shared by every connection and process, not copied into each one's cache
    # (a list request walking an index read 2-3 times faster)
    cursor.execute("PRAGMA mmap_size=2147418112")
    cursor.close()


def make_engine(url: str, *, collation: str | None = None) -> Engine:
    """An engine for ``url``; ``collation``: the language whose order client names are kept in
    (the execution option ``servicescape.clients.name_keys`` reads)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: {url!r}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        given = parsed.query.get("options")  # the URL's own options come last: they win
        options = f"-c lock_timeout={int(WAIT_SECONDS * 1000)}" + (f" {given}" if isinstance(given, str) else "")
        kwargs["connect_args"] = {"options": options}
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigurationError(f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
                                 "use sqlite:///PATH or postgresql://USER@HOST/DB") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine.execution_options(collation=collation) if collation else engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], actor: Any = None) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error; ``DatabaseBusy`` when other
    writers kept the database busy past the wait (``db.busy``)."""
    try:
        with factory() as session:
            session.info["actor"] = actor
            with session.begin():
                yield session
    except DBAPIError as error:
        if is_busy(error):
            raise busy() from error
        raise
