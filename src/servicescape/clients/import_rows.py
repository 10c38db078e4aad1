"""One import row → the values of one database row, by the rules of its kind.

``RowReader`` is built once per file from the header map; ``read(record)`` returns a
``ParsedRow`` or raises ``RowRejected``. Database look-ups (clients, existing rows) are the
batch writer's business; staff and service packages are small and known up front.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from servicescape.clients import import_cells as cells
from servicescape.clients.import_values import (
    CHANNEL,
    CLIENT_KIND,
    CLIENT_STATUS,
    ENGAGEMENT_STATUS,
    TIER,
    StaffDirectory,
)
from servicescape.i18n import _
from servicescape.tabular import Cell, HeaderMap, Record, clean_text, restore

KINDS = ("clients", "contacts", "engagements", "invoices", "interactions")
#: a header starting with this is always a custom field (exports use it when a custom field's
#: own name would be read as one of our fields)
CUSTOM_PREFIX = "custom: "


@dataclass(slots=True)
class ParsedRow:
    number: int
    cells: list[Cell]
    values: dict[str, Any]                   # database column → value; None: the cell was empty
    warnings: list[str] = field(default_factory=list)
    custom: dict[str, str | None] | None = None   # clients: custom field → text (None: empty)
    client_ref: tuple[str | None, str | None] = (None, None)   # (external id, name)


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


def _plan(kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
    """field → (database column, converter or None for plain text, length limit of text)."""
    def text(name: str, limit: int) -> Step:
        return name, None, limit

    def on_day(name: str) -> cells.Converter:
        return cells.day(header(name), ctx.dayfirst.get(name, ctx.dayfirst_default))

    def at_moment(name: str) -> cells.Converter:
        return cells.moment(header(name), ctx.dayfirst.get(name, ctx.dayfirst_default), ctx.zone)

    ref = {"client_external_id": text("client_external_id", 100), "client_name": text("client_name", 300)}
    if kind == "clients":
        return {
            "external_id": text("external_id", 100), "name": text("name", 300),
            "kind": ("kind", cells.choice(header("kind"), CLIENT_KIND, "organisation, person"), 0),
            "email": ("email", cells.email(header("email")), 0),
            "phone": text("phone", 60), "website": text("website", 300),
            "country": ("country", cells.country(header("country")), 0),
            "city": text("city", 120), "language": text("language", 20), "region": text("region", 120),
            "industry": text("industry", 120), "segment": text("segment", 120),
            "tier": ("tier", cells.choice(header("tier"), TIER, "key, growth, standard", ctx.tier_names), 0),
            "owner": ("owner_id", cells.staff(header("owner"), ctx.staff), 0),
            "status": ("status", cells.choice(header("status"), CLIENT_STATUS, "active, lost"), 0),
            "created_at": ("created_at", at_moment("created_at"), 0),
        }
    if kind == "contacts":
        return {**ref, "external_id": text("external_id", 100), "name": text("name", 300),
                "email": ("email", cells.email(header("email")), 0), "phone": text("phone", 60),
                "job_title": text("job_title", 200), "language": text("language", 20)}
    if kind == "engagements":
        return {
            **ref, "external_id": text("external_id", 100),
            "package": ("package_id", cells.package(header("package"), ctx.packages), 0),
            "description": text("description", 20_000),
            "sold_by": ("sold_by_id", cells.staff(header("sold_by"), ctx.staff), 0),
            "delivered_by": ("delivered_by_id", cells.staff(header("delivered_by"), ctx.staff), 0),
            "start_date": ("start_date", on_day("start_date"), 0), "end_date": ("end_date", on_day("end_date"), 0),
            "status": ("status", cells.choice(header("status"), ENGAGEMENT_STATUS,
                                              "proposed, active, completed, cancelled"), 0),
            "value": ("value", cells.money(header("value")), 0),
            "currency": ("currency", cells.currency(header("currency")), 0),
        }
    if kind == "invoices":
        return {**ref, "external_id": text("external_id", 100),
                "issued_on": ("issued_on", on_day("issued_on"), 0),
                "amount": ("amount", cells.money(header("amount")), 0),
                "currency": ("currency", cells.currency(header("currency")), 0)}
    return {
        **ref, "external_id": text("external_id", 100),
        "staff": ("staff_id", cells.staff(header("staff"), ctx.staff), 0),
        "channel": ("channel", cells.choice(header("channel"), CHANNEL,
                                            "call, e-mail, letter, meeting, meal, other"), 0),
        "occurred_at": ("occurred_at", at_moment("occurred_at"), 0),
        "summary": text("summary", 20_000),
    }


def text_cell(value: Cell, guarded: bool = True) -> Cell:
    """A cell as the importer sees it: text stripped, line ends as \\n, the export's formula
    guard undone (``'=x`` → ``=x``; ``guarded``: the file is CSV or XLSX, which have that guard),
    empty → None; numbers and dates as they are."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        if not text:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            raise cells.RowRejected(_("A cell contains a NUL character (\\x00), which cannot be stored."))
        return restore(text) if guarded and text[0] == "'" else text
    if value is None or value == "":
        return None
    return value


class RowReader:
    """Reads the records of one file of one kind."""

    def __init__(self, kind: str, headers: HeaderMap, ctx: ReadContext, custom: list[tuple[int, str]],
                 *, guarded: bool = True) -> None:
        self.kind = kind
        self.guarded = guarded
        self.headers = headers
        names = headers.headers

        def header(name: str) -> str:
            index = headers.fields.get(name)
            return names[index] if index is not None else name

        plan = _plan(kind, ctx, header)
        self.steps = [(plan[name][0], index, plan[name][1], plan[name][2], names[index])
                      for name, index in headers.fields.items()
                      if name in plan and name not in ("client_external_id", "client_name")]
        self.combined_name = headers.combines_name
        self.ref_columns = (headers.fields.get("client_external_id"), headers.fields.get("client_name"))
        self.custom = custom if kind == "clients" else []
        self.name_column = header("name")

    def read(self, record: Record) -> ParsedRow:
        raw = record.cells
        row_state = cells.RowState()
        values: dict[str, Any] = {}
        for column, index, convert, limit, header in self.steps:
            value = raw[index]
            if value.__class__ is str:
                value = value.strip()  # type: ignore[union-attr]
                if not value:
                    values[column] = None
                    continue
                if value[0] == "'" or "\r" in value or "\x00" in value:  # type: ignore[index, operator]
                    value = text_cell(value, self.guarded)
            elif value is None:
                values[column] = None
                continue
            elif convert is None:
                value = clean_text(value)
            if convert is None:
                if len(value) > limit:  # type: ignore[arg-type]
                    raise cells.RowRejected(_("%(column)s is longer than %(n)s characters.", column=header,
                                              n=limit))
                values[column] = value
            else:
                values[column] = convert(value, row_state)
        if self.combined_name:
            joined = self.headers.name_of([text_cell(v, self.guarded) for v in raw])
            values["name"] = self._text(joined, self.name_column, 300)
        parsed = ParsedRow(record.number, raw, values, row_state.warnings)
        if self.kind != "clients":
            parsed.client_ref = self._client_ref(raw)
        if self.custom:
            parsed.custom = {key: _custom_text(raw[index], self.guarded) for index, key in self.custom}
        self._finish(parsed, row_state)
        return parsed

    def _text(self, value: Cell, column: str, limit: int) -> str | None:
        text = text_cell(value, self.guarded)
        if text is None:
            return None
        result = text if isinstance(text, str) else clean_text(text) or ""
        if len(result) > limit:
            raise cells.RowRejected(_("%(column)s is longer than %(n)s characters.", column=column, n=limit))
        return result

    def _client_ref(self, raw: list[Cell]) -> tuple[str | None, str | None]:
        ext_index, name_index = self.ref_columns
        names = self.headers.headers
        ext = None if ext_index is None else self._text(raw[ext_index], names[ext_index], 100)
        name = None if name_index is None else self._text(raw[name_index], names[name_index], 300)
        if ext is None and name is None:
            raise cells.RowRejected(_("No client is given (client_external_id or client_name is empty)."))
        return ext, name

    def _finish(self, row: ParsedRow, row_state: cells.RowState) -> None:
        """The rules that look at more than one cell, and the required fields."""
        values = row.values
        kind = self.kind
        if kind in ("clients", "contacts") and not values.get("name"):
            raise cells.RowRejected(_("%(column)s: the name is empty.", column=self.name_column))
        if kind == "engagements":
            if row_state.package_text and not values.get("description"):
                values["description"] = row_state.package_text
            start, end = values.get("start_date"), values.get("end_date")
            if start and end and end < start:
                raise cells.RowRejected(_("The end date is before the start date."))
        if kind in ("engagements", "invoices") and values.get("currency") is None and row_state.currency_in_amount:
            values["currency"] = row_state.currency_in_amount
        if kind == "invoices":
            for column in ("issued_on", "amount", "currency"):
                if values.get(column) is None:
                    raise cells.RowRejected(_("%(column)s is empty.", column=self._header_of(column)))
        if kind == "interactions" and values.get("occurred_at") is None:
            raise cells.RowRejected(_("%(column)s is empty.", column=self._header_of("occurred_at")))

    def _header_of(self, name: str) -> str:
        index = self.headers.fields.get(name)
        return self.headers.headers[index] if index is not None else name


def _custom_text(value: Cell, guarded: bool) -> str | None:
    cell = text_cell(value, guarded)
    if cell is None or isinstance(cell, str):
        return cell
    return clean_text(cell)
