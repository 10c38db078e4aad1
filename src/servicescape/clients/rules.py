"""The client book's validation rules: pure functions, one copy for every way a record is written.

The services call them in ``check`` (so the API, the pages, the CLI and the demo do too) and the
importer calls them for every row; a rule added here applies to all of them with no second edit.

A rule takes a record (a mapping of database column → value: on a create the values given, on an
update the stored record with the changes laid over it; a missing key reads as empty) and raises
:class:`RuleBroken` naming the field. Each caller words that its own way: the service as
``ValidationFailed(field=...)``, the importer as a reject reason naming the file's column.

    @rule("invoices")
    def invoice_is_not_negative(record: Record) -> None:
        amount = record.get("amount")
        if amount is not None and amount < 0:
            raise RuleBroken("amount", N_("%(column)s: an invoice cannot be negative ..."))

``rule(kind)`` holds on every write; ``rule(kind, on_create=True)`` only when a record is made.
The importer checks every row's own values as it reads them (a file's row updates only the
fields it has columns for) and the create rules when the row makes a new record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table

from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.currencies import is_currency
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
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

    def failure(self) -> ValidationFailed:
        """The broken rule as the services report it: the field named as the database does, and
        (when the message names it) worded again with a form's label for the field."""
        naming = self.describe if "%(column)s" in self.message else None
        return ValidationFailed(self.describe(), field=self.field, naming=naming)


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


# -- money ----------------------------------------------------------------------------------------

@rule("engagements")
@rule("invoices")
def currency_is_in_use(record: Record) -> None:
    """Every amount is in an ISO 4217 currency that some country uses today (``currencies``)."""
    code = record.get("currency")
    if code and not is_currency(code):
        raise RuleBroken("currency", N_("%(column)s: %(code)s is not a currency in use; use an ISO 4217 code "
                                        "such as EUR or MYR."), code=code)


@rule("invoices")
def invoice_is_not_negative(record: Record) -> None:
    amount = record.get("amount")
    if amount is not None and amount < 0:
        raise RuleBroken("amount", N_("%(column)s: an invoice cannot be negative (credit notes are not "
                                      "supported yet)."))


@rule("engagements")
def engagement_value_is_not_negative(record: Record) -> None:
    value = record.get("value")
    if value is not None and value < 0:
        raise RuleBroken("value", N_("%(column)s: the value of an engagement cannot be negative."))


# -- addresses ------------------------------------------------------------------------------------
# Lenient for the addresses people really have (any script, "+tags", "o'brien@…", internationalised
# domains), strict against typing slips: one @, no spaces, a domain of dot-separated labels that
# ends in a name of two or more characters. The importer checks a whole column at once with the
# same pattern (``import_columns``), so it has no anchors and no line ends.

#: a character of a domain name's label: letters and digits of any script, and hyphens (not at
#: either end of a label: the lookarounds, cheaper than alternatives in a column of 10,000)
_LABEL_CHAR = r"[^\s@.,;:<>()\[\]\\\"'!#$%&*+/=?^`{|}~_]"
_HOST = rf"(?:(?!-){_LABEL_CHAR}+(?<!-)\.)+(?![0-9-]){_LABEL_CHAR}{{2,}}(?<!-)"
#: a well-formed e-mail address
EMAIL = re.compile(rf"[^\s@<>()\[\],;:\"\\]+@{_HOST}")
#: what people paste before an address
MAILTO = re.compile(r"(?i)^mailto:")
#: a web address: http or https, a host name, perhaps a port, a path, a query
WEBSITE = re.compile(rf"(?i:https?)://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")


def email_address(text: str) -> str | None:
    """The e-mail address ``text`` holds (``mailto:`` and spaces around dropped), or None."""
    address = MAILTO.sub("", text.strip()).strip()
    return address if EMAIL.fullmatch(address) else None


def web_address(text: str) -> str | None:
    """``text`` as a web address, or None: ``example.com/about`` → ``https://example.com/about``,
    as a browser's address bar reads it; any scheme but http and https is refused."""
    address = text.strip()
    if not _SCHEME.match(address):
        address = f"https://{address}"
    return address if WEBSITE.fullmatch(address) else None


@rule("clients")
@rule("contacts")
def email_is_an_address(record: Record) -> None:
    email = record.get("email")
    if email and not EMAIL.fullmatch(email):
        raise RuleBroken("email", N_("%(column)s: the address is not valid; write it as name@example.com."))


@rule("clients")
def website_is_a_web_address(record: Record) -> None:
    website = record.get("website")
    if website and web_address(website) != website:
        raise RuleBroken("website", N_("%(column)s: the web address is not valid; write it as example.com or "
                                       "https://example.com."))


# -- interactions ---------------------------------------------------------------------------------

#: how far ahead an interaction may be dated (clocks and time zones differ a little)
FUTURE_SLACK = timedelta(days=1)


@rule("interactions")
def interaction_has_happened(record: Record) -> None:
    """An interaction records contact that happened; what is to come is a task."""
    when = record.get("occurred_at")
    if when is not None and when.tzinfo is not None and expressible_in_utc(when) and \
            when > utcnow() + FUTURE_SLACK:
        raise RuleBroken("occurred_at", N_("%(column)s is in the future: an interaction records contact that "
                                           "has happened (plan what is to come as a task)."))


@rule("interactions")
def interaction_says_what_happened(record: Record) -> None:
    summary = record.get("summary")
    if summary is None or not summary.strip():
        raise RuleBroken("summary", N_("%(column)s: an interaction needs a few words on what happened."))
