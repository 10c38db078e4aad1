"""API shapes of the service catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from servicescape.schemas import Amount, Currency, Id, LongText, Name, OutSchema, Schema, Text, partial


class PackageIn(Schema):
    name: Name
    level: Text | None = None
    list_price: Amount | None = None
    currency: Currency = "EUR"
    description: LongText | None = None
    active: bool = True
    off_peak: bool = False


class PackageOut(OutSchema):
    id: int
    name: str
    level: str | None
    list_price: Decimal | None
    currency: str
    description: str | None
    active: bool
    off_peak: bool
    created_at: datetime
    updated_at: datetime


PackagePatch = partial(PackageIn, "PackagePatch")


class LevelIn(Schema):
    package_id: Id
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    position: Annotated[int, Field(ge=0, le=1000, strict=True)] = 0
    summary: LongText | None = None
    inclusions: Annotated[list[Text], Field(max_length=30, default_factory=list)]
    first_response_hours: Annotated[int, Field(strict=True)] | None = None
    resolution_days: Annotated[int, Field(strict=True)] | None = None
    cadence_days: Annotated[int, Field(strict=True)] | None = None
    perceived_quality: Annotated[float, Field(allow_inf_nan=False)] | None = None
    active: bool = True


class LevelOut(OutSchema):
    id: int
    package_id: int
    name: str
    position: int
    summary: str | None
    inclusions: list[str]
    first_response_hours: int | None
    resolution_days: int | None
    cadence_days: int | None
    perceived_quality: float | None
    active: bool
    created_at: datetime
    updated_at: datetime


LevelPatch = partial(LevelIn, "LevelPatch")


class AddonIn(Schema):
    package_id: Id
    name: Name
    description: LongText | None = None
    active: bool = True


class AddonOut(OutSchema):
    id: int
    package_id: int
    name: str
    description: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


AddonPatch = partial(AddonIn, "AddonPatch")


class PriceIn(Schema):
    level_id: Id | None = None
    addon_id: Id | None = None
    currency: Currency
    amount: Amount
    valid_from: date
    note: Text | None = None


class PriceOut(OutSchema):
    id: int
    level_id: int | None
    addon_id: int | None
    currency: str
    amount: Decimal
    valid_from: date
    note: str | None
    created_at: datetime
    updated_at: datetime


PricePatch = partial(PriceIn, "PricePatch")


class CompetitorPriceIn(Schema):
    package_id: Id | None = None
    competitor: Name
    offer: Name
    segment: Text | None = None
    price: Amount
    currency: Currency
    perceived_quality: Annotated[float, Field(allow_inf_nan=False)] | None = None
    noted_on: date | None = None
    source: Text | None = None


class CompetitorPriceOut(OutSchema):
    id: int
    package_id: int | None
    competitor: str
    offer: str
    segment: str | None
    price: Decimal
    currency: str
    perceived_quality: float | None
    noted_on: date | None
    source: str | None
    created_at: datetime
    updated_at: datetime


CompetitorPricePatch = partial(CompetitorPriceIn, "CompetitorPricePatch")


class EngagementLevelIn(Schema):
    level_id: Id | None


class EngagementLevelOut(Schema):
    engagement_id: int
    level_id: int | None


class PricePointOut(Schema):
    amount: Decimal
    currency: str
    since: date


class LevelColumnOut(Schema):
    level: LevelOut
    price: PricePointOut | None
    history: list[PricePointOut]


class AddonPriceOut(Schema):
    addon: AddonOut
    price: PricePointOut | None


class ComparisonOut(Schema):
    package: PackageOut
    currency: str
    day: date
    currencies: list[str]
    levels: list[LevelColumnOut]
    addons: list[AddonPriceOut]
