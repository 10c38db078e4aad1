"""What a capability's demo step gets: the runtime, the spec, the ids earlier steps made, counts.

Steps run in their registered order (staff, catalogue, client book, then what builds on it); each
inserts its rows with SQLAlchemy Core in batches and counts them. Ids are assigned by the steps
(after the highest id already in each table) so that children point at their parents without a
round trip; on PostgreSQL the loader moves the id sequences past them after each step (so a step
may also insert through the ORM).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from servicescape.db.models import Base
from servicescape.demo.generator import DemoSpec
from servicescape.runtime import Runtime


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def next_ids(connection: Connection, tables: Iterable[str]) -> dict[str, int]:
    return {name: (connection.scalar(select(func.max(table(name).c.id))) or 0) + 1 for name in tables}


@dataclass
class DemoRun:
    runtime: Runtime
    spec: DemoSpec
    #: what earlier steps made, for later ones: "staff" → roster key → id, "packages" → name → id
    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    reused_staff: list[str] = field(default_factory=list)
    #: whether the demo's staff got the published demo password (never in a database that had staff)
    demo_passwords: bool = True
    on_progress: Callable[[int], None] | None = None
    batch_clients: int = 2_000

    def insert(self, connection: Connection, name: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            connection.execute(insert(table(name)), rows)
            self.counts[name] += len(rows)
