"""A data-protection request's subject and the export of everything held about them.

The subject is a client (``"42"``) or one of their contact persons (``"contact:7"``). Their rows are
found through the tables every capability declares (``registry().personal_data()``, see
:class:`servicescape.platform.registry.PersonalData`): by the client or contact column, by the person's
e-mail, or hanging from their rows of another table (an engagement's milestones, a survey response's
answers, a portal user's sessions).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, func, or_, select
from sqlalchemy.orm import Session

from servicescape.audit import service as audit
from servicescape.audit.models import AuditEvent
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Contact
from servicescape.db.base import Base
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.files import write_whole
from servicescape.platform.registry import PersonalData, registry
from servicescape.privacy.capability import EXPORT

FORMAT = 1
#: the file of the audit trail's events about the subject (no table is named so)
AUDIT_TRAIL = "audit_trail"


@dataclass(frozen=True)
class Subject:
    kind: str                       # "client" or "contact"
    id: int
    client_id: int                  # the client (a contact person's own)
    name: str
    emails: frozenset[str]          # lower-case: the client's and its contact persons' (a contact: theirs)

    @property
    def label(self) -> str:
        return str(self.id) if self.kind == "client" else f"contact:{self.id}"


def subject(session: Session, text: str) -> Subject:
    """``"42"`` (a client's id) or ``"contact:7"`` (a contact person's) → the subject; NotFound when
    there is no such client or contact person."""
    kind, _sep, number = text.strip().rpartition(":")
    kind = kind or "client"
    if kind not in ("client", "contact") or not re.fullmatch(r"[0-9]{1,18}", number):   # ASCII digits, fits a key
        raise ValidationFailed(_("Give a client's id (42) or a contact person's (contact:7)."), field="subject")
    if kind == "client":
        client = session.get(Client, int(number))
        if client is None:
            raise NotFound(_("There is no client %(id)s.", id=number))
        emails = {client.email, *session.scalars(select(Contact.email).where(Contact.client_id == client.id))}
        return Subject("client", client.id, client.id, client.name, _folded(emails))
    contact = session.get(Contact, int(number))
    if contact is None:
        raise NotFound(_("There is no contact person %(id)s.", id=number))
    return Subject("contact", contact.id, contact.client_id, contact.name, _folded({contact.email}))


def _folded(emails: set[str | None]) -> frozenset[str]:
    return frozenset(email.lower() for email in emails if email)       # as SQL's lower() compares them


def table_of(declared: PersonalData) -> Table:
    return Base.metadata.tables[declared.table]


def matching(subject: Subject, table_name: str, declared: dict[str, PersonalData] | None = None,
             _seen: frozenset[str] = frozenset()) -> ColumnElement[bool] | None:
    """The condition that picks the subject's rows of ``table_name`` (None: the table holds none)."""
    declared = declared if declared is not None else registry().personal_data()
    entry = declared[table_name]
    table = table_of(entry)
    found: list[ColumnElement[bool]] = []
    if subject.kind == "client" and entry.client:
        found.append(table.c[entry.client] == subject.id)
    if subject.kind == "contact" and entry.contact:
        found.append(table.c[entry.contact] == subject.id)
    if entry.email and subject.emails:
        found.append(func.lower(table.c[entry.email]).in_(sorted(subject.emails)))
    for parent, column, parent_column in entry.via:
        if parent in _seen:
            continue
        parents = matching(subject, parent, declared, _seen | {table_name})
        if parents is not None:
            parent_table = Base.metadata.tables[parent]
            found.append(table.c[column].in_(select(parent_table.c[parent_column]).where(parents)))
    return or_(*found) if found else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def collect(session: Session, found: Subject) -> dict[str, list[dict[str, Any]]]:
    """Every declared table's rows about the subject (tables without any left out)."""
    declared = registry().personal_data()
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in declared:
        where = matching(found, name, declared)
        if where is None:
            continue
        table = table_of(declared[name])
        key = list(table.primary_key.columns) or list(table.columns)[:1]
        rows = session.execute(select(table).where(where).order_by(*key)).mappings().all()
        if rows:
            tables[name] = [{column: _plain(value) for column, value in row.items()} for row in rows]
    return tables


#: the audit trail's events are looked up this many rows at a time
EVENT_CHUNK = 500


def audit_trail(session: Session, found: Subject, tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The audit trail's events about the subject: about the client or contact person itself (their
    data-protection requests among them) and about each row of theirs that :func:`collect` found
    (what was changed in it, when and by whom), oldest first."""
    declared = registry().personal_data()
    about = [(AuditEvent.entity == ("client" if found.kind == "client" else "contact"))
             & (AuditEvent.entity_id == str(found.id))]
    for name, rows in tables.items():
        key = [column.name for column in table_of(declared[name]).primary_key.columns]
        ids = sorted({"/".join(str(row[column]) for column in key) for row in rows}) if key else []
        about += [(AuditEvent.entity == name) & AuditEvent.entity_id.in_(ids[start:start + EVENT_CHUNK])
                  for start in range(0, len(ids), EVENT_CHUNK)]
    events = AuditEvent.__table__
    found_events: dict[int, dict[str, Any]] = {}
    for start in range(0, len(about), EVENT_CHUNK // 10):
        for row in session.execute(select(events).where(or_(*about[start:start + EVENT_CHUNK // 10]))).mappings():
            found_events[row["id"]] = {column: _plain(value) for column, value in row.items()}
    return [found_events[key] for key in sorted(found_events)]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                      for k, v in row.items()} for row in rows)
    return handle.getvalue().encode("utf-8")


def bundle(session: Session, text: str, *, now: datetime, by: Principal) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Everything held about the subject as files: ``subject.json`` (the manifest, every table's rows and
    the audit trail's events about them) and one CSV per table and for the events; the request is kept in
    the audit trail. Returns the manifest and the files."""
    require(by, EXPORT)
    found = subject(session, text)
    tables = collect(session, found)
    events = audit_trail(session, found, tables)
    manifest = {"format": FORMAT, "subject": {"kind": found.kind, "id": found.id, "client_id": found.client_id,
                                              "name": found.name},
                "exported_at": now.isoformat(), "counts": {name: len(rows) for name, rows in tables.items()},
                "audit_events": len(events)}
    files = {"subject.json": json.dumps(manifest | {"tables": tables, "audit_trail": events}, ensure_ascii=False,
                                        indent=1, default=str).encode("utf-8")}
    if events:
        files[f"{AUDIT_TRAIL}.csv"] = _csv(events)
    for name, rows in tables.items():
        files[f"{name}.csv"] = _csv(rows)
    audit.record(session, "privacy.export", entity="client" if found.kind == "client" else "contact",
                 entity_id=found.id, changes={"tables": manifest["counts"]}, wrote=False)
    return manifest, files


def export(session: Session, text: str, out: Path, *, now: datetime, by: Principal) -> dict[str, Any]:
    """:func:`bundle` written to the folder ``out`` (created; it must hold no export). Returns the manifest."""
    require(by, EXPORT)
    if out.exists() and any(p.name == "subject.json" or p.suffix == ".csv" for p in out.iterdir()):
        clash = sorted(p.name for p in out.iterdir() if p.name == "subject.json" or p.suffix == ".csv")[0]
        raise ValidationFailed(_("The folder %(folder)s already holds an export (%(file)s): give an empty folder.",
                                 folder=str(out), file=clash), field="out")
    manifest, files = bundle(session, text, now=now, by=by)
    out.mkdir(parents=True, exist_ok=True)
    # each file whole, subject.json last: a folder holding it holds the whole export
    for name in sorted(files, key=lambda name: name == "subject.json"):
        write_whole(out / name, files[name])
    return manifest


def zipped(files: dict[str, bytes]) -> bytes:
    """The bundle's files as one ZIP archive (the page's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def held(session: Session, found: Subject) -> list[tuple[str, list[tuple[str, int, bool]]]]:
    """How many rows each declared table holds about the subject, by capability: (its label, [(table,
    rows, whether erasing changes them)]); tables and capabilities without any left out."""
    declared = registry().personal_data()
    out: list[tuple[str, list[tuple[str, int, bool]]]] = []
    for capability in registry().capabilities:
        tables = []
        for entry in capability.personal_data:
            where = matching(found, entry.table, declared)
            if where is not None and (count := session.scalar(select(func.count()).select_from(table_of(entry))
                                                              .where(where))):
                tables.append((entry.table, count, bool(entry.erase or entry.on_erase)))
        if tables:
            out.append((capability.label, tables))
    return out


def erased_at(session: Session, found: Subject) -> datetime | None:
    """When the subject was last erased (None: never)."""
    return session.scalar(select(AuditEvent.at).where(
        AuditEvent.action == "privacy.erase", AuditEvent.entity == ("client" if found.kind == "client" else "contact"),
        AuditEvent.entity_id == str(found.id)).order_by(AuditEvent.id.desc()).limit(1))


def requests(session: Session, *, limit: int = 20, by: Principal) -> list[AuditEvent]:
    """The latest data-protection requests (exports and erasures), newest first."""
    require(by, EXPORT)
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["privacy.export", "privacy.erase"]))
                                .order_by(AuditEvent.id.desc()).limit(limit)))
