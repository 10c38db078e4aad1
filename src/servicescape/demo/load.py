"""Write the demo firm into a database: every capability's demo step, in the registry's order.

Staff and packages come first (existing ones, matched by e-mail and name, are reused as they
are), then the client book in batches, then what other capabilities build on it. The whole load
is recorded as one audit event, ``demo_load``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from servicescape.audit.service import record
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.steps import DemoRun, table
from servicescape.errors import Conflict
from servicescape.i18n import _
from servicescape.platform.registry import registry, resolve
from servicescape.runtime import Runtime

BATCH_CLIENTS = 2_000


@dataclass(frozen=True)
class DemoLoad:
    """What a load did: rows per table, how long it took, which staff accounts were kept."""

    spec: DemoSpec
    counts: dict[str, int]
    seconds: float
    reused_staff: list[str] = field(default_factory=list)
    demo_passwords: bool = True

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def demo_tables() -> list[str]:
    """The tables the demo fills, in the order of its steps."""
    return [name for step in registry().demo_steps() for name in step.tables]


def client_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(table("client"))) or 0


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL: the next id after the demo's explicit ones (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for name in demo_tables():
        if "id" not in table(name).c:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - registered table names
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        ))


def load_demo(
    runtime: Runtime, spec: DemoSpec, *, batch_clients: int = BATCH_CLIENTS,
    on_progress: Callable[[int], None] | None = None,
) -> DemoLoad:
    """Generate the demo firm into an empty client book; raises Conflict when it is not empty."""
    started = time.perf_counter()
    with runtime.transaction() as session:
        existing = client_count(session)
    if existing:
        raise Conflict(_("This database already has %(count)s clients; the demo needs an "
                         "empty client book.", count=existing))
    run = DemoRun(runtime, spec, on_progress=on_progress, batch_clients=batch_clients)
    for step in registry().demo_steps():
        resolve(step.run)(run)
        with runtime.transaction() as session:   # a later step may insert through the ORM
            _advance_sequences(session.connection())

    summary: dict[str, Any] = {
        "firm": firm.DEMO_FIRM_NAME, "seed": spec.seed, "today": spec.today.isoformat(),
        "rows": dict(run.counts), "reused_staff": run.reused_staff,
    }
    with runtime.transaction() as session:
        _advance_sequences(session.connection())
        record(session, "demo_load", entity="demo", changes=summary)
    return DemoLoad(spec, dict(run.counts), time.perf_counter() - started, run.reused_staff, run.demo_passwords)
