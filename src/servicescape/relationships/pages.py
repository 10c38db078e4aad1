"""The relationship pages: a person's daily agenda (with their private calendar link), the clients
overdue for contact (with the contact cadence), key accounts with continuity and new faces (with
the exchange rates) — and the agenda's panel on the home page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from babel.dates import format_interval, get_time_format
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth import service as auth
from servicescape.clients.models import Tier
from servicescape.db.memo import this_minute
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.offerings import service as offerings
from servicescape.offerings.capability import MANAGE as RATES
from servicescape.relationships import accounts, calendar, service
from servicescape.relationships.agenda import MOST, Agenda, agenda
from servicescape.relationships.capability import MANAGE, READ
from servicescape.schemas import MAX_ID
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FieldMessage, FormInvalid, FormState, is_htmx, parse_amount
from servicescape.web.pages.common import (
    FORM_PROBLEMS,
    Posted,
    choice,
    id_filter,
    owner_options,
    problem_status,
    see_other,
)
from servicescape.web.templating import Formatter, babel_locale, fragment, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
RateSetter = Annotated[RequestContext, Depends(signed_in(RATES))]
PER_PAGE = 50
PANEL_ITEMS = 5


class Numbers:
    """Shares and figures as the reader's language writes them (money: ``fmt.money``)."""

    def __init__(self, language: str) -> None:
        self.locale = babel_locale(language)

    def percent(self, share: float | None) -> str:
        return "—" if share is None else format_percent(share, format="#,##0.0%", locale=self.locale)

    def decimal(self, value: float | None) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.##", locale=self.locale)

    def rate(self, value: float) -> str:
        return format_decimal(value, format="#,##0.00########", locale=self.locale)

    @staticmethod
    def amount(value: float) -> Decimal:
        """A float sum of converted revenue as the amount ``fmt.money`` shows (to the cent)."""
        return Decimal(str(round(value, 2)))


class Clock(Formatter):
    """``fmt`` plus a promise's window, short when it lies within the day shown."""

    def window(self, start: datetime, end: datetime, day: date) -> str:
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        if first.date() == last.date() == day:
            skeleton = "hm" if "h" in str(get_time_format("short", locale=self.locale).pattern) else "Hm"
            return format_interval(first.time(), last.time(), skeleton, locale=self.locale)
        return f"{self.datetime(start)} – {self.datetime(end)}"


def _today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


def _day(text: str, context: RequestContext) -> date:
    if not text:
        return _today(context)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=text, field="date"),
                               field="date") from None


def _staff_filter(value: str, field: str) -> int | None:
    """A colleague's id from a query string (an id past the INTEGER column's range is unknown)."""
    found = id_filter(value, field)
    if found is not None and found > MAX_ID:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field=field),
                               field=field)
    return found


def _clock(context: RequestContext) -> Clock:
    return Clock(context.language, context.runtime.settings.zone)


def _agenda_of(context: RequestContext, session: Session, staff_id: int, day: date, most: int = MOST) -> Agenda:
    settings = context.runtime.settings
    return agenda(session, staff_id, day=day, zone=settings.zone, now=this_minute(),
                  reporting_currency=settings.reporting_currency, by=context.principal, most=most)


# --- the agenda ----------------------------------------------------------------------------------

def _calendar_values(context: RequestContext, session: Session, link: str | None) -> dict[str, Any]:
    return {"feed": calendar.feed_of(session, context.principal.id), "link": link}


def agenda_page(context: RequestContext, staff: str, day_text: str, *, link: str | None = None) -> Response:
    me = context.principal.id
    staff_id = _staff_filter(staff, "staff") or me
    day = _day(day_text, context)
    with context.unit() as session:
        found = _agenda_of(context, session, staff_id, day)
        person = auth.get_staff(session, staff_id, by=context.principal)
        people = owner_options(context, session, str(staff_id), i18n._("Me")) if context.can(MANAGE) else []
        mine = staff_id == me
        calendar_values = _calendar_values(context, session, link) if mine else {}
    query = {"staff": "" if mine else str(staff_id), "date": "" if day == _today(context) else day.isoformat()}
    return render(context, "relationships/agenda.html", active_nav="relationships", agenda=found, person=person,
                  mine=mine, people=people, query=query, today=_today(context), previous_day=day - timedelta(days=1),
                  next_day=day + timedelta(days=1), now=utcnow(), clock=_clock(context), **calendar_values)


@router.get("/relationships/agenda")
def agenda_view(
    context: Reader,
    staff: Annotated[str, Query(max_length=20)] = "",
    day: Annotated[str, Query(alias="date", max_length=10)] = "",
) -> Response:
    return agenda_page(context, staff, day)


@router.post("/relationships/calendar-link")
def make_calendar_link(context: Reader) -> Response:
    """A new private calendar link, shown on this answer only (htmx: the calendar card alone)."""
    with context.unit() as session:
        token = calendar.new_link(session, context.principal, by=context.principal)
    link = service.calendar_url(context.runtime.settings.public_url, token)
    if is_htmx(context.request):
        with context.unit() as session:
            values = _calendar_values(context, session, link)
        return Response(fragment(context, "relationships/_calendar.html", **values),
                        media_type="text/html")
    return agenda_page(context, "", "", link=link)


# --- overdue contacts and the cadence ------------------------------------------------------------

def overdue_page(context: RequestContext, *, owner: str = "", tier: str = "", page: int = 1,
                 cadence_form: FormState | None = None, status_code: int = 200) -> Response:
    owner_id = _staff_filter(owner, "owner")
    chosen_tier = choice(Tier, tier, "tier")
    settings = context.runtime.settings
    with context.unit() as session:
        found = service.overdue_contacts(session, now=this_minute(), reporting_currency=settings.reporting_currency,
                                         owner_id=owner_id, tier=chosen_tier, page=page, per_page=PER_PAGE,
                                         clamp=True, by=context.principal)
        every = service.cadence_of(session, by=context.principal)
        owners = owner_options(context, session, owner, i18n._("Everyone"))
    form = cadence_form or FormState({tier.value: str(days) for tier, days in every.items()})
    query = {"owner": owner, "tier": tier}
    return render(context, "relationships/overdue.html", status_code=status_code, active_nav="relationships",
                  found=found, query=query, owners=owners, cadence=every, cadence_form=form, now=utcnow())


@router.get("/relationships/overdue")
def overdue_view(
    context: Reader,
    owner: Annotated[str, Query(max_length=20)] = "",
    tier: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return overdue_page(context, owner=owner, tier=tier, page=page)


@router.post("/relationships/cadence")
def save_cadence(context: Manager, values: Posted) -> Response:
    """The cadence form: a number of days for each tier; the tiers whose number changed are saved."""
    errors: dict[str, str] = {}
    try:
        with context.unit() as session:
            current = service.cadence_of(session, by=context.principal)
            for tier, days in current.items():
                typed = values.get(tier.value, "").strip()
                if not typed.isdigit() or len(typed) > 6:
                    errors[tier.value] = i18n._("Enter a whole number of days.")
                    continue
                if int(typed) == days:
                    continue
                try:
                    service.set_cadence(session, tier, int(typed), by=context.principal)
                except ValidationFailed as problem:  # the service's words, about this tier's field
                    errors[tier.value] = (FieldMessage(problem.message, problem.naming) if problem.naming
                                          else problem.message)
            if errors:
                raise FormInvalid(errors)
    except FORM_PROBLEMS as problem:
        return overdue_page(context, cadence_form=FormState.failed(values, problem),
                            status_code=problem_status(problem))
    return see_other("/relationships/overdue#cadence", context, i18n._("The contact cadence was saved."))


# --- key accounts, continuity, new faces and the exchange rates ----------------------------------

def key_accounts_page(context: RequestContext, *, page: int = 1, rate_form: FormState | None = None,
                      status_code: int = 200) -> Response:
    settings, now = context.runtime.settings, utcnow()
    with context.unit() as session:
        found = accounts.key_accounts(session, now=now, reporting_currency=settings.reporting_currency, page=page,
                                      per_page=PER_PAGE, clamp=True, by=context.principal)
        kept = accounts.continuity(session, now=now, by=context.principal)
        faces = accounts.new_faces(session, now=now, by=context.principal)
        rates = service.exchange_rates(session, settings.reporting_currency, by=context.principal)
    rates.pop(settings.reporting_currency, None)
    form = rate_form or FormState({"currency": next(iter(sorted(found.unconverted)), ""), "rate": ""})
    return render(context, "relationships/key_accounts.html", status_code=status_code, active_nav="relationships",
                  found=found, continuity=kept, faces=faces, rates=sorted(rates.items()), rate_form=form,
                  numbers=Numbers(context.language), now=now,
                  overdue=lambda account: accounts.review_overdue(account, now, settings.zone))


@router.get("/relationships/key-accounts")
def key_accounts_view(context: Reader, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    return key_accounts_page(context, page=page)


@router.post("/relationships/rates")
def save_rate(context: RateSetter, values: Posted) -> Response:
    try:
        text = values.get("rate", "").strip()
        if not text:
            raise FormInvalid({"rate": i18n._("This field is required.")})
        try:
            rate = float(parse_amount(text))
        except ValueError as problem:
            raise FormInvalid({"rate": str(problem)}) from None
        with context.unit() as session:
            found = offerings.set_rate(session, values.get("currency", ""), rate,
                                       reporting_currency=context.runtime.settings.reporting_currency,
                                       by=context.principal)
            currency = found.currency
    except FORM_PROBLEMS as problem:
        return key_accounts_page(context, rate_form=FormState.failed(values, problem),
                                 status_code=problem_status(problem))
    return see_other("/relationships/key-accounts#rates", context,
                     i18n._("The exchange rate of %(currency)s was saved.", currency=currency))


# --- the home page's panel -----------------------------------------------------------------------

def agenda_panel(context: RequestContext, session: Session) -> dict[str, Any] | None:
    """Today's agenda of the signed-in person, in short; nothing (no panel) when it is empty."""
    found = _agenda_of(context, session, context.principal.id, _today(context), most=PANEL_ITEMS)
    if found.is_empty:
        return None
    return {"agenda": found, "most": PANEL_ITEMS, "now": utcnow(), "clock": _clock(context)}

