"""HTML forms → the values a service takes, or a message for each field a person got wrong.

Pages post ``application/x-www-form-urlencoded`` strings; the services take the API's pydantic
schemas' values. In between: an empty input means "no value" (None), ids come as digit strings,
amounts as people type them (``1 234,50``), and a ``datetime-local`` input is a wall-clock time in
the firm's timezone. Problems come back as :class:`FormInvalid` with one message per field name.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from servicescape.errors import ServicescapeError
from servicescape.i18n import _
from servicescape.schemas import MAX_ID, DigitsOnly
from servicescape.tabular.errors import TabularError
from servicescape.tabular.values import parse_decimal

#: a record's id in a page URL (a larger one would overflow an integer column of PostgreSQL: a 422, not a 500)
RecordId = Annotated[int, Path(ge=1, le=MAX_ID), DigitsOnly]
FORM_WIDE = "__all__"
#: the wall-clock format of ``<input type="datetime-local">``
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"

FormValues = dict[str, str]


async def form_values(request: Request) -> FormValues:
    """The posted text fields (the CSRF token left out); a dependency for page routes."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


class FormInvalid(Exception):
    """One message per field name (``__all__``: about the whole form)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass
class FormState:
    """What a form shows: the values (as typed, or the record's) and the messages per field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def failed(cls, values: Mapping[str, Any], problem: FormInvalid | ServicescapeError) -> FormState:
        return cls(dict(values), errors_of(problem))


class FieldMessage(str):
    """A service's message about a field that names it (as the database does): ``naming(label)``
    words it again with the label the form shows the field with (the macros do)."""

    naming: Callable[[str], str]

    def __new__(cls, message: str, naming: Callable[[str], str]) -> FieldMessage:
        found = super().__new__(cls, message)
        found.naming = naming
        return found


def errors_of(problem: FormInvalid | ServicescapeError) -> dict[str, str]:
    if isinstance(problem, FormInvalid):
        return dict(problem.errors)
    if problem.field is not None and problem.naming is not None:
        return {problem.field: FieldMessage(problem.message, problem.naming)}
    return {problem.field or FORM_WIDE: problem.message}


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# --- parsing ------------------------------------------------------------------------------------

def parse_form(
    schema: type[BaseModel], values: Mapping[str, str], *, zone: tzinfo, fixed: Mapping[str, Any] | None = None,
    amounts: Iterable[str] = (), moments: Iterable[str] = (),
) -> dict[str, Any]:
    """The fields of ``schema`` found in ``values`` (plus ``fixed``), validated, as a dict with
    only those fields (an update changes what the form shows, nothing else).

    ``amounts``: fields typed as money; ``moments``: ``datetime-local`` fields, read in ``zone``.
    """
    amount_fields, moment_fields = set(amounts), set(moments)
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, info in schema.model_fields.items():
        if name not in values:
            continue
        text = values[name]
        # a password is taken exactly as typed: only an empty one is "none"
        if not (text if name.startswith("password") else text.strip()):
            if _optional(info.annotation):
                data[name] = None
            continue  # required → "missing"; with a default → the default
        try:
            if name in amount_fields:
                data[name] = parse_amount(text)
            elif name in moment_fields:
                data[name] = parse_local_moment(text, zone)
            elif _is_id(name, info.annotation):
                data[name] = parse_id(text)
            else:
                data[name] = text
        except ValueError as exc:
            errors[name] = str(exc)
    data.update(fixed or {})
    try:
        parsed = schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else FORM_WIDE
            errors.setdefault(name, field_message(name, error))
    if errors:
        raise FormInvalid(errors)
    return parsed.model_dump(exclude_unset=True)


def parse_amount(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except TabularError:
        raise ValueError(_("Enter an amount such as 1234.50 or 1 234,50.")) from None


def parse_local_moment(text: str, zone: tzinfo) -> datetime:
    """``2025-03-01T10:00`` on the firm's clock → an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(_("Enter a date and time such as 2025-03-01 14:30.")) from None


def local_input(moment: datetime | None, zone: tzinfo) -> str:
    """The value of a ``datetime-local`` input showing ``moment`` on the firm's clock."""
    return moment.astimezone(zone).strftime(LOCAL_INPUT_FORMAT) if moment else ""


def parse_id(text: str) -> int:
    """A record's id as a form posts it: ASCII digits, no larger than an id can be."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
        raise ValueError(_("Choose one of the options."))
    return int(text)


def parse_count(text: str, low: int, high: int) -> int:
    """A whole number typed in a form (ASCII digits), from ``low`` to ``high``."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not low <= int(text) <= high:
        raise ValueError(_("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))
    return int(text)


def parse_custom_fields(text: str, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Lines of ``name: value`` → a dict. A value that reads as before keeps its type (a number
    imported from a spreadsheet stays a number when the client is saved again)."""
    previous = previous or {}
    fields: dict[str, Any] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise FormInvalid({"custom_fields": _("Write each field as “name: value” on a line of its own.")})
        name, value = name.strip(), value.strip()
        old = previous.get(name)
        fields[name] = old if old is not None and display_value(old) == value else (value or None)
    return fields


def custom_fields_text(fields: Mapping[str, Any] | None) -> str:
    return "\n".join(f"{name}: {display_value(value)}" for name, value in (fields or {}).items())


def display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)


def _is_id(name: str, annotation: Any) -> bool:
    if name == "external_id" or not name.endswith("_id"):
        return False
    return int in _base_types(annotation)


def _base_types(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _base_types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_base_types(arg) for arg in typing.get_args(annotation)))
    return {annotation}


def field_message(name: str, error: ErrorDetails) -> str:
    """A message a person can act on, in their language, for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.", n=ctx.get("max_length", "?"))
    if kind in ("int_parsing", "int_type", "enum", "literal_error"):
        return _("Choose one of the options.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Use %(limit)s or more.", limit=ctx.get("ge", ctx.get("gt", "?")))
    if kind in ("less_than_equal", "less_than"):
        return _("Use %(limit)s or less.", limit=ctx.get("le", ctx.get("lt", "?")))
    if kind == "decimal_max_places":
        return _("Use at most %(n)s decimal places.", n=ctx.get("decimal_places", "?"))
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("The amount has too many digits.")
    if kind.startswith("decimal"):
        return _("Enter an amount such as 1234.50 or 1 234,50.")
    if kind.startswith("date_") or kind == "date_type":
        return _("Enter a date such as 2025-03-01.")
    if kind.startswith("datetime"):
        return _("Enter a date and time such as 2025-03-01 14:30.")
    if kind == "value_error" and name == "currency":
        return _("Enter a three-letter currency code such as EUR or MYR.")
    if kind == "value_error" and name == "country":
        return _("Choose a country from the list.")
    if kind == "value_error" and "NUL" in str(ctx.get("error", "")):
        return _("The text contains a character that cannot be stored (NUL).")
    return str(error.get("msg", _("This value is not valid.")))
