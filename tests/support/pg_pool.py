"""PostgreSQL databases for the tests, copied from the migrated template once and put back to its state
after each test.

A copy (``CREATE DATABASE ... TEMPLATE``) of a schema of some hundred tables and indexes costs about
0.3 s on a quiet machine and a second under the suite's load, on every PostgreSQL test; putting a
used database back costs one round trip: the other connections to it are ended, every table is
emptied (``DELETE`` with the foreign-key triggers off, as the rows go all at once), the rows the
migrations wrote are written again and every sequence is set back. A test that changed the schema
itself (a migration test, an index dropped) is seen by a catalogue fingerprint, and its database is
dropped instead of reused.
"""

from __future__ import annotations

import itertools
from typing import Any

import psycopg
from psycopg import sql

from tests.support.postgres import PostgresCluster, _libpq_url, _with_database

#: what a schema change would move: relations (with their column counts), columns and their types,
#: constraints, triggers, functions, extensions, schemas; temporary objects left out (they go with
#: their session)
_numbers = itertools.count()   # database names, unique in the process

FINGERPRINT = """
SELECT (SELECT count(*) || '/' || coalesce(sum(c.oid::int8), 0) || '/' || coalesce(sum(c.relnatts), 0)
          FROM pg_class c WHERE c.relpersistence <> 't'),
       (SELECT count(*) || '/' || coalesce(sum(a.atttypid::int8), 0)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relpersistence <> 't' AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT count(*) FROM pg_constraint), (SELECT count(*) FROM pg_trigger),
       (SELECT count(*) FROM pg_proc), (SELECT count(*) FROM pg_extension),
       (SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%temp\\_%')
"""


class DatabasePool:
    """The databases of one test process: :meth:`take` one for a test, :meth:`give_back` it after."""

    def __init__(self, cluster: PostgresCluster, template: str) -> None:
        self.cluster, self.template = cluster, template
        self._free: list[str] = []
        with self._connect(template) as conn:
            self.fingerprint = conn.execute(FINGERPRINT).fetchone()
            self.reset = self._reset_script(conn)

    def take(self) -> str:
        """A database in the template's state; its SQLAlchemy URL."""
        if self._free:
            name = self._free.pop()
        else:
            name = f"test_{next(_numbers)}"
            self.cluster.create_database(name, template=self.template)
        return _with_database(self.cluster.url, name)

    def give_back(self, url: str) -> None:
        """Put the database back to the template's state, or drop it when its schema was changed."""
        name = url.rsplit("/", 1)[1]
        try:
            with self._connect(name) as conn:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                same = conn.execute(FINGERPRINT).fetchone() == self.fingerprint
                if same:
                    conn.execute(self.reset)
        except psycopg.OperationalError:    # the test dropped it, or left it unusable: a new copy next time
            same = False
        if same:
            self._free.append(name)
        else:
            self.cluster.drop_database(name)

    def _connect(self, name: str) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq_url(_with_database(self.cluster.url, name)), autocommit=True)

    @staticmethod
    def _reset_script(conn: psycopg.Connection[Any]) -> str:
        """One transaction that empties every table, writes the template's rows back and sets every
        sequence as the template has it."""
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        parts = [sql.SQL("BEGIN; SET LOCAL session_replication_role = replica")]
        for table in tables:
            parts.append(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            rows = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))).fetchall()
            if rows:
                parts.append(sql.SQL("INSERT INTO {} VALUES {}").format(
                    sql.Identifier(table),
                    sql.SQL(", ").join(sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Literal, row)))
                                       for row in rows)))
        for schema, sequence, last, start in conn.execute(
                "SELECT schemaname, sequencename, last_value, start_value FROM pg_sequences"):
            parts.append(sql.SQL("SELECT setval({}, {}, {})").format(
                sql.Literal(f'"{schema}"."{sequence}"'), sql.Literal(last if last is not None else start),
                sql.Literal(last is not None)))
        parts.append(sql.SQL("COMMIT"))
        return sql.SQL("; ").join(parts).as_string(conn)
