"""API shapes of the service catalogue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from servicescape.schemas import Amount, Currency, LongText, Name, OutSchema, Schema, Text, partial


class PackageIn(Schema):
    name: Name
    level: Text | None = None
    list_price: Amount | None = None
    currency: Currency = "EUR"
    description: LongText | None = None
    active: bool = True


class PackageOut(OutSchema):
    id: int
    name: str
    level: str | None
    list_price: Decimal | None
    currency: str
    description: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


PackagePatch = partial(PackageIn, "PackagePatch")
