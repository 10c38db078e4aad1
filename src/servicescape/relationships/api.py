"""``/api/v1/relationships/...``: a person's agenda, the clients overdue for contact, key accounts,
continuity and new faces, the contact cadence and the private calendar link; ``/api/v1/rates``: the
exchange rates that put revenue in several currencies into the reporting currency."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from servicescape.clients.models import Tier
from servicescape.db.types import utcnow
from servicescape.offerings import service as offerings
from servicescape.relationships import accounts, calendar, service
from servicescape.relationships.agenda import agenda
from servicescape.relationships.schemas import (
    AgendaOut,
    CadenceIn,
    CadenceOut,
    CalendarLinkOut,
    ContinuityOut,
    KeyAccountsOut,
    NewFaceOut,
    NewFacesOut,
    OverduePageOut,
    RateIn,
    RateOut,
    RatesOut,
)
from servicescape.web.api.common import CREATE, READ_MANY, READ_ONE, UPDATE, IdFilter, PageNumber, PerPage
from servicescape.web.api.resources import SignedIn

router = APIRouter(tags=["relationships"])

Days = Annotated[int, Query(ge=1, le=3650, description="the period, in days up to today")]


def _cadence(every: dict[Tier, int]) -> list[CadenceOut]:
    return [CadenceOut(tier=tier, every_days=days) for tier, days in every.items()]


def _rates(session: Session, context: Any) -> RatesOut:
    currency = context.runtime.settings.reporting_currency
    known = service.exchange_rates(session, currency, by=context.principal)
    return RatesOut(reporting_currency=currency,
                    rates=[RateOut(currency=code, rate=rate) for code, rate in sorted(known.items())])


@router.get("/relationships/agenda", response_model=AgendaOut, responses=READ_ONE, name="relationships_agenda",
            summary="A person's day: promises due, promises at risk, recovery tasks, account reviews, clients "
                    "overdue for contact (a colleague's: managers)")
def get_agenda(
    context: SignedIn,
    staff_id: Annotated[IdFilter, Query(description="whose agenda (default: yours)")] = None,
    day: Annotated[date | None, Query(alias="date", description="which day, on the firm's clock (default: today)")]
    = None,
) -> Any:
    settings = context.runtime.settings
    now = utcnow()
    with context.unit() as session:
        found = agenda(session, staff_id or context.principal.id, day=day or now.astimezone(settings.zone).date(),
                       zone=settings.zone, now=now, reporting_currency=settings.reporting_currency,
                       by=context.principal)
        return AgendaOut.of(found)


@router.get("/relationships/overdue", response_model=OverduePageOut, responses=READ_MANY,
            name="relationships_overdue",
            summary="Active clients not contacted within their tier's cadence: key accounts first, then by revenue, "
                    "then the longest overdue")
def overdue(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, owner_id: IdFilter = None,
            tier: Tier | None = None) -> Any:
    settings = context.runtime.settings
    with context.unit() as session:
        found = service.overdue_contacts(session, now=utcnow(), reporting_currency=settings.reporting_currency,
                                         owner_id=owner_id, tier=tier, page=page, per_page=per_page,
                                         by=context.principal)
        return OverduePageOut.of(found)


@router.get("/relationships/key-accounts", response_model=KeyAccountsOut, responses=READ_MANY,
            name="relationships_key_accounts",
            summary="Key accounts: the smallest set of clients that brings 80% of the last twelve months' revenue, "
                    "largest first, a page at a time")
def key_accounts(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    with context.unit() as session:
        found = accounts.key_accounts(session, now=utcnow(), reporting_currency=context.runtime.settings
                                      .reporting_currency, page=page, per_page=per_page, by=context.principal)
        return KeyAccountsOut.model_validate(found.as_dict())


@router.get("/relationships/continuity", response_model=ContinuityOut, responses=READ_MANY,
            name="relationships_continuity",
            summary="Continuity: engagements delivered by the person who sold them; delivery people per client")
def continuity(context: SignedIn, days: Days = 365) -> Any:
    with context.unit() as session:
        return ContinuityOut.model_validate(
            accounts.continuity(session, now=utcnow(), days=days, by=context.principal).as_dict())


@router.get("/relationships/new-faces", response_model=NewFacesOut, responses=READ_MANY,
            name="relationships_new_faces",
            summary="Key accounts meeting a delivery person they never worked with, in the past or coming days")
def new_faces(context: SignedIn, days: Annotated[int, Query(ge=1, le=365)] = 30) -> Any:
    with context.unit() as session:
        found = accounts.new_faces(session, now=utcnow(), days=days, by=context.principal)
        return NewFacesOut(days=days, items=[NewFaceOut.model_validate(face, from_attributes=True)
                                             for face in found])


@router.get("/relationships/cadence", response_model=list[CadenceOut], responses=READ_MANY,
            name="relationships_cadence", summary="How often each tier should hear from the firm (days)")
def get_cadence(context: SignedIn) -> Any:
    with context.unit() as session:
        return _cadence(service.cadence_of(session, by=context.principal))


@router.patch("/relationships/cadence", response_model=list[CadenceOut], responses=UPDATE,
              name="set_relationships_cadence", summary="Set one tier's cadence (managers)")
def set_cadence(body: CadenceIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return _cadence(service.set_cadence(session, body.tier, body.every_days, by=context.principal))


@router.post("/relationships/calendar-link", status_code=201, response_model=CalendarLinkOut, responses=CREATE,
             name="make_calendar_link",
             summary="Make your private calendar link (iCalendar): shown only this once; the old link stops working")
def calendar_link(context: SignedIn) -> Any:
    with context.unit() as session:
        token = calendar.new_link(session, context.principal, by=context.principal)
    return CalendarLinkOut(url=service.calendar_url(context.runtime.settings.public_url, token))


@router.get("/rates", response_model=RatesOut, responses=READ_MANY, name="list_rates", tags=["rates"],
            summary="The exchange rates into the reporting currency")
def list_rates(context: SignedIn) -> Any:
    with context.unit() as session:
        return _rates(session, context)


Currency = Annotated[str, Path(pattern="^[A-Za-z]{3}$", description="an ISO 4217 code such as MYR")]


@router.put("/rates/{currency}", response_model=RateOut, responses=UPDATE, name="set_rate", tags=["rates"],
            summary="Set what one unit of a currency is worth in the reporting currency")
def set_rate(currency: Currency, body: RateIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = offerings.set_rate(session, currency, body.rate,
                                   reporting_currency=context.runtime.settings.reporting_currency,
                                   by=context.principal)
        return RateOut(currency=found.currency, rate=found.rate)

