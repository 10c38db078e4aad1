"""API shapes of capacity and demand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from servicescape.capacity.models import BookingStatus
from servicescape.schemas import Amount, Country, Currency, Id, OutSchema, Schema, Text, partial

Hours = Annotated[float, Field(allow_inf_nan=False)]


class StaffCapacityIn(Schema):
    staff_id: Id
    hours_per_week: Hours
    working_days: Annotated[list[Annotated[int, Field(strict=True)]], Field(max_length=7)] = [0, 1, 2, 3, 4]  # noqa: RUF012
    country: Country | None = None
    roles: Annotated[list[Text], Field(max_length=20, default_factory=list)]
    standard_rate: Amount | None = None
    currency: Currency | None = None
    starts_on: date | None = None


class StaffCapacityOut(OutSchema):
    id: int
    staff_id: int
    hours_per_week: float
    working_days: list[int]
    country: str | None
    roles: list[str]
    standard_rate: Decimal | None
    currency: str | None
    starts_on: date | None
    created_at: datetime
    updated_at: datetime


StaffCapacityPatch = partial(StaffCapacityIn, "StaffCapacityPatch")


class BookingIn(Schema):
    staff_id: Id
    day: date
    hours: Hours
    billable: bool = True
    status: BookingStatus = BookingStatus.scheduled
    billed_hours: Hours | None = None
    client_id: Id | None = None
    engagement_id: Id | None = None
    role: Annotated[str, Field(max_length=60)] | None = None
    note: Text | None = None


class BookingOut(OutSchema):
    id: int
    staff_id: int
    day: date
    hours: float
    billable: bool
    status: BookingStatus
    billed_hours: float | None
    client_id: int | None
    engagement_id: int | None
    role: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime


BookingPatch = partial(BookingIn, "BookingPatch")


class PipelineIn(Schema):
    engagement_id: Id
    hours: Hours
    probability: Annotated[float, Field(allow_inf_nan=False)]


class PipelineOut(OutSchema):
    id: int
    engagement_id: int
    hours: float
    probability: float
    created_at: datetime
    updated_at: datetime


PipelinePatch = partial(PipelineIn, "PipelinePatch")


class FiguresOut(Schema):
    """Plain figures: see the route's summary for what they hold."""

    figures: dict[str, Any]
