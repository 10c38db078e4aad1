"""Exporting a whole table of the client book as CSV, XLSX or JSON, shaped to be imported again.

    count = export_table(runtime, "clients", "csv", Path("clients.csv"))

Decisions (``import_file(export_table(x)) == x``; the round-trip property test proves it):

* Columns are the kind's import fields (``servicescape.tabular.FIELDS``); clients add one column
  per custom field under the field's own name, or ``custom: NAME`` when that name would be read
  back as one of our fields (``E-mail``, ``Company``, ``custom: x`` itself). Related kinds carry
  ``client_external_id`` and ``client_name``; staff (owner, sold_by, delivered_by, staff) are
  written as their e-mail addresses and service packages by name.
* Values: money as plain decimals (``1234.50``, ``-0.0001``), dates ISO (``2024-03-05``),
  timestamps ISO 8601 in the firm's time zone with the offset, choices by their stored value,
  empty as an empty cell (``null`` in JSON). Every value is text.
* CSV: UTF-8 with a BOM (Excel opens it as UTF-8), comma-separated, quoted where needed.
  XLSX: one sheet named after the kind, written in openpyxl's write-only mode; characters a
  workbook cannot hold (control characters other than tab and line ends) are left out. JSON: an
  array of flat objects keyed like the CSV columns.
* CSV and XLSX text and headers that a spreadsheet would run as a formula (``= + - @`` first, and
  not a number or a phone number such as ``+60 12-345 6789``: see ``tabular.formulas``) get a
  leading apostrophe (``tabular.neutralise``); the importer takes exactly that apostrophe off again.
* Rows are streamed from the database (``yield_per``) and written as they come, so a million
  clients export in constant memory; the file appears under its name only when complete.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select, text
from sqlalchemy.orm import Session, aliased

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.import_rows import CUSTOM_PREFIX, KINDS
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.data.capability import BULK_DATA
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings.models import ServicePackage
from servicescape.runtime import Runtime
from servicescape.tabular import FIELDS, map_headers, neutralise

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
YIELD_PER = 2000


def export_table(runtime: Runtime, kind: str, fmt: str, out_path: Path, *, by: Principal) -> int:
    """Write every record of ``kind`` to ``out_path`` in ``fmt``; returns how many were written."""
    require(by, BULK_DATA)
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind,
                                 kinds=", ".join(KINDS)), field="kind")
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown format %(format)s; choose one of %(formats)s.", format=fmt,
                                 formats=", ".join(FORMATS)), field="format")
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.part")
    zone = runtime.settings.zone
    try:
        with runtime.sessions() as session:
            headers, custom_keys = columns(session, kind)
            rows = (_values(row, kind, custom_keys, zone)
                    for row in session.execute(_query(kind).execution_options(yield_per=YIELD_PER)))
            count = WRITERS[fmt](partial, kind, headers, rows)
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def columns(session: Session, kind: str) -> tuple[list[str], list[str]]:
    """The export's headers and, for clients, the custom-field keys in the order of their columns."""
    fields = list(FIELDS[kind])
    if kind != "clients":
        return fields, []
    keys = custom_field_keys(session)
    return fields + [custom_header(key) for key in keys], keys


def custom_header(key: str) -> str:
    """A custom field's column header: its own name, unless an import would read that name as
    one of our fields (then ``custom: NAME``, which the importer always reads as custom)."""
    if key.casefold().startswith(CUSTOM_PREFIX.strip()) or map_headers("clients", [key]).fields:
        return CUSTOM_PREFIX + key
    return key


def custom_field_keys(session: Session) -> list[str]:
    """Every custom-field key of every client, found by the database (sorted, case-insensitively)."""
    dialect = session.get_bind().dialect.name
    keys: set[str] = set()
    if dialect == "sqlite":
        keys.update(session.scalars(text("SELECT DISTINCT j.key FROM client, json_each(client.custom_fields) AS j")))
    elif dialect == "postgresql":
        keys.update(session.scalars(text("SELECT DISTINCT json_object_keys(custom_fields) FROM client")))
    else:  # pragma: no cover - the product runs on SQLite and PostgreSQL
        for custom in session.scalars(select(Client.custom_fields).execution_options(yield_per=YIELD_PER)):
            keys.update(custom or {})
    return sorted((str(key) for key in keys), key=lambda key: (key.casefold(), key))


def _query(kind: str) -> Any:
    """The rows of the export, in the order of ``FIELDS[kind]`` (clients: custom fields last)."""
    owner, seller, deliverer = aliased(Staff), aliased(Staff), aliased(Staff)
    query: Any
    if kind == "clients":
        c = Client
        return (select(c.external_id, c.name, c.kind, c.email, c.phone, c.website, c.country, c.city,
                       c.language, c.region, c.industry, c.segment, c.tier, owner.email, c.status,
                       c.created_at, c.custom_fields)
                .outerjoin(owner, c.owner_id == owner.id).order_by(c.id))
    ref = (Client.external_id, Client.name)
    t: Any
    if kind == "contacts":
        t = Contact
        query = select(t.external_id, *ref, t.name, t.email, t.phone, t.job_title, t.language)
    elif kind == "engagements":
        e = Engagement
        query = (select(e.external_id, *ref, ServicePackage.name, e.description, seller.email, deliverer.email,
                        e.start_date, e.end_date, e.status, e.value, e.currency)
                 .outerjoin(ServicePackage, e.package_id == ServicePackage.id)
                 .outerjoin(seller, e.sold_by_id == seller.id)
                 .outerjoin(deliverer, e.delivered_by_id == deliverer.id))
        t = e
    elif kind == "invoices":
        t = Invoice
        query = select(t.external_id, *ref, Invoice.issued_on, Invoice.amount, Invoice.currency)
    else:
        t = Interaction
        query = (select(t.external_id, *ref, owner.email, Interaction.channel, Interaction.occurred_at,
                        Interaction.summary)
                 .outerjoin(owner, Interaction.staff_id == owner.id))
    return query.join(Client, t.client_id == Client.id).order_by(t.id)


def _values(row: Sequence[Any], kind: str, custom_keys: list[str], zone: tzinfo) -> list[str | None]:
    values = [cell_text(value, zone) for value in (row[:-1] if kind == "clients" else row)]
    if kind == "clients":
        custom = row[-1] or {}
        values += [cell_text(custom.get(key), zone) for key in custom_keys]
    return values


def cell_text(value: Any, zone: tzinfo) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, date | Decimal | int | float):
        return value.isoformat() if isinstance(value, date) else str(value)
    return json.dumps(value, ensure_ascii=False)


# -- writers -----------------------------------------------------------------------------------

def _write_csv(path: Path, kind: str, headers: list[str], rows: Iterator[list[str | None]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in headers])
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
            count += 1
    return count


def _write_xlsx(path: Path, kind: str, headers: list[str], rows: Iterator[list[str | None]]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=kind)
    sheet.append([_sheet_text(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([None if v is None else _sheet_text(v) for v in row])
        count += 1
    book.save(path)
    return count


def _sheet_text(value: str) -> str:
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def _write_json(path: Path, kind: str, headers: list[str], rows: Iterator[list[str | None]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for row in rows:
            handle.write(",\n" if count else "\n")
            handle.write(json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False))
            count += 1
        handle.write("\n]\n" if count else "]\n")
    return count


WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}
