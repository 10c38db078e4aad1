"""Import records → the values of database rows, by the rules of their kind.

``RowReader`` is built once per file from the header map; ``read_batch(records)`` returns the
batch's importable rows column by column (``import_columns.RowBatch``) and the rejected ones with
their reasons; ``read(record)`` does one record (a ``ParsedRow``, or ``RowRejected``). The kind's
rules are those of ``clients.rules``, the ones the services apply. Database look-ups (clients,
existing rows) are the batch writer's business; staff and service packages are small and known
up front.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from servicescape.clients import import_cells as cells
from servicescape.clients import rules
from servicescape.clients.import_columns import (
    Column,
    ParsedRow,
    Problems,
    RowBatch,
    RowView,
    cell_problem,
    emails_as_they_are,
    text_cell,
)
from servicescape.clients.import_values import (
    CHANNEL,
    CLIENT_KIND,
    CLIENT_STATUS,
    ENGAGEMENT_STATUS,
    TIER,
    StaffDirectory,
)
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.db.columns import text_limit
from servicescape.i18n import _
from servicescape.tabular import Cell, HeaderMap, Record
from servicescape.tabular.headers import combine_name

KINDS = rules.KINDS
#: a header starting with this is always a custom field (exports use it when a custom field's
#: own name would be read as one of our fields)
CUSTOM_PREFIX = "custom: "
_CELLS, _NUMBER = attrgetter("cells"), attrgetter("number")


@dataclass(frozen=True)
class ReadContext:
    """What converting needs besides the cells: the firm's zone, staff, packages, date order."""

    zone: ZoneInfo
    staff: StaffDirectory
    packages: dict[str, int]
    tier_names: dict[str, str]
    dayfirst: dict[str, bool]   # date field → read its dates day first? (else ``dayfirst_default``)
    dayfirst_default: bool = False


Step = tuple[str, cells.Converter | None, int]
TABLES = {"clients": Client.__table__, "contacts": Contact.__table__, "engagements": Engagement.__table__,
          "invoices": Invoice.__table__, "interactions": Interaction.__table__}
#: the columns of the client a related row names its client by
CLIENT_REF = {"client_external_id": "external_id", "client_name": "name"}


def column_limit(table: Any, name: str) -> int:
    limit = text_limit(table.c[name])
    assert limit is not None, name
    return limit


def _plan(kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
    """field → (database column, converter or None for plain text, length limit of text).
    The limits are the table's own (``db.columns``), the ones the services apply."""
    table = TABLES[kind]

    def text(name: str) -> Step:
        return name, None, column_limit(table, name)

    def on_day(name: str) -> cells.Converter:
        return cells.day(header(name), ctx.dayfirst.get(name, ctx.dayfirst_default))

    def at_moment(name: str) -> cells.Converter:
        return cells.moment(header(name), ctx.dayfirst.get(name, ctx.dayfirst_default), ctx.zone)

    def email() -> Step:
        return "email", cells.email(header("email"), column_limit(table, "email")), 0

    ref: dict[str, Step] = {field: (field, None, column_limit(TABLES["clients"], column))
                            for field, column in CLIENT_REF.items()}
    if kind == "clients":
        return {
            "external_id": text("external_id"), "name": text("name"),
            "kind": ("kind", cells.choice(header("kind"), CLIENT_KIND, "organisation, person"), 0),
            "email": email(), "phone": text("phone"),
            "website": ("website", cells.website(header("website"), column_limit(table, "website")), 0),
            "country": ("country", cells.country(header("country")), 0),
            "city": text("city"), "language": text("language"), "region": text("region"),
            "industry": text("industry"), "segment": text("segment"),
            "tier": ("tier", cells.choice(header("tier"), TIER, "key, growth, standard", ctx.tier_names), 0),
            "owner": ("owner_id", cells.staff(header("owner"), ctx.staff), 0),
            "status": ("status", cells.choice(header("status"), CLIENT_STATUS, "active, lost"), 0),
            "created_at": ("created_at", at_moment("created_at"), 0),
        }
    if kind == "contacts":
        return {**ref, "external_id": text("external_id"), "name": text("name"), "email": email(),
                "phone": text("phone"), "job_title": text("job_title"), "language": text("language")}
    if kind == "engagements":
        return {
            **ref, "external_id": text("external_id"),
            "package": ("package_id", cells.package(header("package"), ctx.packages), 0),
            "description": text("description"),
            "sold_by": ("sold_by_id", cells.staff(header("sold_by"), ctx.staff), 0),
            "delivered_by": ("delivered_by_id", cells.staff(header("delivered_by"), ctx.staff), 0),
            "start_date": ("start_date", on_day("start_date"), 0), "end_date": ("end_date", on_day("end_date"), 0),
            "status": ("status", cells.choice(header("status"), ENGAGEMENT_STATUS,
                                              "proposed, active, completed, cancelled"), 0),
            "value": ("value", cells.money(header("value")), 0),
            "currency": ("currency", cells.currency(header("currency")), 0),
        }
    if kind == "invoices":
        return {**ref, "external_id": text("external_id"),
                "issued_on": ("issued_on", on_day("issued_on"), 0),
                "amount": ("amount", cells.money(header("amount")), 0),
                "currency": ("currency", cells.currency(header("currency")), 0)}
    return {
        **ref, "external_id": text("external_id"),
        "staff": ("staff_id", cells.staff(header("staff"), ctx.staff), 0),
        "channel": ("channel", cells.choice(header("channel"), CHANNEL,
                                            "call, e-mail, letter, meeting, meal, other"), 0),
        "occurred_at": ("occurred_at", at_moment("occurred_at"), 0),
        "summary": text("summary"),
    }


def reasons(found: list[tuple[str, str]]) -> str:
    """A rejected row's reasons as its one reason text: one problem a line."""
    return "\n".join(reason for _column, reason in found)


class RowReader:
    """Reads the records of one file of one kind, a batch at a time (``import_columns``)."""

    #: whether a row of a kind that belongs to a client must name one (reviews need not)
    client_required = True

    def __init__(self, kind: str, headers: HeaderMap, ctx: ReadContext, custom: list[tuple[int, str]],
                 *, guarded: bool = True) -> None:
        self.kind = kind
        self.guarded = guarded
        self.headers = headers
        names = headers.headers

        def header(name: str) -> str:
            index = headers.fields.get(name)
            return names[index] if index is not None else name

        plan = self.plan(kind, ctx, header)
        self.columns = [
            Column(column, index, names[index], convert, limit,
                   emails_as_they_are(column_limit(TABLES[kind], "email")) if column == "email" else None)
            for name, index in headers.fields.items() if name in plan and name not in CLIENT_REF
            for column, convert, limit in (plan[name],)
        ]
        #: database column → how the file calls it (for messages; a column the file lacks keeps its name)
        self.column_headers = {column: header(name) for name, (column, _convert, column_limit) in plan.items()}
        self.combined_name = headers.combines_name
        self.refs = [None if (index := headers.fields.get(name)) is None else
                     Column(name, index, names[index], None, plan[name][2])
                     for name in CLIENT_REF] if kind != "clients" else []
        self.custom = custom if kind == "clients" else []
        #: database column (or custom field) → where the file has it: a row's problems are listed in that order
        self.positions = {column: index for name, (column, _convert, column_limit) in plan.items()
                          if (index := headers.fields.get(name)) is not None}
        if self.combined_name:
            self.positions["name"] = min(i for i in (headers.first_name, headers.last_name) if i is not None)
        for index, key in self.custom:
            self.positions.setdefault(key, index)
        self.name_column = header("name")
        self.name_limit = plan["name"][2] if "name" in plan else 0
        self.rules = self.row_rules(kind)

    def plan(self, kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
        """field → (database column, converter or None for plain text, length limit of text): the client
        book's kinds' (``_plan``); a reader of another capability's kinds brings its own."""
        return _plan(kind, ctx, header)

    def row_rules(self, kind: str) -> list[rules.Rule]:
        """The rules every row of ``kind`` is checked by as it is read (``clients.rules``)."""
        return rules.RULES[kind].every_write

    def read(self, record: Record) -> ParsedRow:
        """One record as a row; raises ``RowRejected`` with the reason when it cannot be imported."""
        batch, rejects = self.read_batch([record])
        if rejects:
            raise cells.RowRejected(rejects[0][1])
        return batch.rows()[0]

    def read_batch(self, records: Sequence[Record]) -> tuple[RowBatch, list[tuple[int, str, list[Cell]]]]:
        """The rows of ``records`` that can be imported, and (record number, reason, cells) of the
        others, in the file's order. A row's reason names every problem it has (``reasons``), its
        cells' and the rules' it breaks, in the order of the file's columns (a rule about a field
        whose cell was refused is not told: the cell's own problem says more)."""
        count = len(records)
        problems = Problems()
        cells = list(map(_CELLS, records))
        table: list[tuple[Cell, ...]] = list(zip(*cells, strict=True)) if count else \
            [() for _header in self.headers.headers]
        names = [column.column for column in self.columns]
        columns = [column.values(table[column.index], self.guarded, problems) for column in self.columns]
        batch = RowBatch(list(map(_NUMBER, records)), cells, names, columns, problems.warnings)
        if self.combined_name:
            self._combine_names(records, batch, problems)
        if self.refs:
            batch.client_refs = self._client_refs(table, count, problems)
        if self.custom:
            batch.custom = self._custom(table, problems)
        self._implied(batch, problems)
        rejects = problems.rejects
        if self.rules:
            index = batch.index()
            for position in range(count):
                row = RowView(index, columns, position)
                for each in self.rules:
                    try:
                        each(row)
                    except rules.RuleBroken as broken:
                        found = rejects.setdefault(position, [])
                        if all(column != broken.field for column, _reason in found):
                            found.append((broken.field, self.broken(broken)))
        last = len(self.headers.headers)
        refused = [(records[position].number,
                    reasons(sorted(found, key=lambda problem: self.positions.get(problem[0], last))),
                    records[position].cells)
                   for position, found in sorted(rejects.items())]
        if rejects:
            batch = batch.without(rejects)
        return batch, refused

    def _combine_names(self, records: Sequence[Record], batch: RowBatch, problems: Problems) -> None:
        first, last = self.headers.first_name, self.headers.last_name
        names: list[str | None] = []
        for position, record in enumerate(records):
            raw = record.cells
            parts: list[Cell] = []
            for index in (first, last):
                try:
                    parts.append(None if index is None else text_cell(raw[index], self.guarded))
                except cells.RowRejected as exc:
                    problems.reject(position, cell_problem(self.headers.headers[index], exc), "name")  # type: ignore[index]
            if len(parts) < 2:
                names.append(None)
                continue
            text = text_cell(combine_name(*parts), self.guarded)
            if text is not None and len(text) > self.name_limit:  # type: ignore[arg-type]
                problems.reject(position, _("%(column)s is longer than %(n)s characters.", column=self.name_column,
                                            n=self.name_limit), "name")
                text = None
            names.append(text)  # type: ignore[arg-type]
        batch.set_column("name", names)

    def _client_refs(self, table: list[tuple[Cell, ...]], count: int,
                     problems: Problems) -> list[tuple[str | None, str | None]]:
        ext_column, name_column = self.refs
        exts = [None] * count if ext_column is None else ext_column.values(table[ext_column.index], self.guarded,
                                                                           problems)
        names = [None] * count if name_column is None else name_column.values(table[name_column.index],
                                                                              self.guarded, problems)
        refs = list(zip(exts, names, strict=True))
        given = ext_column or name_column
        if not self.client_required or given is None:   # a file of a kind whose rows may name no client
            return refs
        told = {position for position, found in problems.rejects.items() if any(c in CLIENT_REF for c, _r in found)}
        for position, (ext, name) in enumerate(refs):
            if ext is None and name is None and position not in told:
                problems.reject(position, _("No client is given (client_external_id or client_name is empty)."),
                                given.column)
        return refs

    def _custom(self, table: list[tuple[Cell, ...]], problems: Problems) -> list[dict[str, str | None]]:
        keys = [key for _index, key in self.custom]
        texts = [Column(key, index, key, None, sys.maxsize).values(table[index], self.guarded, problems)
                 for index, key in self.custom]
        return [dict(zip(keys, values, strict=True)) for values in zip(*texts, strict=True)] if texts else []

    @staticmethod
    def _implied(batch: RowBatch, problems: Problems) -> None:
        """What a row's cells imply for its other fields: an unknown package's text is the
        description; an amount written with its currency gives the currency."""
        for name, found, replace in (("description", problems.package_text, lambda value: not value),
                                     ("currency", problems.currency_in_amount, lambda value: value is None)):
            if found:
                column = batch.column(name) or batch.set_column(name, [None] * len(batch))
                for position, value in found.items():
                    if replace(column[position]):
                        column[position] = value

    def broken(self, broken: rules.RuleBroken) -> str:
        """A broken rule as a reject reason, naming the field as the file's column does."""
        return broken.describe(self.column_headers.get(broken.field, broken.field))
