"""Bulk INSERT and UPDATE statements (SQLAlchemy Core, executemany) for the importer's batches.

On SQLite, converting each bound value through its column type (timestamps to text, enums
checked, JSON serialised) cost SQLAlchemy more than SQLite spends storing the row. Imported
values repeat a lot (one timestamp per batch, a few tiers and countries), so there each column's
own bind processor is applied once per distinct value and the statement is built on a copy of
the table whose columns have no processors left to apply. The values stored are exactly those
SQLAlchemy would store. Other databases get the plain statement on the real table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Integer, MetaData, Table, bindparam, insert, update
from sqlalchemy.types import NullType

MEMO_SIZE = 50_000


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


class BulkStatements:
    """Executes batches of INSERTs and UPDATEs (by ``id``) on one table."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.prepare = dialect.name == "sqlite"
        self._processors: dict[str, Callable[[Any], Any] | None] = {}
        self._bare: dict[tuple[str, ...], Table] = {}
        self._dialect = dialect

    def insert(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(self._target(rows[0])), self._prepared(rows))

    def update(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """``rows`` each hold ``_id`` (the row to change) and the columns to set."""
        if rows:
            target = self._target(rows[0])
            conn.execute(update(target).where(target.c.id == bindparam("_id")), self._prepared(rows))

    def _target(self, row: dict[str, Any]) -> Table:
        if not self.prepare:
            return self.table
        names = tuple(name for name in row if name != "_id")
        bare = self._bare.get(names)
        if bare is None:
            bare = self._bare[names] = Table(
                self.table.name, MetaData(), Column("id", Integer, primary_key=True),
                *(Column(name, NullType()) for name in names if name != "id"),
            )
        return bare

    def _prepared(self, rows: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
        if not self.prepare:
            return rows
        steps = [(name, self._processor(name)) for name in rows[0] if name != "_id"]
        steps = [(name, process) for name, process in steps if process is not None]
        if not steps:
            return rows
        prepared = []
        for row in rows:
            copy = dict(row)
            for name, process in steps:
                copy[name] = process(copy[name])
            prepared.append(copy)
        return prepared

    def _processor(self, name: str) -> Callable[[Any], Any] | None:
        if name not in self._processors:
            column_type = self.table.c[name].type
            process = column_type.dialect_impl(self._dialect).bind_processor(self._dialect)
            self._processors[name] = _memoised(process) if process is not None else None
        return self._processors[name]
