"""API shapes of what the firm knows and plans: key accounts' profiles and decision criteria,
competitors with their observations and mentions, plans with targets and the environment review,
who may resolve complaints without asking, staff qualifications, articles and talks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from servicescape.plan.models import (
    EnvironmentArea,
    ObservationKind,
    Positioning,
    PrestigeKind,
    QualificationKind,
)
from servicescape.schemas import Amount, Currency, Id, LongText, Name, OutSchema, Schema, Text, partial

Whole = Annotated[int, Field(strict=True)]
Figure = Annotated[float, Field(allow_inf_nan=False)]
ShortName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


# --- what a key account values -------------------------------------------------------------------

class CriterionIn(Schema):
    name: ShortName
    weight: Whole


class CriterionOut(OutSchema):
    name: str
    weight: int
    position: int
    source: str


class AccountProfileIn(Schema):
    """Only the fields sent change; ``criteria`` (when sent) replaces the client's criteria."""

    needs: LongText | None = None
    how_they_choose: LongText | None = None
    last_review_on: date | None = None
    next_review_on: date | None = None
    criteria: Annotated[list[CriterionIn], Field(max_length=20)] | None = None


class AccountProfileOut(Schema):
    client_id: int
    needs: str | None
    how_they_choose: str | None
    last_review_on: date | None
    next_review_on: date | None
    updated_by_id: int | None
    updated_at: datetime | None
    criteria: list[CriterionOut]
    #: the client's latest importance split (SERVQUAL), when they answered one: what a prefill sets
    servqual_split: dict[str, int] | None


class KeyAccountNeedsOut(Schema):
    client_id: int
    name: str
    revenue: float
    needs_recorded: bool
    criteria: int
    last_review_on: date | None
    next_review_on: date | None
    review_overdue: bool
    never_recorded: bool


class KeyAccountsNeedsOut(Schema):
    currency: str
    accounts: list[KeyAccountNeedsOut]
    with_needs: int
    share_with_needs: float | None


# --- competitors ---------------------------------------------------------------------------------

class CompetitorIn(Schema):
    name: ShortName
    segments: Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                              max_length=120)]],
                        Field(max_length=20, default_factory=list)]
    positioning: Positioning | None = None
    website: Text | None = None
    notes: LongText | None = None


class CompetitorOut(OutSchema):
    id: int
    name: str
    segments: list[str]
    positioning: Positioning | None
    website: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


CompetitorPatch = partial(CompetitorIn, "CompetitorPatch")


class ObservationIn(Schema):
    competitor_id: Id
    kind: ObservationKind
    text: Words
    client_id: Id | None = None
    noted_on: date


class ObservationOut(OutSchema):
    id: int
    competitor_id: int
    kind: ObservationKind
    text: str
    client_id: int | None
    noted_on: date
    noted_by_id: int | None
    created_at: datetime
    updated_at: datetime


ObservationPatch = partial(ObservationIn, "ObservationPatch")


class MentionOut(Schema):
    id: int
    competitor_id: int
    source: str
    key: str
    client_id: int | None
    said_at: datetime | None
    excerpt: str
    url: str | None


# --- the plan ------------------------------------------------------------------------------------

class PlanIn(Schema):
    name: ShortName
    starts_on: date
    ends_on: date


class PlanOut(OutSchema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


PlanPatch = partial(PlanIn, "PlanPatch")


class TargetIn(Schema):
    plan_id: Id
    measure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    comparison: Literal[">=", "<="] | None = None
    value: Figure
    owner_id: Id | None = None
    note: LongText | None = None


class TargetOut(OutSchema):
    id: int
    plan_id: int
    measure: str
    comparison: str
    value: float
    owner_id: int | None
    note: str | None
    created_at: datetime
    updated_at: datetime


TargetPatch = partial(TargetIn, "TargetPatch")


class EnvironmentIn(Schema):
    plan_id: Id
    area: EnvironmentArea
    noted_on: date
    text: Words


class EnvironmentOut(OutSchema):
    id: int
    plan_id: int
    area: EnvironmentArea
    noted_on: date
    text: str
    author_id: int | None
    created_at: datetime
    updated_at: datetime


EnvironmentPatch = partial(EnvironmentIn, "EnvironmentPatch")


class MeasureOut(Schema):
    key: str
    label: str
    unit: str
    comparison: str
    low: float
    high: float
    help: str


class PlanTargetView(Schema):
    id: int
    measure: str
    label: str
    unit: str
    comparison: str
    value: float
    owner_id: int | None
    owner: str | None
    note: str | None


class CurrentPlanOut(Schema):
    plan: PlanOut | None
    targets: list[PlanTargetView]
    environment: dict[str, list[EnvironmentOut]]


# --- people --------------------------------------------------------------------------------------

class EmpowermentIn(Schema):
    resolve_complaints: bool = True
    goodwill_limit: Amount | None = None
    currency: Currency | None = None


class EmpowermentOut(Schema):
    staff_id: int
    name: str
    role: str
    resolve_complaints: bool
    goodwill_limit: Decimal | None
    currency: str | None
    granted_by_id: int | None
    updated_at: datetime | None


class FrontlineOut(Schema):
    since: date
    until: date
    resolved: int
    by_frontline: int
    share: float | None


class QualificationIn(Schema):
    staff_id: Id
    kind: QualificationKind = QualificationKind.certification
    name: ShortName
    issuer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    obtained_on: date | None = None
    renews_on: date | None = None


class QualificationOut(OutSchema):
    id: int
    staff_id: int
    kind: QualificationKind
    name: str
    issuer: str | None
    obtained_on: date | None
    renews_on: date | None
    created_at: datetime
    updated_at: datetime


QualificationPatch = partial(QualificationIn, "QualificationPatch")


class PrestigeIn(Schema):
    kind: PrestigeKind
    title: Name
    happened_on: date
    audience: Text | None = None
    venue: Text | None = None
    staff_id: Id | None = None
    enquiries: Whole = 0
    notes: LongText | None = None


class PrestigeOut(OutSchema):
    id: int
    kind: PrestigeKind
    title: str
    happened_on: date
    audience: str | None
    venue: str | None
    staff_id: int | None
    enquiries: int
    notes: str | None
    created_at: datetime
    updated_at: datetime


PrestigePatch = partial(PrestigeIn, "PrestigePatch")


class PrestigeTotalOut(Schema):
    year: int
    kind: PrestigeKind
    items: int
    enquiries: int


class FiguresOut(Schema):
    figures: dict[str, Any]
