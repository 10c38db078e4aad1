"""Shared pieces of the API's pydantic schemas."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model

from servicescape.db.columns import LONG_TEXT
from servicescape.db.types import MAX_AMOUNT, MONEY_PLACES

T = TypeVar("T")


def _currency(value: str) -> str:
    if not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise ValueError("a currency is a three-letter ISO 4217 code such as EUR")
    return value.upper()


def _country(value: str) -> str:
    if not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValueError("a country is a two-letter ISO 3166 code such as MY")
    return value.upper()


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here with a message, not deep in the driver
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


#: no NUL characters; the pattern documents it in the OpenAPI schema, the validator enforces it
NoNul = AfterValidator(_no_nul)
_NO_NUL_PATTERN = Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), NoNul, _NO_NUL_PATTERN
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NoNul,
    _NO_NUL_PATTERN,
]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT), NoNul, _NO_NUL_PATTERN]
ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul,
    _NO_NUL_PATTERN,
]
Currency = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_currency),
    Field(json_schema_extra={"pattern": "^[A-Za-z]{3}$"}),
]
Country = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_country),
    Field(json_schema_extra={"pattern": "^[A-Za-z]{2}$"}),
]
Amount = Annotated[
    Decimal, Field(max_digits=18, decimal_places=MONEY_PLACES, allow_inf_nan=False, ge=-int(MAX_AMOUNT),
                    le=int(MAX_AMOUNT))
]
def _digits_only(value: Any) -> Any:
    """An id in a URL is digits only: "1.0" or "1e0" is not record 1 (pydantic would accept them)."""
    if isinstance(value, str) and not value.isdigit():
        raise ValueError("an id is a whole number written with digits only")
    return value


#: what a path or query parameter naming a record must look like (before it is read as an int)
DigitsOnly = BeforeValidator(_digits_only)

#: primary keys are INTEGER columns: PostgreSQL refuses a larger number even in a lookup
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


def _constrained(annotation: Any, metadata: list[Any]) -> Any:
    """The field's type with its constraints (lengths, ranges: ``Id`` ≤ 2**31 - 1) kept on it."""
    return Annotated[(annotation, *metadata)] if metadata else annotation  # type: ignore[valid-type]


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The same fields, all optional: the body of a PATCH (only the fields sent are changed)."""
    fields: dict[str, Any] = {
        key: (_constrained(field.annotation, field.metadata) | None, Field(None, description=field.description))
        for key, field in model.model_fields.items()
    }
    return create_model(name, __base__=Schema, **fields)


__all__ = [
    "MAX_ID",
    "Amount",
    "Country",
    "Currency",
    "DigitsOnly",
    "ExternalId",
    "Id",
    "LongText",
    "Name",
    "NoNul",
    "OutSchema",
    "PageOut",
    "Schema",
    "Text",
    "date",
    "datetime",
    "partial",
]
