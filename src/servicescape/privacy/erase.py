"""Erasing a person: their names, e-mails, phones and free text anonymised in every capability's
tables, their credentials and the embeddings of what they said deleted, while the rows that figures
count stay (a survey answer stays counted, without the person). The audit trail keeps what happened
to those rows but no longer the values erased; the request itself is recorded with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Table, cast, delete, literal, null, select, tuple_, update
from sqlalchemy.orm import Session

from servicescape.audit import service as audit
from servicescape.audit.models import AuditEvent
from servicescape.auth.permissions import Principal, require
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.platform.registry import PersonalData, registry, resolve
from servicescape.privacy.capability import ERASE
from servicescape.privacy.service import Subject, matching, subject, table_of

#: rows per statement (PostgreSQL takes at most 65,535 parameters)
CHUNK = 2000
Key = tuple[Any, ...]


def _keys(session: Session, found: Subject, name: str, declared: dict[str, PersonalData]) -> list[Key]:
    where = matching(found, name, declared)
    if where is None:
        return []
    table = table_of(declared[name])
    return [tuple(row) for row in session.execute(select(*table.primary_key.columns).where(where))]


def erased_value(table: Table, column: Column[Any], kind: str) -> Any:
    """What erasing ``column`` of ``table``'s rows writes (an ERASE_KINDS kind; not \"delete\")."""
    key = list(table.primary_key.columns)
    numbered = len(key) == 1 and key[0].name == "id"
    if kind == "name":
        return (literal(f"Erased {table.name} ") + cast(table.c.id, String)) if numbered else literal("Erased")
    if kind == "email":
        if column.nullable:
            return null()
        if not numbered:
            raise ValueError(f"{table.name}.{column.name}: an e-mail that takes no NULL needs an id to stay unique")
        return literal(f"erased-{table.name.replace('_', '-')}-") + cast(table.c.id, String) + "@erased.invalid"
    if kind == "text":
        return null() if column.nullable else literal("")
    if kind == "false":
        return literal(False)
    return null()        # "null"


def _where_keys(table: Table, keys: Sequence[Key]) -> Any:
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])
    return tuple_(*columns).in_(list(keys))


def _apply(session: Session, entry: PersonalData, keys: list[Key]) -> None:
    table = table_of(entry)
    kinds = dict(entry.erase)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        if kinds.get("*") == "delete":
            session.execute(delete(table).where(_where_keys(table, chunk)))
            continue
        values = {column: erased_value(table, table.c[column], kind) for column, kind in kinds.items()}
        if values:
            session.execute(update(table).where(_where_keys(table, chunk)).values(values))


def _scrub_audit(session: Session, erased: dict[str, list[Key]], declared: dict[str, PersonalData]) -> int:
    """The audit trail's events about the erased rows keep their action, time and actor, not the values
    (but those ``audit_keeps`` names: consent, when and for what)."""
    done = 0
    events = AuditEvent.__table__
    assert isinstance(events, Table)
    for name, keys in erased.items():
        ids = ["/".join(str(part) for part in key) for key in keys]
        keeps = declared[name].audit_keeps
        for start in range(0, len(ids), CHUNK):
            about = (events.c.entity == name) & events.c.entity_id.in_(ids[start:start + CHUNK])
            if not keeps:
                done += session.connection().execute(update(events).where(about).values(changes={"erased": True})
                                                     ).rowcount or 0
                continue
            for event_id, changes in session.connection().execute(select(events.c.id, events.c.changes).where(about)):
                kept = {key: value for key, value in (changes or {}).items() if key in keeps}
                session.connection().execute(update(events).where(events.c.id == event_id)
                                             .values(changes={"erased": True} | kept))
                done += 1
    return done


def erase(session: Session, text: str, *, now: datetime, by: Principal, reason: str = "") -> dict[str, Any]:
    """Anonymise the subject (a client's id, or ``contact:ID``) everywhere; returns the rows changed per
    table. Everything found first (the matching reads e-mails and hashes that erasing clears), then
    changed, in one transaction: all of it or nothing. ``reason``: the request (kept in the audit trail)."""
    require(by, ERASE)
    if len(reason := reason.strip()) > 500:
        raise ValidationFailed(_("The reason is at most %(max)s characters.", max=500), field="reason")
    found = subject(session, text)
    declared = registry().personal_data()
    keys = {name: _keys(session, found, name, declared) for name in declared}
    keys = {name: found_keys for name, found_keys in keys.items() if found_keys}
    for name, found_keys in keys.items():
        entry = declared[name]
        if entry.erase:
            _apply(session, entry, found_keys)
        if entry.on_erase:
            resolve(entry.on_erase)(session, found_keys)
    scrubbed = _scrub_audit(session, {name: k for name, k in keys.items() if declared[name].erase}, declared)
    counts = {name: len(found_keys) for name, found_keys in keys.items() if declared[name].erase}
    audit.bump_data_version(session, keys)   # what reads these tables is computed afresh (db.memo)
    audit.record(session, "privacy.erase", entity="client" if found.kind == "client" else "contact",
                 entity_id=found.id, changes={"reason": reason or None, "tables": counts, "audit_events": scrubbed,
                                              "at": now.isoformat()})
    session.expire_all()
    return {"subject": {"kind": found.kind, "id": found.id, "client_id": found.client_id}, "tables": counts,
            "audit_events": scrubbed}



