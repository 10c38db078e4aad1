"""Bulk writes to the client search index on SQLite: many new clients indexed in one statement.

The FTS5 table ``client_search`` (migration 0005) is kept by triggers: each client inserted is
added by its own trigger statement, which costs about 2.4 times what adding the same clients in
one ``INSERT … SELECT`` costs (a 100,000-row import spent two thirds of its time there). A bulk
writer therefore pauses the insert trigger for its own transaction with ``bulk_insert``: a row in
``client_search_paused`` (the trigger's ``WHEN`` clause), and at the end the clients it added
(every id above the largest before it began: it holds SQLite's only write lock meanwhile) go into
the index at once and the row is deleted, before the transaction commits. No other connection
ever sees the row; a rollback takes it back with everything else. PostgreSQL keeps its pg_trgm
index itself: nothing to do there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

PAUSE = "INSERT INTO main.client_search_paused (writer) VALUES (1)"
RESUME = "DELETE FROM main.client_search_paused"
LARGEST_ID = "SELECT coalesce(max(id), 0) FROM main.client"
INDEX_NEW = ("INSERT INTO main.client_search (rowid, search_text) "
             "SELECT id, search_text FROM main.client WHERE id > ?")


@contextmanager
def bulk_insert(connection: Connection) -> Iterator[None]:
    """Clients inserted on ``connection`` inside the block are indexed together when it ends (in
    the same transaction, which the caller commits or rolls back)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(PAUSE)  # a write: the transaction holds the write lock from here
    largest = connection.exec_driver_sql(LARGEST_ID).scalar_one()
    try:
        yield
    finally:
        # also after an error: a caller that goes on and commits must not leave clients unindexed
        connection.exec_driver_sql(INDEX_NEW, (largest,))
        connection.exec_driver_sql(RESUME)
