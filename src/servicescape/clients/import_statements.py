"""Bulk INSERT and UPDATE statements (SQLAlchemy Core, executemany) for the importer's batches.

On SQLite, converting each bound value through its column type (timestamps to text, enums
checked, JSON serialised) and each row's parameters cost SQLAlchemy more than SQLite spends
storing the row. Imported values repeat a lot (one timestamp per batch, a few tiers and
countries), so there each column's own bind processor is applied once per distinct value, and
the statement SQLAlchemy compiles (on a copy of the table without processors) runs as the
driver's executemany over positional tuples. The values stored are exactly those SQLAlchemy
would store. Other databases get the plain Core statement on the real table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Integer, MetaData, Table, bindparam, insert, update
from sqlalchemy.types import NullType

MEMO_SIZE = 50_000
#: SQLite settings while an import writes (restored afterwards): the index pages of a big table
#: do not fit the default 2 MB page cache, and random inserts into the e-mail and name indexes
#: would read them back all the time; checkpointing the WAL every 1,000 pages rewrote the same
#: index pages batch after batch
SQLITE_BULK = {"cache_size": -256 * 1024, "wal_autocheckpoint": 16_000}


@contextmanager
def bulk_writes(connection: Connection) -> Iterator[None]:
    """Tune a SQLite connection for an import's batches; put its settings back afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in SQLITE_BULK}
    for name, value in SQLITE_BULK.items():
        connection.exec_driver_sql(f"PRAGMA {name}={int(value)}")
    connection.commit()  # end the transaction the PRAGMAs began: each batch has its own
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        for name, setting in before.items():
            connection.exec_driver_sql(f"PRAGMA {name}={int(setting or 0)}")
        connection.commit()


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}
    empty: list[Any] = []

    def prepared(value: Any) -> Any:
        if value is None:
            return None
        try:
            return memo[value]
        except KeyError:
            result = process(value)
            if len(memo) < MEMO_SIZE:
                memo[value] = result
            return result
        except TypeError:  # unhashable: a JSON object; the empty one is the common case
            if value == {}:
                if not empty:
                    empty.append(process(value))
                return empty[0]
            return process(value)

    return prepared


def _each_distinct(process: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    """``process`` over a column, called once per distinct value where values repeat."""
    try:
        distinct = set(column)
    except TypeError:  # unhashable (JSON objects): often one and the same, {} for every new client
        first = column[0]
        if all(value is first for value in column):
            return [process(first)] * len(column)
        return list(map(process, column))
    if len(distinct) > 0.8 * len(column):
        return list(map(process, column))
    processed = {value: process(value) for value in distinct}
    return list(map(processed.__getitem__, column))


class BulkStatements:
    """Executes batches of INSERTs and UPDATEs (by ``id``) on one table."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.prepare = dialect.name == "sqlite"
        self._dialect = dialect
        self._processors: dict[str, Callable[[Any], Any] | None] = {}
        self._compiled: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]] = {}

    def insert(self, conn: Connection, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows``, each a tuple of the values of ``columns``."""
        if not rows:
            return
        if not self.prepare:
            conn.execute(insert(self.table), [dict(zip(columns, row, strict=True)) for row in rows])
            return
        sql, order = self._statement("insert", tuple(columns))
        assert order == tuple(columns)
        self._execute(conn, sql, order, rows)

    def update(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """``rows`` each hold ``_id`` (the row to change) and the columns to set, the same ones."""
        if not rows:
            return
        if not self.prepare:
            conn.execute(update(self.table).where(self.table.c.id == bindparam("_id")), rows)
            return
        sql, order = self._statement("update", tuple(rows[0]))
        self._execute(conn, sql, order, [tuple([row[name] for name in order]) for row in rows])

    def insert_columns(self, conn: Connection, names: Sequence[str], columns: Sequence[list[Any]]) -> None:
        """Insert rows given column by column: ``columns[k][i]`` is row ``i``'s value of ``names[k]``."""
        if not columns or not columns[0]:
            return
        if not self.prepare:
            conn.execute(insert(self.table), [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)])
            return
        sql, order = self._statement("insert", tuple(names))
        self._execute_columns(conn, sql, order, dict(zip(names, columns, strict=True)))

    def update_columns(self, conn: Connection, names: Sequence[str], columns: Sequence[list[Any]]) -> None:
        """Update rows given column by column; ``names`` holds ``_id`` (the rows to change) and the
        columns to set."""
        if not columns or not columns[0]:
            return
        if not self.prepare:
            self.update(conn, [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)])
            return
        sql, order = self._statement("update", tuple(names))
        self._execute_columns(conn, sql, order, dict(zip(names, columns, strict=True)))

    def _execute_columns(self, conn: Connection, sql: str, order: tuple[str, ...],
                         columns: dict[str, list[Any]]) -> None:
        """Bind each column's values (each distinct value once) and execute the rows as tuples."""
        prepared = []
        for name in order:
            column = columns[name]
            process = self._processor(name)
            prepared.append(column if process is None else _each_distinct(process, column))
        conn.exec_driver_sql(sql, list(zip(*prepared, strict=True)))  # type: ignore[arg-type]

    def _execute(self, conn: Connection, sql: str, order: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
        """The statement compiled by SQLAlchemy for these columns, executed with the values bound
        once per distinct value, as positional tuples (the driver's executemany)."""
        steps = [(position, process) for position, name in enumerate(order)
                 if (process := self._processor(name)) is not None]
        if steps:
            prepared = []
            for row in rows:
                values = list(row)
                for position, process in steps:
                    values[position] = process(values[position])
                prepared.append(tuple(values))
            rows = prepared
        conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]

    def _statement(self, action: str, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        key = (action, names)
        found = self._compiled.get(key)
        if found is None:
            columns = [name for name in names if name != "_id"]
            bare = Table(self.table.name, MetaData(), Column("id", Integer, primary_key=True),
                         *(Column(name, NullType()) for name in columns if name != "id"))
            statement: Any = (insert(bare) if action == "insert"
                              else update(bare).where(bare.c.id == bindparam("_id")))
            compiled = statement.compile(dialect=self._dialect, column_keys=columns)
            order = tuple(compiled.positiontup or ())
            found = self._compiled[key] = (str(compiled), order)
        return found

    def _processor(self, name: str) -> Callable[[Any], Any] | None:
        if name == "_id":
            return None
        if name not in self._processors:
            column_type = self.table.c[name].type
            process = column_type.dialect_impl(self._dialect).bind_processor(self._dialect)
            self._processors[name] = _memoised(process) if process is not None else None
        return self._processors[name]
