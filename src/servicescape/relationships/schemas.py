"""API shapes of relationships: the agenda, overdue contacts, key accounts, continuity, new faces,
the contact cadence, the calendar link and the exchange rates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from servicescape.clients.models import Tier
from servicescape.promises.schemas import PromiseOut
from servicescape.schemas import PageOut, Schema
from servicescape.tasks.schemas import TaskOut

if TYPE_CHECKING:
    from servicescape.promises.models import Promise
    from servicescape.relationships.agenda import Agenda
    from servicescape.relationships.service import OverduePage
    from servicescape.tasks.models import Task


class OverdueOut(BaseModel):
    client_id: int
    name: str
    tier: Tier
    owner_id: int | None
    owner_name: str | None
    last_contact_at: datetime | None = Field(description="the last interaction; none: never contacted")
    due_at: datetime = Field(description="when the next contact was due (the last one, or the day the client "
                                         "was added, plus the tier's cadence)")
    days_overdue: int
    revenue: float = Field(description="invoiced in the last twelve months, in the reporting currency")


class OverduePageOut(PageOut[OverdueOut]):
    currency: str = Field(description="the reporting currency of `revenue`")

    @classmethod
    def of(cls, found: OverduePage) -> OverduePageOut:
        return cls(items=[OverdueOut.model_validate(item, from_attributes=True) for item in found.items],
                   total=found.total, page=found.page, per_page=found.per_page, pages=found.pages,
                   currency=found.currency)


class KeyAccountOut(BaseModel):
    client_id: int
    name: str
    tier: Tier
    owner: str | None
    revenue: float
    revenue_share: float = Field(description="of the whole firm's revenue in the period (0 to 1)")
    cumulative_share: float = Field(description="of this account and every larger one")
    last_contact_at: datetime | None
    next_review_at: datetime | None = Field(description="the earliest open account review")
    last_review_on: date | None = Field(description="the last review the account's profile records")
    planned_review_on: date | None = Field(description="the next review the account's profile plans")
    open_promises: int
    open_complaints: int
    open_recoveries: int


class KeyAccountsOut(BaseModel):
    currency: str
    since: datetime
    total_revenue: float
    revenue_share: float = Field(description="the key accounts' share of the revenue: at least 0.8 when there is any")
    clients: int = Field(description="how many key accounts")
    clients_with_revenue: int
    unconverted_invoices: dict[str, int] = Field(
        description="invoices left out for want of an exchange rate, by currency")
    page: int
    per_page: int | None = Field(description="none: `accounts` holds the whole set")
    pages: int
    accounts: list[KeyAccountOut] = Field(description="largest first: the smallest set that brings 80% of the revenue "
                                                      "(a page of it)")


class ContinuityOut(BaseModel):
    since: datetime
    engagements: int = Field(description="engagements started in the period with a seller and a deliverer")
    same_person: int = Field(description="of them, delivered by the person who sold them")
    same_person_share: float | None
    clients: int = Field(description="clients delivered to in the period")
    mean_delivery_staff: float | None = Field(description="different people who delivered to a client, on average")
    distribution: dict[str, int] = Field(description='clients by how many people delivered to them: "1", "2", "3+"')


class NewFaceOut(BaseModel):
    client_id: int
    client_name: str
    staff_id: int
    staff_name: str
    first_at: datetime = Field(description="the start of the first promise this person has with the client")
    promise_id: int


class NewFacesOut(BaseModel):
    days: int
    items: list[NewFaceOut]


class AgendaPromiseOut(PromiseOut):
    client_name: str

    @classmethod
    def of(cls, promise: Promise) -> AgendaPromiseOut:
        return cls(**PromiseOut.model_validate(promise).model_dump(), client_name=promise.client.name)


class AgendaTaskOut(TaskOut):
    client_name: str | None

    @classmethod
    def of(cls, task: Task) -> AgendaTaskOut:
        return cls(**TaskOut.model_validate(task).model_dump(), client_name=task.client.name if task.client else None)


class AgendaOut(BaseModel):
    staff_id: int
    day: date
    promises: list[AgendaPromiseOut] = Field(description="open, their window today (or passed and not yet swept)")
    at_risk: list[AgendaPromiseOut] = Field(description="open promises the sweep found at risk, besides today's")
    recoveries: list[AgendaTaskOut]
    reviews: list[AgendaTaskOut] = Field(description="account reviews due within a week")
    overdue: OverduePageOut = Field(description="the person's clients overdue for contact (the first ten)")

    @classmethod
    def of(cls, found: Agenda) -> AgendaOut:
        """(inside the transaction: the promises' and tasks' clients are loaded with them)"""
        return cls(staff_id=found.staff_id, day=found.day, promises=[AgendaPromiseOut.of(p) for p in found.promises],
                   at_risk=[AgendaPromiseOut.of(p) for p in found.at_risk],
                   recoveries=[AgendaTaskOut.of(t) for t in found.recoveries],
                   reviews=[AgendaTaskOut.of(t) for t in found.reviews], overdue=OverduePageOut.of(found.overdue))


class CadenceOut(BaseModel):
    tier: Tier
    every_days: int


class CadenceIn(Schema):
    tier: Tier
    every_days: int = Field(ge=1, le=3650, strict=True, description="a client of the tier should hear from the firm "
                                                                    "at least this often")


class CalendarLinkOut(BaseModel):
    url: str = Field(description="the private iCalendar link: shown only this once (a new link ends the old)")


class RateOut(BaseModel):
    currency: str
    rate: float = Field(description="one unit's worth in the reporting currency")


class RatesOut(BaseModel):
    reporting_currency: str
    rates: list[RateOut] = Field(description="by currency; the reporting currency's is always 1")


class RateIn(Schema):
    rate: float = Field(gt=0, le=1e9, allow_inf_nan=False, description="one unit's worth in the reporting currency")
