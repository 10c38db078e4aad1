"""A fingerprint of the demo's rows (every table a demo step fills), from the generator or read
back from a database.

Two loads with the same seed and today into fresh databases give the same digest; so do the
generator's rows and what the database returns for them (money, dates and text survive exactly).
Left out: ``created_at``/``updated_at``, password hashes (salted, different every time) and
columns derived from others (the clients' sort and search keys).
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from servicescape.db.models import Base
from servicescape.db.types import money_places

LEFT_OUT = frozenset({"created_at", "updated_at", "password_hash"})


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(money_places(value))
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):   # a file kept in a row (a shared document): its fingerprint
        return hashlib.sha256(value).hexdigest()
    return value


def columns(table: str) -> list[str]:
    """The columns compared: not the timestamps, nor what is derived from other columns (a sort key)."""
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in LEFT_OUT and not c.info.get("derived")]


class Digest:
    """Feed rows table by table, each table's rows in primary-key order; ``hexdigest()`` at the end."""

    def __init__(self, tables: Iterable[str] | None = None) -> None:
        from servicescape.demo.load import demo_tables

        # several steps fill the same table (tasks): each table once, where it first comes
        self.tables = list(dict.fromkeys(tables if tables is not None else demo_tables()))
        self.table_columns = {table: columns(table) for table in self.tables}
        self._hashes = {table: hashlib.sha256() for table in self.tables}
        self.counts = dict.fromkeys(self.tables, 0)

    def add(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        names, digest = self.table_columns[table], self._hashes[table]
        for row in rows:
            line = json.dumps([_plain(row.get(name)) for name in names], ensure_ascii=False,
                              sort_keys=True, separators=(",", ":"))
            digest.update(line.encode())
            digest.update(b"\n")
            self.counts[table] += 1

    def hexdigest(self) -> str:
        whole = hashlib.sha256()
        for table in self.tables:
            whole.update(f"{table}:{self.counts[table]}:{self._hashes[table].hexdigest()}\n".encode())
        return whole.hexdigest()


def database_digest(connection: Connection, *, chunk: int = 10_000, tables: Iterable[str] | None = None) -> Digest:
    """Read the demo tables (or ``tables``) back, streamed in primary-key order (the id, or the
    natural key of a table without one: a currency's rate), into a :class:`Digest`."""
    digest = Digest(tables)
    for name in digest.tables:
        table = Base.metadata.tables[name]
        query = select(*(table.c[c] for c in digest.table_columns[name])).order_by(*table.primary_key.columns)
        result = connection.execution_options(yield_per=chunk).execute(query)
        for part in result.mappings().partitions():
            digest.add(name, (dict(row) for row in part))
    return digest
