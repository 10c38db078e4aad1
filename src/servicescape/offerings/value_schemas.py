"""API shapes of value cases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from servicescape.offerings.value_models import ValueKind
from servicescape.schemas import Amount, Currency, Id, LongText, Name, OutSchema, Schema, Text, partial


class ValueItemIn(Schema):
    kind: ValueKind
    description: Name
    low: Amount
    expected: Amount
    high: Amount
    source: Annotated[str, Field(max_length=500)] | None = None


class ValueItemOut(OutSchema):
    kind: ValueKind
    description: str
    low: Decimal
    expected: Decimal
    high: Decimal
    source: str | None


class ValueOutcomeIn(Schema):
    engagement_id: Id
    recorded_on: date
    description: Annotated[LongText, Field(min_length=1)]
    amount: Amount | None = None
    promise_id: Id | None = None
    survey_response_id: Id | None = None
    testimonial_id: Id | None = None


class ValueOutcomeOut(OutSchema):
    id: int
    case_id: int
    engagement_id: int
    recorded_on: date
    description: str
    amount: Decimal | None
    promise_id: int | None
    survey_response_id: int | None
    testimonial_id: int | None


class ValueCaseIn(Schema):
    client_id: Id
    level_id: Id | None = None
    title: Name
    currency: Currency
    price: Amount
    horizon_months: Annotated[int, Field(strict=True)] = 12
    notes: LongText | None = None
    benefits: Annotated[list[ValueItemIn], Field(max_length=50)]
    costs: Annotated[list[ValueItemIn], Field(max_length=50, default_factory=list)]


class ValueCaseOut(OutSchema):
    id: int
    client_id: int
    level_id: int | None
    title: str
    currency: str
    price: Decimal
    horizon_months: int
    notes: str | None
    benefits: list[ValueItemOut]
    costs: list[ValueItemOut]
    outcomes: list[ValueOutcomeOut]
    created_at: datetime
    updated_at: datetime


ValueCasePatch = partial(ValueCaseIn, "ValueCasePatch")


class ScenarioOut(Schema):
    name: str
    benefits: Decimal
    client_costs: Decimal
    price: Decimal
    total_cost: Decimal
    value: Decimal
    roi: Decimal | None
    payback_months: Decimal | None


class ValueFiguresOut(Schema):
    case_id: int
    currency: str
    horizon_months: int
    scenarios: list[ScenarioOut]
    delivered_outcomes: int
    outcomes_to_back: int
    illustrative: bool
    note: Text
