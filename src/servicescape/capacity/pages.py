"""Capacity's pages: the staff × week heatmap (utilisation by band, the hours that perished unsold
and their cost), one person's bookings of a week (changed, added and deleted by managers), the
demand of the weeks ahead (with the baseline's backtest, the over-booked, and what to sell in the
valleys) and realisation and effective rate per person. Every figure is the service's; the routes
parse, call and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

import numpy as np
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from servicescape import i18n
from servicescape.analytics.labels import Numbers
from servicescape.auth import service as auth
from servicescape.capacity import calc, demand, outlook, service
from servicescape.capacity.capability import MANAGE, READ
from servicescape.capacity.models import Booking, BookingStatus
from servicescape.capacity.schemas import BookingIn, BookingPatch
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period
from servicescape.schemas import MAX_ID
from servicescape.tabular.amounts import parse_decimal
from servicescape.tabular.errors import TabularError
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
#: weeks the heatmap and the outlook show at most (a year)
MAX_PAGE_WEEKS = 52
Weeks = Annotated[int, Query(ge=1, le=MAX_PAGE_WEEKS)]
#: the heatmap by default: 4 weeks past, this week and the 7 after it
PAST_WEEKS = 4
DEFAULT_WEEKS = 12
WEEK_CHOICES = (4, 8, 12, 26, 52)
PERFORMANCE_DAYS = 90
#: days a page may ask about (its neighbours, a year on either side, still exist as dates)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)
#: what a booking's form changes, and which of those are hours
EDITED = ("hours", "billable", "status", "billed_hours")
ADDED = ("day", "hours", "billable", "status", "billed_hours", "note")
HOURS_FIELDS = ("hours", "billed_hours")
STATUS_LABELS = {BookingStatus.scheduled: N_("Scheduled"), BookingStatus.worked: N_("Worked")}
#: a scheduled total this far past the hours available counts as over-booked (floating sums)
OVER = 1e-9


@dataclass(frozen=True)
class Figures(Numbers):
    """Numbers as the reader's locale writes them, with hours (to a tenth) and whole percents."""

    def hours(self, value: float | None) -> str:
        if value is None or not np.isfinite(value):
            return "—"
        return format_decimal(round(float(value), 1), format="#,##0.#", locale=self.locale)

    def whole_percent(self, share: float | None) -> str:
        if share is None or not np.isfinite(share):
            return "—"
        return self.percent(round(float(share), 2))

    def day(self, value: date) -> str:
        """A day with its weekday, short: "Mon 12 Jan"."""
        return format_skeleton("MMMEd", value, locale=self.locale)

    def week(self, value: date) -> str:
        """A week by its Monday, short (a chart's axis): "12 Jan"."""
        return format_skeleton("MMMd", value, locale=self.locale)


def _figures(context: RequestContext) -> Figures:
    return Figures(Formatter(context.language, context.runtime.settings.zone).locale)


def _today(context: RequestContext) -> date:
    """Today on the firm's clock."""
    return utcnow().astimezone(context.runtime.settings.zone).date()


def _day_in_range(day: date, field: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=day.isoformat(), field=field),
                               field=field)
    return day


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def week_url(staff_id: int, week: date) -> str:
    return f"/capacity/bookings?staff={staff_id}&week={week.isoformat()}"


def _page(context: RequestContext, template: str, active: str, status_code: int = 200, **values: Any) -> Response:
    return render(context, template, status_code=status_code, active_nav="capacity", active=active,
                  numbers=_figures(context), week_url=week_url, **values)


# --- the heatmap -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One person's (or the firm's) week as the heatmap shows it."""

    week: date
    available: float
    scheduled: float
    billable: float
    utilisation: float | None
    band: str
    perished: float
    past: bool

    @property
    def overbooked(self) -> bool:
        return self.scheduled > self.available + OVER


def _cells(found: service.Heatmap, row: int) -> list[Cell]:
    return [Cell(week, float(found.available[row, w]), float(found.scheduled[row, w]), float(found.billable[row, w]),
                 _number(found.utilisation[row, w]), str(found.bands[row, w]), float(found.perished[row, w]),
                 bool(found.past[w])) for w, week in enumerate(found.weeks)]


def _firm_cells(found: service.Heatmap) -> list[Cell]:
    available, scheduled = found.available.sum(axis=0), found.scheduled.sum(axis=0)
    billable, perished = found.billable.sum(axis=0), found.perished.sum(axis=0)
    share = calc.utilisation(billable, available)
    bands = calc.bands(share)
    return [Cell(week, float(available[w]), float(scheduled[w]), float(billable[w]), _number(share[w]),
                 str(bands[w]), float(perished[w]), bool(found.past[w])) for w, week in enumerate(found.weeks)]


@router.get("/capacity")
def heatmap_page(context: Reader, first: date | None = None, weeks: Weeks = DEFAULT_WEEKS) -> Response:
    settings, today = context.runtime.settings, _today(context)
    start = calc.week_start(_day_in_range(first, "first")) if first else \
        calc.week_start(today) - timedelta(weeks=PAST_WEEKS)
    with context.unit() as session:
        found = service.heatmap(session, start, weeks, today=today, zone=settings.zone,
                                reporting_currency=settings.reporting_currency, by=context.principal)
    available = float(found.available.sum())
    average = float(found.billable.sum()) / available if available else None
    unpriced = sum(1 for n, row in enumerate(found.staff) if row.rate is None and found.perished[n].sum() > 0)
    last_past = max((w for w, past in enumerate(found.past) if past), default=-1)
    this_week = calc.week_start(today)
    return _page(
        context, "capacity/heatmap.html", "heatmap", found=found,
        rows=[(row, _cells(found, n)) for n, row in enumerate(found.staff)], firm_cells=_firm_cells(found),
        last_past=last_past, this_week=this_week, weeks=weeks, first=start,
        perished_hours=float(found.perished.sum()), perished_cost=float(np.nansum(found.perished_cost)),
        unpriced=unpriced, average=average, overbooked=demand.overbooked(found),
        earlier=start - timedelta(weeks=weeks), later=start + timedelta(weeks=weeks),
        default_first=this_week - timedelta(weeks=PAST_WEEKS), last_day=found.weeks[-1] + timedelta(days=6),
        week_choices=[str(n) for n in sorted({*WEEK_CHOICES, weeks})])


# --- a person's bookings of a week -----------------------------------------------------------------

def status_options() -> list[tuple[str, str]]:
    return [(status.value, i18n._(label)) for status, label in STATUS_LABELS.items()]


def _record_values(record: Booking) -> dict[str, str]:
    return {"hours": f"{record.hours:g}", "billable": "true" if record.billable else "false",
            "status": record.status.value,
            "billed_hours": "" if record.billed_hours is None else f"{record.billed_hours:g}"}


def bookings_view(context: RequestContext, staff_id: int, day: date, *, failed: int | None = None,
                  edit: FormState | None = None, add: FormState | None = None, status_code: int = 200) -> Response:
    settings, today = context.runtime.settings, _today(context)
    week = calc.week_start(_day_in_range(day, "week"))
    with context.unit() as session:
        person = auth.get_staff(session, staff_id, by=context.principal)
        found = service.heatmap(session, week, 1, today=today, zone=settings.zone,
                                reporting_currency=settings.reporting_currency, by=context.principal)
        records = service.week_bookings(session, staff_id, week, by=context.principal)
    row = next((n for n, r in enumerate(found.staff) if r.staff_id == staff_id), None)
    cell = _cells(found, row)[0] if row is not None else None
    days = [week + timedelta(days=n) for n in range(7)]
    past = bool(found.past[0])
    chosen = today if today in days else week
    forms = {record.id: edit if record.id == failed and edit else FormState(_record_values(record))
             for record in records}
    new = add or FormState({"day": chosen.isoformat(), "billable": "true",
                            "status": (BookingStatus.worked if past else BookingStatus.scheduled).value})
    numbers = _figures(context)
    day_options = [(d.isoformat(), numbers.day(d)) for d in days]
    if new.values.get("day") not in dict(day_options):    # a day typed elsewhere stays as it was posted
        day_options.insert(0, (new.values.get("day", ""), new.values.get("day", "")))
    return _page(context, "capacity/bookings.html", "heatmap", status_code=status_code, person=person, week=week,
                 days=days, day_options=day_options, cell=cell, records=records, forms=forms, failed=failed, add=new,
                 past=past, statuses=status_options(),
                 status_labels={s.value: i18n._(label) for s, label in STATUS_LABELS.items()},
                 earlier=week - timedelta(weeks=1), later=week + timedelta(weeks=1),
                 heatmap_first=week - timedelta(weeks=PAST_WEEKS), can_manage=context.can(MANAGE))


@router.get("/capacity/bookings")
def bookings_page(context: Reader, staff: Annotated[int, Query(ge=1, le=MAX_ID)], week: date) -> Response:
    return bookings_view(context, staff, week)


def _booking_form(schema: type[BaseModel], values: dict[str, str], context: RequestContext,
                  fixed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's values for the service: hours as people type them (7.5 or 7,5)."""
    typed, errors = dict(values), {}
    for name in HOURS_FIELDS:
        text = typed.get(name, "").strip()
        if not text:
            continue
        try:
            typed[name] = str(parse_decimal(text))
        except TabularError:
            errors[name] = i18n._("Enter a number of hours such as 7.5.")
    if errors:
        raise FormInvalid(errors)
    return parse_form(schema, typed, zone=context.runtime.settings.zone, fixed=fixed)


def _typed(values: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The posted fields of a booking's form; an unticked box is not posted: not billable."""
    typed = {name: values.get(name, "") for name in names}
    typed["billable"] = "true" if values.get("billable") else "false"
    return typed


@router.post("/capacity/bookings/{booking_id}")
def edit_booking(booking_id: RecordId, context: Manager, values: Posted) -> Response:
    with context.unit() as session:
        record = service.bookings.get(session, booking_id, by=context.principal)
        staff_id, week = record.staff_id, calc.week_start(record.day)
    typed = _typed(values, EDITED)
    try:
        changes = _booking_form(BookingPatch, typed, context)
        with context.unit() as session:
            service.bookings.update(session, service.bookings.get(session, booking_id, by=context.principal),
                                    changes, by=context.principal)
    except FORM_PROBLEMS as problem:
        return bookings_view(context, staff_id, week, failed=booking_id, edit=FormState.failed(typed, problem),
                             status_code=problem_status(problem))
    return see_other(week_url(staff_id, week), context, i18n._("The booking was saved."))


def _posted_id(text: str, field: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= MAX_ID:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=text, field=field), field=field)
    return int(text)


def _posted_day(text: str, field: str) -> date:
    try:
        return _day_in_range(date.fromisoformat(text), field)
    except ValueError:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=text, field=field),
                               field=field) from None


@router.post("/capacity/bookings")
def add_booking(context: Manager, values: Posted) -> Response:
    staff_id = _posted_id(values.get("staff_id", ""), "staff_id")
    week = _posted_day(values.get("week", ""), "week")
    typed = _typed(values, ADDED)
    try:
        data = _booking_form(BookingIn, typed, context, fixed={"staff_id": staff_id})
        with context.unit() as session:
            service.bookings.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return bookings_view(context, staff_id, week, add=FormState.failed(typed, problem),
                             status_code=problem_status(problem))
    return see_other(week_url(staff_id, calc.week_start(data["day"])), context, i18n._("The booking was added."))


@router.post("/capacity/bookings/{booking_id}/delete")
def delete_booking(booking_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        record = service.bookings.get(session, booking_id, by=context.principal)
        staff_id, week = record.staff_id, calc.week_start(record.day)
        service.bookings.delete(session, record, by=context.principal)
    return see_other(week_url(staff_id, week), context, i18n._("The booking was deleted."))


# --- the outlook -----------------------------------------------------------------------------------

def outlook_chart(weeks: list[dict[str, Any]], numbers: Figures) -> Chart:
    """Per week: the hours confirmed, in the pipeline (weighted) and of the usual work not yet
    booked, beside the capacity."""
    series = (("confirmed", i18n._("Confirmed")), ("pipeline", i18n._("Pipeline")),
              ("unbooked", i18n._("Usual, not booked")), ("capacity", i18n._("Capacity")))
    points = [PeriodValue(numbers.week(date.fromisoformat(week["week"])), week[key] or 0.0, label,
                          numbers.hours(week[key] or 0.0))
              for week in weeks for key, label in series]
    chart = bar_chart_by_period(
        points, title=i18n._("Demand and capacity by week"),
        description=i18n._("For each week ahead: the hours already booked, the pipeline's hours weighted by the "
                           "chance of winning them, the usual work the seasonal baseline expects that nobody has "
                           "booked yet, and the hours the staff have."),
        period_title=i18n._("Week of"), value_title=i18n.pgettext("work", "Hours"), locale=numbers.locale)
    chart.spec["config"]["legend"]["columns"] = 2      # four series' names fit a phone in two columns
    return chart


@router.get("/capacity/outlook")
def outlook_page(context: Reader, weeks: Weeks = outlook.HORIZON) -> Response:
    settings, today = context.runtime.settings, _today(context)
    with context.unit() as session:
        found = demand.demand(session, today=today, weeks=weeks, zone=settings.zone,
                              reporting_currency=settings.reporting_currency, by=context.principal)
        suggestions = demand.valley_suggestions(session, today=today, reporting_currency=settings.reporting_currency,
                                                by=context.principal)
    payload = demand.demand_payload(found)
    numbers = _figures(context)
    return _page(context, "capacity/outlook.html", "outlook", payload=payload, suggestions=suggestions,
                 chart=outlook_chart(payload["weeks"], numbers) if found.heatmap.staff else None,
                 has_staff=bool(found.heatmap.staff), weeks=weeks, currency=settings.reporting_currency,
                 valleys=[date.fromisoformat(w["week"]) for w in payload["weeks"] if w["valley"]],
                 as_date=date.fromisoformat)


# --- performance -----------------------------------------------------------------------------------

@router.get("/capacity/performance")
def performance_page(context: Reader, first: date | None = None, last: date | None = None) -> Response:
    settings = context.runtime.settings
    end = _day_in_range(last, "last") if last else _today(context)
    start = _day_in_range(first, "first") if first else end - timedelta(days=PERFORMANCE_DAYS)
    with context.unit() as session:
        found = service.performance(session, start, end, reporting_currency=settings.reporting_currency,
                                    by=context.principal)
    return _page(context, "capacity/performance.html", "performance", result=service.performance_payload(found),
                 first=start, last=end, currency=settings.reporting_currency)
