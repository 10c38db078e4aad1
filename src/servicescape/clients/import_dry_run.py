"""A dry run: the import runs as a real one does, but writes into a private copy of the kind's table.

On the dry run's own connection a temporary table with the same name hides the stored one
(SQLite and PostgreSQL look a name up among the connection's temporary tables first), so the
batch writer runs unchanged: the same matching, the same writes, the same counts. Before each
look-up the writer makes in its table, the records of the stored table that the look-up would
find are copied into the temporary one, unless a copy is there already: the copy holds what the
earlier batches did to it. So every batch sees the stored records as a real run would have left
them, and

* nothing is written to the stored tables, and SQLite's write lock is never taken (temporary
  tables live in the connection's own temporary database): other writers go on as usual;
* only the records the file names are copied, and the temporary database spills to a file, so
  memory stays that of a batch however large the file or the client book.

The connection is closed at the end instead of going back to the pool, and the temporary table
goes with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Engine, Identity, Index, Insert, Integer, MetaData, Table, select, text
from sqlalchemy.dialects import postgresql, sqlite

from servicescape.clients.import_batches import BatchWriter, in_lookup, in_values

#: the ids of the records a dry run adds never meet the stored ones (copied with theirs): on SQLite
#: they start far above them, on PostgreSQL (where ids are 32-bit) they count down from -1
SQLITE_FIRST_NEW_ID = 1 << 40
#: the columns the writer looks records up by, where the table has them
LOOKED_UP = ("external_id", "email", "name", "client_id")


@contextmanager
def dry_run_connection(engine: Engine, writer: BatchWriter) -> Iterator[Connection]:
    """A connection on which ``writer``'s table is a private copy; closed (never pooled) afterwards."""
    connection = engine.connect()
    try:
        writer.dry_run = DryRunTable(connection, writer.table)
        connection.commit()
        yield connection
    finally:
        writer.dry_run = None
        connection.invalidate()  # the DBAPI connection is closed, and the temporary table with it
        connection.close()


class DryRunTable:
    """The temporary table hiding ``table`` on ``connection``, and the stored table behind it."""

    def __init__(self, connection: Connection, table: Table) -> None:
        dialect = connection.dialect.name
        schema = "main" if dialect == "sqlite" else connection.scalar(text("SELECT current_schema()"))
        columns = [column for column in table.columns if column.name != "id"]
        self.stored = Table(table.name, MetaData(), Column("id", Integer, primary_key=True),
                            *(Column(column.name, column.type.copy()) for column in columns), schema=schema)
        new_ids = () if dialect == "sqlite" else (Identity(start=-1, increment=-1, minvalue=-(1 << 31), maxvalue=-1),)
        self.copy_table = Table(
            table.name, MetaData(), Column("id", Integer, *new_ids, primary_key=True),
            *(Column(column.name, column.type.copy()) for column in columns),
            *(Index(f"ix_dry_run_{name}", name) for name in LOOKED_UP if name in table.c),
            prefixes=["TEMPORARY"], sqlite_autoincrement=True,
        )
        self.copy_table.create(connection)
        if dialect == "sqlite":
            connection.execute(text("INSERT INTO temp.sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                               {"name": table.name, "seq": SQLITE_FIRST_NEW_ID})
        self._insert: Any = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(self.copy_table)
        self._copies: dict[str, Insert] = {}

    def copy(self, connection: Connection, column: str, values: Collection[Any],
             also: tuple[str, Collection[Any]] | None = None) -> None:
        """Copy the stored records whose ``column`` is one of ``values`` (and whose ``also[0]`` is one
        of ``also[1]``) that the copy does not hold yet."""
        statement = self._copies.get(column) if also is None else None
        if statement is None:
            stored = self.stored
            query = select(*stored.c)
            if also is not None:
                query = query.where(stored.c[also[0]].in_(also[1]))
            statement = self._insert.from_select(
                [c.name for c in stored.c], in_lookup(query, stored.c[column], connection.dialect.name),
            ).on_conflict_do_nothing(index_elements=["id"])
            if also is None:
                self._copies[column] = statement
        for params in in_values(connection, values):
            connection.execute(statement, params)
