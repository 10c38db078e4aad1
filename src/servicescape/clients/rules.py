"""The client book's validation rules: pure functions, one copy for every way a record is written.

The services call them in ``check`` (so the API, the pages, the CLI and the demo do too) and the
importer calls them for every row; a rule added here applies to all of them with no second edit.

A rule takes a record (a mapping of database column → value: on a create the values given, on an
update the stored record with the changes laid over it; a missing key reads as empty) and raises
:class:`RuleBroken` naming the field. Each caller words that its own way: the service as
``ValidationFailed(field=...)``, the importer as a reject reason naming the file's column.

    @rule("clients")
    def name_is_not_a_placeholder(record: Record) -> None:
        if record.get("name") == "XXX":
            raise RuleBroken("name", N_("%(column)s: XXX is a placeholder, not a name."))

``rule(kind)`` holds on every write; ``rule(kind, on_create=True)`` only when a record is made.
The importer checks every row's own values as it reads them (a file's row updates only the
fields it has columns for) and the create rules when the row makes a new record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table

from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.i18n import N_, _

Record = Mapping[str, Any]
Rule = Callable[[Record], None]


class RuleBroken(Exception):
    """A record breaks a rule: ``field`` is the database column at fault; ``message`` is an
    untranslated template that may name the field as ``%(column)s`` (with ``params`` for the rest)."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message % {"column": field, **params})
        self.field = field
        self.message = message
        self.params = params

    def describe(self, column: str | None = None) -> str:
        """The message, translated, with the field called ``column`` (its own name by default)."""
        return _(self.message, column=column or self.field, **self.params)


@dataclass
class KindRules:
    every_write: list[Rule] = field(default_factory=list)
    on_create: list[Rule] = field(default_factory=list)


KINDS = ("clients", "contacts", "engagements", "invoices", "interactions")
RULES: dict[str, KindRules] = {kind: KindRules() for kind in KINDS}


def rule(kind: str, *, on_create: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule of ``kind`` (on every write, or only when a record is created)."""
    def register(function: Rule) -> Rule:
        rules = RULES[kind]
        (rules.on_create if on_create else rules.every_write).append(function)
        return function

    return register


def check(kind: str, record: Record, *, creating: bool) -> None:
    """Apply ``kind``'s rules to ``record``; raises :class:`RuleBroken` at the first broken one."""
    rules = RULES[kind]
    for each in rules.every_write:
        each(record)
    if creating:
        for each in rules.on_create:
            each(record)


def expressible_in_utc(when: datetime) -> bool:
    """0001-01-01T00:00+01:00 is a valid datetime with no UTC equivalent (times are stored in UTC)."""
    try:
        when.astimezone(UTC)
    except OverflowError:
        return False
    return True


# -- the rules ---------------------------------------------------------------------------------

def _required(table: Table) -> tuple[str, ...]:
    """The columns a record cannot leave empty: NOT NULL, no default, not the key or a reference
    (references are checked by whoever resolves them)."""
    return tuple(column.name for column in table.columns
                 if not column.nullable and column.default is None and not column.primary_key
                 and not column.foreign_keys)


def _needs(kind: str, table: Table) -> None:
    """One rule per required field, so that a record missing several is told of each."""
    for name in _required(table):
        _needs_field(kind, name)


def _needs_field(kind: str, name: str) -> None:
    message = N_("%(column)s: the name is empty.") if name == "name" else N_("%(column)s is empty.")

    @rule(kind)
    def required_field(record: Record) -> None:
        value = record.get(name)
        if value is None or (value.__class__ is str and not value.strip()):
            raise RuleBroken(name, message)

    required_field.__qualname__ = f"{kind}_needs_{name}"


for _kind, _model in (("clients", Client), ("contacts", Contact), ("engagements", Engagement),
                      ("invoices", Invoice), ("interactions", Interaction)):
    _needs(_kind, _model.__table__)  # type: ignore[arg-type]


@rule("engagements")
def engagement_ends_after_it_starts(record: Record) -> None:
    start, end = record.get("start_date"), record.get("end_date")
    if start and end and end < start:
        raise RuleBroken("end_date", N_("The end date is before the start date."))


@rule("engagements", on_create=True)
def engagement_has_a_package_or_a_description(record: Record) -> None:
    if not record.get("package_id") and not record.get("description"):
        raise RuleBroken("description", N_("An engagement needs a service package or a description."))


@rule("interactions")
def interaction_has_a_time(record: Record) -> None:
    when = record.get("occurred_at")
    if when is None:
        raise RuleBroken("occurred_at", N_("%(column)s is empty."))
    if when.tzinfo is None:
        raise RuleBroken("occurred_at", N_("occurred_at needs a timezone (e.g. 2025-03-01T10:00:00+08:00)."))
    if not expressible_in_utc(when):
        raise RuleBroken("occurred_at", N_("occurred_at is out of range."))


@rule("clients")
def custom_fields_can_be_stored(record: Record) -> None:
    for key, value in (record.get("custom_fields") or {}).items():
        custom_field_can_be_stored(key, value)


def custom_field_can_be_stored(key: str, value: Any = None) -> None:
    """A custom field has a name, and neither its name nor its text holds NUL (``\\x00``): no
    database stores it in text (PostgreSQL refuses it; a file written from SQLite loses it), as
    with every other text field (``schemas.NoNul``; the importer's cells). The importer checks each
    custom-field column's name with this; the record rule above checks names and values."""
    if not key.strip():
        raise RuleBroken("custom_fields", N_("A custom field needs a name."))
    if "\x00" in key or (value.__class__ is str and "\x00" in value):
        raise RuleBroken("custom_fields", N_("Custom field %(name)s: the text contains a NUL character (\\x00), "
                                             "which cannot be stored."), name=repr(key[:80]))
