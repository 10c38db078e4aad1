"""Write the demo firm into a database: Core ``insert()`` executemany, one transaction per batch.

Staff and packages come first (existing ones, matched by e-mail and name, are reused as they
are), then the client book in batches from :class:`~servicescape.demo.generator.DemoGenerator`.
Ids are assigned by the generator (after the highest id already in each table) so that children
can point at their parents without a round trip; on PostgreSQL the id sequences are moved past
them at the end. The whole load is recorded as one audit event, ``demo_load``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session

from servicescape.audit.service import record
from servicescape.auth.passwords import hash_password
from servicescape.db.models import Base
from servicescape.demo import catalogue, firm
from servicescape.demo.generator import TABLES, DemoGenerator, DemoSpec
from servicescape.demo.roster import package_rows, staff_rows
from servicescape.errors import Conflict
from servicescape.i18n import _
from servicescape.runtime import Runtime

BATCH_CLIENTS = 2_000
SEQUENCED = ("staff", "service_package", *TABLES)
#: a larger page cache while loading: the indexes outgrow SQLite's default 2 MB quickly
SQLITE_CACHE = "PRAGMA cache_size=-262144"


@dataclass(frozen=True)
class DemoLoad:
    """What a load did: rows per table, how long it took, which staff accounts were kept."""

    spec: DemoSpec
    counts: dict[str, int]
    seconds: float
    reused_staff: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def client_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(_table("client"))) or 0


def _next_ids(connection: Connection, tables: Iterable[str]) -> dict[str, int]:
    return {
        name: (connection.scalar(select(func.max(_table(name).c.id))) or 0) + 1 for name in tables
    }


def _ensure_staff_and_packages(session: Session, today: date) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Ids of the roster and the catalogue; inserts what is missing, keeps what is there."""
    connection = session.connection()
    staff, packages = _table("staff"), _table("service_package")
    known_staff: dict[str, int] = {email: staff_id for email, staff_id in connection.execute(
        select(staff.c.email, staff.c.id).where(staff.c.email.in_([m.email for m in firm.ROSTER]))
    )}
    known_packages: dict[str, int] = {name: package_id for name, package_id in connection.execute(
        select(packages.c.name, packages.c.id)
        .where(packages.c.name.in_([p.name for p in catalogue.packages()]))
    )}
    next_ids = _next_ids(connection, ("staff", "service_package"))

    staff_ids: dict[str, int] = {}
    for member in firm.ROSTER:
        if member.email in known_staff:
            staff_ids[member.key] = known_staff[member.email]
        else:
            staff_ids[member.key] = next_ids["staff"]
            next_ids["staff"] += 1
    package_ids: dict[str, int] = {}
    for package in catalogue.packages():
        if package.name in known_packages:
            package_ids[package.name] = known_packages[package.name]
        else:
            package_ids[package.name] = next_ids["service_package"]
            next_ids["service_package"] += 1

    new_staff = [row for row in staff_rows(staff_ids, None, today) if row["email"] not in known_staff]
    for row in new_staff:  # one argon2 hash each (salted), about 50 ms apiece
        row["password_hash"] = hash_password(firm.DEMO_OWNER_PASSWORD)
    new_packages = [row for row in package_rows(package_ids, today)
                    if row["name"] not in known_packages]
    if new_staff:
        connection.execute(insert(staff), new_staff)
    if new_packages:
        connection.execute(insert(packages), new_packages)
    return staff_ids, package_ids, sorted(known_staff)


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL: the next id after the demo's explicit ones (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for name in SEQUENCED:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
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
        staff_ids, package_ids, reused = _ensure_staff_and_packages(session, spec.today)
        first_ids = _next_ids(session.connection(), TABLES)

    generator = DemoGenerator(spec, staff_ids=staff_ids, package_ids=package_ids,
                              first_ids=first_ids)
    counts: Counter[str] = Counter()
    tables = {name: _table(name) for name in TABLES}
    done = 0
    for batch in generator.batches(batch_clients):
        with runtime.transaction() as session:
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(SQLITE_CACHE)
            for name in TABLES:
                rows = batch[name]
                if rows:
                    connection.execute(insert(tables[name]), rows)
                    counts[name] += len(rows)
        done += len(batch["client"])
        if on_progress is not None:
            on_progress(done)

    summary: dict[str, Any] = {
        "firm": firm.DEMO_FIRM_NAME, "seed": spec.seed, "today": spec.today.isoformat(),
        "rows": dict(counts), "reused_staff": reused,
    }
    with runtime.transaction() as session:
        _advance_sequences(session.connection())
        record(session, "demo_load", entity="demo", changes=summary)
    return DemoLoad(spec, dict(counts), time.perf_counter() - started, reused)
