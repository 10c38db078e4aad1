"""Reading promise and complaint files: a batch of records → the values of their rows, column by column,
with the client book's cell converters and batch machinery (``clients.import_cells``,
``clients.import_columns``); each row names its client as a client-book row does.

What reading decides (``import_run`` says what writing does):

* Times without a timezone are on the firm's clock (``settings.timezone``), as an interaction's
  ``occurred_at`` is; a time with an offset keeps it. Dates such as ``03/05/2024``: ``dayfirst``, else
  inferred per column from the first batch (``import_run``).
* Staff (``owner``, ``delivered_by``) by e-mail or name, case-insensitively. An unknown name, or one two
  staff members share, rejects the row naming the column: whose promise it is, or who handles a
  complaint, is the point of the record (the client book leaves its staff fields empty with a warning).
* ``kind``, ``channel`` and ``severity`` accept common spellings (``KIND``, ``CHANNEL``, ``SEVERITY``: what
  calendars and ticket systems write); another value rejects the row naming the column and the choices.
* ``cancelled``: yes or no (``tabular.parse_bool``, or the word "cancelled"), or the date and time it was
  cancelled.
* Text is limited by its table column, as the services limit it (``db.columns``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from servicescape.clients import import_cells as cells
from servicescape.clients.import_rows import ReadContext, RowReader, Step, column_limit
from servicescape.clients.import_values import AMBIGUOUS, CHANNEL, StaffDirectory, value_table
from servicescape.clients.models import Channel, Client, Engagement
from servicescape.clients.rules import Rule
from servicescape.i18n import _
from servicescape.promises.importing import CLIENT_REF
from servicescape.promises.models import Complaint, Promise, PromiseKind, Severity
from servicescape.tabular import Cell, HeaderMap, TabularError, parse_bool

KIND = value_table({
    PromiseKind.appointment: ("appt", "meeting", "booking", "időpont", "találkozó", "среща", "temujanji", "预约",
                              "預約"),
    PromiseKind.deliverable: ("delivery", "milestone", "task", "teljesítés", "доставка", "hasil", "交付"),
    PromiseKind.call_back: ("callback", "call", "phone call", "return call", "call me back", "visszahívás",
                            "обратно обаждане", "panggil balik", "回电", "回電"),
    PromiseKind.site_visit: ("visit", "on site", "onsite", "field visit", "house call", "kiszállás",
                             "helyszíni", "посещение", "lawatan", "上门", "上門"),
    PromiseKind.document: ("report", "quote", "quotation", "proposal", "paperwork", "dokumentum", "документ",
                           "dokumen", "文件"),
    PromiseKind.other: ("misc", "egyéb", "друго", "lain-lain", "其他"),
})  # fmt: skip
#: the client book's channels, and what ticket systems call theirs
CHANNEL_OF_COMPLAINT = {**CHANNEL, **value_table({
    Channel.other: ("web", "web form", "webform", "form", "portal", "help center", "api", "widget", "chat", "social",
                    "facebook", "twitter", "instagram", "feedback form"),
    Channel.call: ("voice", "hotline"),
})}  # fmt: skip
SEVERITY = value_table({
    Severity.low: ("lowest", "minor", "trivial", "p4", "p5", "4", "5", "alacsony", "нисък", "rendah", "低"),
    Severity.medium: ("normal", "moderate", "p3", "3", "közepes", "среден", "sederhana", "中"),
    Severity.high: ("major", "important", "p2", "2", "magas", "висок", "tinggi", "高"),
    Severity.critical: ("urgent", "highest", "blocker", "emergency", "p1", "1", "sürgős", "kritikus", "спешен",
                        "критичен", "kritikal", "segera", "紧急", "緊急"),
})  # fmt: skip
CANCELLED_WORDS = frozenset({"cancelled", "canceled", "lemondva", "törölve", "отменен", "dibatalkan", "取消",
                             "已取消"})
#: the columns of the client a row names its client by
CLIENT_COLUMNS = dict(zip(CLIENT_REF, ("external_id", "name"), strict=True))


def staff_member(column: str, directory: StaffDirectory) -> cells.Converter:
    """A staff member by e-mail or name; unknown or ambiguous rejects the row."""
    def convert(value: Cell, row: cells.RowState) -> int:
        name = cells.as_text(value)
        found = directory.find(name)
        if found is None:
            raise cells.RowRejected(_("%(column)s: no staff member has the name or e-mail %(value)s.",
                                      column=column, value=repr(name[:120])))
        if found == AMBIGUOUS:
            raise cells.RowRejected(_("%(column)s: several staff members are named %(value)s; use the e-mail "
                                      "address.", column=column, value=repr(name[:120])))
        return found

    return convert


def cancellation(column: str, dayfirst: bool, zone: ZoneInfo) -> cells.Converter:
    """Yes or no, or when it was cancelled (a datetime)."""
    moment = cells.moment(column, dayfirst, zone)

    def convert(value: Cell, row: cells.RowState) -> bool | datetime:
        if isinstance(value, str) and value.strip().casefold() in CANCELLED_WORDS:
            return True
        try:
            return parse_bool(value)
        except TabularError:
            pass
        try:
            found: datetime = moment(value, row)
        except cells.RowRejected:
            raise cells.RowRejected(_("%(column)s: %(value)s is neither yes or no nor a date and time.",
                                      column=column, value=repr(cells.as_text(value)[:80]))) from None
        return found

    return convert


def _plan(kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
    """field → (value name, converter or None for plain text, length limit of text). The value names are
    the table's columns, except ``engagement`` (an engagement's external id) and ``cancelled``."""
    table = Promise.__table__ if kind == "promises" else Complaint.__table__

    def text(name: str) -> Step:
        return name, None, column_limit(table, name)

    def dayfirst(name: str) -> bool:
        return ctx.dayfirst.get(name, ctx.dayfirst_default)

    def at_moment(name: str) -> Step:
        return name, cells.moment(header(name), dayfirst(name), ctx.zone), 0

    def staff(name: str, column: str) -> Step:
        return column, staff_member(header(name), ctx.staff), 0

    ref: dict[str, Step] = {field: (field, None, column_limit(Client.__table__, column))
                            for field, column in CLIENT_COLUMNS.items()}
    if kind == "promises":
        return {
            **ref, "external_id": text("external_id"), "owner": staff("owner", "owner_id"),
            "kind": ("kind", cells.choice(header("kind"), KIND, ", ".join(PromiseKind)), 0),
            "title": text("title"), "window_start": at_moment("window_start"), "window_end": at_moment("window_end"),
            "place": text("place"),
            "engagement": ("engagement", None, column_limit(Engagement.__table__, "external_id")),
            "kept_at": at_moment("kept_at"), "delivered_by": staff("delivered_by", "delivered_by_id"),
            "cancelled": ("cancelled", cancellation(header("cancelled"), dayfirst("cancelled"), ctx.zone), 0),
            "client_words": text("client_words"), "notes": text("notes"),
        }
    return {
        **ref, "external_id": text("external_id"), "received_at": at_moment("received_at"),
        "channel": ("channel", cells.choice(header("channel"), CHANNEL_OF_COMPLAINT, ", ".join(Channel)), 0),
        "severity": ("severity", cells.choice(header("severity"), SEVERITY, ", ".join(Severity)), 0),
        "owner": staff("owner", "owner_id"), "text": text("text"),
        "first_response_at": at_moment("first_response_at"), "resolved_at": at_moment("resolved_at"),
        "outcome": text("outcome"),
    }


class LedgerReader(RowReader):
    """Reads the records of one file of promises or complaints a batch at a time, as the client book's
    reader does (the cells column by column, the client reference, every problem of a row in one
    reason), with the ledger's fields (``_plan``)."""

    def __init__(self, kind: str, headers: HeaderMap, ctx: ReadContext, *, guarded: bool = True) -> None:
        super().__init__(kind, headers, ctx, [], guarded=guarded)
        # the services name these fields by their columns
        self.column_headers["client_id"] = next((ref.header for ref in self.refs if ref is not None), "client_name")
        self.column_headers["engagement_id"] = self.column_headers.get("engagement", "engagement")

    def plan(self, kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
        return _plan(kind, ctx, header)

    def row_rules(self, kind: str) -> list[Rule]:
        """None as a row is read: a promise's and a complaint's rules need the stored record too (an
        empty cell keeps a stored time, say), so the writer applies them (``import_writes``)."""
        return []
