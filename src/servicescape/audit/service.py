"""Every write is recorded: a flush listener turns ORM inserts, updates and deletes into events.

Bulk writes that bypass the ORM (imports) call :func:`record` once for the whole batch.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from servicescape.audit.models import AuditEvent, DataVersion, EntityVersion
from servicescape.db.base import Base

REDACTED = "***"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in staff member, an API token, or the system (CLI, demo)."""

    label: str
    staff_id: int | None = None
    address: str | None = None


SYSTEM = Actor("system")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):     # a file or an embedding: its size, not its content
        return f"{len(value)} bytes"
    return value


def _entity_changes(obj: Base, *, only_changed: bool) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.columns[0].info.get("derived"):  # kept from other columns (a sort key): nothing a person set
            continue
        key = attr.key
        history = state.attrs[key].history
        if only_changed and not history.has_changes():
            continue
        value = _plain(getattr(obj, key, None))
        changes[key] = REDACTED if key.endswith("_hash") and value is not None else value
    return changes


def _primary_key(obj: Base) -> str | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in key) if key and None not in key else None


def _actor_of(session: Session) -> Actor:
    actor = session.info.get("actor")
    return actor if isinstance(actor, Actor) else SYSTEM


def record(
    session: Session,
    action: str,
    *,
    entity: str | None = None,
    entity_id: object = None,
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    wrote: bool = True,
) -> None:
    """Write one audit event in the session's transaction. ``wrote=False``: an event that changed no
    data (a sign-in, an export): the data's counters stay, so what is remembered from it (``db.memo``)
    is not computed again because someone signed in."""
    who = actor or _actor_of(session)
    session.execute(
        insert(AuditEvent),
        [{
            "actor": who.label, "actor_id": who.staff_id, "address": who.address,
            "action": action, "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "changes": changes,
        }],
    )
    if wrote:
        bump_data_version(session, (entity,) if entity else ())


def bump_data_version(session: Session, entities: Iterable[str] = ()) -> None:
    """Count a write: the data version, and the counter of each kind of record it touched."""
    session.info["data_changed"] = True  # this transaction's version is not final until it commits
    connection = session.connection()
    connection.execute(update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1))
    touched = sorted(set(entities))   # always in the same order: concurrent writers never deadlock
    if touched:
        upsert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(EntityVersion)
        statement = upsert.values([{"entity": name, "version": 1} for name in touched])
        connection.execute(statement.on_conflict_do_update(
            index_elements=[EntityVersion.entity], set_={"version": EntityVersion.version + 1}))


def entities_version(session: Session, entities: Iterable[str]) -> int:
    """How many writes touched these kinds of record (a cache key for what reads only them)."""
    total = session.connection().scalar(
        select(func.coalesce(func.sum(EntityVersion.version), 0)).where(EntityVersion.entity.in_(sorted(entities))))
    return int(total or 0)


def data_version(session: Session) -> int:
    """The counter of changes to the data, read once per transaction that has not written."""
    if session.info.get("data_changed"):
        return session.connection().scalar(_VERSION) or 0
    known = session.info.get("data_version")
    if known is None:
        known = session.info["data_version"] = session.connection().scalar(_VERSION) or 0
    return int(known)


#: made once: every page of a list asks it
_VERSION = select(DataVersion.version).where(DataVersion.id == 1)


@event.listens_for(Session, "after_transaction_end")
def _forget_version(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: the next one reads the version afresh
        session.info.pop("data_version", None)
        session.info.pop("data_changed", None)
        session.info.pop("statement_tables", None)


@event.listens_for(Session, "do_orm_execute")
def _count_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement run through the session (bulk writes, which no flush
    sees) counts as a write to its table: once per table and transaction, which is enough for what
    remembers figures by version (``db.memo``): the transaction's writes become visible together."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if not isinstance(name, str) or name in _UNCOUNTED:
        return
    counted = state.session.info.setdefault("statement_tables", set())
    if name not in counted:
        counted.add(name)
        bump_data_version(state.session, (name,))


#: the counters themselves, and the bookkeeping written while people read (sign-in sessions and
#: their last visit, sign-in and rate limits, one-time links, job leases and runs): counting those
#: would make reading a page a write to the data
_UNCOUNTED = frozenset({"data_version", "data_version_entity", "audit_event", "web_session", "sign_in_limit",
                        "account_link", "password_reset_request", "portal_link", "portal_session", "rate_window",
                        "job_state", "job_run"})


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _context: Any) -> None:
    rows: list[dict[str, Any]] = []
    actor = _actor_of(session)
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Base) or not type(obj).__audited__:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = None if action == "delete" else _entity_changes(obj, only_changed=action == "update")
            rows.append({
                "actor": actor.label, "actor_id": actor.staff_id, "address": actor.address,
                "action": action, "entity": type(obj).__tablename__,
                "entity_id": _primary_key(obj),
                "changes": changes,
            })
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
        bump_data_version(session, {row["entity"] for row in rows})
