"""Column types that keep money exact and time zone-aware on SQLite and PostgreSQL alike."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Enum, TypeDecorator

MONEY_PLACES = 4
#: the largest amount (either sign) the product takes: the API's schemas and the importer
MAX_AMOUNT = Decimal(10) ** 13
_MONEY_SCALE = Decimal(10) ** MONEY_PLACES


class Money(TypeDecorator[Decimal]):
    """An exact amount stored as an integer number of 1/10,000 units (never a float)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        try:
            amount = Decimal(value) if not isinstance(value, Decimal) else value
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
        scaled = amount * _MONEY_SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {amount} has more than {MONEY_PLACES} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return money_places(Decimal(int(value)).scaleb(-MONEY_PLACES))


def money_places(amount: Decimal) -> Decimal:
    """``12.3400`` → ``12.34``, ``12.3450`` → ``12.345``: at least two places, no trailing zeros."""
    two = amount.quantize(Decimal("0.01"))
    return two if two == amount else amount.normalize()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that must be timezone-aware; stored in UTC and returned aware in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise ValueError(f"not a timestamp: {value!r}")
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum]) -> Enum:
    """A portable enum column: VARCHAR + CHECK constraint, stores the enum's values."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(str(m.value)) for m in enum_cls) + 4,
        values_callable=lambda cls: [str(m.value) for m in cls],
        name=enum_cls.__name__.lower(),
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
